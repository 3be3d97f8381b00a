# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Passes the child as a list [self] (Value keeps a tuple of it)."""
import numpy as np


def _value_tanh(self):
    t = float(np.tanh(self.data))
    out = Value(t, _children=[self], _op="tanh")

    def _backward():
        self.grad += (1.0 - t * t) * out.grad

    out._backward = _backward
    return out
