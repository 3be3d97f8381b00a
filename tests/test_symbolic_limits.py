"""Reading answers inside the deadline: no typed string or tree can make SymPy hang.

SymPy factors the radicand of ``sqrt(n)`` and merges ``sqrt(a)*sqrt(b)`` into ``sqrt(a*b)``:
four radicals of 900-digit integers took 15 s to *parse*, eight took minutes, before the
checker's time limit even started. Every attack here must get its verdict within the
checker's own limit plus 0.5 s, typed and as a tree from code, and never be accepted.
"""

from __future__ import annotations

import time
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from symbolic_cases import RADICALS, SYM_X, TREE_ATTACKS, TYPED_ATTACKS, big, sqrt_tree

from grader import wire
from grader.symbolic import Limits, ParseError, TreeError, check_equivalent, from_tree, parse_answer
from grader.symbolic.numeric import mp_value

LIMIT = 1.0          # the checker's time limit in these tests
SLACK = 0.5          # what a verdict may take beyond it (a busy machine included)

x = sp.Symbol("x", real=True)


@pytest.fixture(scope="module", autouse=True)
def _warm():
    """Import and cache everything once, so that the timings below measure the work."""
    check_equivalent("x*sqrt(2) + exp(x)", x + 1)


@pytest.mark.parametrize("text", [t for _, t in TYPED_ATTACKS], ids=[i for i, _ in TYPED_ATTACKS])
def test_typed_attack_is_answered_in_time(text):
    """Does each typed attack get a verdict (never 'equivalent') within the limit + 0.5 s?"""
    start = time.monotonic()
    verdict = check_equivalent(text, x, time_limit=LIMIT)
    took = time.monotonic() - start
    assert took < LIMIT + SLACK, f"{took:.2f} s"
    assert verdict.status in ("not_equivalent", "undetermined"), verdict.message


@pytest.mark.parametrize("text", [t for _, t in TYPED_ATTACKS], ids=[i for i, _ in TYPED_ATTACKS])
def test_typed_attack_parses_in_time(text):
    """Is parsing alone (no checker around it) bounded by its own reading limit?"""
    start = time.monotonic()
    try:
        parse_answer(text)
    except ParseError as err:
        assert err.too_large, str(err)  # only size limits may refuse these
    assert time.monotonic() - start < Limits().read_seconds + SLACK




def _decode(tree):
    """A tree exactly as the judge receives it from code: decoded by the proxy's builder."""
    from grader.judge.proxy import _sympy_builder

    return wire.from_json({"$sym": tree}, sympy_builder=_sympy_builder)


@pytest.mark.parametrize("tree", [t for _, t in TREE_ATTACKS], ids=[i for i, _ in TREE_ATTACKS])
def test_tree_attack_is_answered_in_time(tree):
    """Does each tree from code get rebuilt and a verdict within the limit + 0.5 s?"""
    start = time.monotonic()
    try:
        expr = _decode(tree)
    except wire.WireError as err:  # refused for size: a clear message, in time
        assert "too large" in err.learner_text
    else:
        reference = sp.Matrix([x, x]) if isinstance(expr, sp.MatrixBase) else x
        verdict = check_equivalent(expr, reference, time_limit=LIMIT)
        assert verdict.status in ("not_equivalent", "undetermined"), verdict.message
    took = time.monotonic() - start
    assert took < LIMIT + SLACK, f"{took:.2f} s"


def test_issue_attack_in_55_characters():
    """Is the issue's own 55-character product of four 900-digit radicals read at once?"""
    text = "*".join(RADICALS[:4])
    assert len(text) == 55
    start = time.monotonic()
    expr = parse_answer(text)
    assert time.monotonic() - start < SLACK
    assert isinstance(expr, sp.Mul) and len(expr.args) == 4  # unevaluated, not merged


def test_big_radicals_keep_their_value():
    """Are unevaluated radicals the same numbers (to 60 digits) that mpmath computes?"""
    expr = parse_answer("sqrt(7^999+1)*sqrt(7^999+3)/(7^999+2)")
    n = 7**999 + 2
    with mpmath.workdps(80):
        expected = mpmath.sqrt(n - 1) * mpmath.sqrt(n + 1) / n
        got = mp_value(expr, {}, 80, time.monotonic() + 5).value
        assert abs(got - expected) < mpmath.mpf(10) ** -70


def test_small_radicals_are_still_simplified():
    """Do small radicals keep SymPy's usual forms (sqrt(8) = 2 sqrt(2))?"""
    assert parse_answer("sqrt(8)") == 2 * sp.sqrt(2)
    assert parse_answer("sqrt(2)*sqrt(3)*x") == sp.sqrt(6) * sp.Symbol("x")


