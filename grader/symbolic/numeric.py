r"""Our own numeric calculator for whitelisted SymPy expressions: no code generation.

Compiling an expression to a Python function writes source code and runs it; SymPy's
own numeric substitution is slow and its accuracy depends on SymPy's own heuristics (and it
would re-evaluate the unevaluated radicals that :mod:`._safe` keeps away from SymPy). This
module walks the expression once per call, computing each distinct subexpression once
(shared subtrees are memoised), in two modes:

* :func:`float_values` -- numpy float64, vectorised over all sample points at once (fast);
* :func:`mp_value` -- mpmath at a chosen number of digits, one point at a time (exact enough
  to see an ``exp(-40)`` difference next to an O(1) value).

Both use real-valued semantics (:mod:`._realfuncs`): ``log`` of a negative number, a
non-integer power of a negative number, ``asin(2)`` are *undefined* (nan), as are the complex
values SymPy's principal branches would give. The float64 mode also returns a *term scale*
(the largest magnitude of any term of any sum met on the way); the mpmath mode returns a
running bound on the value's own error instead, which follows cancellation through every
later operation.

Bounds: magnitudes beyond :math:`2^{3\cdot10^6}` become inf, ``exp``/``sinh``/``cosh`` of
arguments beyond :math:`10^6` overflow to inf directly, trigonometric functions of
arguments beyond :math:`10^{30}` are nan: no mpmath call can run away with memory or time.
Such an artificial overflow is reported (``MpValue.clamped``): the value is then no evidence
either way. Every node checks a wall-clock deadline.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction
from functools import reduce
from typing import NamedTuple

import mpmath
import numpy as np
import sympy as sp

from ._realfuncs import FLOAT_OPS, MP_OPS, MP_SLOPES, clamps, mp_exp

__all__ = ["EvalTimeout", "MpValue", "Unsupported", "float_values", "mp_value"]

_MAX_MAG = 3_000_000
_BIG_ARG = 1_000_000


class Unsupported(Exception):
    r"""The expression contains a node this module does not know."""


class EvalTimeout(Exception):
    r"""The deadline passed during the computation."""


def _describe(expr: sp.Basic) -> str:
    if isinstance(expr, sp.Derivative):
        return ("an unfinished derivative (call .doit(); declare symbols real with "
                "sp.Symbol('x', real=True))")
    return f"{type(expr).__name__}, which cannot be evaluated"


# --------------------------------------------------------------------------- float64
def float_values(expr: sp.Basic, env: dict[str, np.ndarray], deadline: float
               ) -> tuple[np.ndarray, np.ndarray]:
    r"""Evaluate `expr` at many points at once in float64.

    Args:
        expr: a whitelisted SymPy expression.
        env: variable name -> float64 array of shape (n,) (all the same n).
        deadline: a `time.monotonic()` value after which EvalTimeout is raised.
    Returns:
        (values, term_scale), both float64 arrays of shape (n,).
    """
    n = len(next(iter(env.values()))) if env else 1
    ev = _FloatWalk(env, n, deadline)
    with np.errstate(all="ignore"):
        value = np.broadcast_to(np.asarray(ev.go(expr), dtype=float), (n,)).copy()
    return value, ev.scale


class _FloatWalk:
    def __init__(self, env, n, deadline):
        self.env, self.n, self.deadline = env, n, deadline
        self.memo: dict[sp.Basic, object] = {}
        self.scale = np.zeros(n)

    def go(self, e):
        hit = self.memo.get(e)
        if hit is not None:
            return hit
        if time.monotonic() > self.deadline:
            raise EvalTimeout
        value = self.compute(e)
        self.memo[e] = value
        return value

    def compute(self, e):
        if isinstance(e, sp.Symbol):
            if e.name not in self.env:
                raise Unsupported(f"no value for the variable {e.name}")
            return self.env[e.name]
        if isinstance(e, sp.Number) or e in _CONST_FLOAT:
            return _number_float(e)
        if e is sp.true or e is sp.false:
            return np.full(self.n, bool(e))
        func = e.func
        if isinstance(e, sp.Piecewise):
            conds = [np.broadcast_to(self.go(c), (self.n,)) for _, c in e.args]
            vals = [np.broadcast_to(self.go(x), (self.n,)) for x, _ in e.args]
            return np.select(conds, vals, default=np.nan)
        if func not in FLOAT_OPS and func not in (sp.Add, sp.Mul, sp.Pow):
            raise Unsupported(_describe(e))
        args = [self.go(a) for a in e.args]
        if func is sp.Add:
            for a in args:
                self.scale = np.maximum(self.scale, np.abs(a))
            return reduce(np.add, args)
        if func is sp.Mul:
            return reduce(np.multiply, args)
        if func is sp.Pow:
            return np.power(np.asarray(args[0], dtype=float), args[1])
        return FLOAT_OPS[func](*args)


def _number_float(e) -> float:
    if e in _CONST_FLOAT:
        return _CONST_FLOAT[e]
    if isinstance(e, sp.Rational):
        try:
            return int(e.p) / int(e.q)
        except OverflowError:
            if abs(e.p) < abs(e.q):
                return 0.0
            return math.inf if e.p > 0 else -math.inf
    if isinstance(e, sp.Float):
        return float(e)
    raise Unsupported(_describe(e))


_RELATIONS = (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan,
              sp.Equality, sp.Unequality)

_CONST_FLOAT = {sp.pi: math.pi, sp.E: math.e, sp.oo: math.inf, -sp.oo: -math.inf,
                sp.nan: math.nan, sp.zoo: math.nan, sp.EulerGamma: 0.5772156649015329,
                sp.GoldenRatio: (1 + math.sqrt(5)) / 2}


# ---------------------------------------------------------------------------- mpmath
class MpValue(NamedTuple):
    r"""One high-precision evaluation.

    Attributes:
        value: the value (nan where undefined, inf where it overflows).
        error: a bound on its absolute error, propagated through every operation (a
            running error bound; inf where a condition or a jump is undecided).
        clamped: an artificial bound fired (see the module docstring): no evidence.
    """

    value: mpmath.mpf
    error: mpmath.mpf
    clamped: bool


def mp_value(expr: sp.Basic, env: dict[str, Fraction], dps: int, deadline: float) -> MpValue:
    r"""Evaluate `expr` at one point with mpmath at `dps` significant digits.

    The error bound follows the usual first-order rules, with :math:`u = 10^{-d}` the
    rounding of one operation: a sum adds its terms' errors and :math:`u` times its value
    (so ``1 - cos(x)`` near 0 carries an error of about :math:`u`, however small the
    result), a product adds relative errors, :math:`f(x)` gets :math:`|f'(x)|\,e_x`
    (:data:`._realfuncs.MP_SLOPES`) or, for the other functions and for large errors, the
    spread of :math:`f(x \pm e_x)`; a condition or jump within the error is undecided.

    Args:
        expr: a whitelisted SymPy expression.
        env: variable name -> exact value (Fraction).
        dps: decimal digits of working precision.
        deadline: a `time.monotonic()` value after which EvalTimeout is raised.
    Returns:
        an :class:`MpValue`.
    """
    before = clamps()
    with mpmath.workdps(dps):
        ev = _MpWalk(env, deadline)
        value, error = ev.go(expr)
        if isinstance(value, bool):
            raise Unsupported("a condition where a number was expected")
        if not (mpmath.isfinite(error) and mpmath.isfinite(value)):
            error = mpmath.inf
        return MpValue(+value, +error, ev.clamped or clamps() != before)


class _MpWalk:
    def __init__(self, env, deadline):
        self.u = mpmath.mpf(2) ** (1 - mpmath.mp.prec)  # one rounding, relative
        self.env = {k: mpmath.mpf(v.numerator) / v.denominator for k, v in env.items()}
        self.deadline = deadline
        self.memo: dict[sp.Basic, tuple] = {}
        self.clamped = False

    def go(self, e) -> tuple:
        hit = self.memo.get(e)
        if hit is not None:
            return hit
        if time.monotonic() > self.deadline:
            raise EvalTimeout
        value, error = self.compute(e)
        if isinstance(value, mpmath.mpf) and mpmath.isfinite(value) and value \
                and mpmath.mag(value) > _MAX_MAG:
            value, error = (mpmath.inf if value > 0 else -mpmath.inf), mpmath.inf
            self.clamped = True
        self.memo[e] = (value, error)
        return value, error

    def rounded(self, v, exact: bool = False):
        if not mpmath.isfinite(v):
            return v, mpmath.inf
        return v, (mpmath.mpf(0) if exact else self.u * abs(v))

    def compute(self, e) -> tuple:
        if isinstance(e, sp.Symbol):
            if e.name not in self.env:
                raise Unsupported(f"no value for the variable {e.name}")
            return self.rounded(self.env[e.name])
        if isinstance(e, sp.Rational):  # exact if a dyadic rational that fits the mantissa
            q = int(e.q)
            exact = q & (q - 1) == 0 and int(e.p).bit_length() <= mpmath.mp.prec
            return self.rounded(_number_mp(e), exact)
        if isinstance(e, sp.Number) or e in _CONST_FLOAT:
            return self.rounded(_number_mp(e))
        if e is sp.true or e is sp.false:
            return bool(e), True
        if isinstance(e, sp.Piecewise):
            return self.piecewise(e)
        func = e.func
        if func not in MP_OPS and func not in (sp.Add, sp.Mul, sp.Pow):
            raise Unsupported(_describe(e))
        pairs = [self.go(a) for a in e.args]
        args = [p[0] for p in pairs]
        errs = [p[1] for p in pairs]
        if func is sp.Add:
            value = mpmath.fsum(args)
            return value, mpmath.fsum(errs) + self.u * abs(value)
        if func is sp.Mul:
            return self.product(args, errs)
        if func is sp.Pow:
            return self.power(args, errs)
        if func in _RELATIONS:
            return self.relation(func, args, errs)
        if func in (sp.And, sp.Or, sp.Not):
            return self.logic(func, args, errs)
        if any(isinstance(a, bool) for a in args):
            raise Unsupported("a condition where a number was expected")
        value = MP_OPS[func](*args)
        return value, self.function_error(func, args, errs, value)

    def product(self, args, errs) -> tuple:
        r""":math:`|\prod(v_i \pm e_i) - \prod v_i| \le \sum_i e_i \prod_{j \ne i}(|v_j| + e_j)`,
        which stays a bound when factors are 0 (two saturated sigmoids' 1 - h)."""
        value = mpmath.fprod(args)
        if not mpmath.isfinite(value):
            return value, mpmath.inf
        error = len(args) * self.u * abs(value)
        for i, ei in enumerate(errs):
            if ei:
                error += ei * mpmath.fprod(abs(b) + eb for j, (b, eb)
                                           in enumerate(zip(args, errs, strict=True)) if j != i)
        return value, error

    def power(self, args, errs) -> tuple:
        (b, eb), (x, ex) = zip(args, errs, strict=True)
        value = _pow(b, x)
        if not mpmath.isfinite(value):
            return value, mpmath.inf
        if value == 0:  # 0 ** x with x > 0
            return value, (eb ** x if eb else mpmath.mpf(0))
        relative = 4 * self.u * (1 + mpmath.log(1 + abs(x)))
        if eb:
            relative += abs(x) * eb / abs(b)
        if ex:
            relative += abs(mpmath.log(abs(b))) * ex
        if relative > mpmath.mpf("1e-6"):  # first order no longer holds: no bound
            return value, mpmath.inf
        return value, relative * abs(value)

    def function_error(self, func, args, errs, value):
        if not mpmath.isfinite(value):
            return mpmath.inf
        error = 4 * self.u * abs(value)  # mpmath's functions: within a few ulps
        if not any(errs):
            return error
        slope = MP_SLOPES.get(func)
        x = args[0]
        small = errs[0] <= mpmath.mpf("1e-6") * max(1, abs(x))
        if slope is not None and len(args) == 1 and small:
            try:
                return error + abs(slope(x, value)) * errs[0]
            except ZeroDivisionError:  # at the edge of the domain (asin at 1)
                return mpmath.inf
        if func is sp.Max or func is sp.Min:
            return error + max(errs)
        for i, ei in enumerate(errs):  # the spread of f within the uncertainty of each argument
            if not ei:
                continue
            for shifted in (args[i] - ei, args[i] + ei):
                moved = MP_OPS[func](*args[:i], shifted, *args[i + 1:])
                if not (isinstance(moved, mpmath.mpf) and mpmath.isfinite(moved)):
                    return mpmath.inf
                error += abs(moved - value)
        return error

    def logic(self, func, args, certain) -> tuple:
        """And, Or, Not of (truth, certain) pairs."""
        if func is sp.Not:
            return (args[0] is not True), certain[0]
        if func is sp.And:
            if any(a is False and c for a, c in zip(args, certain, strict=True)):
                return False, True
            return all(a is True for a in args), all(certain)
        if any(a is True and c for a, c in zip(args, certain, strict=True)):
            return True, True
        return any(a is True for a in args), all(certain)

    def relation(self, func, args, errs) -> tuple:
        a, b = args
        truth = MP_OPS[func](a, b)
        gap = abs(a - b) if mpmath.isfinite(a) and mpmath.isfinite(b) else mpmath.inf
        certain = (errs[0] + errs[1] == 0 and not (mpmath.isnan(a) or mpmath.isnan(b))) \
            or gap > errs[0] + errs[1]
        return truth, bool(certain)

    def piecewise(self, e) -> tuple:
        for x, c in e.args:
            truth, certain = self.go(c)
            if truth is True and certain:
                return self.go(x)
            if not certain:
                return self.go(x)[0], mpmath.inf  # which piece is undecided here
        return mpmath.nan, mpmath.inf
def _number_mp(e):
    if e in _CONST_FLOAT:
        special = {sp.pi: mpmath.pi, sp.E: mpmath.e, sp.EulerGamma: mpmath.euler,
                   sp.GoldenRatio: mpmath.phi}.get(e)
        return +special if special is not None else mpmath.mpf(_CONST_FLOAT[e])
    if isinstance(e, sp.Rational):
        return mpmath.mpf(int(e.p)) / int(e.q)
    if isinstance(e, sp.Float):
        if e._prec <= 53:
            # A float as the learner wrote it: 0.1 means 1/10, not the nearest binary double.
            frac = Fraction(repr(float(e)))
            return mpmath.mpf(frac.numerator) / frac.denominator
        return mpmath.mpf(e._mpf_)
    raise Unsupported(_describe(e))


def _pow(b, x):
    """:math:`b^x` with real semantics, accurate to a few units in the last place."""
    if mpmath.isnan(b) or mpmath.isnan(x):
        return mpmath.nan
    if b == 0:
        return mpmath.mpf(0) if x > 0 else (mpmath.mpf(1) if x == 0 else mpmath.inf)
    if mpmath.isinf(b) or mpmath.isinf(x):
        return mpmath.nan
    if abs(x) <= _BIG_ARG and x == int(x) and mpmath.mag(b) * abs(x) < _MAX_MAG:
        return b ** int(x)
    if b < 0:
        return mpmath.nan
    t = x * mpmath.log(b)
    if abs(t) > _BIG_ARG:
        return mp_exp(t)  # overflows to inf (counted as a clamp) or underflows to 0
    return mpmath.sqrt(b) if x == 0.5 else mpmath.power(b, x)
