r"""Real-valued implementations of every whitelisted function, in float64 and in mpmath.

Real semantics throughout: where SymPy's principal branch would give a complex number
(``log(-1)``, ``asin(2)``, ``acosh(0)``, ``loggamma(-0.5)``, ``LambertW(-1)``) the value is
*undefined* (nan); at poles (``gamma(0)``, ``cot(0)``) it is nan or inf as the formula
gives. The reciprocal functions follow SymPy's definitions for real arguments:

=============  =========================================  ==========================
``acot(x)``    :math:`\arctan(1/x)`, ``acot(0)`` = :math:`\pi/2`   range :math:`(-\pi/2, \pi/2]`
``asec(x)``    :math:`\arccos(1/x)` for :math:`|x| \ge 1`
``acsc(x)``    :math:`\arcsin(1/x)` for :math:`|x| \ge 1`
``acoth(x)``   :math:`\operatorname{artanh}(1/x)` for :math:`|x| > 1`
``asech(x)``   :math:`\operatorname{arcosh}(1/x)` for :math:`0 < x \le 1`
``acsch(x)``   :math:`\operatorname{arsinh}(1/x)` for :math:`x \ne 0`
=============  =========================================  ==========================

``Heaviside(x, h0)`` is 0, h0, 1; ``DiracDelta(x)`` is 0 off 0 and undefined at 0;
``factorial(x)`` is :math:`\Gamma(x + 1)`; ``binomial`` and ``polygamma`` are mpmath's.

Guards keep every mpmath call cheap: ``exp``, ``sinh``, ``cosh``, ``gamma`` of arguments
beyond :data:`BIG_ARG` overflow to inf at once, trigonometric functions of arguments beyond
:data:`TRIG_ARG` are nan (their argument reduction would need that many digits of pi).
Each guard that fires is counted by :func:`clamps`, so the checker can tell an artificial
overflow (no evidence either way) from a real singularity.
"""

from __future__ import annotations

import math
import threading
from functools import reduce

import mpmath
import numpy as np
import sympy as sp

BIG_ARG = 1_000_000
TRIG_ARG = 1e30

_state = threading.local()


def clamps() -> int:
    r"""How many guards have fired in this thread so far (compare before and after)."""
    return getattr(_state, "count", 0)


def _clamped(value):
    _state.count = clamps() + 1
    return value


# ---------------------------------------------------------------------------- mpmath
def _nan_safe(f):
    """Apply f; nan for nan arguments, for a complex result and for a domain error."""
    def run(*args):
        if any(isinstance(a, mpmath.mpf) and mpmath.isnan(a) for a in args):
            return mpmath.nan
        try:
            value = f(*args)
        except (ValueError, ZeroDivisionError, ArithmeticError):
            return mpmath.nan
        if isinstance(value, mpmath.mpc):
            return value.real if value.imag == 0 else mpmath.nan
        return value
    return run


def mp_exp(x):
    if x > BIG_ARG:
        return _clamped(mpmath.inf)
    if x < -BIG_ARG:
        return mpmath.mpf(0)
    return mpmath.exp(x)


def _mp_log(x):
    if x > 0:
        return mpmath.log(x)
    return -mpmath.inf if x == 0 else mpmath.nan


def _mp_trig(f):
    def run(x):
        if mpmath.isinf(x) or abs(x) >= TRIG_ARG:
            return _clamped(mpmath.nan)
        return f(x)
    return run


def _mp_hyper(f, odd: bool):
    def run(x):
        if abs(x) > BIG_ARG:
            return _clamped(mpmath.inf * (mpmath.sign(x) if odd else 1))
        return f(x)
    return run


def _mp_tanh_like(f, limit):
    return lambda x: limit(x) if abs(x) > BIG_ARG else f(x)


def _inverse_of(f):
    """x -> f(1/x), nan at 0."""
    return lambda x: f(1 / x) if x != 0 else mpmath.nan


