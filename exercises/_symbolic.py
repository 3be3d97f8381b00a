r"""Is a SymPy expression equivalent to another? Decided numerically, at random points.

Used by ``_feedback.check_symbolic`` (ships with the exercises; numpy and sympy only, and
sympy's mpmath for the high-precision recheck). Expressions are never parsed from strings.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy

_DOMAINS: dict[str, tuple[float, float]] = {
    "real": (-3.0, 3.0),
    "positive": (0.1, 4.0),
    "unit": (0.02, 0.98),
    "nonzero": (0.2, 3.0),  # magnitude; the sign is drawn separately
}
_N_POINTS = 16
_DIGITS = 50


def _draw(rng: np.random.Generator, domain: Any) -> float:
    if isinstance(domain, tuple) and len(domain) == 2:
        lo, hi = float(domain[0]), float(domain[1])
        return float(rng.uniform(lo, hi))
    if domain not in _DOMAINS:
        raise ValueError(
            f"unknown domain {domain!r}; use one of {sorted(_DOMAINS)} or a (low, high) tuple"
        )
    lo, hi = _DOMAINS[domain]
    value = float(rng.uniform(lo, hi))
    if domain == "nonzero" and rng.random() < 0.5:
        value = -value
    return value


def _evaluate(expr: Any, point: dict[Any, Any], digits: int) -> complex | None:
    """The expression's value at a point, or None where it is undefined."""
    try:
        value = expr.xreplace(point).evalf(digits)
    except (ArithmeticError, TypeError, ValueError):
        return None
    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or value.free_symbols:
        return None
    try:
        return complex(value)
    except (TypeError, ValueError):
        return None


def _close(a: complex, b: complex, rel: float) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def _elements(expr: Any) -> tuple[tuple[int, ...], list[Any]]:
    if isinstance(expr, sympy.MatrixBase):
        return tuple(expr.shape), list(expr)
    return (), [expr]


def _grader_verdict(got: Any, expected: Any, variables: Mapping[Any, Any], seed: int):
    """The grader's own checker (grader.symbolic), when this runs where mlmath is installed.

    The hidden suites judge symbolic answers with ``grader.symbolic.check_equivalent``; using
    it here too means a learner's self-check and their grade agree. The learner bundle ships
    without the grader, and then the sampler below (same idea, smaller) is used instead.
    """
    try:
        from grader.symbolic import check_equivalent
        from grader.symbolic.domains import as_domain

        domains = {sym: as_domain(dom) for sym, dom in variables.items()}
    except (ImportError, ValueError, TypeError):
        return None
    if not isinstance(got, sympy.Basic | sympy.MatrixBase):
        return None  # let the local checker explain what was returned instead
    return check_equivalent(got, expected, domains, seed=seed, show_reference=False)


def mismatch(got: Any, expected: Any, variables: Mapping[Any, Any], *,
             seed: int = 0) -> str | None:
    """None if ``got`` equals ``expected`` at every sampled point; else the reason, in words.

    Args:
        got: the learner's SymPy expression or Matrix (a plain number is accepted too).
        expected: the reference expression or Matrix.
        variables: ``{symbol: domain}`` for every free symbol.
        seed: seeds the random points, so a counterexample is the same on every run.
    """
    verdict = _grader_verdict(got, expected, variables, seed)
    if verdict is not None:
        return None if verdict.status == "equivalent" else verdict.message
    if isinstance(got, numbers.Number) and not isinstance(got, bool):
        got = sympy.sympify(got)  # a plain number, never a string
    if not isinstance(got, sympy.Basic | sympy.MatrixBase):
        kind = "a string" if isinstance(got, str) else f"a {type(got).__name__}"
        return f"you returned {kind}; build a SymPy expression from the symbols instead"
    if isinstance(expected, numbers.Number):
        expected = sympy.sympify(expected)
    got_shape, got_items = _elements(got)
    exp_shape, exp_items = _elements(expected)
    if got_shape != exp_shape:
        why = f"your answer has shape {got_shape}; expected shape {exp_shape}"
        if len(got_shape) == 2 and got_shape == exp_shape[::-1]:
            why += " (transposed?)"
        return why
    extra = set().union(*(e.free_symbols for e in got_items)) - set(variables)
    if extra:
        names = ", ".join(sorted(str(s) for s in extra))
        return f"your expression uses {names}, which is not a variable here"
    rng = np.random.default_rng(seed)
    compared = 0
    for _ in range(_N_POINTS * 3):
        if compared >= _N_POINTS:
            break
        values = {sym: _draw(rng, dom) for sym, dom in variables.items()}
        point = {sym: sympy.Float(v, _DIGITS) for sym, v in values.items()}
        for k, (g_item, e_item) in enumerate(zip(got_items, exp_items, strict=True)):
            e_val = _evaluate(e_item, point, 15)
            if e_val is None:
                continue
            g_val = _evaluate(g_item, point, 15)
            if g_val is not None and _close(g_val, e_val, 1e-9):
                continue
            # Recheck in high precision before calling it a mismatch.
            e_hp = _evaluate(e_item, point, _DIGITS)
            g_hp = _evaluate(g_item, point, _DIGITS)
            if g_hp is not None and e_hp is not None and _close(g_hp, e_hp, 1e-12):
                continue
            at = ", ".join(f"{s} = {values[s]:.6g}" for s in variables)
            entry = ""
            if exp_shape:
                entry = f" (entry {divmod(k, exp_shape[1]) if len(exp_shape) == 2 else k})"
            why = f"at {at}{entry}: yours = {_num(g_hp)}, expected = {_num(e_hp)}"
            return why + _slip(got_items, exp_items, variables, rng)
        compared += 1
    if compared < 3:
        return ("the expected expression could not be evaluated at enough points in the "
                "variables' domains (a problem with the test, not with you)")
    return None


def _num(value: complex | None) -> str:
    if value is None:
        return "undefined"
    if abs(value.imag) < 1e-12 * max(1.0, abs(value.real)):
        return f"{value.real:.10g}"
    return f"{value:.6g}"


def _slip(
    got_items: list[Any], exp_items: list[Any], variables: Mapping[Any, Any],
    rng: np.random.Generator,
) -> str:
    """Name a common slip (sign, constant factor) if the answer shows it at several points."""
    ratios = []
    for _ in range(6):
        point = {sym: sympy.Float(_draw(rng, dom), _DIGITS) for sym, dom in variables.items()}
        for g, e in zip(got_items, exp_items, strict=True):
            g_val, e_val = _evaluate(g, point, 15), _evaluate(e, point, 15)
            if g_val is None or e_val is None or abs(e_val) < 1e-12:
                continue
            ratios.append(g_val / e_val)
    if len(ratios) < 3 or any(not _close(r, ratios[0], 1e-8) for r in ratios):
        return ""
    r = ratios[0]
    if _close(r, -1.0, 1e-8):
        return " (off by a sign?)"
    if abs(r.imag) < 1e-12 and math.isfinite(r.real):
        return f" (off by a constant factor {r.real:.6g}?)"
    return ""
