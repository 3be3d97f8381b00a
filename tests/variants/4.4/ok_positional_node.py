# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Builds the node with positional arguments and local derivatives named first."""


def _value_mul(self, other):
    if not isinstance(other, Value):
        other = Value(float(other))
    out = Value(self.data * other.data, "", (self, other), "*")
    d_self, d_other = other.data, self.data

    def _backward():
        self.grad += d_self * out.grad
        other.grad += d_other * out.grad

    out._backward = _backward
    return out
