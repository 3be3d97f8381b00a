r"""Recognise the common slips and say them plainly, for a learner at 11 pm.

Given high-precision values of the learner's answer :math:`a` and the reference :math:`r`
at a few points (and, for matrices, every entry), the slips are:

=====================  ================================================================
``transposed``         :math:`a_{ij} = r_{ji}` everywhere (a Jacobian written the other way)
``wrong_sign``         :math:`a = -r`
``constant_factor``    :math:`a = c\,r` for one constant :math:`c \ne 1` ("yours is 0.5 x ...")
``constant_term``      :math:`a = r + c` with :math:`c` constant across points
``different_variables``  the answer uses a variable the reference does not, or misses one
=====================  ================================================================

``shape``, ``undefined`` and ``invalid_answer`` are decided by the checker itself.
Comparisons here use a relative tolerance of :math:`10^{-20}`, far above the noise of the
50-digit computation and far below any real slip (an ``exp(-40)`` offset is
:math:`4\cdot10^{-18}`).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

__all__ = ["fmt_number", "fmt_point", "fmt_value", "recognise"]

_RTOL = mpmath.mpf("1e-20")


def recognise(
    ans: list[list[mpmath.mpf]],
    ref: list[list[mpmath.mpf]],
    shape: tuple[int, int] | None,
    extra_names: set[str],
    missing_names: set[str],
    what: str,
) -> tuple[str | None, str | None]:
    r"""Name the slip that turns `ref` into `ans`, if it is a common one.

    Args:
        ans, ref: values per point (outer list, at least 2 points for factor/term slips)
            per entry (inner list, row-major; one entry for a scalar).
        shape: (rows, cols) of a matrix answer, None for a scalar.
        extra_names: variables in the answer that the reference does not have.
        missing_names: variables of the reference that the answer does not use.
        what: what the answer is ("derivative", "gradient", ...), for the text.
    Returns:
        (slip, text), or (None, None) when no common slip fits.
    """
    if shape is not None and shape[0] == shape[1] > 1 and ans:
        rows, cols = shape
        swapped = [[p[(k % cols) * cols + k // cols] for k in range(rows * cols)] for p in ref]
        if _all_close(ans, swapped):
            return "transposed", (f"yours is the transpose of the correct {what}: "
                                  "rows and columns are swapped.")
    if len(ans) >= 2:
        factor = _constant_factor(ans, ref)
        if factor is not None:
            if abs(factor + 1) <= _RTOL:
                return "wrong_sign", f"yours has the wrong sign: it is -1 x the correct {what}."
            if factor == 0:
                return "constant_factor", (f"yours is 0 at every point we tried; the correct "
                                           f"{what} is not.")
            shown = fmt_number(factor)
            shown = f"({shown})" if " " in shown else shown
            return "constant_factor", f"yours is {shown} x the correct {what}."
        term = _constant_term(ans, ref)
        if term is not None:
            k, c = term
            sign = "+" if c > 0 else "-"
            if shape is None:
                return "constant_term", (f"yours is off by a constant term: yours = correct "
                                         f"{sign} {fmt_number(abs(c))}.")
            return "constant_term", (f"entries of yours are off by constant terms "
                                     f"(entry {fmt_entry(k, shape)}: yours = correct "
                                     f"{sign} {fmt_number(abs(c))}).")
    if extra_names or missing_names:
        parts = []
        if extra_names:
            names = ", ".join(sorted(extra_names))
            parts.append(f"yours contains {names}, which the correct {what} does not")
        if missing_names:
            names = ", ".join(sorted(missing_names))
            parts.append(f"yours does not depend on {names}, but the correct {what} does")
        return "different_variables", "; ".join(parts) + " (not the same variables)."
    return None, None


def _close(a, b, scale) -> bool:
    return abs(a - b) <= _RTOL * scale


def _all_close(ans, ref) -> bool:
    return all(_close(a, r, max(abs(a), abs(r))) for pa, pr in zip(ans, ref, strict=True)
               for a, r in zip(pa, pr, strict=True))


def _constant_factor(ans, ref):
    ratios = []
    for pa, pr in zip(ans, ref, strict=True):
        for a, r in zip(pa, pr, strict=True):
            # Each point on its own scale: values can span 40 orders of magnitude (a
            # sigmoid's gradient between x = -710 and -800).
            if abs(r) <= mpmath.mpf("1e-30") * abs(a) or r == 0:
                if a != 0:
                    return None
                continue
            ratios.append(a / r)
    if not ratios:
        return None
    c = ratios[0]
    if all(_close(q, c, max(abs(q), abs(c))) for q in ratios) and not _close(c, 1, 1):
        return c
    return None


def _constant_term(ans, ref):
    n = len(ans[0])
    best = None
    for k in range(n):
        diffs = [p_a[k] - p_r[k] for p_a, p_r in zip(ans, ref, strict=True)]
        scales = [max(abs(p_a[k]), abs(p_r[k])) for p_a, p_r in zip(ans, ref, strict=True)]
        if not all(_close(d, diffs[0], max(s, scales[0])) for d, s in zip(diffs, scales,
                                                                           strict=True)):
            return None
        if abs(diffs[0]) > _RTOL * scales[0] and best is None:
            best = (k, diffs[0])
    return best


def fmt_number(v) -> str:
    r"""A constant as a learner reads it: ``0.5``, ``-2``, ``1/3``, ``1 + 4.248e-18``."""
    v = mpmath.mpf(v)
    if v == 0:
        return "0"
    if not mpmath.isfinite(v) or not 1e-300 < abs(v) < 1e300:
        return mpmath.nstr(v, 6)
    frac = Fraction(float(v)).limit_denominator(12)
    exact = mpmath.mpf(frac.numerator) / frac.denominator
    if abs(v - exact) <= _RTOL * abs(v):
        den = frac.denominator
        while den % 2 == 0:
            den //= 2
        while den % 5 == 0:
            den //= 5
        if den == 1:
            text = repr(float(frac))
            return text[:-2] if text.endswith(".0") else text
        return f"{frac.numerator}/{frac.denominator}"
    nearest = int(mpmath.nint(v))
    off = v - nearest
    if nearest != 0 and abs(off) < 1e-6 * abs(nearest):
        return f"{nearest} {'+' if off > 0 else '-'} {mpmath.nstr(abs(off), 4)}"
    return mpmath.nstr(v, 6)


def fmt_value(v, other, anchor: bool = False) -> str:
    r"""`v` with enough digits to differ visibly from `other` (6 to 40 digits).

    Two values that differ only beyond the 40th digit would print alike, so then the
    answer is written as the other value plus the difference (``0.5 + 1.2e-45``) and the
    `anchor` (the correct value) with 12 digits: what is shown always differs.
    """
    if not mpmath.isfinite(v):
        return "undefined" if mpmath.isnan(v) else ("inf" if v > 0 else "-inf")
    if not mpmath.isfinite(other) or v == other:
        return mpmath.nstr(v, 6)
    rel = abs(v - other) / max(abs(v), abs(other))
    digits = int(max(6, -int(mpmath.log10(rel)) + 3))
    if digits <= _MAX_SHOWN:
        for extra in range(4):  # rounding can make two 6-digit strings coincide
            if mpmath.nstr(v, digits + extra) != mpmath.nstr(other, digits + extra):
                return mpmath.nstr(v, digits + extra)
    if anchor:
        return mpmath.nstr(v, 12)
    sign = "+" if v > other else "-"
    return f"{mpmath.nstr(other, 12)} {sign} {mpmath.nstr(abs(v - other), 3)}"


_MAX_SHOWN = 40


def fmt_point(point: dict[str, Fraction]) -> str:
    r"""``x = 1.37, y = -0.25`` (exact: the points are three-digit decimals)."""
    if not point:
        return "(no variables)"
    return ", ".join(f"{k} = {float(v)!r}" for k, v in sorted(point.items()))


def fmt_entry(k: int, shape: tuple[int, int]) -> str:
    cols = shape[1]
    i, j = divmod(k, cols)
    return f"[{i}]" if cols == 1 else f"[{i}, {j}]"
