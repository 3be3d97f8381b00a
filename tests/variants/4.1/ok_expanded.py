"""s - s^2, expanded."""


def sigmoid_derivative_from_output(s):
    return s - s**2
