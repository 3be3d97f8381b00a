# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""The derivative as 1 / cosh(x)^2 (np.cosh overflows to inf, giving 0, as it should)."""
import numpy as np


def _value_tanh(self):
    out = Value(float(np.tanh(self.data)), _children=(self,), _op="tanh")

    def _backward():
        with np.errstate(over="ignore"):
            self.grad += float(1.0 / np.cosh(self.data) ** 2) * out.grad

    out._backward = _backward
    return out
