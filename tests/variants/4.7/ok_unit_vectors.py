"""Builds each step as eps times a unit array and calls f on x + step and x - step."""
import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    x = np.asarray(x, dtype=np.float64)
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad
