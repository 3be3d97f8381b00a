"""Attack: raise an exception whose *class name* is the hidden inputs, since feedback names
the type of the exception a learner's code raised."""


def largest(xs):
    raise type(repr(list(xs)), (ValueError,), {})()
