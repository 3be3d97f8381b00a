"""-(mu - x) / sigma^2."""


def gaussian_loglik_derivative_mu(x, mu, sigma):
    return -(mu - x) / sigma**2
