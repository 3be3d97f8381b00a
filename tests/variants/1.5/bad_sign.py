"""Drops the -1 of the chain rule on (x - mu)^2."""


def gaussian_loglik_derivative_mu(x, mu, sigma):
    return (mu - x) / sigma**2
