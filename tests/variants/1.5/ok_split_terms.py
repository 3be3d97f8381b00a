"""x / sigma^2 - mu / sigma^2, with sigma**-2."""


def gaussian_loglik_derivative_mu(x, mu, sigma):
    return x * sigma**-2 - mu * sigma**-2
