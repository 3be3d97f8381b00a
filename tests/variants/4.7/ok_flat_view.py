"""Works on a flat float64 copy and reshapes each probe back to x's shape."""
import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    shape = np.shape(x)
    flat = np.array(x, dtype=np.float64).ravel()
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + eps
        up = f(flat.reshape(shape))
        flat[i] = keep - eps
        down = f(flat.reshape(shape))
        flat[i] = keep
        grad[i] = (up - down) / (2.0 * eps)
    return grad.reshape(shape)
