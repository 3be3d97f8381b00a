"""Attack: raise an exception whose message holds the hidden inputs."""


def largest(xs):
    raise ValueError(f"hidden inputs: {list(xs)}")
