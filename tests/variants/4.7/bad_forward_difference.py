"""A one-sided (forward) difference: error of order eps, not eps^2."""
import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=np.float64)
    fx = f(x)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        grad[i] = (f(x) - fx) / eps
        x[i] = old
    return grad
