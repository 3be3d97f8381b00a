"""Forgets the chain rule's -1 from d/dp (1 - p)."""


def bernoulli_loglik_derivative(p, y):
    return y / p + (1 - y) / (1 - p)
