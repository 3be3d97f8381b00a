"""The safe parser: what learners type, and the bounds it keeps."""

from __future__ import annotations

import pytest
import sympy as sp

from grader.symbolic import Limits, ParseError, parse_answer

x, y, p = sp.symbols("x y p")


PARSES = [
    ("2*x*exp(x^2)", 2 * x * sp.exp(x**2)),
    ("x^2^3", x ** (2**3)),
    ("x**2", x**2),
    ("sigmoid(x)*(1-sigmoid(x))", (1 / (1 + sp.exp(-x))) * (1 - 1 / (1 + sp.exp(-x)))),
    ("softplus(x)", sp.log(1 + sp.exp(x))),
    ("relu(x)", sp.Max(0, x)),
    ("log(p) - log(1-p)", sp.log(p) - sp.log(1 - p)),
    ("ln(x) + log(x, 2)", sp.log(x) + sp.log(x) / sp.log(2)),
    ("abs(x)/x", sp.Abs(x) / x),
    ("sqrt(x)", sp.sqrt(x)),
    ("e^x + E + pi", sp.exp(x) + sp.E + sp.pi),
    ("0.1*x", x / 10),
    ("1e-3", sp.Rational(1, 1000)),
    ("-x", -x),
    ("+x", x),
    ("max(x, y, 0)", sp.Max(x, y, 0)),
    ("Heaviside(x) + step(y)", sp.Heaviside(x) + sp.Heaviside(y)),
    ("tanh(x)", sp.tanh(x)),
    ("[x, y]", sp.Matrix([x, y])),
    ("[[x, y], [1, 2]]", sp.Matrix([[x, y], [1, 2]])),
    ("[[y, -1], [-x, 1]]/(y - x)", sp.Matrix([[y, -1], [-x, 1]]) / (y - x)),
]


@pytest.mark.parametrize(("text", "expected"), PARSES, ids=[t for t, _ in PARSES])
def test_parses_to_the_sympy_expression(text, expected):
    """Does the typed text parse to exactly the SymPy object we build by hand?"""
    assert parse_answer(text) == expected


IMPLICIT = [("2x", 2 * x), ("2 x", 2 * x), ("2(x+1)", 2 * x + 2), ("(x+1)(x-1)", (x + 1) * (x - 1)),
            ("2exp(x)", 2 * sp.exp(x)), ("3x^2", 3 * x**2), ("(x)2", 2 * x),
            ("2e-3x", x / 500)]


@pytest.mark.parametrize(("text", "expected"), IMPLICIT, ids=[t for t, _ in IMPLICIT])
def test_implicit_multiplication_is_supported(text, expected):
    """Is 2x read as 2*x (and 2(x+1), (a)(b)) with implicit multiplication on?"""
    assert parse_answer(text) == expected


@pytest.mark.parametrize("text", ["2x", "2(x+1)", "(x+1)(x-1)"])
def test_implicit_multiplication_can_be_refused(text):
    """With implicit multiplication off, does '2x' get an error that says 'write 2*x'?"""
    with pytest.raises(ParseError, match=r"write .*\*"):
        parse_answer(text, implicit_multiplication=False)


def test_adjacent_names_need_an_operator():
    """Is 'x y' refused with a hint to write x*y?"""
    with pytest.raises(ParseError, match=r"missing operator.*x\*y"):
        parse_answer("x y")


def test_variable_called_like_a_function_is_explained():
    """Is x(y+1) explained as a product that needs a '*'?"""
    with pytest.raises(ParseError, match=r"x is a variable, not a function.*x\*\(") as info:
        parse_answer("x(y+1)", ["x", "y"])
    assert info.value.part == "x(y+1)" and info.value.position == 0


@pytest.mark.parametrize(("text", "needle"), [
    ("exp(x, y)", "exp takes 1 argument, not 2"),
    ("sigmoid()", "sigmoid takes 1 argument, not 0"),
    ("max(x)", "max takes 2 to 64 arguments, not 1"),
    ("log(x, 2, 3)", "log takes 1 to 2 arguments, not 3"),
    ("exp(x=1)", "without '='"),
])
def test_arity_is_checked(text, needle):
    """Is a call with the wrong number of arguments refused, naming the function?"""
    with pytest.raises(ParseError, match=needle):
        parse_answer(text)


