r"""The grader's symbolic checker: safe parsing, a three-valued equivalence check, feedback.

Public API::

    parse_answer(text, variables=None, *, strict=False, implicit_multiplication=True)
        -> sympy.Expr | sympy.Matrix            # typed answers, never executed
    check_equivalent(answer, reference, variables=None, *, time_limit=3.0, prove=False, ...)
        -> Verdict                              # equivalent / not_equivalent / undetermined
    to_tree(expr) -> list; from_tree(tree) -> sympy.Expr | sympy.Matrix
                                                # SymPy across the sandbox boundary
    substitute(expr, {symbol: value})          # expr.subs without SymPy re-evaluating
    Domain, REAL, POSITIVE, NEGATIVE, UNIT, as_domain, infer_domains
    ParseError, TreeError, SymbolicInputError (ValueError subclasses), Limits
"""

from ._safe import DEFAULT_LIMITS, Limits, SymbolicInputError
from .domains import NEGATIVE, POSITIVE, REAL, UNIT, Domain, as_domain, infer_domains
from .equivalence import Verdict, check_equivalent
from .parse import ParseError, parse_answer
from .tree import TreeError, from_tree, substitute, to_tree

__all__ = [
    "DEFAULT_LIMITS",
    "NEGATIVE",
    "POSITIVE",
    "REAL",
    "UNIT",
    "Domain",
    "Limits",
    "ParseError",
    "SymbolicInputError",
    "TreeError",
    "Verdict",
    "as_domain",
    "check_equivalent",
    "from_tree",
    "infer_domains",
    "parse_answer",
    "substitute",
    "to_tree",
]
