"""Works on the caller's array itself (np.asarray): an integer x cannot hold x + eps."""
import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    x = np.asarray(x)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad
