r"""Shared whitelist, size limits and safe constructors for the symbolic checker.

Both ways into the checker -- typed text (:mod:`.parse`) and SymPy trees sent across the
sandbox boundary (:mod:`.tree`) -- build SymPy objects only through the functions here.
They never hand a string to SymPy and never let SymPy compute a number that could be
astronomically large: ``9**9**9`` is refused before SymPy sees it, because SymPy would
otherwise compute all 370 million digits of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp


class SymbolicInputError(ValueError):
    r"""An expression (typed text or a tree) that the checker refuses to read.

    Attributes:
        part: the offending piece of the input, as the learner wrote it (or None).
        position: 0-based character offset of `part` in the typed text (or None).
    """

    def __init__(self, message: str, part: str | None = None, position: int | None = None):
        super().__init__(message)
        self.part = part
        self.position = position


@dataclass(frozen=True)
class Limits:
    r"""Size bounds for everything the checker reads.

    Attributes:
        max_length: characters of typed text.
        max_nodes: syntax-tree nodes of typed text.
        max_tree_nodes: nodes of a plain-data tree (SymPy expression from the sandbox).
        max_depth: nesting depth (parentheses, calls, operators).
        max_digits: digits of one number literal.
        max_exponent: largest |exponent| of a power whose exponent is a number.
        max_result_digits: digits of any number SymPy computes while building.
        max_args: arguments of one call (Max, Min) or entries of one matrix row.
        max_entries: entries of a matrix.
    """

    max_length: int = 2000
    max_nodes: int = 600
    max_tree_nodes: int = 20000
    max_depth: int = 100
    max_digits: int = 30
    max_exponent: int = 1000
    max_result_digits: int = 1000
    max_args: int = 64
    max_entries: int = 400


DEFAULT_LIMITS = Limits()


def build_function(cls, args: list) -> sp.Expr:
    r"""``cls(*args)``, left unevaluated unless every argument is a number.

    SymPy's automatic simplification of a function call asks the assumption system about
    its argument; on hostile input (``Abs`` nested 50 deep, ``log(abs(...))`` towers) that
    takes seconds. Unevaluated calls cost nothing and compute the same values.
    """
    if all(isinstance(a, sp.Number) for a in args):
        return cls(*args)
    return cls(*args, evaluate=False)


def _lazy(cls):
    return lambda *args: build_function(cls, list(args))


def _log(x: sp.Expr, base: sp.Expr | None = None) -> sp.Expr:
    if base is None:
        return build_function(sp.log, [x])
    return build_function(sp.log, [x]) / build_function(sp.log, [base])


def _sqrt(x: sp.Expr) -> sp.Expr:
    return sp.Pow(x, sp.S.Half, evaluate=isinstance(x, sp.Number))


def _sigmoid(x: sp.Expr) -> sp.Expr:
    return 1 / (1 + build_function(sp.exp, [-x]))


def _softplus(x: sp.Expr) -> sp.Expr:
    return build_function(sp.log, [1 + build_function(sp.exp, [x])])


def _relu(x: sp.Expr) -> sp.Expr:
    return build_function(sp.Max, [sp.Integer(0), x])


#: Functions a learner may type: name -> (builder, min args, max args).
#: `sigmoid`, `softplus` and `relu` are not SymPy classes: they expand to their definitions.
TYPED_FUNCTIONS: dict[str, tuple[object, int, int]] = {
    "exp": (_lazy(sp.exp), 1, 1),
    "log": (_log, 1, 2),
    "ln": (_log, 1, 1),
    "sqrt": (_sqrt, 1, 1),
    "abs": (_lazy(sp.Abs), 1, 1),
    "Abs": (_lazy(sp.Abs), 1, 1),
    "sign": (_lazy(sp.sign), 1, 1),
    "sin": (_lazy(sp.sin), 1, 1),
    "cos": (_lazy(sp.cos), 1, 1),
    "tan": (_lazy(sp.tan), 1, 1),
    "sinh": (_lazy(sp.sinh), 1, 1),
    "cosh": (_lazy(sp.cosh), 1, 1),
    "tanh": (_lazy(sp.tanh), 1, 1),
    "asin": (_lazy(sp.asin), 1, 1),
    "acos": (_lazy(sp.acos), 1, 1),
    "atan": (_lazy(sp.atan), 1, 1),
    "erf": (_lazy(sp.erf), 1, 1),
    "Heaviside": (_lazy(sp.Heaviside), 1, 2),
    "heaviside": (_lazy(sp.Heaviside), 1, 2),
    "step": (_lazy(sp.Heaviside), 1, 1),
    "max": (_lazy(sp.Max), 2, DEFAULT_LIMITS.max_args),
    "Max": (_lazy(sp.Max), 2, DEFAULT_LIMITS.max_args),
    "min": (_lazy(sp.Min), 2, DEFAULT_LIMITS.max_args),
    "Min": (_lazy(sp.Min), 2, DEFAULT_LIMITS.max_args),
    "sigmoid": (_sigmoid, 1, 1),
    "softplus": (_softplus, 1, 1),
    "relu": (_relu, 1, 1),
}

#: Named constants a learner may type (``e`` only when no variable is called ``e``).
TYPED_CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "E": sp.E, "e": sp.E}


def check_number(value: sp.Expr, limits: Limits, what: str) -> sp.Expr:
    r"""Refuse a number (or numeric coefficient) with more than ``max_result_digits`` digits."""
    number = value
    if isinstance(value, (sp.Add, sp.Mul)) and value.args:
        number = value.args[0]
    if isinstance(number, sp.Rational):
        bits = max(abs(int(number.p)).bit_length(), abs(int(number.q)).bit_length())
        if bits * math.log10(2) > limits.max_result_digits:
            raise SymbolicInputError(
                f"{what} produces a number with more than {limits.max_result_digits} digits",
                part=what,
            )
    return value


def safe_pow(base: sp.Expr, exponent: sp.Expr, limits: Limits, what: str) -> sp.Expr:
    r"""Build ``base**exponent``, refusing exponents SymPy could not compute quickly.

    A numeric exponent must satisfy :math:`|e| \le` ``limits.max_exponent`` (numerator and
    denominator alike); if the base is a number too, the result may have at most
    ``limits.max_result_digits`` digits, estimated as :math:`|e| \log_{10}|b|` *before*
    SymPy computes it.
    """
    if isinstance(exponent, sp.Rational):
        p, q = abs(int(exponent.p)), abs(int(exponent.q))
        if max(p, q) > limits.max_exponent:
            shown = str(exponent) if len(str(exponent)) < 40 else "a huge number"
            raise SymbolicInputError(
                f"the exponent in {what} is {shown}, which is too large "
                f"(the limit is {limits.max_exponent})",
                part=what,
            )
        if isinstance(base, sp.Rational) and base != 0:
            size = max(abs(int(base.p)).bit_length(), abs(int(base.q)).bit_length())
            if size * math.log10(2) * p / q > limits.max_result_digits:
                raise SymbolicInputError(
                    f"{what} is too large a number to work with "
                    f"(more than {limits.max_result_digits} digits)",
                    part=what,
                )
    elif isinstance(exponent, sp.Float) and abs(exponent) > limits.max_exponent:
        raise SymbolicInputError(
            f"the exponent in {what} is too large (the limit is {limits.max_exponent})", part=what
        )
    if isinstance(base, sp.Number) and isinstance(exponent, sp.Number):
        return check_number(sp.Pow(base, exponent), limits, what)
    if base is sp.E:
        return build_function(sp.exp, [exponent])
    return sp.Pow(base, exponent, evaluate=False)


def safe_mul(args: list[sp.Expr], limits: Limits, what: str) -> sp.Expr:
    r"""Multiply, refusing products whose numeric coefficient grows too large."""
    return check_number(sp.Mul(*args), limits, what)


def safe_add(args: list[sp.Expr], limits: Limits, what: str) -> sp.Expr:
    r"""Add, refusing sums whose numeric part grows too large."""
    return check_number(sp.Add(*args), limits, what)


def unique_nodes(expr: sp.Basic, limit: int) -> list[sp.Basic]:
    r"""Every distinct subexpression of `expr` once (shared subtrees once), iteratively.

    Raises:
        SymbolicInputError: more than `limit` distinct nodes.
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
                    raise SymbolicInputError(
                        f"the expression has more than {limit} distinct parts"
                    )
    return order