@pytest.mark.parametrize(("text", "suggestion"), [
    ("sigmod(x)", "sigmoid"), ("expp(x)", "exp"), ("tahn(x)", "tanh"), ("sqr(x)", "sqrt"),
    ("softpuls(x)", "softplus"),
])
def test_unknown_function_suggests_the_closest(text, suggestion):
    """Does an unknown function name get a 'did you mean' hint?"""
    with pytest.raises(ParseError, match=f"did you mean '{suggestion}'"):
        parse_answer(text)


def test_unknown_function_without_close_match_lists_the_known_ones():
    """Does 'open(x)' list the functions that can be used?"""
    with pytest.raises(ParseError, match="functions you can use are"):
        parse_answer("open(x)")


def test_strict_mode_refuses_unknown_names():
    """In strict mode, is a stray name refused with the list of variables?"""
    with pytest.raises(ParseError, match=r"unknown name 'z'.*variables here are x, y"):
        parse_answer("x + z", ["x", "y"], strict=True)
    assert parse_answer("x + y", ["x", "y"], strict=True) == x + y


def test_e_is_a_variable_when_declared():
    """Is e Euler's number unless a variable is called e?"""
    assert parse_answer("e") == sp.E
    assert parse_answer("e", ["e"]) == sp.Symbol("e")


def test_function_name_alone_is_explained():
    """Is a bare 'exp' explained as a function that needs (...)?"""
    with pytest.raises(ParseError, match=r"exp is a function: write exp\(...\)"):
        parse_answer("exp + 1")


def test_syntax_error_points_at_the_place():
    """Does '2*x +' report a position in the learner's own text?"""
    with pytest.raises(ParseError, match="position") as info:
        parse_answer("2*x +")
    assert info.value.position is not None


def test_caret_position_maps_to_the_original_text():
    """Is the offending part reported as typed, even after '^' became '**'?"""
    with pytest.raises(ParseError) as info:
        parse_answer("x^2 + y.real")
    assert info.value.part == "y.real" and info.value.position == 6


# ----------------------------------------------------------------------------- bounds
def test_length_bound():
    """Is an answer longer than the limit refused before any parsing?"""
    with pytest.raises(ParseError, match="characters long; the limit is 2000"):
        parse_answer("x+" * 1001 + "x")


def test_node_bound():
    """Is an answer with too many parts refused as too large (not as wrong)?"""
    with pytest.raises(ParseError, match="parts; the limit is 1000") as info:
        parse_answer("+".join(["x*y"] * 400))
    assert info.value.too_large


def test_depth_bound():
    """Is deep nesting refused with a clear message?"""
    with pytest.raises(ParseError, match="nested more than 100 levels"):
        parse_answer("(" * 120 + "x" + ")" * 120)
    with pytest.raises(ParseError, match="nested more than 10 levels"):
        parse_answer("exp(" * 12 + "x" + ")" * 12, limits=Limits(max_depth=10))


def test_literal_bounds():
    """Are number literals with too many digits or a huge exponent refused?"""
    with pytest.raises(ParseError, match="more than 30 digits"):
        parse_answer("1" * 31)
    with pytest.raises(ParseError, match="exponent limit 100"):
        parse_answer("1e400")


@pytest.mark.parametrize("text", ["x^1001", "2^(10^4)", "9**9**9", "x^(1/2000)"])
def test_exponent_bound(text):
    """Is a power with an exponent beyond the limit refused, naming the power?"""
    with pytest.raises(ParseError, match="too large"):
        parse_answer(text)


def test_number_growth_bound():
    """Is a product of large numbers refused once it exceeds the digit limit?"""
    with pytest.raises(ParseError, match="more than 1000 digits"):
        parse_answer("*".join(["10^300"] * 4))
    assert parse_answer("x^1000") == x**1000


def test_matrix_rules():
    """Are ragged matrices, matrix products and functions of matrices refused?"""
    with pytest.raises(ParseError, match="same length"):
        parse_answer("[[x, y], [1]]")
    with pytest.raises(ParseError, match="multiplying two matrices"):
        parse_answer("[x, y]*[x, y]")
    with pytest.raises(ParseError, match="not to a matrix"):
        parse_answer("exp([x])")
    with pytest.raises(ParseError, match="add a number to a matrix"):
        parse_answer("[x] + 1")


def test_non_text_is_refused():
    """Is a non-string answer refused by the parser with its type named?"""
    with pytest.raises(ParseError, match="must be text, not int"):
        parse_answer(3)
