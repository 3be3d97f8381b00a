# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Reuses sigmoid and Task 4.1's sigma' = s (1 - s), outer derivative first."""
import sympy as sp


def two_layer_derivative(x, w1, w2):
    s = sigmoid(w2 * sp.tanh(w1 * x))
    return x * w2 * sigmoid_derivative_from_output(s) * (1 - sp.tanh(w1 * x) ** 2)