def _mp_arc(f):
    return lambda x: f(x) if -1 <= x <= 1 else mpmath.nan


def _mp_gamma(x):
    if x > BIG_ARG:
        return _clamped(mpmath.inf)
    if x < -BIG_ARG:
        return _clamped(mpmath.nan)
    if x <= 0 and x == int(x):
        return mpmath.nan
    return mpmath.gamma(x)


def _mp_loggamma(x):
    return mpmath.loggamma(x) if x > 0 else mpmath.nan


def _mp_binomial(n, k):
    if max(abs(n), abs(k)) > 10**15:
        return _clamped(mpmath.nan)
    return mpmath.binomial(n, k)


def _mp_lambertw(x, k=0):
    if k not in (0, -1):
        return mpmath.nan
    return mpmath.lambertw(x, int(k))


def _mp_polygamma(m, x):
    if m < 0 or m != int(m) or m > 1000 or abs(x) > 10**15:
        return mpmath.nan
    if x <= 0 and x == int(x):
        return mpmath.nan
    return mpmath.psi(int(m), x)


def _mp_heaviside(x, h0=None):
    if x == 0:
        return mpmath.mpf(0.5) if h0 is None else h0
    return mpmath.mpf(1) if x > 0 else mpmath.mpf(0)


def _mp_delta(x, k=0):
    return mpmath.mpf(0) if x != 0 else mpmath.nan


def _mp_atan2(y, x):
    return mpmath.nan if x == 0 and y == 0 else mpmath.atan2(y, x)


def _extreme(pick):
    return lambda *a: mpmath.nan if any(mpmath.isnan(v) for v in a) else pick(a)


def _cmp(f):
    return lambda a, b: bool(f(a, b)) if not (mpmath.isnan(a) or mpmath.isnan(b)) else False


def _mp_acot(x):
    return +mpmath.pi / 2 if x == 0 else mpmath.atan(1 / x)


MP_OPS = {
    sp.exp: mp_exp, sp.log: _mp_log, sp.Abs: abs, sp.sign: mpmath.sign,
    sp.floor: mpmath.floor, sp.ceiling: mpmath.ceil,
    sp.re: lambda x: x, sp.im: lambda x: mpmath.mpf(0),
    sp.sin: _mp_trig(mpmath.sin), sp.cos: _mp_trig(mpmath.cos), sp.tan: _mp_trig(mpmath.tan),
    sp.cot: _mp_trig(mpmath.cot), sp.sec: _mp_trig(mpmath.sec), sp.csc: _mp_trig(mpmath.csc),
    sp.asin: _mp_arc(mpmath.asin), sp.acos: _mp_arc(mpmath.acos), sp.atan: mpmath.atan,
    sp.acot: _mp_acot, sp.asec: _inverse_of(_mp_arc(mpmath.acos)),
    sp.acsc: _inverse_of(_mp_arc(mpmath.asin)),
    sp.sinh: _mp_hyper(mpmath.sinh, odd=True), sp.cosh: _mp_hyper(mpmath.cosh, odd=False),
    sp.tanh: _mp_tanh_like(mpmath.tanh, mpmath.sign),
    sp.coth: _mp_tanh_like(mpmath.coth, mpmath.sign),
    sp.sech: _mp_tanh_like(mpmath.sech, lambda x: mpmath.mpf(0)),
    sp.csch: _mp_tanh_like(mpmath.csch, lambda x: mpmath.mpf(0)),
    sp.asinh: mpmath.asinh, sp.acosh: lambda x: mpmath.acosh(x) if x >= 1 else mpmath.nan,
    sp.atanh: lambda x: mpmath.atanh(x) if -1 < x < 1 else (
        mpmath.inf * x if abs(x) == 1 else mpmath.nan),
    sp.acoth: lambda x: mpmath.atanh(1 / x) if abs(x) > 1 else (
        mpmath.inf * x if abs(x) == 1 else mpmath.nan),
    sp.asech: lambda x: mpmath.acosh(1 / x) if 0 < x <= 1 else mpmath.nan,
    sp.acsch: _inverse_of(mpmath.asinh),
    sp.erf: mpmath.erf, sp.erfc: mpmath.erfc,
    sp.gamma: _mp_gamma, sp.loggamma: _mp_loggamma,
    sp.factorial: lambda x: _mp_gamma(x + 1), sp.binomial: _mp_binomial,
    sp.polygamma: _mp_polygamma, sp.LambertW: _mp_lambertw,
    sp.Heaviside: _mp_heaviside, sp.DiracDelta: _mp_delta, sp.atan2: _mp_atan2,
    sp.Max: _extreme(max), sp.Min: _extreme(min),
    sp.StrictLessThan: _cmp(lambda a, b: a < b), sp.LessThan: _cmp(lambda a, b: a <= b),
    sp.StrictGreaterThan: _cmp(lambda a, b: a > b),
    sp.GreaterThan: _cmp(lambda a, b: a >= b),
    sp.Equality: _cmp(lambda a, b: a == b), sp.Unequality: _cmp(lambda a, b: a != b),
    sp.And: lambda *a: all(v is True for v in a), sp.Or: lambda *a: any(v is True for v in a),
    sp.Not: lambda a: a is not True,
}
_BOOL_OPS = {sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan, sp.Equality,
             sp.Unequality, sp.And, sp.Or, sp.Not, sp.Max, sp.Min}
