"""Tests the sign of the upstream gradient G instead of the input Z."""
import numpy as np


def relu_backward(G, Z):
    return np.where(G > 0, G, 0.0)
