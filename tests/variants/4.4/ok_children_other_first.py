# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Lists the children as (other, self): the graph is the same, only the order differs."""


def _value_mul(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, _children=(other, self), _op="*")

    def _backward():
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad

    out._backward = _backward
    return out
