r"""Variable domains and how to sample them.

A numeric equivalence check is only as good as its points. Sampling every variable from
[1, 5] accepts ``1`` as the derivative of ``|w|`` every time; sampling ``p`` from the reals
makes ``log(1 - p)`` undefined half the time; sampling only :math:`|x| \le 4` accepts
``step(x)`` for the derivative of ReLU6, which differs only beyond 6. So each variable has
a domain:

============  ==========================================================================
``real``      both signs; magnitudes log-uniform in [0.05, 4], one point in six within
              0.3 of 0 (near the kink of ``|x|``, ``relu``, ``Heaviside``), one in six at
              wide scales, log-uniform in [5, 1000]; never exactly 0
``positive``  log-uniform in [0.1, 10], one point in six in [10, 1000]
``negative``  the mirror image of ``positive``
``unit``      uniform in (0.02, 0.98) (probabilities: ``log(p)`` *and* ``log(1 - p)``)
``(lo, hi)``  uniform in the open interval
============  ==========================================================================

The kind of a point (near 0, ordinary, wide) depends on its index only, so a wide point is
wide in every variable at once. Points near the kinks of the expressions themselves (at 6
for ReLU6) are added by :mod:`.kinks`. Points are rounded to three significant digits, so a
counterexample can be shown exactly (``x = -1.37``) and recomputed from what is shown. When
a domain is not declared it is inferred from the reference: a variable that is the
argument of a ``log`` or the base of a square root is positive, ``1 - p`` under a ``log``
makes ``p`` a probability, and anything else -- including every variable under ``Abs``,
``Piecewise``, ``Max`` or ``Heaviside`` -- is sampled on both signs.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from ._safe import DEFAULT_LIMITS, unique_nodes

__all__ = ["NEGATIVE", "POSITIVE", "REAL", "UNIT", "Domain", "as_domain", "infer_domains"]


@dataclass(frozen=True)
class Domain:
    r"""Where a variable lives and how to draw points from it.

    Attributes:
        name: "real", "positive", "negative", "unit" or "interval".
        lo, hi: the bounds (for "interval"; informative otherwise).
    """

    name: str
    lo: float = -math.inf
    hi: float = math.inf

    def sample(self, rng: random.Random, n: int) -> list[Fraction]:
        r"""Draw `n` points, exact decimals with three significant digits.

        Point ``i`` is near 0 if ``i % 6 == 0`` and at a wide scale if ``i % 6 == 3``
        (``real``, ``positive``, ``negative``); the sign of a ``real`` point is random.
        """
        if self.name in ("real", "positive", "negative"):
            out = []
            for i in range(n):
                if i % 6 == 3:
                    mag = _log_uniform(rng, 5 if self.name == "real" else 10, 1000)
                elif self.name == "real":
                    mag = _log_uniform(rng, 0.02, 0.3) if i % 6 == 0 else \
                        _log_uniform(rng, 0.05, 4)
                else:
                    mag = _log_uniform(rng, 0.1, 10)
                sign = {"positive": 1, "negative": -1}.get(self.name) or rng.choice((1, -1))
                out.append(_round(mag) * sign)
            return out
        if self.name == "unit":
            return [Fraction(rng.randint(20, 980), 1000) for _ in range(n)]
        return [self._interval(rng) for _ in range(n)]

    def contains(self, v: float) -> bool:
        r"""Is `v` inside the domain (strictly, for bounded ones)?"""
        if self.name == "real":
            return math.isfinite(v)
        if self.name == "unit":
            return 0 < v < 1
        if self.name == "positive":
            return 0 < v < math.inf
        if self.name == "negative":
            return -math.inf < v < 0
        return self.lo < v < self.hi

    def _interval(self, rng: random.Random) -> Fraction:
        lo, hi = Fraction(self.lo), Fraction(self.hi)
        quantum = Fraction(10) ** (math.floor(math.log10(float(hi - lo))) - 3)
        steps = int((hi - lo) / quantum)
        k = rng.randint(1, max(1, steps - 1))
        return lo + k * quantum

    def describe(self) -> str:
        if self.name == "interval":
            return f"in ({self.lo:g}, {self.hi:g})"
        return {"real": "any real number", "positive": "positive", "negative": "negative",
                "unit": "in (0, 1)"}[self.name]


REAL = Domain("real")
POSITIVE = Domain("positive", 0.0)
NEGATIVE = Domain("negative", -math.inf, 0.0)
UNIT = Domain("unit", 0.0, 1.0)

_NAMED = {"real": REAL, "nonzero": REAL, "positive": POSITIVE, "negative": NEGATIVE,
          "unit": UNIT, "probability": UNIT}


def as_domain(spec: object) -> Domain:
    r"""Turn a domain spec into a Domain.

    Args:
        spec: a Domain; one of "real", "positive", "negative", "unit" ("probability");
            or a pair ``(lo, hi)`` of finite numbers with lo < hi.
    Raises:
        ValueError: an unknown spec, naming it.
    """
    if isinstance(spec, Domain):
        return spec
    if isinstance(spec, str) and spec in _NAMED:
        return _NAMED[spec]
    if isinstance(spec, tuple) and len(spec) == 2:
        lo, hi = (float(v) for v in spec)
        if math.isfinite(lo) and math.isfinite(hi) and lo < hi:
            return Domain("interval", lo, hi)
    raise ValueError(
        f"unknown domain {spec!r}: use 'real', 'positive', 'negative', 'unit' or (lo, hi)"
    )


def infer_domains(exprs: list[sp.Basic], names: set[str]) -> dict[str, Domain]:
    r"""Guess a domain for each variable in `names` from how `exprs` use it.

    Rules, per variable ``s``: declared SymPy assumptions win (``positive=True``); ``log(s)``,
    ``sqrt(s)``, ``s**y`` (any exponent but an integer literal) make it positive;
    ``log(1 - s)`` or ``sqrt(1 - s)`` as well make it a probability in (0, 1); otherwise it
    is real, sampled on both signs.
    """
    positive: set[str] = set()
    below_one: set[str] = set()
    assumed: dict[str, Domain] = {}
    for expr in exprs:
        for sym in expr.free_symbols:
            if sym.is_positive:
                assumed[sym.name] = POSITIVE
            elif sym.is_negative:
                assumed[sym.name] = NEGATIVE
        for node in unique_nodes(expr, DEFAULT_LIMITS.max_tree_nodes):
            arg = None
            if isinstance(node, sp.log):
                arg = node.args[0]
            elif isinstance(node, sp.Pow) and not isinstance(node.exp, sp.Integer):
                arg = node.base
            if arg is None:
                continue
            # Structural tests only: asking SymPy (``-other``, ``.is_integer``) could make it
            # re-evaluate an answer's unevaluated radicals (see ._safe).
            if isinstance(arg, sp.Symbol):
                positive.add(arg.name)
            elif isinstance(arg, sp.Add) and len(arg.args) == 2 and sp.S.One in arg.args:
                other = arg.args[1] if arg.args[0] == 1 else arg.args[0]
                if isinstance(other, sp.Mul) and len(other.args) == 2 \
                        and other.args[0] == -1 and isinstance(other.args[1], sp.Symbol):
                    below_one.add(other.args[1].name)
    out = {}
    for name in names:
        if name in assumed:
            out[name] = assumed[name]
        elif name in below_one:
            out[name] = UNIT
        elif name in positive:
            out[name] = POSITIVE
        else:
            out[name] = REAL
    return out


def _log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def _round(v: float) -> Fraction:
    return Fraction(f"{v:.3g}")
