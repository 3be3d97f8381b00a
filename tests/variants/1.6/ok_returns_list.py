"""Returns a list of two numpy floats, sigma as the square root of the mean squared
deviation."""
import numpy as np


def gaussian_mle(x):
    mu = np.mean(x)
    return [mu, np.sqrt(np.mean((np.asarray(x) - mu) ** 2))]
