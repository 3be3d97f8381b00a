r"""Sample points on both sides of every kink and jump of the answer and the reference.

A derivative that is right on :math:`[-4, 4]` can be wrong beyond it (``step(x)`` for the
derivative of ReLU6, :math:`H(x)\,H(6 - x)`, differs only for :math:`x > 6`), and one that
is right away from a kink can be wrong next to it. Kinks and jumps sit where

* the argument :math:`g` of ``Heaviside``, ``Abs``, ``sign``, ``DiracDelta``, ``floor``
  or ``ceiling`` changes sign;
* two arguments :math:`a, b` of ``Max`` or ``Min`` cross (:math:`a - b` changes sign);
* the two sides of a relation :math:`l < r` (a ``Piecewise`` condition) meet,

in the answer *and* in the reference. For each such pair :math:`(l, r)` and each variable
:math:`v` in it, with the other variables at a sampled point, the sign changes of
:math:`l - r` along :math:`v` are found on a grid over :math:`v`'s domain (for the reals,
0 and :math:`\pm 10^{-3} \dots \pm 2000`, log-spaced), narrowed by bisection, and the points
:math:`1\%` of :math:`\max(|\mathrm{root}|, 1)` either side of the root become sample
points -- four significant digits, and kept only if :math:`l - r` really has opposite signs
there. Everything is float64 (only the positions matter) and bounded: at most 16 pairs, 3
variables per pair, 2 base points, 12 new points.
"""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import combinations

import numpy as np
import sympy as sp

from ._safe import DEFAULT_LIMITS, unique_nodes
from .domains import Domain
from .numeric import float_values

__all__ = ["kink_points"]

_ARGUMENT_KINKS = (sp.Heaviside, sp.Abs, sp.sign, sp.DiracDelta, sp.floor, sp.ceiling)
_RELATIONS = (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan,
              sp.Equality, sp.Unequality)
_GRID = np.geomspace(1e-3, 2000.0, 48)


def kink_pairs(exprs: list[sp.Basic], cap: int = 16) -> list[tuple[sp.Expr, sp.Expr]]:
    r"""The pairs :math:`(l, r)` whose crossing :math:`l = r` is a kink or a jump."""
    pairs: list[tuple[sp.Expr, sp.Expr]] = []
    zero = sp.Integer(0)
    for expr in exprs:
        for node in unique_nodes(expr, DEFAULT_LIMITS.max_tree_nodes):
            if isinstance(node, _ARGUMENT_KINKS):
                found = [(node.args[0], zero)]
            elif isinstance(node, (sp.Max, sp.Min)):
                found = list(combinations(node.args[:4], 2))
            elif isinstance(node, _RELATIONS):
                found = [(node.args[0], node.args[1])]
            else:
                continue
            for pair in found:
                if pair not in pairs and (pair[0].free_symbols or pair[1].free_symbols):
                    pairs.append(pair)
                if len(pairs) >= cap:
                    return pairs
    return pairs


def kink_points(exprs: list[sp.Basic], domains: dict[str, Domain],
                base_points: list[dict[str, Fraction]], deadline: float,
                limit: int = 12) -> list[dict[str, Fraction]]:
    r"""Points on both sides of the kinks of `exprs` (see the module docstring).

    Args:
        exprs: the answer's and the reference's entries.
        domains: variable name -> domain (every free variable of `exprs`).
        base_points: sampled points giving the values of the other variables.
        deadline: a ``time.monotonic()`` value (EvalTimeout past it).
        limit: at most this many points.
    """
    out: list[dict[str, Fraction]] = []
    seen: set[tuple[str, str]] = set()
    for left, right in kink_pairs(exprs):
        names = sorted({s.name for s in left.free_symbols | right.free_symbols} & set(domains))
        for name in names[:3]:
            for base in base_points[:2]:
                for root, pair in _crossings(left, right, name, domains[name], base, deadline):
                    key = (name, f"{root:.3g}")
                    if key in seen:
                        continue
                    seen.add(key)
                    out += [{**base, name: v} for v in pair]
                    if len(out) >= limit:
                        return out[:limit]
    return out


def _crossings(left, right, name: str, domain: Domain, base: dict[str, Fraction],
               deadline: float):
    """(root, (point below, point above)) for each sign change of left - right along `name`."""
    grid = _grid(domain)
    f = _difference(left, right, name, base, deadline)
    values = f(grid)
    sign = np.sign(values)
    finite = np.isfinite(values)
    k = np.flatnonzero(finite[:-1] & finite[1:] & (sign[:-1] * sign[1:] <= 0)
                       & (sign[:-1] != sign[1:]))[:4]
    if len(k) == 0:
        return []
    lo, hi = grid[k].copy(), grid[k + 1].copy()
    f_lo = values[k]
    for _ in range(12):
        mid = (lo + hi) / 2
        f_mid = f(mid)
        same = np.sign(f_mid) == np.sign(f_lo)
        lo, f_lo = np.where(same, mid, lo), np.where(same, f_mid, f_lo)
        hi = np.where(same, hi, mid)
    found = []
    for root, a, b in zip((lo + hi) / 2, lo, hi, strict=True):
        step = 0.01 * max(abs(root), 1.0)
        for below, above, digits in ((root - step, root + step, 4), (a, b, 10)):
            pair = (_decimal(below, digits), _decimal(above, digits))
            if not all(domain.contains(float(v)) for v in pair):
                continue
            ends = f(np.array([float(v) for v in pair]))
            if np.all(np.isfinite(ends)) and ends[0] * ends[1] < 0:
                found.append((float(root), pair))
                break
    return found


def _difference(left, right, name, base, deadline):
    def f(xs: np.ndarray) -> np.ndarray:
        env = {k: np.full(len(xs), float(v)) for k, v in base.items()}
        env[name] = np.asarray(xs, dtype=float)
        with np.errstate(all="ignore"):
            return float_values(left, env, deadline)[0] - float_values(right, env, deadline)[0]
    return f


def _grid(domain: Domain) -> np.ndarray:
    if domain.name == "real":
        return np.concatenate([-_GRID[::-1], [0.0], _GRID])
    if domain.name == "positive":
        return _GRID
    if domain.name == "negative":
        return -_GRID[::-1]
    lo, hi = (0.0, 1.0) if domain.name == "unit" else (domain.lo, domain.hi)
    return np.linspace(lo, hi, 99)[1:-1]


def _decimal(v: float, digits: int) -> Fraction:
    return Fraction(f"{v:.{digits}g}") if math.isfinite(v) else Fraction(0)
