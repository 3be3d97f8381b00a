"""sigma from mean(x^2) - mean(x)^2: cancellation makes it wrong (or nan) for data far
from 0."""
import numpy as np


def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    mu = float(np.mean(x))
    return mu, float(np.sqrt(np.mean(x * x) - mu * mu))
