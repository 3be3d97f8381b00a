# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""math.tanh for the value, the derivative from the output t."""
import math


def _value_tanh(self):
    t = math.tanh(self.data)
    out = Value(t, _children=(self,), _op="tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out
