"""-s (s - 1), the same factors with the sign moved."""


def sigmoid_derivative_from_output(s):
    return -s * (s - 1)
