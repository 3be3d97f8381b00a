r"""A scalar reverse-mode autodiff engine: the chain rule, one operation at a time.

Every arithmetic operation on a :class:`Value` builds a new node that remembers its inputs
and, on the edge to each input, the *local derivative* :math:`\partial\,\text{out} /
\partial\,\text{input}`, computed in the same lines as the forward value. ``backward()``
then walks the graph from the output to the leaves and applies the chain rule,

.. math::

    \frac{\partial L}{\partial u} = \sum_{v \text{ uses } u}
    \frac{\partial L}{\partial v} \, \frac{\partial v}{\partial u},

so each node's ``grad`` becomes :math:`\partial L / \partial \text{node}`.

Gradient semantics (decided, and tested in ``tests/test_autodiff.py``):

1. Within one ``backward()`` pass, gradients ACCUMULATE over every use of a node: a node
   used twice receives both contributions (the sum above). ``x * x`` gives ``2 x``.
2. ``backward()`` first RESETS the ``grad`` of every node in the output's graph to zero, so
   calling it twice gives the same gradients, not doubled ones, and after it each ``grad``
   is the derivative of *this* output. (PyTorch accumulates across calls instead; to get the
   gradient of a sum of losses here, add the losses and call ``backward()`` once.)

>>> x = Value(3.0, label="x")
>>> y = x * x + x          # x used three times
>>> y.backward()
>>> x.grad                 # 2x + 1
7.0
>>> y.backward()           # again: reset first, so still 7, not 14
>>> x.grad
7.0

``backward()`` sorts the graph with an explicit stack, never recursion, so a chain of
:math:`10^4` operations is fine. :func:`to_sympy` turns a graph into a SymPy expression so a
gradient can be checked against ``sympy.diff``.
"""

from __future__ import annotations

import math
from numbers import Real

__all__ = ["Value", "to_sympy"]


class Value:
    r"""A scalar in a computation graph, with the derivative of the last output w.r.t. it.

    Attributes:
        data: the forward value, a float.
        grad: :math:`\partial L / \partial \text{self}` for the output ``L`` of the last
            ``backward()`` call whose graph contains this node (0.0 before any).
        label: a name for leaves; :func:`to_sympy` makes labelled leaves Symbols and
            unlabelled leaves constants.
    """

    __slots__ = ("_edges", "_exponent", "_op", "data", "grad", "label")

    def __init__(self, data: float, label: str = "") -> None:
        if isinstance(data, bool) or not isinstance(data, Real):
            raise TypeError(f"Value data must be a real number, got {type(data).__name__}")
        self.data = float(data)
        self.grad = 0.0
        self.label = str(label)
        self._op = ""  # "" for a leaf, else the name of the operation that made this node
        self._edges: tuple[tuple[Value, float], ...] = ()  # (input, d self / d input)
        self._exponent = 0.0  # only used by "**"

    def __repr__(self) -> str:
        name = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{name})"

    # ---- binary operations ------------------------------------------------------------

    def __add__(self, other: Value | float) -> Value:
        other = _as_value(other)
        return _node(self.data + other.data, "+",
                     (self, 1.0),                  # d(a+b)/da = 1
                     (other, 1.0))                 # d(a+b)/db = 1

    def __mul__(self, other: Value | float) -> Value:
        other = _as_value(other)
        return _node(self.data * other.data, "*",
                     (self, other.data),           # d(ab)/da = b
                     (other, self.data))           # d(ab)/db = a

    def __pow__(self, exponent: Value | float) -> Value:
        r"""``x ** c`` for a constant ``c``; ``x ** y`` for a Value ``y`` means
        :math:`e^{y \log x}` and needs ``x > 0``."""
        if isinstance(exponent, Value):
            return (exponent * self.log()).exp()
        if isinstance(exponent, bool) or not isinstance(exponent, Real):
            raise TypeError(f"exponent must be a number or a Value, got {type(exponent).__name__}")
        c, x = float(exponent), self.data
        if x < 0.0 and not c.is_integer():
            raise ValueError(f"x ** {c} is not real for x = {x} < 0")
        if x == 0.0 and c < 1.0 and c != 0.0:
            raise ValueError(f"x ** {c} has no finite derivative at x = 0")
        out = _node(x**c, "**",
                    (self, c * x ** (c - 1.0) if c != 0.0 else 0.0))  # d(x^c)/dx = c x^(c-1)
        out._exponent = c
        return out

    def __neg__(self) -> Value:
        return _node(-self.data, "neg", (self, -1.0))  # d(-a)/da = -1

    # Everything else is built from the operations above, so it needs no derivative of its own.
    def __sub__(self, other: Value | float) -> Value:
        return self + (-_as_value(other))

    def __truediv__(self, other: Value | float) -> Value:
        return self * _as_value(other) ** -1

    def __radd__(self, other: float) -> Value:
        return _as_value(other) + self

    def __rmul__(self, other: float) -> Value:
        return _as_value(other) * self

    def __rsub__(self, other: float) -> Value:
        return _as_value(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return _as_value(other) / self

    def __rpow__(self, base: float) -> Value:
        return _as_value(base) ** self

    # ---- elementary functions ---------------------------------------------------------

    def exp(self) -> Value:
        try:
            e = math.exp(self.data)
        except OverflowError:  # x > 709.78, the log of the largest float64
            raise OverflowError(f"exp({self.data}) overflows a float64") from None
        return _node(e, "exp", (self, e))          # d(e^x)/dx = e^x

    def log(self) -> Value:
        if self.data <= 0.0:
            raise ValueError(f"log is defined only for positive inputs, got log({self.data})")
        return _node(math.log(self.data), "log",
                     (self, 1.0 / self.data))      # d(log x)/dx = 1/x

    def tanh(self) -> Value:
        t = math.tanh(self.data)                   # math.tanh saturates at +-1, never overflows
        return _node(t, "tanh", (self, 1.0 - t * t))  # d(tanh x)/dx = 1 - tanh^2 x

    def sigmoid(self) -> Value:
        r"""Logistic :math:`\sigma(x) = 1/(1+e^{-x})`, evaluated so that the exponent is
        never positive: for :math:`x < 0` it uses :math:`e^{x}/(1+e^{x})`, which cannot
        overflow at :math:`x = -1000`."""
        if self.data >= 0.0:
            s = 1.0 / (1.0 + math.exp(-self.data))
        else:
            e = math.exp(self.data)
            s = e / (1.0 + e)
        return _node(s, "sigmoid", (self, s * (1.0 - s)))  # d(sigma)/dx = sigma (1 - sigma)

    def relu(self) -> Value:
        r""":math:`\max(0, x)`. Its derivative is 1 for x > 0 and 0 for x <= 0: at the kink
        x = 0 we pick 0 (any value in [0, 1] is a valid subgradient; PyTorch picks 0 too)."""
        return _node(max(0.0, self.data), "relu",
                     (self, 1.0 if self.data > 0.0 else 0.0))  # d(relu)/dx = [x > 0]

    # ---- the chain rule ---------------------------------------------------------------

    def backward(self) -> None:
        r"""Set ``node.grad`` to :math:`\partial\,\text{self} / \partial\,\text{node}` for
        every node of this graph.

        Resets every grad in the graph to 0, seeds ``self.grad = 1``, then visits the nodes
        from the output back to the leaves (reverse topological order, so a node's grad is
        complete before it is passed on) and adds ``local * node.grad`` into each input.
        """
        order = _topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in node._edges:
                parent.grad += local * node.grad   # chain rule; += sums over every use


def _as_value(x: Value | float) -> Value:
    """Wrap a plain number as an unlabelled leaf (a constant); pass a Value through."""
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"cannot combine a Value with {type(x).__name__}")
    return Value(x)


