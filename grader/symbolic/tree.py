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
                                       (every class of :data:`._functions.TREE_FUNCTIONS`)
    ["Piecewise", [expr, cond], [expr, cond], ...]
    ["StrictLessThan", a, b]  ["LessThan", a, b]  ...  ["And", ...]  ["Or", ...]  ["Not", a]
    ["Matrix", rows, cols, [entry, entry, ...]]   (row-major)

:func:`from_tree` also reads the variant that ``grader/wire.py`` writes in the sandbox
(standard library only, so it cannot call :func:`to_tree`): ``["Symbol", name]`` without
assumptions, ``["Float", "0.1"]`` as a float's repr, class names for constants (``["Pi"]``,
``["Exp1"]``, ``["Infinity"]``, ...), ``["ExprCondPair", expr, cond]`` inside a Piecewise,
and ``["Matrix", [[entry, ...], ...]]`` as a list of rows.

Rebuilding counts against a deadline and the size limits of :mod:`._safe`; a refusal for
size or time has ``too_large=True``. Every :class:`TreeError` also carries ``learner``: a
short message that is safe to show, built from fixed text and, at most, a node name that is
a plain identifier of at most 40 characters (the tree comes from the sandbox, so nothing
else of it is repeated).
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from ._functions import TREE_FUNCTIONS, log_of
from ._safe import (
    DEFAULT_LIMITS,
    Budget,
    Limits,
    SymbolicInputError,
    build_function,
    safe_add,
    safe_mul,
    safe_pow,
)

__all__ = ["TreeError", "from_tree", "learner_message", "substitute", "to_tree"]

MAX_TREE_DEPTH = 200


class TreeError(SymbolicInputError):
    r"""A tree (or SymPy object) outside the whitelist, or too large.

    Attributes:
        learner: a short message that is safe to show to the learner.
    """

    def __init__(self, message: str, learner: str | None = None, too_large: bool = False):
        super().__init__(message, too_large=too_large)
        self.learner = learner or ("your SymPy expression could not be read "
                                   "(malformed data from your code)")


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}\Z")
_UNEVALUATED = {"Integral": "an integral", "Sum": "a sum", "Product": "a product",
                "Limit": "a limit", "Subs": "a substitution"}


def learner_message(err: BaseException) -> str:
    r"""What the learner sees when their SymPy answer cannot be rebuilt: short and safe."""
    if isinstance(err, TreeError) and not err.too_large:
        return err.learner
    if isinstance(err, SymbolicInputError) and err.too_large:
        # Size messages are fixed text with numbers and whitelisted node names only.
        return f"your SymPy expression is too large to check: {str(err)[:200]}"
    return "your SymPy expression could not be read (malformed data from your code)"


def _unsupported(kind: object, n: int) -> TreeError:
    name = kind if isinstance(kind, str) and _PLAIN.match(kind) else None
    message = f"unsupported tree node {str(kind)[:40]!r} with {n} arguments"
    if name in _UNEVALUATED:
        return TreeError(message, f"your answer contains {_UNEVALUATED[name]} that SymPy left "
                                  f"unevaluated ({name}); call .doit() on it or write the result")
    if name is None:
        return TreeError(message, "an unsupported SymPy function in your answer: write it with "
                                  "exp, log, sqrt, sin, cos, tanh, Abs, Max, Piecewise ...")
    return TreeError(message, f"unsupported SymPy function `{name}` in your answer: write it "
                              "with exp, log, sqrt, sin, cos, tanh, Abs, Max, Piecewise ...")


_BOOLEANS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan,
        sp.Equality, sp.Unequality, sp.And, sp.Or, sp.Not,
    )
}

