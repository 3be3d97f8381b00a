"""The derivative over a common denominator."""


def bernoulli_loglik_derivative(p, y):
    return (y - p) / (p * (1 - p))
