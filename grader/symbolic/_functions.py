r"""The functions an answer may use: typed names, SymPy classes, arities.

One registry serves both readers. :data:`TREE_FUNCTIONS` maps the SymPy class names a tree
from the sandbox may carry to ``(class, min args, max args)``; :data:`TYPED_FUNCTIONS` maps
the names a learner may type to ``(builder, min args, max args)``, where a builder takes the
reading :class:`~._safe.Budget` and the built arguments. The numeric evaluator
(:mod:`.numeric`, :mod:`._realfuncs`) knows every class listed here; a test checks that.
"""

from __future__ import annotations

import sympy as sp

from ._safe import Budget, build_function, safe_add, safe_mul, safe_pow

#: SymPy function classes of one argument that cross as themselves.
UNARY = (
    sp.exp, sp.Abs, sp.sign, sp.floor, sp.ceiling, sp.re, sp.im,
    sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc,
    sp.asin, sp.acos, sp.atan, sp.acot, sp.asec, sp.acsc,
    sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch,
    sp.asinh, sp.acosh, sp.atanh, sp.acoth, sp.asech, sp.acsch,
    sp.erf, sp.erfc, sp.gamma, sp.loggamma, sp.factorial,
)

#: Classes with other arities: name -> (class, min args, max args).
TREE_FUNCTIONS: dict[str, tuple[type, int, int]] = {
    **{cls.__name__: (cls, 1, 1) for cls in UNARY},
    "log": (sp.log, 1, 2),
    "Heaviside": (sp.Heaviside, 1, 2),
    "DiracDelta": (sp.DiracDelta, 1, 2),
    "LambertW": (sp.LambertW, 1, 2),
    "Max": (sp.Max, 1, 64),
    "Min": (sp.Min, 1, 64),
    "atan2": (sp.atan2, 2, 2),
    "binomial": (sp.binomial, 2, 2),
    "polygamma": (sp.polygamma, 2, 2),
}


def log_of(budget: Budget, x: sp.Expr, base: sp.Expr | None = None) -> sp.Expr:
    r""":math:`\log x`, or :math:`\log x / \log b` with a base (as SymPy writes it)."""
    if base is None:
        return build_function(sp.log, [x], budget)
    return safe_mul([build_function(sp.log, [x], budget),
                     safe_pow(build_function(sp.log, [base], budget), sp.Integer(-1), budget,
                              "log")], budget, "log")


def _call(cls):
    return lambda budget, *args: build_function(cls, list(args), budget)


def _root(budget: Budget, x: sp.Expr, n: sp.Expr | None = None) -> sp.Expr:
    inverse = safe_pow(n, sp.Integer(-1), budget, "root") if n is not None else sp.S.Half
    return safe_pow(x, inverse, budget, "root")


def _cbrt(budget: Budget, x: sp.Expr) -> sp.Expr:
    return safe_pow(x, sp.Rational(1, 3), budget, "cbrt")


def _add1(budget: Budget, e: sp.Expr) -> sp.Expr:
    return safe_add([sp.Integer(1), e], budget, "1 + ...")


def _sigmoid(budget: Budget, x: sp.Expr) -> sp.Expr:
    minus_x = safe_mul([sp.Integer(-1), x], budget, "sigmoid")
    return safe_pow(_add1(budget, build_function(sp.exp, [minus_x], budget)), sp.Integer(-1),
                    budget, "sigmoid")


def _softplus(budget: Budget, x: sp.Expr) -> sp.Expr:
    return build_function(sp.log, [_add1(budget, build_function(sp.exp, [x], budget))], budget)


def _relu(budget: Budget, x: sp.Expr) -> sp.Expr:
    return build_function(sp.Max, [sp.Integer(0), x], budget)


_TYPED_CLASSES = (
    "exp", "sign", "floor", "ceiling", "sin", "cos", "tan", "cot", "sec", "csc",
    "asin", "acos", "atan", "acot", "asec", "acsc", "sinh", "cosh", "tanh", "coth", "sech",
    "csch", "asinh", "acosh", "atanh", "acoth", "asech", "acsch", "erf", "erfc", "gamma",
    "factorial",
)

#: Functions a learner may type: name -> (builder(budget, *args), min args, max args).
#: `sigmoid`, `softplus` and `relu` are not SymPy classes: they expand to their definitions.
TYPED_FUNCTIONS: dict[str, tuple[object, int, int]] = {
    **{name: (_call(TREE_FUNCTIONS[name][0]), 1, 1) for name in _TYPED_CLASSES},
    "log": (log_of, 1, 2),
    "ln": (log_of, 1, 1),
    "sqrt": (_root, 1, 1),
    "cbrt": (_cbrt, 1, 1),
    "root": (_root, 2, 2),
    "abs": (_call(sp.Abs), 1, 1),
    "Abs": (_call(sp.Abs), 1, 1),
    "ceil": (_call(sp.ceiling), 1, 1),
    "arcsin": (_call(sp.asin), 1, 1),
    "arccos": (_call(sp.acos), 1, 1),
    "arctan": (_call(sp.atan), 1, 1),
    "atan2": (_call(sp.atan2), 2, 2),
    "binomial": (_call(sp.binomial), 2, 2),
    "Heaviside": (_call(sp.Heaviside), 1, 2),
    "heaviside": (_call(sp.Heaviside), 1, 2),
    "step": (_call(sp.Heaviside), 1, 1),
    "max": (_call(sp.Max), 2, 64),
    "Max": (_call(sp.Max), 2, 64),
    "min": (_call(sp.Min), 2, 64),
    "Min": (_call(sp.Min), 2, 64),
    "sigmoid": (_sigmoid, 1, 1),
    "softplus": (_softplus, 1, 1),
    "relu": (_relu, 1, 1),
}

#: Function names that are also common variable names: alone (not called) they are symbols.
ALSO_VARIABLES = frozenset({"gamma"})

#: Named constants a learner may type (``e`` only when no variable is called ``e``).
TYPED_CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "E": sp.E, "e": sp.E}

#: The functions named in a "the functions you can use are ..." hint.
HINTED = ("exp", "log", "sqrt", "abs", "sign", "sin", "cos", "tanh", "sigmoid", "softplus",
          "relu", "max", "min", "Heaviside")
