r"""Our own numeric calculator for whitelisted SymPy expressions: no code generation.

Compiling an expression to a Python function writes source code and runs it; SymPy's
own numeric substitution is slow and its
accuracy depends on SymPy's own heuristics. This module walks the expression once per
call, computing each distinct subexpression once (shared subtrees are memoised), in two
modes:

* :func:`float_values` -- numpy float64, vectorised over all sample points at once (fast);
* :func:`mp_value` -- mpmath at a chosen number of digits, one point at a time (exact enough
  to see an ``exp(-40)`` difference next to an O(1) value).

Both use real-valued semantics: ``log`` of a negative number, a non-integer power of a
negative number, ``asin(2)`` are *undefined* (nan), as are the complex values SymPy's
principal branches would give. Both also return a *term scale*: the largest magnitude of
any term of any sum met on the way. Rounding error is proportional to that scale, not to
the (possibly tiny, after cancellation) result, so tolerances use it.

Bounds: magnitudes beyond :math:`2^{3\cdot10^6}` become inf, ``exp``/``sinh``/``cosh`` of
arguments beyond :math:`10^6` overflow to inf directly, trigonometric functions of
arguments beyond :math:`10^{30}` are nan: no mpmath call can run away with memory or time.
Every node checks a wall-clock deadline.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction
from functools import reduce

import mpmath
import numpy as np
import sympy as sp

__all__ = ["EvalTimeout", "Unsupported", "float_values", "mp_value"]

_MAX_MAG = 3_000_000
_BIG_ARG = 1_000_000
_TRIG_ARG = 1e30


class Unsupported(Exception):
    r"""The expression contains a node this module does not know."""


class EvalTimeout(Exception):
    r"""The deadline passed during the computation."""


def _describe(expr: sp.Basic) -> str:
    if isinstance(expr, sp.Derivative):
        return ("an unfinished derivative (call .doit(); declare symbols real with "
                "sp.Symbol('x', real=True))")
    return f"{type(expr).__name__} ({str(expr)[:40]})"


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
        if func not in _FLOAT_OPS and func not in (sp.Add, sp.Mul, sp.Pow, sp.Heaviside):
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
        if func is sp.Heaviside:
            x, h0 = args
            return np.where(x > 0, 1.0, np.where(x < 0, 0.0, h0))
        op = _FLOAT_OPS.get(func)
        if op is None:
            raise Unsupported(_describe(e))
        return op(*args)


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


_CONST_FLOAT = {sp.pi: math.pi, sp.E: math.e, sp.oo: math.inf, -sp.oo: -math.inf,
                sp.nan: math.nan, sp.zoo: math.nan}

_erf = np.vectorize(math.erf, otypes=[float])

_FLOAT_OPS = {
    sp.exp: np.exp, sp.log: np.log, sp.Abs: np.abs, sp.sign: np.sign,
    sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan, sp.sinh: np.sinh, sp.cosh: np.cosh,
    sp.tanh: np.tanh, sp.asin: np.arcsin, sp.acos: np.arccos, sp.atan: np.arctan,
    sp.erf: lambda x: _erf(np.asarray(x, dtype=float)),
    sp.re: lambda x: x, sp.im: lambda x: 0.0 * np.asarray(x),
    sp.Max: lambda *a: reduce(np.maximum, a), sp.Min: lambda *a: reduce(np.minimum, a),
    sp.StrictLessThan: np.less, sp.LessThan: np.less_equal,
    sp.StrictGreaterThan: np.greater, sp.GreaterThan: np.greater_equal,
    sp.Equality: np.equal, sp.Unequality: np.not_equal,
    sp.And: lambda *a: reduce(np.logical_and, a), sp.Or: lambda *a: reduce(np.logical_or, a),
    sp.Not: np.logical_not,
}


# ---------------------------------------------------------------------------- mpmath
def mp_value(expr: sp.Basic, env: dict[str, Fraction], dps: int, deadline: float
            ) -> tuple[mpmath.mpf, mpmath.mpf]:
    r"""Evaluate `expr` at one point with mpmath at `dps` significant digits.

    Args:
        expr: a whitelisted SymPy expression.
        env: variable name -> exact value (Fraction).
        dps: decimal digits of working precision.
        deadline: a `time.monotonic()` value after which EvalTimeout is raised.
    Returns:
        (value, term_scale) as mpf; an undefined value is nan, an overflow inf.
    """
    with mpmath.workdps(dps):
        ev = _MpWalk(env, deadline)
        value = ev.go(expr)
        if isinstance(value, bool):
            raise Unsupported("a condition where a number was expected")
        return +value, ev.scale


class _MpWalk:
    def __init__(self, env, deadline):
        self.env = {k: mpmath.mpf(v.numerator) / v.denominator for k, v in env.items()}
        self.deadline = deadline
        self.memo: dict[sp.Basic, object] = {}
        self.scale = mpmath.mpf(0)

    def go(self, e):
        hit = self.memo.get(e)
        if hit is not None:
            return hit
        if time.monotonic() > self.deadline:
            raise EvalTimeout
        value = self.compute(e)
        if isinstance(value, mpmath.mpf) and mpmath.isfinite(value) and value \
                and mpmath.mag(value) > _MAX_MAG:
            value = mpmath.inf if value > 0 else -mpmath.inf
        self.memo[e] = value
        return value

    def compute(self, e):
        if isinstance(e, sp.Symbol):
            if e.name not in self.env:
                raise Unsupported(f"no value for the variable {e.name}")
            return self.env[e.name]
        if isinstance(e, sp.Number) or e in _CONST_FLOAT:
            return _number_mp(e)
        if e is sp.true or e is sp.false:
            return bool(e)
        if isinstance(e, sp.Piecewise):
            for x, c in e.args:
                if self.go(c) is True:
                    return self.go(x)
            return mpmath.nan
        func = e.func
        if func not in _MP_OPS and func not in (sp.Add, sp.Mul):
            raise Unsupported(_describe(e))
        args = [self.go(a) for a in e.args]
        if func is sp.Add:
            for a in args:
                self.scale = max(self.scale, abs(a)) if not mpmath.isnan(a) else self.scale
            return mpmath.fsum(args)
        if func is sp.Mul:
            return mpmath.fprod(args)
        op = _MP_OPS.get(func)
        if op is None:
            raise Unsupported(_describe(e))
        return op(*args)


def _number_mp(e):
    if e in _CONST_FLOAT:
        special = {sp.pi: mpmath.pi, sp.E: mpmath.e}.get(e)
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
    return _exp(t)


def _exp(x):
    if x > _BIG_ARG:
        return mpmath.inf
    if x < -_BIG_ARG:
        return mpmath.mpf(0)
    return mpmath.exp(x)


def _log(x):
    if x > 0:
        return mpmath.log(x)
    return -mpmath.inf if x == 0 else mpmath.nan


def _trig(f):
    return lambda x: f(x) if abs(x) < _TRIG_ARG else mpmath.nan


def _hyper(f):
    return lambda x: f(x) if abs(x) < _BIG_ARG else (mpmath.inf * mpmath.sign(x)
                                                     if f is not mpmath.cosh else mpmath.inf)


def _heaviside(x, h0):
    return mpmath.mpf(1) if x > 0 else (mpmath.mpf(0) if x < 0 else h0)


def _arc(f):
    return lambda x: f(x) if -1 <= x <= 1 else mpmath.nan


def _extreme(pick):
    return lambda *a: mpmath.nan if any(mpmath.isnan(v) for v in a) else pick(a)


def _cmp(f):
    return lambda a, b: bool(f(a, b)) if not (mpmath.isnan(a) or mpmath.isnan(b)) else False


_MP_OPS = {
    sp.Pow: _pow, sp.exp: _exp, sp.log: _log, sp.Abs: abs, sp.sign: mpmath.sign,
    sp.Heaviside: _heaviside,
    sp.sin: _trig(mpmath.sin), sp.cos: _trig(mpmath.cos), sp.tan: _trig(mpmath.tan),
    sp.sinh: _hyper(mpmath.sinh), sp.cosh: _hyper(mpmath.cosh), sp.tanh: mpmath.tanh,
    sp.asin: _arc(mpmath.asin), sp.acos: _arc(mpmath.acos), sp.atan: mpmath.atan,
    sp.erf: mpmath.erf, sp.re: lambda x: x, sp.im: lambda x: mpmath.mpf(0),
    sp.Max: _extreme(max), sp.Min: _extreme(min),
    sp.StrictLessThan: _cmp(lambda a, b: a < b), sp.LessThan: _cmp(lambda a, b: a <= b),
    sp.StrictGreaterThan: _cmp(lambda a, b: a > b),
    sp.GreaterThan: _cmp(lambda a, b: a >= b),
    sp.Equality: _cmp(lambda a, b: a == b), sp.Unequality: _cmp(lambda a, b: a != b),
    sp.And: lambda *a: all(v is True for v in a), sp.Or: lambda *a: any(v is True for v in a),
    sp.Not: lambda a: a is not True,
}
