# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Uses 1 - x^2 (the input) instead of 1 - tanh(x)^2."""
import numpy as np


def _value_tanh(self):
    t = float(np.tanh(self.data))
    out = Value(t, _children=(self,), _op="tanh")

    def _backward():
        self.grad += (1.0 - self.data**2) * out.grad

    out._backward = _backward
    return out