MP_OPS = {k: (v if k in _BOOL_OPS else _nan_safe(v)) for k, v in MP_OPS.items()}


# --------------------------------------------------------------------------- float64
def _pointwise(mp_fn):
    """A float64 version of an mpmath function, point by point at 20 digits (rare functions)."""
    def run(*args):
        arrays = np.broadcast_arrays(*[np.asarray(a, dtype=float) for a in args])
        out = np.empty(arrays[0].shape)
        with mpmath.workdps(20):
            for idx in np.ndindex(out.shape):
                value = mp_fn(*[mpmath.mpf(float(a[idx])) for a in arrays])
                out[idx] = float(value) if isinstance(value, mpmath.mpf) else math.nan
        return out
    return run


def _f(x):
    return np.asarray(x, dtype=float)


def _heaviside(x, h0=0.5):
    x = _f(x)
    return np.where(x > 0, 1.0, np.where(x < 0, 0.0, h0))


def _arc(f, lo=-1.0, hi=1.0):
    return lambda x: np.where((_f(x) >= lo) & (_f(x) <= hi), f(np.clip(_f(x), lo, hi)), np.nan)


def _recip_arg(f):
    return lambda x: f(1 / np.where(_f(x) == 0, np.nan, _f(x)))


def _acot(x):
    x = _f(x)
    return np.where(x == 0, np.pi / 2, np.arctan(1 / np.where(x == 0, 1.0, x)))


def _atan2(y, x):
    y, x = np.broadcast_arrays(_f(y), _f(x))
    return np.where((x == 0) & (y == 0), np.nan, np.arctan2(y, x))


def _delta(x, k=0):
    return np.where(_f(x) != 0, 0.0, np.nan)


def _gamma_point(x: float) -> float:
    try:
        return math.gamma(x)
    except OverflowError:
        return math.inf
    except ValueError:
        return math.nan


_gamma = np.vectorize(_gamma_point, otypes=[float])


def _loggamma(x):
    x = _f(x)
    safe = np.where(x > 0, x, 1.0)
    return np.where(x > 0, np.vectorize(math.lgamma, otypes=[float])(safe), np.nan)


