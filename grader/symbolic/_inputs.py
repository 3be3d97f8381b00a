r"""Reading the checker's inputs: coercion to SymPy, shapes, cheap structural identity."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ._safe import Limits, SymbolicInputError
from .parse import parse_answer


def coerce(obj: object, names: set[str], limits: Limits, like=None,
           deadline: float | None = None):
    r"""An answer or reference as a SymPy expression or Matrix.

    Text is parsed safely (`names` are the known variables), by `deadline`; a list (of
    expressions or of text) becomes a column vector, a list of rows a matrix; a flat list
    next to a 1xn `like` becomes a row. Raises SymbolicInputError (unreadable text, or too
    large) or TypeError (other types).
    """
    if isinstance(obj, str):
        return parse_answer(obj, names, limits=limits, deadline=deadline)
    if isinstance(obj, np.ndarray):
        obj = obj.tolist()
    if isinstance(obj, (list, tuple)):
        rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in obj]
        if not rows or len({len(r) for r in rows}) != 1:
            raise TypeError("a vector or matrix must be a non-empty list of equal-length rows")
        if len(rows) * len(rows[0]) > limits.max_entries:
            raise SymbolicInputError(f"a matrix may have at most {limits.max_entries} entries",
                                     too_large=True)
        m = sp.Matrix([[scalar(x, names, limits, deadline) for x in r] for r in rows])
        if isinstance(like, sp.MatrixBase) and like.rows == 1 and m.cols == 1:
            m = m.T  # a flat list carries no orientation: match a row reference
        return m
    if isinstance(obj, sp.MatrixBase):
        if obj.rows * obj.cols > limits.max_entries:
            raise SymbolicInputError(f"a matrix may have at most {limits.max_entries} entries",
                                     too_large=True)
        return sp.Matrix(obj)
    return scalar(obj, names, limits, deadline)


def scalar(x: object, names: set[str], limits: Limits, deadline: float | None = None) -> sp.Expr:
    r"""One entry: a SymPy expression, a Python/numpy number, or text (parsed safely)."""
    if isinstance(x, sp.Basic) and not isinstance(x, sp.MatrixBase):
        return x
    if isinstance(x, str):
        value = parse_answer(x, names, limits=limits, deadline=deadline)
        if isinstance(value, sp.MatrixBase):
            raise TypeError("a vector entry must be a single expression, not [...]")
        return value
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"expected an expression, got {type(x).__name__}")
    if isinstance(x, (int, np.integer)):
        return sp.Integer(int(x))
    if isinstance(x, (float, np.floating)):
        return sp.Float(float(x))
    raise TypeError(f"expected a SymPy expression, got {type(x).__name__}")


def entries(e) -> list[sp.Expr]:
    r"""The entries of a Matrix in row-major order, or ``[e]`` for a scalar."""
    return list(e) if isinstance(e, sp.MatrixBase) else [e]


def free(e) -> set[sp.Symbol]:
    r"""Free symbols of an expression or of every entry of a Matrix."""
    out: set[sp.Symbol] = set()
    for x in entries(e):
        out |= x.free_symbols
    return out


def shape(e) -> tuple[int, int] | None:
    r"""(rows, cols) of a Matrix; None for a scalar or a 1x1 matrix."""
    if isinstance(e, sp.MatrixBase) and e.shape != (1, 1):
        return (e.rows, e.cols)
    return None


def shape_text(shape) -> str:
    r"""'a scalar' or 'a 3x1 matrix', for messages."""
    return "a scalar" if shape is None else f"a {shape[0]}x{shape[1]} matrix"


def float_floor(exprs: list[sp.Basic]) -> float:
    """Relative tolerance floor: 1e-13 if a float literal is a rounded value like 1/3.

    Floats are read as the decimals they print as (0.1 is 1/10), so ``0.5*x`` is exact. A
    float with more than 12 significant digits (``x*(1/3)`` computed in Python) is a
    rounded number; comparing it at 50 digits would reject correct maths, so then the
    tolerance is float64-sized instead.
    """
    for e in exprs:
        for f in e.atoms(sp.Float):
            digits = repr(float(f)).lower().split("e")[0].replace("-", "").replace(".", "")
            if len(digits.strip("0")) > 12:
                return 1e-13
    return 0.0


def same(a: sp.Basic, r: sp.Basic) -> bool:
    """Structurally identical, matching symbols by name; no simplification, no rebuilding.

    (Rebuilding, e.g. ``xreplace``, would let SymPy re-simplify a hostile expression.)
    """
    stack = [(a, r)]
    seen = 0
    while stack:
        u, v = stack.pop()
        seen += 1
        if seen > 100_000:
            return False
        if u is v:
            continue
        if isinstance(u, sp.Symbol) or isinstance(v, sp.Symbol):
            if not (isinstance(u, sp.Symbol) and isinstance(v, sp.Symbol) and u.name == v.name):
                return False
            continue
        if type(u) is not type(v) or len(u.args) != len(v.args):
            return False
        if not u.args:
            if u != v:
                return False
            continue
        stack.extend(zip(u.args, v.args, strict=True))
    return True