def _node(data: float, op: str, *edges: tuple[Value, float]) -> Value:
    """Make the output node of ``op``: its value and one (input, local derivative) per input."""
    out = Value(data)
    out._op = op
    out._edges = edges
    return out


def _topological_order(root: Value) -> list[Value]:
    """Nodes reachable from ``root``, every node after all of its inputs (``root`` last).

    Depth-first search with an explicit stack: ``(node, True)`` marks "inputs done, emit".
    """
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((parent, False) for parent, _ in node._edges if id(parent) not in seen)
    return order


def to_sympy(value: Value):
    r"""Return the SymPy expression that ``value``'s graph computes.

    A leaf with a ``label`` becomes ``sympy.Symbol(label)`` (leaves sharing a label share the
    symbol); an unlabelled leaf becomes its constant (an Integer when integral, else a
    Float). ``relu`` becomes ``Max(0, x)`` and ``sigmoid`` becomes ``1/(1 + exp(-x))``.
    Check a gradient with ``sympy.diff(to_sympy(out), sympy.Symbol("x"))``.

    Args:
        value: the output node.
    Returns:
        a ``sympy.Expr``.
    """
    import sympy  # only needed here; the engine itself is plain Python

    def number(c: float):
        return sympy.Integer(int(c)) if c.is_integer() else sympy.Float(c)

    if not isinstance(value, Value):
        raise TypeError(f"value must be a Value, got {type(value).__name__}")
    exprs: dict[int, sympy.Expr] = {}
    for node in _topological_order(value):  # inputs before outputs: no recursion
        args = [exprs[id(parent)] for parent, _ in node._edges]
        if node._op == "":
            expr = sympy.Symbol(node.label) if node.label else number(node.data)
        elif node._op == "+":
            expr = args[0] + args[1]
        elif node._op == "*":
            expr = args[0] * args[1]
        elif node._op == "**":
            expr = args[0] ** number(node._exponent)
        elif node._op == "neg":
            expr = -args[0]
        elif node._op == "exp":
            expr = sympy.exp(args[0])
        elif node._op == "log":
            expr = sympy.log(args[0])
        elif node._op == "tanh":
            expr = sympy.tanh(args[0])
        elif node._op == "sigmoid":
            expr = 1 / (1 + sympy.exp(-args[0]))
        elif node._op == "relu":
            expr = sympy.Max(0, args[0])
        else:  # pragma: no cover - every op above is listed
            raise AssertionError(f"unknown op {node._op!r}")
        exprs[id(node)] = expr
    return exprs[id(value)]
