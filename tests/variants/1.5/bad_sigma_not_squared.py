"""Divides by sigma instead of sigma^2."""


def gaussian_loglik_derivative_mu(x, mu, sigma):
    return (x - mu) / sigma
