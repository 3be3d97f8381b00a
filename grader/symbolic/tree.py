r"""SymPy expressions as plain data, for crossing the sandbox boundary.

A SymPy object cannot cross the boundary as itself: unpickling runs code, and reading
``srepr`` text back would mean handing text to SymPy's own parser, which runs code too. So the
sandbox sends a *tree* of plain data -- nested lists, str, int, bool and one dict of symbol
assumptions -- and the judge rebuilds it here from a whitelist of node types, with bounded
size and depth, through the same safe constructors as the text parser.

Format (every node is a list whose first item names its type)::

    ["Symbol", "x", {"real": True}]        ["Integer", "12"]    ["Rational", "1", "3"]
    ["Float", "<signed mantissa>", exp, prec]   value = mantissa * 2**exp, prec in bits
    ["pi"]  ["E"]  ["oo"]  ["-oo"]  ["zoo"]  ["nan"]  ["true"]  ["false"]
    ["Add", a, b, ...]   ["Mul", a, b, ...]   ["Pow", base, exponent]
    ["exp", a]  ["log", a]  ["Abs", a]  ["Max", a, b, ...]  ["Heaviside", a, h0]  ...
    ["Piecewise", [expr, cond], [expr, cond], ...]
    ["StrictLessThan", a, b]  ["LessThan", a, b]  ...  ["And", ...]  ["Or", ...]  ["Not", a]
    ["Matrix", rows, cols, [entry, entry, ...]]   (row-major)

:func:`from_tree` also reads the variant that ``grader/wire.py`` writes in the sandbox
(standard library only, so it cannot call :func:`to_tree`): ``["Symbol", name]`` without
assumptions, ``["Float", "0.1"]`` as a float's repr, class names for constants (``["Pi"]``,
``["Exp1"]``, ``["Infinity"]``, ...), ``["ExprCondPair", expr, cond]`` inside a Piecewise,
and ``["Matrix", [[entry, ...], ...]]`` as a list of rows.
"""

from __future__ import annotations

import re

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from ._safe import (
    DEFAULT_LIMITS,
    Limits,
    SymbolicInputError,
    build_function,
    check_number,
    safe_add,
    safe_mul,
    safe_pow,
)

__all__ = ["TreeError", "from_tree", "to_tree"]

MAX_TREE_DEPTH = 200


class TreeError(SymbolicInputError):
    r"""A tree (or SymPy object) outside the whitelist, or too large."""


_FUNCTIONS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        sp.exp, sp.log, sp.Abs, sp.sign, sp.sin, sp.cos, sp.tan, sp.sinh, sp.cosh, sp.tanh,
        sp.asin, sp.acos, sp.atan, sp.erf, sp.Heaviside, sp.re, sp.im, sp.Max, sp.Min,
    )
}
_ARITY = {"Heaviside": (1, 2), "Max": (1, 64), "Min": (1, 64)}

_BOOLEANS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan,
        sp.Equality, sp.Unequality, sp.And, sp.Or, sp.Not,
    )
}

_CONSTANTS = {
    "pi": sp.pi, "E": sp.E, "oo": sp.oo, "-oo": -sp.oo, "zoo": sp.zoo, "nan": sp.nan,
    "true": sp.true, "false": sp.false,
}
_CONSTANT_NAMES = {id(v): k for k, v in _CONSTANTS.items()}
_CONSTANTS.update({  # class names, as grader/wire.py writes them
    "Pi": sp.pi, "Exp1": sp.E, "Infinity": sp.oo, "NegativeInfinity": -sp.oo,
    "ComplexInfinity": sp.zoo, "NaN": sp.nan, "BooleanTrue": sp.true, "BooleanFalse": sp.false,
})
_FLOAT_TEXT = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]{1,3})?\Z|-?inf\Z|nan\Z")

_ASSUMPTIONS = ("real", "positive", "negative", "nonnegative", "nonpositive", "nonzero",
                "integer")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,49}\Z")
