r"""The parser's first step: read typed text token by token, before Python's ast sees it.

It accepts ASCII only, turns ``^`` into ``**``, inserts the ``*`` of implicit multiplication
(``2x``, ``2(x+1)``, ``(a)(b)``), bounds literals (digits, exponents) and nesting, and
records for every character of the rewritten text where it came from, so that errors can
quote the learner's own text.

``lambda`` is a Python keyword but a common variable name (a regularisation weight, a rate).
The token ``lambda`` becomes the identifier :data:`LAMBDA` (``lambda_``), which nobody can
type (names ending in ``_`` are refused) and which the parser reads as ``Symbol('lambda')``.
Where the text looks like a Python lambda expression (``lambda:`` or ``lambda y:``) it is
refused instead, so no lambda can ever reach Python's parser.
"""

from __future__ import annotations

import keyword
import re

from ._safe import Limits, SymbolicInputError


class ParseError(SymbolicInputError):
    r"""Typed text the parser refuses; the message names the offending part."""


#: What the token ``lambda`` becomes in the text handed to Python's parser.
LAMBDA = "lambda_"


_TOKEN = re.compile(
    r"(?P<ws>[ \t]+)"
    r"|(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|//|<<|>>|<=|>=|==|!=|:=|->|[-+*/^()\[\],.%@&|~<>=!:;{}'\"#\\$?`])"
)

_CHAR_HINTS = {
    "|": "use abs(x) for an absolute value, not |x|",
    "=": "write only the expression, without '='",
    ";": "write a single expression, without ';'",
    "#": "comments ('#') are not allowed",
    "\\": "backslashes are not allowed",
}

def rewrite(
    text: str, names: frozenset[str], implicit: bool, limits: Limits
) -> tuple[str, list[int]]:
    """Tokenize, translate ``^``, insert implicit ``*``; return source and position map."""
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            raise ParseError(
                f"the character {ch!r} at position {pos + 1} is not allowed",
                part=ch,
                position=pos,
            )
        kind = m.lastgroup or ""
        tok = m.group()
        if kind == "op" and tok in _CHAR_HINTS:
            raise ParseError(f"{_CHAR_HINTS[tok]} (position {pos + 1})", part=tok, position=pos)
        if kind == "op" and tok in "'\"":
            end = text.find(tok, pos + 1)
            part = text[pos : end + 1] if end > 0 else text[pos:]
            raise ParseError(
                f"text in quotes ({part[:30]}) is not allowed", part=part, position=pos
            )
        if kind == "num":
            _check_literal(tok, pos, limits)
        if kind == "name" and (tok.startswith("_") or tok.endswith("_") or "__" in tok):
            raise ParseError(
                f"names with leading, trailing or double underscores ({tok}) are not allowed",
                part=tok,
                position=pos,
            )
        if kind != "ws":
            tokens.append((kind, tok, pos))
        pos = m.end()
    _refuse_lambda_expressions(tokens)

    out: list[str] = []
    origin: list[int] = []
    depth = 0
    prev: tuple[str, str, int] | None = None
    for kind, tok, start in tokens:
        if tok in "([":
            depth += 1
            if depth > limits.max_depth:
                raise ParseError(
                    f"your answer is nested more than {limits.max_depth} levels deep",
                    part=tok,
                    position=start,
                    too_large=True,
                )
        elif tok in ")]":
            depth -= 1
        if prev is not None:
            _between(prev, (kind, tok, start), text, implicit, out, origin)
            if prev[2] + len(prev[1]) != start:
                out.append(" ")
                origin.append(start - 1)
        if tok == "^":
            out.append("**")
            origin.extend([start, start])
        elif kind == "name" and tok == "lambda":
            out.append(LAMBDA)
            origin.extend([*range(start, start + 6), start + 5])
        else:
            out.append(tok)
            origin.extend(range(start, start + len(tok)))
        prev = (kind, tok, start)
    return "".join(out), origin


def _refuse_lambda_expressions(tokens: list[tuple[str, str, int]]) -> None:
    """Refuse ``lambda:`` and ``lambda y:`` / ``lambda y, z:``: a Python lambda, not a name."""
    for k, (kind, tok, start) in enumerate(tokens):
        if kind != "name" or tok != "lambda":
            continue
        after = [t for _, t, _ in tokens[k + 1 : k + 3]]
        if after[:1] == [":"] or (len(after) == 2 and tokens[k + 1][0] == "name"
                                  and after[1] in (":", ",")):
            raise ParseError("lambda is not allowed (a Python lambda expression); a variable "
                             "called lambda is fine", part="lambda", position=start)


def _is_name(kind: str, tok: str) -> bool:
    return kind == "name" and (tok == "lambda" or not keyword.iskeyword(tok))


def _between(prev, cur, text, implicit, out, origin) -> None:
    """Handle two adjacent tokens: implicit multiplication, or a missing-operator error."""
    pkind, ptok, pstart = prev
    kind, tok, start = cur
    glued = pstart + len(ptok) == start
    if pkind == "num" and kind == "name" and glued:
        if ptok == "0" and tok[0] in "xXoObB":
            raise ParseError(
                f"hexadecimal, octal and binary numbers are not allowed ({ptok}{tok})",
                part=ptok + tok,
                position=pstart,
            )
        if tok.startswith("_"):
            raise ParseError(
                f"underscores in numbers are not allowed ({ptok}{tok})",
                part=ptok + tok,
                position=pstart,
            )
    left = pkind == "num" or ptok in (")", "]") or _is_name(pkind, ptok)
    right = kind == "num" or _is_name(kind, tok)
    if not (left and (right or tok == "(")):
        return
    if pkind == "name" and tok == "(":
        return  # a call: f(x)
    implicit_ok = (pkind == "num" or ptok == ")") and (kind in ("name", "num") or tok == "(")
    if pkind == "num" and kind == "num":
        implicit_ok = False
    shown = text[pstart : start + len(tok)]
    if not implicit_ok:
        raise ParseError(
            f"missing operator between {ptok!r} and {tok!r} in {shown!r}: "
            f"write {ptok}*{tok} for a product",
            part=shown,
            position=pstart,
        )
    if not implicit:
        raise ParseError(
            f"write {ptok}*{tok}, not {shown} (implicit multiplication is switched off)",
            part=shown,
            position=pstart,
        )
    out.append("*")
    origin.append(start)


def _check_literal(tok: str, pos: int, limits: Limits) -> None:
    mantissa, _, exponent = tok.lower().partition("e")
    digits = len(mantissa.replace(".", "").lstrip("0"))
    if digits > limits.max_digits:
        raise ParseError(
            f"the number {tok[:20]}... has more than {limits.max_digits} digits",
            part=tok,
            position=pos,
            too_large=True,
        )
    if exponent and abs(int(exponent)) > 100:
        raise ParseError(
            f"the number {tok} is too large or too small (exponent limit 100)",
            part=tok,
            position=pos,
            too_large=True,
        )
