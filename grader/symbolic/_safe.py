r"""Size limits, a reading budget and the safe constructors every answer is built with.

Both ways into the checker -- typed text (:mod:`.parse`) and SymPy trees sent across the
sandbox boundary (:mod:`.tree`) -- build SymPy objects only through the functions here.
They never hand a string to SymPy, and they never let SymPy's automatic evaluation do
unbounded work:

* **Big numbers.** Sums, products and integer powers of rationals are computed here,
  exactly, with the digit bound checked at every step, so ``9**9**9`` (370 million digits)
  is refused before anything computes it.
* **Number theory.** SymPy simplifies ``sqrt(n)`` by trial division and perfect-power tests
  on ``n``, and merges ``sqrt(a)*sqrt(b)`` into ``sqrt(a*b)`` and factors again: 0.2 s for
  one 850-digit radicand, seconds for a product of four, minutes for eight. The *radical
  weight* of a node (:meth:`Budget.weight`) counts the digits inside its numeric,
  non-rational parts; a node whose weight passes ``Limits.max_radical_digits`` is built
  unevaluated (``evaluate=False``), and so is every node above it, since an evaluated
  ``Mul`` or ``Add`` would merge the radicals again. The value is the same; only SymPy's
  automatic rewriting is skipped.
* **Growth functions.** ``factorial``, ``gamma``, ``binomial`` ... of numbers are evaluated
  by SymPy only for arguments up to ``Limits.max_factorial`` (``factorial(10**6)`` takes
  4 s, ``binomial(10**6, 5*10**5)`` longer); above that they stay unevaluated.
* **Time.** A :class:`Budget` carries a deadline that every constructor checks, so reading
  an answer counts against the checker's time limit.

Every refusal for size or time is a :class:`SymbolicInputError` with ``too_large=True``:
the checker answers "undetermined: too large" for those, never "not equivalent".
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp


class SymbolicInputError(ValueError):
    r"""An expression (typed text or a tree) that the checker refuses to read.

    Attributes:
        part: the offending piece of the input, as the learner wrote it (or None).
        position: 0-based character offset of `part` in the typed text (or None).
        too_large: True if a size or time limit was hit (the answer may well be right).
    """

    def __init__(self, message: str, part: str | None = None, position: int | None = None,
                 too_large: bool = False):
        super().__init__(message)
        self.part = part
        self.position = position
        self.too_large = too_large


def too_large(message: str, part: str | None = None) -> SymbolicInputError:
    r"""A SymbolicInputError for a size or time limit."""
    return SymbolicInputError(message, part=part, too_large=True)


@dataclass(frozen=True)
class Limits:
    r"""Size and time bounds for everything the checker reads.

    Attributes:
        max_length: characters of typed text.
        max_nodes: expression nodes of typed text (numbers, names, operators, calls).
        max_tree_nodes: nodes of a plain-data tree, and distinct parts of a built expression.
        max_depth: nesting depth (parentheses, calls, operators).
        max_digits: digits of one number literal.
        max_exponent: largest |exponent| of a power whose exponent is a number.
        max_result_digits: digits of any rational number computed while building.
        max_args: arguments of one call (Max, Min) or entries of one matrix row.
        max_entries: entries of a matrix.
        max_radical_digits: radical weight above which nodes are built unevaluated.
        max_factorial: largest argument of factorial, gamma, binomial ... evaluated exactly.
        max_variables: distinct variables of an answer (each is sampled at every point).
        read_seconds: time for reading one answer when no deadline is given.
    """

    max_length: int = 2000
    max_nodes: int = 1000
    max_tree_nodes: int = 20000
    max_depth: int = 100
    max_digits: int = 30
    max_exponent: int = 1000
    max_result_digits: int = 1000
    max_args: int = 64
    max_entries: int = 400
    max_radical_digits: int = 30
    max_factorial: int = 100
    max_variables: int = 200
    read_seconds: float = 1.0


DEFAULT_LIMITS = Limits()

_LOG10_2 = math.log10(2)


def _digits(n: int) -> int:
    return int(abs(n).bit_length() * _LOG10_2) + 1


class Budget:
    r"""What reading one answer may spend: the limits, a deadline, and node weights.

    Args:
        limits: the size bounds.
        deadline: a ``time.monotonic()`` value; None means ``limits.read_seconds`` from now.
        evaluate: let SymPy simplify sums and products (collect terms, distribute numbers)
            where that is cheap; False builds them as given, with their rational parts
            folded (a tree from code arrives already simplified by SymPy in the sandbox).
    """

    def __init__(self, limits: Limits = DEFAULT_LIMITS, deadline: float | None = None,
                 evaluate: bool = True):
        self.limits = limits
        self.evaluate = evaluate
        self.deadline = time.monotonic() + limits.read_seconds if deadline is None else deadline
        self._info: dict[int, tuple[sp.Basic, bool, int, bool, int]] = {}

    def tick(self) -> None:
        r"""Raise a too-large SymbolicInputError once the deadline has passed."""
        if time.monotonic() > self.deadline:
            raise too_large("it could not be read within the time limit (is it very large?)")

    def weight(self, e: sp.Basic) -> int:
        r"""The radical weight of `e`: the digits SymPy's number theory could work on.

        A *numeric radical* is a number that is not rational and holds a non-integer power
        (``sqrt(12)``, ``3**(1/3)*log(2)``) or an unevaluated growth function. It weighs the
        decimal digits of all the rationals inside it; a node with symbols weighs the sum of
        its arguments; anything else weighs 0. So ``x*sqrt(2) + pi + 10**40`` weighs 3 and
        ``sqrt(7**1000 + 2)`` weighs 848.
        """
        return self._node(e)[4]

    def heavy(self, args: list[sp.Basic], radical: bool = False) -> bool:
        r"""Would a node with these arguments weigh more than ``max_radical_digits``?

        Args:
            args: its arguments.
            radical: the node itself is a radical (a non-integer power of a number).
        """
        infos = [self._node(a) for a in args]
        if all(i[1] for i in infos):
            total = sum(i[2] for i in infos) if radical or any(i[3] for i in infos) else 0
        else:
            total = sum(i[4] for i in infos)
        return total > self.limits.max_radical_digits

    def mark_heavy(self, e: sp.Basic) -> sp.Basic:
        r"""Record `e` (an unevaluated growth function of a big number) as heavy."""
        self._info[id(e)] = (e, not e.free_symbols, 10**9, True, 10**9)
        return e

    def _node(self, e: sp.Basic) -> tuple[sp.Basic, bool, int, bool, int]:
        """(e, numeric, digits, radical, weight), memoised by identity (the entry keeps `e`
        alive, so the identity stays valid)."""
        hit = self._info.get(id(e))
        if hit is not None:
            return hit
        if not e.args:
            if isinstance(e, sp.Rational):
                info = (e, True, _digits(int(e.p)) + _digits(int(e.q)), False, 0)
            else:  # a Symbol (not numeric) or a Float, pi, E, oo ... (numeric)
                info = (e, not isinstance(e, sp.Symbol), 1, False, 0)
        else:
            kids = [self._node(a) for a in e.args]
            numeric = all(k[1] for k in kids)
            digits = sum(k[2] for k in kids)
            radical = numeric and (any(k[3] for k in kids) or (
                isinstance(e, sp.Pow) and not isinstance(e.exp, sp.Integer)))
            weight = digits if radical else sum(k[4] for k in kids)
            info = (e, numeric, digits, radical, weight)
        self._info[id(e)] = info
        return info


# ------------------------------------------------------------------------ exact rationals
def _rational_sum(values: list[sp.Rational], limits: Limits, what: str, product: bool):
    total = Fraction(1) if product else Fraction(0)
    for v in values:
        f = Fraction(int(v.p), int(v.q))
        total = total * f if product else total + f
        if max(_digits(total.numerator), _digits(total.denominator)) > limits.max_result_digits:
            raise too_large(f"{what} produces a number with more than "
                            f"{limits.max_result_digits} digits", part=what)
    return sp.Rational(total.numerator, total.denominator)


def check_number(value: sp.Expr, limits: Limits, what: str) -> sp.Expr:
    r"""Refuse a value whose rational coefficients have more than ``max_result_digits`` digits.

    Looks at the number itself, the coefficient of a product, and every term of a sum.
    """
    numbers = []
    if isinstance(value, sp.Rational):
        numbers = [value]
    elif isinstance(value, (sp.Add, sp.Mul)):
        for term in value.args if isinstance(value, sp.Add) else [value]:
            if isinstance(term, sp.Rational):
                numbers.append(term)
            elif isinstance(term, sp.Mul) and term.args and isinstance(term.args[0], sp.Rational):
                numbers.append(term.args[0])
    for number in numbers:
        if max(_digits(int(number.p)), _digits(int(number.q))) > limits.max_result_digits:
            raise too_large(f"{what} produces a number with more than "
                            f"{limits.max_result_digits} digits", part=what)
    return value


# --------------------------------------------------------------------------- constructors
def _split(args: list[sp.Basic]) -> tuple[list[sp.Rational], list[sp.Basic]]:
    rationals = [a for a in args if isinstance(a, sp.Rational)]
    return rationals, [a for a in args if not isinstance(a, sp.Rational)]


def safe_add(args: list[sp.Expr], budget: Budget, what: str) -> sp.Expr:
    r"""The sum of `args`: rationals summed exactly under the digit bound, then SymPy's Add
    (unevaluated if the result would be heavy, or has more than 256 terms)."""
    budget.tick()
    rationals, others = _split(args)
    number = _rational_sum(rationals, budget.limits, what, product=False)
    terms = ([number] if number != 0 or not others else []) + others
    if len(terms) == 1:
        return terms[0]
    if _as_given(terms, budget) or budget.heavy(terms) or len(terms) > _WIDE:
        return sp.Add(*terms, evaluate=False)
    return check_number(sp.Add(*terms), budget.limits, what)


def safe_mul(args: list[sp.Expr], budget: Budget, what: str) -> sp.Expr:
    r"""The product of `args`, like :func:`safe_add`; a number times a long sum is left
    unevaluated rather than multiplied into every term."""
    budget.tick()
    rationals, others = _split(args)
    number = _rational_sum(rationals, budget.limits, what, product=True)
    if number == 0 and not any(isinstance(o, _PLAIN_NUMBERS) for o in others):
        return sp.Integer(0)  # as SymPy: 0 times anything but oo, zoo, nan
    factors = ([number] if number != 1 or not others else []) + others
    if len(factors) == 1:
        return factors[0]
    if _as_given(factors, budget) or budget.heavy(factors) or _distributes_widely(factors) \
            or len(factors) > _WIDE:
        return sp.Mul(*factors, evaluate=False)
    return check_number(sp.Mul(*factors), budget.limits, what)


#: A sum or product with more arguments is built as given: SymPy sorting and collecting
#: 5000 terms takes a second, and a tree from code arrives already collected.
_WIDE = 256


def _as_given(args: list[sp.Basic], budget: Budget) -> bool:
    """Build as given: the budget says so, unless all are numbers (floats, oo: cheap)."""
    return not budget.evaluate and not all(isinstance(a, sp.Number) for a in args)


def _distributes_widely(factors: list[sp.Basic]) -> bool:
    """SymPy would multiply a number into every term of a long sum (``2*(x1 + ... + x300)``);
    nested 90 deep that is quadratic work, seconds for an 850-character answer."""
    return len(factors) == 2 and isinstance(factors[0], sp.Rational) \
        and isinstance(factors[1], sp.Add) and len(factors[1].args) > 8


def safe_pow(base: sp.Expr, exponent: sp.Expr, budget: Budget, what: str) -> sp.Expr:
    r"""Build ``base**exponent``, refusing exponents SymPy could not compute quickly.

    A numeric exponent must satisfy :math:`|e| \le` ``limits.max_exponent`` (numerator and
    denominator alike); if the base is a rational too, the result may have at most
    ``limits.max_result_digits`` digits, estimated as :math:`|e| \log_{10}|b|` *before*
    anything computes it. A non-integer power of a rational is evaluated by SymPy
    (``sqrt(8) = 2*sqrt(2)``) only while its radical weight is small.
    """
    budget.tick()
    limits = budget.limits
    if isinstance(exponent, sp.Rational):
        p, q = abs(int(exponent.p)), abs(int(exponent.q))
        if max(p, q) > limits.max_exponent:
            shown = str(exponent) if max(p, q) < 10**30 else "a huge number"
            raise too_large(f"the exponent in {what} is {shown}, which is too large "
                            f"(the limit is {limits.max_exponent})", part=what)
        if isinstance(base, sp.Rational) and base != 0:
            size = max(int(base.p).bit_length(), int(base.q).bit_length())
            if size * _LOG10_2 * p / q > limits.max_result_digits:
                raise too_large(f"{what} is too large a number to work with "
                                f"(more than {limits.max_result_digits} digits)", part=what)
    elif isinstance(exponent, sp.Float) and abs(exponent) > limits.max_exponent:
        raise too_large(f"the exponent in {what} is too large (the limit is "
                        f"{limits.max_exponent})", part=what)
    if isinstance(base, sp.Number) and isinstance(exponent, sp.Number):
        if isinstance(base, sp.Rational) and isinstance(exponent, sp.Rational) \
                and not isinstance(exponent, sp.Integer) \
                and budget.heavy([base, exponent], radical=True):
            return sp.Pow(base, exponent, evaluate=False)
        return check_number(sp.Pow(base, exponent), limits, what)
    if base is sp.E:
        return build_function(sp.exp, [exponent], budget)
    return sp.Pow(base, exponent, evaluate=False)


#: Functions whose value at a number can be astronomically large or slow to compute exactly.
GROWTH = (sp.factorial, sp.gamma, sp.loggamma, sp.binomial, sp.polygamma)

_PLAIN_NUMBERS = (sp.Rational, sp.core.numbers.Infinity, sp.core.numbers.NegativeInfinity,
                  sp.core.numbers.NaN, sp.core.numbers.ComplexInfinity)


def build_function(cls, args: list, budget: Budget) -> sp.Expr:
    r"""``cls(*args)``, left unevaluated unless every argument is a small enough number.

    SymPy's automatic simplification of a function call asks the assumption system about
    its argument; on hostile input (``Abs`` nested 50 deep, ``log(abs(...))`` towers) that
    takes seconds. Unevaluated calls cost nothing and compute the same values. Calls on
    rationals are evaluated (``log(1) = 0``), except growth functions of big numbers
    (:data:`GROWTH`); calls on floats stay unevaluated (their value is computed later, at
    the precision the checker needs).
    """
    budget.tick()
    if all(isinstance(a, _PLAIN_NUMBERS) for a in args):
        if issubclass(cls, GROWTH) and any(
                isinstance(a, sp.Rational) and abs(a) > budget.limits.max_factorial
                for a in args):
            return budget.mark_heavy(cls(*args, evaluate=False))
        return check_number(cls(*args), budget.limits, cls.__name__)
    return cls(*args, evaluate=False)


def unique_nodes(expr: sp.Basic, limit: int) -> list[sp.Basic]:
    r"""Every distinct subexpression of `expr` once (shared subtrees once), iteratively.

    Raises:
        SymbolicInputError: (too large) more than `limit` distinct nodes.
    """
    seen = {expr}
    order = [expr]
    stack = [expr]
    while stack:
        node = stack.pop()
        for arg in node.args:
            if arg not in seen:
                seen.add(arg)
                order.append(arg)
                stack.append(arg)
                if len(order) > limit:
                    raise too_large(f"the expression has more than {limit} distinct parts")
    return order
