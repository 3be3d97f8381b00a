"""dL/dy written as t - y: both gradients have the wrong sign."""
import numpy as np


def backprop_scalar_net(x, t, w1, w2):
    h = np.tanh(w1 * x)
    y = 1.0 / (1.0 + np.exp(-w2 * h))
    g = (t - y) * y * (1.0 - y)
    return float(0.5 * (y - t) ** 2), float(g * w2 * (1.0 - h * h) * x), float(g * h)