_INT = re.compile(r"-?[0-9]{1,400}\Z")


# ----------------------------------------------------------------------------- to_tree
def to_tree(expr: object, *, limits: Limits = DEFAULT_LIMITS) -> list:
    r"""Turn a SymPy expression or Matrix into a plain-data tree (nested lists of str/int).

    Args:
        expr: a SymPy expression, Boolean, Matrix, or a Python int/float.
    Returns:
        the tree (see the module docstring for the format).
    Raises:
        TreeError: a node outside the whitelist (the message names it and, for the
            common cases, says how to fix it), or more than ``limits.max_tree_nodes`` nodes.
    """
    counter = [0]
    if isinstance(expr, sp.MatrixBase):
        if expr.rows * expr.cols > limits.max_entries:
            raise TreeError(f"a matrix may have at most {limits.max_entries} entries")
        entries = [_to(e, 1, counter, limits) for e in expr]
        return ["Matrix", int(expr.rows), int(expr.cols), entries]
    return _to(expr, 0, counter, limits)


def _to(e: object, depth: int, counter: list[int], limits: Limits) -> list:
    counter[0] += 1
    if counter[0] > limits.max_tree_nodes:
        raise TreeError(f"the expression has more than {limits.max_tree_nodes} nodes")
    if depth > MAX_TREE_DEPTH:
        raise TreeError(f"the expression is nested more than {MAX_TREE_DEPTH} levels deep")
    if isinstance(e, bool):
        return ["true" if e else "false"]
    if isinstance(e, int):
        return ["Integer", str(e)]
    if isinstance(e, float):
        e = sp.Float(e)
    name = _CONSTANT_NAMES.get(id(e))
    if name is not None:
        return [name]
    if isinstance(e, sp.Symbol) and type(e) is sp.Symbol:
        facts = {k: bool(getattr(e, "is_" + k)) for k in _ASSUMPTIONS
                 if getattr(e, "is_" + k) is not None}
        return ["Symbol", e.name, facts]
    if isinstance(e, sp.Integer):
        return ["Integer", str(int(e))]
    if isinstance(e, sp.Rational):
        return ["Rational", str(int(e.p)), str(int(e.q))]
    if isinstance(e, sp.Float):
        sign, man, exp, _ = e._mpf_
        return ["Float", str(-man if sign else man), int(exp), int(e._prec)]
    kids = lambda: [_to(a, depth + 1, counter, limits) for a in e.args]  # noqa: E731
    for cls in (sp.Add, sp.Mul, sp.Pow, sp.Piecewise):
        if type(e) is cls:
            if cls is sp.Piecewise:
                return ["Piecewise", *[[_to(x, depth + 2, counter, limits),
                                        _to(c, depth + 2, counter, limits)] for x, c in e.args]]
            return [cls.__name__, *kids()]
    cname = type(e).__name__
    if _FUNCTIONS.get(cname) is type(e) or _BOOLEANS.get(cname) is type(e):
        return [cname, *kids()]
    raise TreeError(_unsupported_message(e))


def _unsupported_message(e: object) -> str:
    cname = type(e).__name__
    if isinstance(e, sp.Derivative):
        return ("your expression contains an unfinished derivative "
                f"{str(e)[:60]}; call .doit() on it, and declare symbols real "
                "(sp.Symbol('x', real=True)) so that SymPy can finish the derivative")
    if isinstance(e, AppliedUndef):
        return f"your expression uses the undefined function {cname}(...); write it out"
    if e is sp.I or isinstance(e, sp.Number):
        return f"the number {str(e)[:30]} is not supported (answers are real expressions)"
    return f"unsupported SymPy object {cname}: {str(e)[:60]}"


