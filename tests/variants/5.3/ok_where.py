"""np.where on the sign of Z."""
import numpy as np


def relu_backward(G, Z):
    return np.where(Z > 0, G, 0.0)