FLOAT_OPS = {
    sp.exp: np.exp, sp.log: np.log, sp.Abs: np.abs, sp.sign: np.sign,
    sp.floor: np.floor, sp.ceiling: np.ceil,
    sp.re: lambda x: x, sp.im: lambda x: 0.0 * _f(x),
    sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan,
    sp.cot: lambda x: 1 / np.tan(x), sp.sec: lambda x: 1 / np.cos(x),
    sp.csc: lambda x: 1 / np.sin(x),
    sp.asin: _arc(np.arcsin), sp.acos: _arc(np.arccos), sp.atan: np.arctan, sp.acot: _acot,
    sp.asec: _recip_arg(_arc(np.arccos)), sp.acsc: _recip_arg(_arc(np.arcsin)),
    sp.sinh: np.sinh, sp.cosh: np.cosh, sp.tanh: np.tanh,
    sp.coth: lambda x: 1 / np.tanh(x), sp.sech: lambda x: 1 / np.cosh(x),
    sp.csch: lambda x: 1 / np.sinh(x),
    sp.asinh: np.arcsinh, sp.acosh: lambda x: np.where(_f(x) >= 1, np.arccosh(
        np.maximum(_f(x), 1.0)), np.nan),
    sp.atanh: np.arctanh,  # nan beyond |x| > 1, inf at 1, as mpmath's version
    sp.acoth: _recip_arg(np.arctanh),
    sp.asech: lambda x: np.where((_f(x) > 0) & (_f(x) <= 1), np.arccosh(
        1 / np.clip(_f(x), 1e-300, 1.0)), np.nan),
    sp.acsch: _recip_arg(np.arcsinh),
    sp.erf: np.vectorize(math.erf, otypes=[float]),
    sp.erfc: np.vectorize(math.erfc, otypes=[float]),
    sp.gamma: _gamma, sp.loggamma: _loggamma, sp.factorial: lambda x: _gamma(_f(x) + 1),
    sp.binomial: _pointwise(MP_OPS[sp.binomial]),
    sp.polygamma: _pointwise(MP_OPS[sp.polygamma]),
    sp.LambertW: _pointwise(MP_OPS[sp.LambertW]),
    sp.Heaviside: _heaviside, sp.DiracDelta: _delta, sp.atan2: _atan2,
    sp.Max: lambda *a: reduce(np.maximum, a), sp.Min: lambda *a: reduce(np.minimum, a),
    sp.StrictLessThan: np.less, sp.LessThan: np.less_equal,
    sp.StrictGreaterThan: np.greater, sp.GreaterThan: np.greater_equal,
    sp.Equality: np.equal, sp.Unequality: np.not_equal,
    sp.And: lambda *a: reduce(np.logical_and, a), sp.Or: lambda *a: reduce(np.logical_or, a),
    sp.Not: np.logical_not,
}


# -------------------------------------------------------------- error propagation
#: :math:`|f'(x)|` for the common functions of one argument, from x and v = f(x): the
#: absolute error of f(x) is :math:`|f'(x)|\,e_x` plus the rounding of f itself. Every other
#: function's error is measured by evaluating it at :math:`x \pm e_x` (see numeric.py),
#: which also catches a jump (``sign``, ``floor``) inside the uncertainty.
MP_SLOPES = {
    sp.exp: lambda x, v: abs(v), sp.log: lambda x, v: 1 / abs(x),
    sp.sin: lambda x, v: 1, sp.cos: lambda x, v: 1, sp.tan: lambda x, v: 1 + v * v,
    sp.sinh: lambda x, v: mpmath.cosh(x), sp.cosh: lambda x, v: abs(mpmath.sinh(x)),
    sp.tanh: lambda x, v: 1 - v * v, sp.atan: lambda x, v: 1 / (1 + x * x),
    sp.asin: lambda x, v: 1 / mpmath.sqrt(1 - x * x), sp.acos: lambda x, v: 1 / mpmath.sqrt(
        1 - x * x),
    sp.asinh: lambda x, v: 1 / mpmath.sqrt(1 + x * x),
    sp.erf: lambda x, v: 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-x * x),
    sp.erfc: lambda x, v: 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-x * x),
    sp.Abs: lambda x, v: 1, sp.re: lambda x, v: 1, sp.im: lambda x, v: 0,
}
