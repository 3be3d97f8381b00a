"""1 - s: forgets the factor s."""


def sigmoid_derivative_from_output(s):
    return 1 - s