# --------------------------------------------------------------------------- from_tree
def from_tree(tree: object, *, limits: Limits = DEFAULT_LIMITS) -> sp.Expr | sp.Matrix:
    r"""Rebuild a SymPy expression or Matrix from a plain-data tree, safely.

    Only the node types of the module docstring are accepted; containers must be exactly
    ``list`` (or ``dict`` for assumptions), never subclasses. No string is ever handed to
    SymPy: names become ``Symbol(name)`` after a regex check, numbers are rebuilt from
    checked digit strings, and powers, sums and products go through the size guards.
    Function calls and powers of symbolic arguments are built *unevaluated*: SymPy's
    automatic simplification of, say, ``Abs`` nested 50 deep takes seconds, and a tree
    from the sandbox is hostile until proven otherwise. (A tree made by :func:`to_tree`
    from an ordinary expression comes back equal to it.)

    Raises:
        TreeError: anything else, naming the offending node.
    """
    counter = [0]
    if type(tree) is list and len(tree) == 2 and tree[0] == "Matrix":
        rows = tree[1]
        if type(rows) is not list or not rows or any(type(r) is not list for r in rows) \
                or len({len(r) for r in rows}) != 1:
            raise TreeError("a Matrix node is ['Matrix', [[entry, ...], ...]] with equal rows")
        tree = ["Matrix", len(rows), len(rows[0]), [e for r in rows for e in r]]
    if type(tree) is list and tree and tree[0] == "Matrix":
        if len(tree) != 4 or type(tree[1]) is not int or type(tree[2]) is not int \
                or type(tree[3]) is not list:
            raise TreeError("a Matrix node is ['Matrix', rows, cols, [entries]]")
        rows, cols, entries = tree[1], tree[2], tree[3]
        if not (0 < rows and 0 < cols and rows * cols <= limits.max_entries):
            raise TreeError(f"a matrix must have 1 to {limits.max_entries} entries")
        if len(entries) != rows * cols:
            raise TreeError(f"a {rows}x{cols} matrix needs {rows * cols} entries")
        built = [_from(x, 1, counter, limits) for x in entries]
        return sp.Matrix(rows, cols, built)
    return _from(tree, 0, counter, limits)


def _int(text: object, what: str) -> int:
    if type(text) is not str or not _INT.match(text):
        raise TreeError(f"{what} must be a string of at most 400 digits")
    return int(text)


def _from(node: object, depth: int, counter: list[int], limits: Limits):
    counter[0] += 1
    if counter[0] > limits.max_tree_nodes:
        raise TreeError(f"the expression has more than {limits.max_tree_nodes} nodes")
    if depth > MAX_TREE_DEPTH:
        raise TreeError(f"the expression is nested more than {MAX_TREE_DEPTH} levels deep")
    if type(node) is not list or not node or type(node[0]) is not str:
        raise TreeError(f"a tree node must be a list starting with its type, not "
                        f"{type(node).__name__}")
    kind, rest = node[0], node[1:]
    if kind in _CONSTANTS and not rest:
        return _CONSTANTS[kind]
    if kind == "Symbol":
        return _symbol(rest)
    if kind == "Integer" and len(rest) == 1:
        return check_number(sp.Integer(_int(rest[0], "an Integer")), limits, "an Integer")
    if kind == "Rational" and len(rest) == 2:
        p, q = _int(rest[0], "a numerator"), _int(rest[1], "a denominator")
        if q == 0:
            raise TreeError("a Rational with denominator 0")
        return sp.Rational(p, q)
    if kind == "Float" and len(rest) == 3:
        return _float(rest)
    if kind == "Float" and len(rest) == 1:
        if type(rest[0]) is not str or not _FLOAT_TEXT.match(rest[0]):
            raise TreeError("a Float node is ['Float', mantissa, exponent, precision] or "
                            "['Float', '<a float as Python prints it>']")
        return sp.Float(float(rest[0]))
    if kind == "ImaginaryUnit":
        raise TreeError("complex numbers (I) are not supported: answers are real expressions")
    if kind == "Derivative":
        raise TreeError("your expression contains an unfinished derivative; call .doit() on "
                        "it, and declare symbols real (sp.Symbol('x', real=True)) so that "
                        "SymPy can finish the derivative")
    if kind not in _FUNCTIONS and kind not in _BOOLEANS and kind not in _OPERATORS:
        raise TreeError(f"unsupported tree node {kind[:40]!r} with {len(rest)} arguments")
    try:
        return _build(kind, rest, depth, counter, limits)
    except TreeError:
        raise
    except SymbolicInputError as err:  # a size guard of the safe constructors
        raise TreeError(str(err)) from None


