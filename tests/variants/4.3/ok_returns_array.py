"""Returns np.array([L, dL_dw1, dL_dw2]): a 1-d array of the documented length."""
import numpy as np


def backprop_scalar_net(x, t, w1, w2):
    h = np.tanh(w1 * x)
    y = 1.0 / (1.0 + np.exp(-w2 * h))
    g = (y - t) * y * (1.0 - y)
    return np.array([0.5 * (y - t) ** 2, g * w2 * (1.0 - h * h) * x, g * h])
