"""The second term with the sign moved into the numerator."""


def bernoulli_loglik_derivative(p, y):
    return y / p + (y - 1) / (1 - p)
