r"""Is the learner's answer the same function as the reference? Three-valued, never fooled.

``simplify(a - b) == 0`` is slow and misses true identities (``x/|x|`` and ``sign(x)``);
``a.equals(b)`` can return None; random float points alone accept an answer that is off by
``exp(-40)`` and reject a right one through cancellation. :func:`check_equivalent` does:

1. **Read**, within the time limit. Text goes through the safe parser; lists become column
   vectors. An answer over a size limit, or one that cannot be read in time, is
   "undetermined: too large" (it may be right). A shape mismatch is decided first (a
   transposed Jacobian is named as such).
2. **Sample.** Each variable is drawn from its declared domain (or one inferred from the
   reference, see :mod:`.domains`), at ordinary and wide scales, plus points on both sides
   of every kink of either expression (:mod:`.kinks`). Points where the reference is
   undefined are redrawn; a point where float64 overflows is kept if mpmath can evaluate
   the reference there.
3. **Screen in float64** at all points at once, to a relative tolerance of :math:`10^{-9}`.
   Points that look different (cancellation included), and points float64 cannot
   evaluate, go to:
4. **High precision** (:meth:`_Checker.hp_compare`): mpmath at 50 digits, then at as many
   as the error bound asks for (at most 800), each value with a running bound on its own
   error (so ``(1 - cos x)/x**2`` at :math:`x = 10^{-7}`, where 50 digits leave only 37,
   is judged by its real error, not by the size of its terms). Equal means equal to 40
   digits; different means different beyond 10 times the error bound. Three more points
   are confirmed this way before accepting: an ``exp(-40)`` offset next to O(1) values is
   22 orders of magnitude above the tolerance.
5. **Explain.** A rejection names the point, both values (with enough digits to differ,
   or as "correct + difference") and the slip (:mod:`.slips`).
6. **Prove (optional).** With ``prove=True`` an accepted answer is sent to ``simplify`` in a
   forked child under hard time and memory limits; success only adds ``proved=True``.

Limits: the numeric part runs on bounded inputs (tree size limits), memoises shared
subexpressions, clamps magnitudes and checks the deadline at every node; a check that runs
out of time answers "undetermined". The default `prove=False` keeps the hot path fork-free.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from . import _inputs as _in
from . import slips
from ._prove import prove_zero
from ._safe import DEFAULT_LIMITS, Limits, SymbolicInputError, unique_nodes
from .domains import Domain, as_domain, infer_domains
from .kinks import kink_points
from .numeric import EvalTimeout, Unsupported, float_values, mp_value
from .tree import read_seconds

__all__ = ["Verdict", "check_equivalent"]

EQUIVALENT, NOT_EQUIVALENT, UNDETERMINED = "equivalent", "not_equivalent", "undetermined"


@dataclass(frozen=True)
class Verdict:
    r"""The outcome of one check; plain data, safe to store and to show.

    Attributes:
        status: "equivalent", "not_equivalent" or "undetermined".
        proved: True only if SymPy also proved the identity (or the two are identical).
        counterexample: the point (variable name -> value) where they differ, or None.
        answer_value, reference_value: both values there (the differing entry for matrices).
        entry: (row, col) of that entry for matrices, else None.
        slip: "wrong_sign", "constant_factor", "constant_term", "transposed",
            "different_variables", "shape", "undefined", "invalid_answer", or None; for an
            undetermined verdict, "too_large" when a size or time limit stopped the reading.
        message: learner-facing text: the point, both values, the slip stated plainly.
        points: how many points were compared.
    """

    status: str
    proved: bool = False
    counterexample: dict[str, float] | None = None
    answer_value: float | None = None
    reference_value: float | None = None
    entry: tuple[int, int] | None = None
    slip: str | None = None
    message: str = ""
    points: int = 0

    def __bool__(self) -> bool:
        return self.status == EQUIVALENT


def check_equivalent(
    answer: object,
    reference: object,
    variables: dict[sp.Symbol | str, object] | None = None,
    *,
    time_limit: float = 3.0,
    prove: bool = False,
    prove_time_limit: float = 2.0,
    prove_memory_mb: int = 512,
    n_points: int = 12,
    seed: int | None = 0,
    what: str = "derivative",
    show_reference: bool = True,
    limits: Limits = DEFAULT_LIMITS,
) -> Verdict:
    r"""Decide whether `answer` and `reference` are the same function on the domain.

    Args:
        answer: the learner's SymPy expression, Matrix, list of expressions, or text.
        reference: the correct expression, Matrix or list (trusted; text is parsed safely).
        variables: name or Symbol -> domain ("real", "positive", "negative", "unit",
            ``(lo, hi)`` or a :class:`Domain`); undeclared variables are inferred.
        time_limit: seconds for the whole check, reading the answer included; past it the
            verdict is "undetermined". Checks take milliseconds (80 ms at worst measured on a
            loaded machine); the margin is there so that a busy grader never turns a right
            answer into an undetermined one, while size limits stop crafted slow answers.
        prove: also try ``simplify`` in a child process to label the verdict "proved".
        prove_time_limit, prove_memory_mb: hard limits of that child.
        n_points: float64 sample points (3 of them are re-checked in 50 digits).
        seed: seed for the points (None: fresh points each call).
        what: what the answer is, for the message ("derivative", "gradient", ...).
        show_reference: if False the message leaves out the correct value at the point
            (the verdict's fields still carry it, for the instructor).
        limits: size bounds for parsing and for the expressions.
    Returns:
        a :class:`Verdict`.
    Raises:
        ValueError, TypeError: the *reference* or the domains are malformed.
    """
    # An answer rebuilt from code was read before this call: that time counts too.
    spent = sum(read_seconds(a) for a in ([answer, *answer] if isinstance(answer, (list, tuple))
                                          else [answer]))
    deadline = time.monotonic() + time_limit - spent
    declared = {(k.name if isinstance(k, sp.Symbol) else str(k)): as_domain(v)
                for k, v in (variables or {}).items()}
    try:
        ref = _in.coerce(reference, set(declared), limits, deadline=deadline)
    except SymbolicInputError as err:
        if err.too_large:
            return _too_large(what, err)
        raise
    known = set(declared) | {s.name for s in _in.free(ref)}
    try:
        ans = _in.coerce(answer, known, limits, like=ref, deadline=deadline)
        for e in (ans, ref):
            for entry in _in.entries(e):
                unique_nodes(entry, limits.max_tree_nodes)
        if len(_in.free(ans)) > limits.max_variables:
            raise SymbolicInputError(f"it has more than {limits.max_variables} variables",
                                     too_large=True)
    except SymbolicInputError as err:
        if err.too_large:
            return _too_large(what, err)
        return Verdict(NOT_EQUIVALENT, slip="invalid_answer",
                       message=f"Could not check your {what}: {err}")
    except TypeError as err:
        return Verdict(NOT_EQUIVALENT, slip="invalid_answer",
                       message=f"Could not check your {what}: {err}")
    checker = _Checker(declared, deadline, n_points, seed, what)
    checker.show_reference = show_reference
    try:
        verdict = checker.run(ans, ref)
    except EvalTimeout:
        return Verdict(UNDETERMINED, message=f"Could not decide within {time_limit:g} s "
                       f"whether your {what} is right; it was not rejected.")
    except Unsupported as err:
        return Verdict(NOT_EQUIVALENT, slip="invalid_answer",
                       message=f"Could not check your {what}: it contains {err}.")
    except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError) as err:
        # Never crash the grader on a strange expression; never accept it either.
        return Verdict(UNDETERMINED, message=f"Could not check your {what} "
                       f"({type(err).__name__}); it was not rejected.")
    if verdict.status == EQUIVALENT and prove and not verdict.proved:
        a, r = _in.entries(checker.ans), _in.entries(checker.ref)
        proved = prove_zero(list(zip(a, r, strict=True)),
                            prove_time_limit, prove_memory_mb)
        if proved:
            verdict = Verdict(EQUIVALENT, proved=True, points=verdict.points,
                              message=verdict.message + " SymPy also proved it symbolically.")
    return verdict


def _too_large(what: str, err: SymbolicInputError) -> Verdict:
    return Verdict(UNDETERMINED, slip="too_large", message=(
        f"Could not check your {what}: it is too large to check ({err}); it was not "
        "rejected. Is there a shorter way to write it?"))


# High precision: the tolerance, the first and the last working precision (digits).
_TOL = mpmath.mpf(10) ** -40
_FIRST_DPS, _MAX_DPS = 50, 800
_EQUAL, _DIFFERS, _UNKNOWN = "equal", "differs", "unknown"


class _Checker:
    def __init__(self, declared: dict[str, Domain], deadline, n_points, seed, what):
        self.declared, self.deadline, self.what = declared, deadline, what
        self.n_points = max(3, n_points)
        self.rng = random.Random(seed)

    def run(self, ans, ref) -> Verdict:
        a_shape, r_shape = _in.shape(ans), _in.shape(ref)
        if isinstance(ans, sp.MatrixBase) and ans.shape == (1, 1):
            ans = ans[0, 0]
        if isinstance(ref, sp.MatrixBase) and ref.shape == (1, 1):
            ref = ref[0, 0]
        if a_shape != r_shape:
            return self.shape_mismatch(ans, ref, a_shape, r_shape)
        self.ans, self.ref, self.shape = ans, ref, r_shape
        return self.compare(_in.entries(ans), _in.entries(ref))

    def shape_mismatch(self, ans, ref, a_shape, r_shape) -> Verdict:
        text = (f"yours is {_in.shape_text(a_shape)}; the correct {self.what} is "
                f"{_in.shape_text(r_shape)}.")
        if a_shape and r_shape and a_shape == r_shape[::-1]:
            inner = self.compare(_in.entries(ans.T), _in.entries(ref), explain=False)
            if inner.status == EQUIVALENT:
                text = (f"yours is the transpose of the correct {self.what}: it is "
                        f"{a_shape[0]}x{a_shape[1]} where the correct one is "
                        f"{r_shape[0]}x{r_shape[1]} (rows and columns swapped).")
                return Verdict(NOT_EQUIVALENT, slip="transposed",
                               message=f"Not the correct {self.what}.\n  slip     {text}")
        return Verdict(NOT_EQUIVALENT, slip="shape",
                       message=f"Not the correct {self.what}.\n  shape    {text}")

    # ------------------------------------------------------------------ the numeric core
    def compare(self, a_list, r_list, explain=True) -> Verdict:
        a_names = {s.name for e in a_list for s in e.free_symbols}
        r_names = {s.name for e in r_list for s in e.free_symbols}
        allowed = r_names | set(self.declared)
        self.extra, self.missing = a_names - allowed, r_names - a_names
        if not self.extra and all(_in.same(a, r) for a, r in zip(a_list, r_list, strict=True)):
            return Verdict(EQUIVALENT, proved=True, message=f"Your {self.what} is correct "
                           "(identical to the reference).")
        domains = infer_domains(r_list, r_names)
        domains.update(infer_domains(a_list, a_names - r_names))
        domains.update(self.declared)
        names = sorted(a_names | r_names | set(self.declared))
        self.floor = _in.float_floor(a_list + r_list)
        points = self.sample(r_list, names, domains)
        if len(points) < 3:
            return Verdict(UNDETERMINED, message=(
                f"Could not check your {self.what}: the correct one is undefined at almost "
                "every point tried (" + ", ".join(f"{n} {domains[n].describe()}"
                                                  for n in names) + ")."))
        near = kink_points(a_list + r_list, domains, points[:2], self.deadline)
        points += self.defined(r_list, names, near)
        env = {n: np.array([float(p[n]) for p in points]) for n in names}
        suspect = np.zeros(len(points), dtype=bool)
        blind = np.zeros(len(points), dtype=bool)
        for a, r in zip(a_list, r_list, strict=True):
            av, _ = float_values(a, env, self.deadline)
            rv, _ = float_values(r, env, self.deadline)
            finite = np.isfinite(av) & np.isfinite(rv)
            # Relative to the values only: cancellation (in either) makes a point suspect,
            # to be decided in high precision, never "agreeing" by the size of its terms.
            with np.errstate(all="ignore"):
                tol = 1e-9 * (np.abs(av) + np.abs(rv)) + 1e-300
                suspect |= finite & ~(np.abs(av - rv) <= tol)
            blind |= ~finite
        agree = np.flatnonzero(~suspect & ~blind).tolist()
        confirm = [agree[j] for j in sorted({0, len(agree) // 2, len(agree) - 1})
                   if 0 <= j < len(agree)]
        order = np.flatnonzero(suspect).tolist() + np.flatnonzero(blind & ~suspect).tolist()
        checked = unknown = 0
        for i in order + confirm:
            outcome = self.hp_point(a_list, r_list, points[i])
            if outcome[0] == _DIFFERS:
                return self.reject(a_list, r_list, points, i, *outcome[1:]) if explain else \
                    Verdict(NOT_EQUIVALENT)
            checked += outcome[0] == _EQUAL
            unknown += outcome[0] == _UNKNOWN
        matched = len(agree) - len(confirm) + checked
        if matched < 3 or checked == 0:
            return Verdict(UNDETERMINED, points=matched, message=(
                f"Could not decide whether your {self.what} is right: it could be evaluated "
                f"reliably at only {matched} points; it was not rejected."))
        return Verdict(EQUIVALENT, points=matched, message=(
            f"Your {self.what} is correct (it matches at {matched} points, {checked} of them "
            "re-checked in high precision)."))

    def sample(self, r_list, names, domains) -> list[dict[str, Fraction]]:
        kept: list[dict[str, Fraction]] = []
        for _ in range(4):
            batch = 2 * self.n_points
            cols = {}
            for n in names:
                if time.monotonic() > self.deadline:
                    raise EvalTimeout
                cols[n] = domains[n].sample(self.rng, batch)
            cand = [{n: cols[n][i] for n in names} for i in range(batch)]
            kept += self.defined(r_list, names, cand)
            if len(kept) >= self.n_points:
                break
        return kept[: self.n_points]

    def defined(self, r_list, names, cand) -> list[dict[str, Fraction]]:
        """The candidates where the reference is defined: in float64, or else in mpmath
        (float64 overflows where a sigmoid's gradient at x = -750 is a perfectly good 1e-326).
        """
        if not cand:
            return []
        env = {n: np.array([float(c[n]) for c in cand]) for n in names}
        ok = np.ones(len(cand), dtype=bool)
        for r in r_list:
            ok &= np.isfinite(float_values(r, env, self.deadline)[0])
        for i in np.flatnonzero(~ok)[: self.n_points]:
            values = [mp_value(r, cand[i], 30, self.deadline) for r in r_list]
            ok[i] = all(mpmath.isfinite(v.value) and not v.clamped for v in values)
        return [c for c, good in zip(cand, ok, strict=True) if good]

    def hp_point(self, a_list, r_list, point):
        """(_EQUAL,), (_UNKNOWN,) or (_DIFFERS, entry k, answer value, reference value)."""
        outcome = (_EQUAL,)
        for k, (a, r) in enumerate(zip(a_list, r_list, strict=True)):
            verdict, av, rv = self.hp_compare(a, r, point)
            if verdict == _DIFFERS:
                return _DIFFERS, k, av, rv
            if verdict == _UNKNOWN:
                outcome = (_UNKNOWN,)
        return outcome

    def hp_compare(self, a, r, point):
        r"""Compare at one point in high precision: (_EQUAL | _DIFFERS | _UNKNOWN, a, r).

        At 50 digits, then 100, 200 ... 800 while undecided, both values come with a
        running bound on their error (:func:`.numeric.mp_value`): cancellation, and every
        later division that magnifies it, is in the bound. With :math:`m = \max(|a|, |r|)`:
        equal means difference and error bound both at most :math:`10^{-40} m`; different
        means difference above :math:`10^{-40} m` and above 10 times the error bound; an
        answer undefined (at two precisions) where the reference is defined is different.
        Unknown: the reference is undefined here, an artificial overflow bound fired, or
        800 digits did not settle it (values that are 0 only up to rounding, or an answer
        that cancels huge terms). The size of the terms that cancel never widens the
        tolerance: 2x plus huge terms that cancel is not x.
        """
        undefined_before = False
        dps = _FIRST_DPS
        while True:
            av_, rv_ = (mp_value(a, point, dps, self.deadline),
                        mp_value(r, point, dps, self.deadline))
            av, rv = av_.value, rv_.value
            if av_.clamped or rv_.clamped or not mpmath.isfinite(rv):
                return _UNKNOWN, av, rv  # no evidence either way here
            if not mpmath.isfinite(av):
                if undefined_before:
                    return _DIFFERS, av, rv
                undefined_before = True
            else:
                size = max(abs(av), abs(rv))
                diff, err = abs(av - rv), av_.error + rv_.error
                limit = max(_TOL, self.floor) * size
                if diff <= limit and err <= limit:
                    return _EQUAL, av, rv
                if diff > limit and diff > 10 * err:
                    return _DIFFERS, av, rv
                # Rounding errors shrink as 10^-dps: the digits that would settle it.
                target = max(limit, diff / 10)
                wanted = dps + 2 + (mpmath.log10(err / target) if target else mpmath.inf)
                if wanted > _MAX_DPS:
                    return _UNKNOWN, av, rv
                dps = max(dps, int(wanted) // 2)
            if dps >= _MAX_DPS:
                return _UNKNOWN, av, rv
            dps = min(2 * dps, _MAX_DPS)

    def reject(self, a_list, r_list, points, i, k, av, rv) -> Verdict:
        with mpmath.workdps(50):  # slip arithmetic on 50-digit values needs 50 digits
            return self._reject(a_list, r_list, points, i, k, av, rv)

    def _reject(self, a_list, r_list, points, i, k, av, rv) -> Verdict:
        point = points[i]
        undefined = not mpmath.isfinite(av)
        if undefined:
            slip, text = "undefined", (f"yours is undefined here (a log or square root of a "
                                       "negative number, or a division by zero?), but the "
                                       f"correct {self.what} is not.")
        else:
            # Slips are recognised at ordinary-sized points (a constant term of exp(-40) is
            # invisible next to the values at x = 500).
            others = sorted((p for j, p in enumerate(points) if j != i),
                            key=lambda p: max((abs(v) for v in p.values()), default=0))[:3]
            ans_vals, ref_vals = [], []
            for p in [point, *others]:
                pa = [mp_value(a, p, 50, self.deadline).value for a in a_list]
                pr = [mp_value(r, p, 50, self.deadline).value for r in r_list]
                if all(mpmath.isfinite(v) for v in pa + pr):
                    ans_vals.append(pa)
                    ref_vals.append(pr)
            slip, text = slips.recognise(ans_vals, ref_vals, self.shape, self.extra,
                                         self.missing, self.what)
        entry = None if self.shape is None else divmod(k, self.shape[1])
        lines = [f"Not the correct {self.what}.",
                 f"  at       {slips.fmt_point(point)}"]
        if self.shape is not None:
            lines.append(f"  entry    {slips.fmt_entry(k, self.shape)}")
        lines.append(f"  yours    {slips.fmt_value(av, rv)}")
        if self.show_reference:
            lines.append(f"  correct  {slips.fmt_value(rv, av, anchor=True)}")
        if text:
            lines.append(f"  slip     {text}")
        return Verdict(NOT_EQUIVALENT, counterexample={n: float(v) for n, v in point.items()},
                       answer_value=float(av), reference_value=float(rv), entry=entry,
                       slip=slip, message="\n".join(lines), points=len(points))