def test_right_answer_with_big_radicals_is_accepted():
    """Is a right answer built from big radicals accepted, typed and from code?"""
    reference = parse_answer("x*sqrt(7^999+1)*sqrt(7^999+3)", ["x"])
    assert check_equivalent("sqrt(7^999+3)*x*sqrt(7^999+1)", reference).status == "equivalent"
    tree = ["Mul", SYM_X, sqrt_tree(big(1)), sqrt_tree(big(3))]
    code = _decode(tree)
    reference = parse_answer("x*sqrt(10^399+3)*sqrt(10^399+1)", ["x"])
    assert check_equivalent(code, reference).status == "equivalent"


def test_hiding_a_wrong_answer_behind_huge_cancelling_terms_fails():
    """Is 2x plus (exactly representable, huge, cancelling terms) never accepted for x?"""
    text = f"2*x + {RADICALS[0]}*{RADICALS[1]} - 7^999 - 2"
    assert check_equivalent(text, x).status != "equivalent"
    assert check_equivalent("2*x + (exp(40)+1)*(exp(40)-1) - exp(80) + 1", x).status \
        == "not_equivalent"


def test_reading_counts_against_the_time_limit():
    """Does a check whose time is used up while reading answer 'undetermined: too large'?"""
    verdict = check_equivalent("x*exp(x) + sin(x)^2", x, time_limit=0.0)
    assert (verdict.status, verdict.slip) == ("undetermined", "too_large")
    assert "time limit" in verdict.message and "not rejected" in verdict.message


def test_long_nested_sums_read_in_linear_time():
    """Is 2*(2*(...(x0 + ... + x299))) 90 deep read at once (it took 1 s: SymPy multiplied
    each 2 into all 300 terms at every level)?"""
    deep = "2*(" * 90 + "+".join(f"x{i}" for i in range(300)) + ")" * 90
    start = time.monotonic()
    expr = parse_answer(deep)
    assert time.monotonic() - start < SLACK
    point = {f"x{i}": Fraction(i + 1, 7) for i in range(300)}
    with mpmath.workdps(30):
        value = mp_value(expr, point, 30, time.monotonic() + 5).value
        expected = mpmath.mpf(2**90 * sum(range(1, 301))) / 7
        assert abs(value / expected - 1) < mpmath.mpf(10) ** -25


def test_deadline_in_the_past_stops_reading():
    """Do parse_answer and from_tree stop at their deadline with a too-large error?"""
    with pytest.raises(ParseError) as info:
        parse_answer("x + 1", deadline=time.monotonic() - 1)
    assert info.value.too_large
    with pytest.raises(TreeError) as info:
        from_tree(["Add", SYM_X, ["Integer", "1"]], deadline=time.monotonic() - 1)
    assert info.value.too_large


def test_tree_refused_for_size_says_too_large():
    """Is a tree over the node limit refused with a 'too large' message for the learner?"""
    with pytest.raises(wire.WireError) as info:
        _decode(["Add", *[["Symbol", f"x{i}"] for i in range(30000)]])
    assert info.value.learner_text.startswith("your SymPy expression is too large to check")


def test_exact_rationals_are_bounded_while_summed():
    """Is a sum of big rationals refused once its denominator passes 1000 digits?"""
    terms = "+".join(f"1/(10^29+{k})" for k in range(1, 80, 2))
    with pytest.raises(ParseError, match="1000 digits") as info:
        parse_answer(terms)
    assert info.value.too_large
    assert parse_answer("1/3 + 1/6") == sp.Rational(1, 2)


def test_substitute_does_not_reevaluate_radicals():
    """Does grader.symbolic.substitute (for suites that used .subs on answers) replace a
    symbol in a radical-laden answer at once, where SymPy's subs would factor again?"""
    from grader.symbolic import substitute

    y = sp.Symbol("y")
    radicals = [sqrt_tree(big(k)) for k in range(1, 17, 2)]
    answer = _decode(["Add", ["Mul", ["Symbol", "y"], *radicals],
                      ["Mul", SYM_X, ["Symbol", "y"]]])
    start = time.monotonic()
    assert substitute(answer, {y: 0}) == 0
    swapped = substitute(answer, {"y": sp.Symbol("x")})
    assert time.monotonic() - start < SLACK
    assert swapped.free_symbols == {sp.Symbol("x")}


@pytest.mark.parametrize("expr", [
    sp.Symbol("y") * sp.log(sp.Symbol("p")) + (1 - sp.Symbol("y")) * sp.log(1 - sp.Symbol("p")),
    (sp.Symbol("a") - sp.Symbol("m")) / sp.Symbol("s") ** 2,
    sp.Matrix([[sp.exp(sp.Symbol("y")), sp.Piecewise((0, sp.Symbol("y") < 0), (1, True))]]),
])
def test_substitute_agrees_with_subs(expr):
    """Does substitute give what SymPy's subs gives on ordinary expressions?"""
    from grader.symbolic import substitute

    y, m = sp.Symbol("y"), sp.Symbol("m")
    mapping = {y: 0, m: sp.Symbol("a")}
    assert check_equivalent(substitute(expr, mapping), expr.subs(mapping)).status \
        == "equivalent"
