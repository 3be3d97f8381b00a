"""Plain Python floats from the math module, a list of three."""
import math


def backprop_scalar_net(x, t, w1, w2):
    h = math.tanh(w1 * x)
    z2 = w2 * h
    y = 1.0 / (1.0 + math.exp(-z2)) if z2 >= 0 else math.exp(z2) / (1.0 + math.exp(z2))
    dz2 = (y - t) * y * (1.0 - y)
    return [0.5 * (y - t) ** 2, dz2 * w2 * (1.0 - h**2) * x, dz2 * h]
