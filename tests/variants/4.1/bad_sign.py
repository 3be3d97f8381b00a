"""s^2 - s: the sign slipped."""


def sigmoid_derivative_from_output(s):
    return s**2 - s
