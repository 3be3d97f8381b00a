r"""A safe parser for typed answers: text in, SymPy out, nothing executed.

SymPy's own text readers run the text as Python, even with a restricted namespace.
This parser never does. It works in three steps:

1. a tokenizer reads the text (ASCII only), turns ``^`` into ``**``, inserts the ``*`` of
   implicit multiplication (``2x``, ``2(x+1)``, ``(x+1)(x-1)``) and checks literal sizes;
2. Python's :mod:`ast` *parses* the result (parsing builds a syntax tree and runs nothing),
   which must be a single expression statement;
3. a small interpreter walks the tree and builds SymPy objects, accepting only a whitelist of
   node types (numbers, names, ``+ - * / **``, calls of whitelisted functions with positional
   arguments and checked arity, and ``[...]`` for a vector or matrix, which may be added,
   negated, scaled and divided by a scalar).

Function calls and powers of symbolic arguments are built unevaluated (``abs(abs(...))``
towers would otherwise stall SymPy's automatic simplification); numbers are folded, under
the size guards of :mod:`._safe`, and radicals of big numbers stay unevaluated. Chains
``a + b - c + ...`` and ``a * b / c * ...`` are built as one sum or product (left-nested
pairs would make SymPy redo the whole sum at every term). Reading counts against a
deadline (`deadline`, or ``limits.read_seconds``).

Size and time refusals carry ``too_large=True`` (the answer may be right; the checker
answers "undetermined"). A variable may be called ``lambda`` (see :mod:`._tokens`).

Every refusal is a :class:`ParseError` whose message names the offending part as the learner
typed it, e.g. ``attribute access ('.__class__') is not allowed``.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterable
from fractions import Fraction

import sympy as sp

from ._functions import ALSO_VARIABLES, HINTED, TYPED_CONSTANTS, TYPED_FUNCTIONS, log_of
from ._safe import (
    DEFAULT_LIMITS,
    Budget,
    Limits,
    SymbolicInputError,
    safe_add,
    safe_mul,
    safe_pow,
)
from ._tokens import LAMBDA, ParseError, rewrite

__all__ = ["ParseError", "parse_answer"]

_NODE_WORDS = {
    ast.Attribute: "attribute access ('.name') is not allowed",
    ast.Subscript: "indexing with [...] is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.Compare: "comparisons (<, ==, ...) are not allowed",
    ast.BoolOp: "'and' / 'or' are not allowed",
    ast.IfExp: "'if ... else' is not allowed",
    ast.Dict: "curly braces {...} are not allowed",
    ast.Set: "curly braces {...} are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.NamedExpr: "':=' is not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.Tuple: "tuples are not allowed; write [a, b] for a vector",
    ast.Slice: "slices are not allowed",
}

_OP_WORDS = {
    ast.Mod: "the % operator is not allowed",
    ast.FloorDiv: "// is not allowed; use / for division",
    ast.MatMult: "the @ operator is not allowed",
    ast.BitOr: "use abs(x) for an absolute value, not |x|",
    ast.BitAnd: "the & operator is not allowed",
    ast.BitXor: "the ^ operator is not allowed",
    ast.LShift: "the << operator is not allowed",
    ast.RShift: "the >> operator is not allowed",
    ast.Invert: "the ~ operator is not allowed",
    ast.Not: "'not' is not allowed",
}


def parse_answer(
    text: str,
    variables: Iterable[str] | None = None,
    *,
    strict: bool = False,
    implicit_multiplication: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    deadline: float | None = None,
) -> sp.Expr | sp.Matrix:
    r"""Parse a typed answer such as ``2*x*exp(x^2)`` into a SymPy expression, safely.

    Args:
        text: the learner's answer; ``^`` means power; ``[a, b]`` is a column vector and
            ``[[a, b], [c, d]]`` a matrix; ``[[d, -c], [-b, a]]/(a*d - b*c)`` works.
        variables: names that are variables here. They win over the constant ``e`` and
            make error hints precise (``x(y+1)`` -> "x is a variable, not a function").
        strict: if True, any other name is an error ("unknown name 'z'"); if False it
            becomes a plain Symbol.
        implicit_multiplication: accept ``2x``, ``2(x+1)``, ``(a)(b)``; if False they are
            errors that say "write 2*x".
        limits: size bounds (length, nodes, depth, literal digits, exponents).
        deadline: a ``time.monotonic()`` value to finish by (default: ``limits.read_seconds``
            from now).
    Returns:
        a SymPy expression, or a Matrix for ``[...]`` input.
    Raises:
        ParseError: the text is refused; the message names the offending part.
    """
    if not isinstance(text, str):
        raise ParseError(f"an answer must be text, not {type(text).__name__}")
    if len(text) > limits.max_length:
        raise ParseError(
            f"your answer is {len(text)} characters long; the limit is {limits.max_length}",
            too_large=True,
        )
    if not text.strip():
        raise ParseError("your answer is empty")
    names = frozenset(variables or ())
    source, origin = rewrite(text, names, implicit_multiplication, limits)
    try:
        module = ast.parse(source)
    except SyntaxError as err:
        col = max(0, min((err.offset or 1) - 1, len(origin) - 1))
        pos = origin[col] if origin else 0
        near = text[pos : pos + 12]
        raise ParseError(
            f"could not read your answer near position {pos + 1} ({near!r}): {err.msg}",
            part=near,
            position=pos,
        ) from None
    except (ValueError, MemoryError, RecursionError) as err:
        raise ParseError(f"could not read your answer: {type(err).__name__}",
                         too_large=not isinstance(err, ValueError)) from None
    if len(module.body) != 1 or not isinstance(module.body[0], ast.Expr):
        kind = type(module.body[0]).__name__.lower() if module.body else "nothing"
        raise ParseError(f"write a single expression; a Python statement ({kind}) is not "
                         "allowed", part=text[:30], position=0)
    # Count what the learner wrote (numbers, names, operations, calls), not Python's
    # bookkeeping nodes (Load contexts, operator tokens), which doubled the count.
    count = sum(1 for node in ast.walk(module) if isinstance(node, ast.expr))
    if count > limits.max_nodes:
        raise ParseError(
            f"your answer has {count} parts; the limit is {limits.max_nodes} (is it expanded?)",
            too_large=True,
        )
    budget = Budget(limits, deadline)
    return _Interpreter(text, origin, names, strict, budget).top(module.body[0].value)

class _Interpreter:
    """Walks a Python syntax tree, building SymPy objects from whitelisted nodes only."""

    def __init__(self, text, origin, names, strict, budget: Budget):
        self.text = text
        self.origin = origin
        self.names = names
        self.strict = strict
        self.budget = budget
        self.limits = budget.limits
        self.work = 0

    def part(self, node: ast.AST) -> tuple[str, int | None]:
        start = getattr(node, "col_offset", None)
        end = getattr(node, "end_col_offset", None)
        if start is None or end is None or not self.origin:
            return "", None
        a = self.origin[min(start, len(self.origin) - 1)]
        b = self.origin[min(max(end - 1, start), len(self.origin) - 1)] + 1
        return self.text[a:b], a

    def fail(self, node: ast.AST, message: str, too_large: bool = False) -> ParseError:
        part, pos = self.part(node)
        where = f" in {part!r}" if part and len(part) < 60 and part not in message else ""
        at = f" at position {pos + 1}" if pos is not None else ""
        return ParseError(f"{message}{where}{at}", part=part or None, position=pos,
                          too_large=too_large)

    def top(self, node: ast.AST) -> sp.Expr | sp.Matrix:
        return self.build(node, 0)

    def node_List(self, node: ast.List, depth: int) -> sp.Matrix:
        items = node.elts
        if not items:
            raise self.fail(node, "an empty vector [] is not allowed")
        if all(isinstance(e, ast.List) for e in items):
            rows = [[self.scalar(c, depth + 1) for c in row.elts] for row in items]
            if len({len(r) for r in rows}) != 1 or not rows[0]:
                raise self.fail(node, "the rows of a matrix must all have the same length")
        elif any(isinstance(e, ast.List) for e in items):
            raise self.fail(node, "a matrix mixes numbers and rows")
        else:
            rows = [[self.scalar(e, depth)] for e in items]
        self.charge(node, len(rows) * len(rows[0]))
        return sp.Matrix(rows)

    def scalar(self, node: ast.AST, depth: int) -> sp.Expr:
        value = self.build(node, depth)
        if isinstance(value, sp.MatrixBase):
            raise self.fail(node, "a matrix entry must be a number or expression, not [...]")
        return value

    def charge(self, node: ast.AST, entries: int) -> None:
        """Bound the work of matrix arithmetic (entries touched, in total)."""
        if entries > self.limits.max_entries:
            raise self.fail(node, f"a matrix may have at most {self.limits.max_entries} entries",
                            too_large=True)
        self.work += entries
        if self.work > 4 * self.limits.max_entries:
            raise self.fail(node, "too much matrix arithmetic; write the matrix out",
                            too_large=True)

    def matrix_op(self, node: ast.BinOp, op: type, left, right):
        """One operation with a matrix operand, entry by entry through the safe constructors."""
        lm, rm = isinstance(left, sp.MatrixBase), isinstance(right, sp.MatrixBase)
        what, _ = self.part(node)
        if op in (ast.Add, ast.Sub):
            if not (lm and rm):
                raise self.fail(node, "cannot add a number to a matrix")
            if left.shape != right.shape:
                raise self.fail(node, f"cannot add a {left.rows}x{left.cols} and a "
                                      f"{right.rows}x{right.cols} matrix")
            self.charge(node, len(left))
            sign = sp.Integer(1 if op is ast.Add else -1)
            return sp.Matrix(left.rows, left.cols, [
                safe_add([a, safe_mul([sign, b], self.budget, what)], self.budget, what)
                for a, b in zip(left, right, strict=True)])
        if op is ast.Mult and lm != rm:
            m, c = (left, right) if lm else (right, left)
            self.charge(node, len(m))
            return sp.Matrix(m.rows, m.cols, [safe_mul([c, a], self.budget, what) for a in m])
        if op is ast.Mult:
            raise self.fail(node, "multiplying two matrices is not allowed; write the product "
                                  "out entry by entry")
        if op is ast.Div and lm and not rm:
            if right == 0:
                raise self.fail(node, "division by zero")
            self.charge(node, len(left))
            inverse = safe_pow(right, sp.Integer(-1), self.budget, what)
            return sp.Matrix(left.rows, left.cols,
                             [safe_mul([a, inverse], self.budget, what) for a in left])
        raise self.fail(node, "this operation is not allowed with a matrix")

    def build(self, node: ast.AST, depth: int) -> sp.Expr:
        if depth > self.limits.max_depth:
            raise self.fail(node, f"nested more than {self.limits.max_depth} levels deep",
                            too_large=True)
        method = getattr(self, "node_" + type(node).__name__, None)
        if isinstance(node, ast.Attribute):
            raise self.fail(node, f"attribute access ('.{node.attr}') is not allowed")
        if method is None:
            word = _NODE_WORDS.get(type(node), f"{type(node).__name__} is not allowed")
            raise self.fail(node, word)
        try:
            self.budget.tick()
            return method(node, depth + 1)
        except ParseError:
            raise
        except SymbolicInputError as err:
            raise self.fail(node, str(err), too_large=err.too_large) from None

    def node_Constant(self, node: ast.Constant, depth: int) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            if isinstance(value, (str, bytes)):
                raise self.fail(node, "text in quotes is not allowed")
            raise self.fail(node, f"{value!r} is not allowed")
        literal, _ = self.part(node)
        frac = Fraction(literal)  # a literal the tokenizer already bounded
        return sp.Rational(frac.numerator, frac.denominator)

    def node_Name(self, node: ast.Name, depth: int) -> sp.Expr:
        name = node.id
        if name == LAMBDA:  # the token `lambda`, renamed by the tokenizer
            name = "lambda"
        elif name.startswith("_") or name.endswith("_") or "__" in name:
            raise self.fail(node, f"names with leading or double underscores ({name}) are "
                                  "not allowed")
        if len(name) > 30:
            raise self.fail(node, "names longer than 30 characters are not allowed")
        if name in self.names:
            return sp.Symbol(name)
        if name in TYPED_CONSTANTS:
            return TYPED_CONSTANTS[name]
        if name in TYPED_FUNCTIONS and name not in ALSO_VARIABLES:
            raise self.fail(node, f"{name} is a function: write {name}(...)")
        if name in ("True", "False", "None"):
            raise self.fail(node, f"{name} is not allowed")
        if self.strict:
            raise self.fail(node, f"unknown name {name!r}{self.hint(name)}{self.known()}")
        return sp.Symbol(name)

    def node_UnaryOp(self, node: ast.UnaryOp, depth: int) -> sp.Expr:
        if isinstance(node.op, ast.USub):
            value = self.build(node.operand, depth)
            if isinstance(value, sp.MatrixBase):
                self.charge(node, len(value))
                return sp.Matrix(value.rows, value.cols,
                                 [safe_mul([sp.Integer(-1), a], self.budget, "-") for a in value])
            return safe_mul([sp.Integer(-1), value], self.budget, "-")
        if isinstance(node.op, ast.UAdd):
            return self.build(node.operand, depth)
        raise self.fail(node, _OP_WORDS.get(type(node.op), "this operator is not allowed"))

    def node_BinOp(self, node: ast.BinOp, depth: int) -> sp.Expr:
        op = type(node.op)
        if op not in (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow):
            raise self.fail(node, _OP_WORDS.get(op, "this operator is not allowed"))
        what, _ = self.part(node)
        if op is ast.Pow:
            left, right = self.build(node.left, depth), self.build(node.right, depth)
            if isinstance(left, sp.MatrixBase) or isinstance(right, sp.MatrixBase):
                raise self.fail(node, "this operation is not allowed with a matrix")
            return safe_pow(left, right, self.budget, what)
        family = (ast.Add, ast.Sub) if op in (ast.Add, ast.Sub) else (ast.Mult, ast.Div)
        chain = self.chain(node, family)  # [(op, operand node)], the first op is None
        values = [(o, n, self.build(n, depth)) for o, n in chain]
        if any(isinstance(v, sp.MatrixBase) for _, _, v in values):
            acc = values[0][2]
            for o, n, v in values[1:]:
                if not (isinstance(acc, sp.MatrixBase) or isinstance(v, sp.MatrixBase)):
                    acc = self.combine([(None, n, acc), (o, n, v)], family, what, node)
                else:
                    acc = self.matrix_op(node, o, acc, v)
            return acc
        return self.combine(values, family, what, node)

    def chain(self, node: ast.AST, family: tuple) -> list[tuple[type | None, ast.AST]]:
        """``a - b + c`` as [(None, a), (Sub, b), (Add, c)], iteratively (no recursion)."""
        out: list[tuple[type | None, ast.AST]] = []
        while isinstance(node, ast.BinOp) and type(node.op) in family:
            out.append((type(node.op), node.right))
            node = node.left
        out.append((None, node))
        return out[::-1]

    def combine(self, values, family, what, node) -> sp.Expr:
        parts = []
        for o, operand, v in values:
            if o is ast.Sub:
                v = safe_mul([sp.Integer(-1), v], self.budget, what)
            elif o is ast.Div:
                if v == 0:
                    raise self.fail(operand, "division by zero")
                v = safe_pow(v, sp.Integer(-1), self.budget, what)
            parts.append(v)
        if family[0] is ast.Add:
            return safe_add(parts, self.budget, what)
        return safe_mul(parts, self.budget, what)

    def node_Call(self, node: ast.Call, depth: int) -> sp.Expr:
        if isinstance(node.func, ast.Attribute):
            raise self.fail(node.func, f"attribute access ('.{node.func.attr}') is not allowed")
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "only named functions like exp(...) can be called")
        name = "lambda" if node.func.id == LAMBDA else node.func.id
        if name in self.names or name not in TYPED_FUNCTIONS:
            if name in self.names or name == "lambda":
                raise self.fail(node, f"{name} is a variable, not a function: "
                                      f"write {name}*(...) for a product")
            raise self.fail(node, f"unknown function {name!r}{self.hint(name, functions=True)}")
        if node.keywords:
            raise self.fail(node, f"keyword arguments are not allowed in {name}(...)")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.fail(arg, "'*' unpacking is not allowed")
        builder, low, high = TYPED_FUNCTIONS[name]
        n = len(node.args)
        if not low <= n <= high:
            want = str(low) if low == high else f"{low} to {high}"
            raise self.fail(node, f"{name} takes {want} argument{'s' * (want != '1')}, not {n}")
        args = [self.build(a, depth) for a in node.args]
        if any(isinstance(v, sp.MatrixBase) for v in args):
            raise self.fail(node, f"{name}(...) applies to numbers, not to a matrix [...]")
        if builder is log_of and n == 2 and args[1] in (0, 1):
            raise self.fail(node, "a logarithm's base must not be 0 or 1")
        return builder(self.budget, *args)

    def hint(self, name: str, functions: bool = False) -> str:
        pool = list(TYPED_FUNCTIONS) if functions else [*self.names, *TYPED_FUNCTIONS]
        close = difflib.get_close_matches(name, pool, n=3, cutoff=0.6)
        if close:  # a swapped letter ('tahn') beats a dropped one ('tan')
            best = min(close, key=lambda c: (sorted(c) != sorted(name), len(c) != len(name)))
            return f"; did you mean {best!r}?"
        if functions:
            return "; the functions you can use are " + ", ".join(sorted(HINTED))
        return ""

    def known(self) -> str:
        return f" (the variables here are {', '.join(sorted(self.names))})" if self.names else ""
