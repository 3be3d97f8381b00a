# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""tanh from (e^2x - 1) / (e^2x + 1): inf / inf is nan at x = 1000."""
import numpy as np


def _value_tanh(self):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(2.0 * self.data)
        t = float((e - 1.0) / (e + 1.0))
    out = Value(t, _children=(self,), _op="tanh")

    def _backward():
        self.grad += (1.0 - t * t) * out.grad

    out._backward = _backward
    return out