_CONSTANTS = {
    "pi": sp.pi, "E": sp.E, "oo": sp.oo, "-oo": -sp.oo, "zoo": sp.zoo, "nan": sp.nan,
    "true": sp.true, "false": sp.false, "EulerGamma": sp.EulerGamma,
    "GoldenRatio": sp.GoldenRatio,
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
        raise TreeError(f"the expression has more than {limits.max_tree_nodes} nodes",
                        too_large=True)
    if depth > MAX_TREE_DEPTH:
        raise TreeError(f"the expression is nested more than {MAX_TREE_DEPTH} levels deep",
                        too_large=True)
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
    if TREE_FUNCTIONS.get(cname, (None,))[0] is type(e) or _BOOLEANS.get(cname) is type(e):
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
def from_tree(tree: object, *, limits: Limits = DEFAULT_LIMITS,
              deadline: float | None = None) -> sp.Expr | sp.Matrix:
    r"""Rebuild a SymPy expression or Matrix from a plain-data tree, safely.

    Only the node types of the module docstring are accepted; containers must be exactly
    ``list`` (or ``dict`` for assumptions), never subclasses. No string is ever handed to
    SymPy: names become ``Symbol(name)`` after a regex check, numbers are rebuilt from
    checked digit strings, and powers, sums and products go through the size guards.
    Sums, products, function calls and powers of symbolic arguments are built
    *unevaluated*, only their rational parts folded: SymPy's automatic simplification of,
    say, ``Abs`` nested 50 deep takes seconds, a product with ``exp`` factors a millisecond
    each, and a tree from the sandbox is hostile until proven otherwise -- and was already
    simplified by SymPy there. (A tree made by :func:`to_tree` from an ordinary expression
    comes back equal to it.)

    The time spent is remembered for the result (:func:`read_seconds`), so that the
    checker counts it against its own time limit: an answer from code is read before the
    check starts, a typed one inside it.

    Args:
        tree: the plain-data tree.
        limits: size bounds.
        deadline: a ``time.monotonic()`` value to finish by (default: ``limits.read_seconds``
            from now); past it the rebuild stops with a too-large TreeError.
    Raises:
        TreeError: anything else, naming the offending node (``err.learner`` is safe to
            show; ``err.too_large`` marks size and time limits).
    """
    start = time.monotonic()
    expr = _rebuild(tree, limits, deadline)
    _remember(expr, time.monotonic() - start)
    return expr


def _rebuild(tree: object, limits: Limits, deadline: float | None):
    budget = Budget(limits, deadline, evaluate=False)
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
            raise TreeError(f"a matrix must have 1 to {limits.max_entries} entries",
                            too_large=rows * cols > limits.max_entries)
        if len(entries) != rows * cols:
            raise TreeError(f"a {rows}x{cols} matrix needs {rows * cols} entries")
        built = [_from(x, 1, counter, budget) for x in entries]
        return sp.Matrix(rows, cols, built)
    return _from(tree, 0, counter, budget)


_RECENT: OrderedDict[int, tuple[object, float]] = OrderedDict()
_RECENT_LOCK = threading.Lock()


def _remember(expr: object, seconds: float) -> None:
    with _RECENT_LOCK:
        _RECENT[id(expr)] = (expr, seconds)  # the entry keeps expr alive: the id stays valid
        while len(_RECENT) > 64:
            _RECENT.popitem(last=False)


def read_seconds(expr: object) -> float:
    r"""Seconds :func:`from_tree` spent building `expr` (one of the last 64 built), else 0."""
    with _RECENT_LOCK:
        hit = _RECENT.get(id(expr))
    return hit[1] if hit is not None and hit[0] is expr else 0.0


def _int(text: object, what: str) -> int:
    if type(text) is not str or not _INT.match(text):
        raise TreeError(f"{what} must be a string of at most 400 digits",
                        too_large=type(text) is str and len(text) > 400)
    return int(text)


def _from(node: object, depth: int, counter: list[int], budget: Budget):
    limits = budget.limits
    counter[0] += 1
    if counter[0] > limits.max_tree_nodes:
        raise TreeError(f"the expression has more than {limits.max_tree_nodes} nodes",
                        too_large=True)
    if depth > MAX_TREE_DEPTH:
        raise TreeError(f"the expression is nested more than {MAX_TREE_DEPTH} levels deep",
                        too_large=True)
    if type(node) is not list or not node or type(node[0]) is not str:
        raise TreeError(f"a tree node must be a list starting with its type, not "
                        f"{type(node).__name__}")
    kind, rest = node[0], node[1:]
    if kind in _CONSTANTS and not rest:
        return _CONSTANTS[kind]
    if kind == "Symbol":
        return _symbol(rest)
    if kind == "Integer" and len(rest) == 1:
        return sp.Integer(_int(rest[0], "an Integer"))
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
        raise TreeError("complex numbers (I) are not supported: answers are real expressions",
                        "complex numbers (sp.I) are not supported: answers are real "
                        "expressions")
    if kind == "Derivative":
        text = ("your expression contains an unfinished derivative; call .doit() on it, and "
                "declare symbols real (sp.Symbol('x', real=True)) so that SymPy can finish "
                "the derivative")
        raise TreeError(text, text)
    if kind not in TREE_FUNCTIONS and kind not in _BOOLEANS and kind not in _OPERATORS:
        raise _unsupported(kind, len(rest))
    try:
        return _build(kind, rest, depth, counter, budget)
    except TreeError:
        raise
    except SymbolicInputError as err:  # a size or time guard of the safe constructors
        raise TreeError(str(err), too_large=err.too_large) from None
    except (TypeError, ValueError, ArithmeticError):  # SymPy refused the arguments
        raise TreeError(f"a malformed {kind} node",
                        f"your SymPy expression could not be read (a malformed {kind})"
                        ) from None


_OPERATORS = ("Add", "Mul", "Pow", "Piecewise")


def _build(kind: str, rest: list, depth: int, counter: list[int], budget: Budget):
    budget.tick()
    if kind == "Piecewise":
        pairs = []
        for pair in rest:
            if type(pair) is list and len(pair) == 3 and pair[0] == "ExprCondPair":
                pair = pair[1:]
            if type(pair) is not list or len(pair) != 2:
                raise TreeError("a Piecewise node holds [expr, condition] pairs")
            pairs.append(tuple(_from(x, depth + 1, counter, budget) for x in pair))
        if not pairs:
            raise TreeError("a Piecewise node needs at least one [expr, condition] pair")
        return sp.Piecewise(*pairs, evaluate=False)
    args = [_from(a, depth + 1, counter, budget) for a in rest]
    what = f"a {kind} node"
    if kind == "Add" and args:
        return safe_add(args, budget, what)
    if kind == "Mul" and args:
        return safe_mul(args, budget, what)
    if kind == "Pow" and len(args) == 2:
        return safe_pow(args[0], args[1], budget, what)
    if kind in TREE_FUNCTIONS:
        cls, low, high = TREE_FUNCTIONS[kind]
        if not low <= len(args) <= high:
            raise TreeError(f"{kind} takes {low} to {high} arguments, not {len(args)}",
                            f"`{kind}` with {len(args)} arguments is not supported")
        if kind == "log":
            return log_of(budget, *args)
        return build_function(cls, args, budget)
    if kind in _BOOLEANS and args:
        if kind not in ("And", "Or", "Not") and len(args) != 2:
            raise TreeError(f"{kind} takes 2 arguments")
        if kind == "Not" and len(args) != 1:
            raise TreeError("Not takes 1 argument")
        return _relation(_BOOLEANS[kind], args)
    raise TreeError(f"a {kind} node with {len(args)} arguments is malformed")


def _relation(cls, args):
    """A relation or connective: decided when its arguments are rationals (or truth
    values), otherwise unevaluated (deciding it would make SymPy ask about the numbers)."""
    plain = all(isinstance(a, sp.Rational) or a in (sp.true, sp.false) for a in args)
    return cls(*args, evaluate=plain)


def _symbol(rest: list) -> sp.Symbol:
    if len(rest) not in (1, 2) or type(rest[0]) is not str or not _NAME.match(rest[0]):
        raise TreeError("a Symbol node is ['Symbol', name, {assumptions}] with a plain name "
                        "(letters, digits, underscores, at most 50)", _ODD_SYMBOL)
    if "__" in rest[0]:
        raise TreeError(f"symbol names with double underscores ({rest[0]}) are not allowed",
                        _ODD_SYMBOL)
    facts = rest[1] if len(rest) == 2 else {}
    if type(facts) is not dict or any(type(k) is not str or k not in _ASSUMPTIONS
                                      or type(v) is not bool for k, v in facts.items()):
        raise TreeError(f"symbol assumptions must map {', '.join(_ASSUMPTIONS)} to True/False",
                        _ODD_SYMBOL)
    try:
        return sp.Symbol(rest[0], **facts)
    except Exception as err:  # contradictory assumptions, e.g. positive and negative
        raise TreeError(f"contradictory assumptions for symbol {rest[0]}: {err}",
                        _ODD_SYMBOL) from None


_ODD_SYMBOL = ("a symbol in your answer has an unusual name or assumptions: use plain names "
               "such as sp.Symbol('x', real=True)")


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


# -------------------------------------------------------------------------- substitute
def substitute(expr: sp.Basic, mapping: dict, *, limits: Limits = DEFAULT_LIMITS,
               deadline: float | None = None) -> sp.Expr | sp.Matrix:
    r"""``expr.subs(mapping)``, rebuilt through the safe constructors.

    SymPy's own ``subs`` re-evaluates every node it touches, so on an answer that holds
    big radicals (kept unevaluated by :mod:`._safe`) it would redo exactly the factoring
    that issue 10 took out of reading: use this on learners' expressions instead.

    Args:
        expr: an expression or Matrix (typically a learner's answer).
        mapping: symbol (or its name) -> value (a number or a SymPy expression); symbols
            are matched by name, whatever their assumptions.
        limits, deadline: as for :func:`from_tree`.
    Raises:
        TreeError: as :func:`from_tree` (too large, or a node outside the whitelist).
    """
    budget = Budget(limits, deadline)
    values = {(k.name if isinstance(k, sp.Symbol) else str(k)):
              (sp.Integer(v) if isinstance(v, int) else sp.Float(v) if isinstance(v, float)
               else v) for k, v in mapping.items()}
    memo: dict[sp.Basic, sp.Basic] = {}

    def rebuild(e, depth: int):
        if e in memo:
            return memo[e]
        if depth > 2 * MAX_TREE_DEPTH:
            raise TreeError("the expression is nested too deeply", too_large=True)
        if isinstance(e, sp.Symbol):
            out = values.get(e.name, e)
        elif not e.args or isinstance(e, sp.Number):
            out = e
        elif isinstance(e, sp.Piecewise):
            out = sp.Piecewise(*[(rebuild(x, depth + 1), rebuild(c, depth + 1))
                                 for x, c in e.args], evaluate=False)
        else:
            args = [rebuild(a, depth + 1) for a in e.args]
            what = f"a {type(e).__name__} node"
            if isinstance(e, sp.Add):
                out = safe_add(args, budget, what)
            elif isinstance(e, sp.Mul):
                out = safe_mul(args, budget, what)
            elif isinstance(e, sp.Pow):
                out = safe_pow(args[0], args[1], budget, what)
            elif TREE_FUNCTIONS.get(type(e).__name__, (None,))[0] is type(e):
                out = build_function(type(e), args, budget)
            elif _BOOLEANS.get(type(e).__name__) is type(e):
                out = _relation(type(e), args)
            else:
                raise TreeError(_unsupported_message(e))
        memo[e] = out
        return out

    try:
        if isinstance(expr, sp.MatrixBase):
            return sp.Matrix(expr.rows, expr.cols, [rebuild(v, 0) for v in expr])
        return rebuild(expr, 0)
    except TreeError:
        raise
    except SymbolicInputError as err:
        raise TreeError(str(err), too_large=err.too_large) from None
