"""Multiplies by the Heaviside step (0 at Z = 0)."""
import numpy as np


def relu_backward(G, Z):
    return G * np.heaviside(Z, 0.0)
