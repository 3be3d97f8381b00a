# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Writes tanh' as 1 - tanh instead of 1 - tanh^2."""
import sympy as sp


def two_layer_derivative(x, w1, w2):
    y = sigmoid(w2 * sp.tanh(w1 * x))
    return y * (1 - y) * w2 * (1 - sp.tanh(w1 * x)) * x