_OPERATORS = ("Add", "Mul", "Pow", "Piecewise")


def _build(kind: str, rest: list, depth: int, counter: list[int], limits: Limits):
    if kind == "Piecewise":
        pairs = []
        for pair in rest:
            if type(pair) is list and len(pair) == 3 and pair[0] == "ExprCondPair":
                pair = pair[1:]
            if type(pair) is not list or len(pair) != 2:
                raise TreeError("a Piecewise node holds [expr, condition] pairs")
            pairs.append(tuple(_from(x, depth + 1, counter, limits) for x in pair))
        if not pairs:
            raise TreeError("a Piecewise node needs at least one [expr, condition] pair")
        return sp.Piecewise(*pairs, evaluate=False)
    args = [_from(a, depth + 1, counter, limits) for a in rest]
    what = f"a {kind} node"
    if kind == "Add" and args:
        return safe_add(args, limits, what)
    if kind == "Mul" and args:
        return safe_mul(args, limits, what)
    if kind == "Pow" and len(args) == 2:
        return safe_pow(args[0], args[1], limits, what)
    if kind in _FUNCTIONS:
        low, high = _ARITY.get(kind, (1, 1))
        if not low <= len(args) <= high:
            raise TreeError(f"{kind} takes {low} to {high} arguments, not {len(args)}")
        return build_function(_FUNCTIONS[kind], args)
    if kind in _BOOLEANS and args:
        if kind not in ("And", "Or", "Not") and len(args) != 2:
            raise TreeError(f"{kind} takes 2 arguments")
        if kind == "Not" and len(args) != 1:
            raise TreeError("Not takes 1 argument")
        return _BOOLEANS[kind](*args, evaluate=False)
    raise TreeError(f"a {kind} node with {len(args)} arguments is malformed")


def _symbol(rest: list) -> sp.Symbol:
    if len(rest) not in (1, 2) or type(rest[0]) is not str or not _NAME.match(rest[0]):
        raise TreeError("a Symbol node is ['Symbol', name, {assumptions}] with a plain name "
                        "(letters, digits, underscores, at most 50)")
    if "__" in rest[0]:
        raise TreeError(f"symbol names with double underscores ({rest[0]}) are not allowed")
    facts = rest[1] if len(rest) == 2 else {}
    if type(facts) is not dict or any(type(k) is not str or k not in _ASSUMPTIONS
                                      or type(v) is not bool for k, v in facts.items()):
        raise TreeError(f"symbol assumptions must map {', '.join(_ASSUMPTIONS)} to True/False")
    try:
        return sp.Symbol(rest[0], **facts)
    except Exception as err:  # contradictory assumptions, e.g. positive and negative
        raise TreeError(f"contradictory assumptions for symbol {rest[0]}: {err}") from None


def _float(rest: list) -> sp.Float:
    man = _int(rest[0], "a Float mantissa")
    exp, prec = rest[1], rest[2]
    if type(exp) is not int or type(prec) is not int or not (abs(exp) <= 100000
                                                             and 1 <= prec <= 2000):
        raise TreeError("a Float node is ['Float', mantissa, exponent, precision] with "
                        "|exponent| <= 100000 and 1 <= precision <= 2000")
    if man == 0:
        return sp.Float(0.0, precision=prec)
    with mpmath.workprec(prec):
        value = mpmath.ldexp(mpmath.mpf(man), exp)
    return sp.Float(value, precision=prec)
