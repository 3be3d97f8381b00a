"""Hostile typed answers: each refused with a clear message, nothing executed, nothing hung.

Every payload that would do something if executed writes a canary file; after parsing (and
after the full check) the canary must not exist. Every parse runs under a 2-second alarm.
"""

from __future__ import annotations

import builtins
import signal
import time
from contextlib import contextmanager

import pytest
import sympy as sp

from grader.symbolic import ParseError, check_equivalent, parse_answer

CANARY = "/tmp/mlmath_symbolic_canary"


@contextmanager
def _alarm(seconds: float = 2.0):
    def _boom(signum, frame):
        raise TimeoutError(f"parsing took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, _boom)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _payloads(canary: str) -> list[tuple[str, str, str]]:
    """(id, text, a piece the message must name)."""
    touch = f"open('{canary}', 'w')"
    return [
        ("import", f"__import__('os').system('touch {canary}')", "__import__"),
        ("import_spaced", f"x + __import__ ('os').system('touch {canary}')", "__import__"),
        ("builtins", "__builtins__", "__builtins__"),
        ("attribute_walk", "x.__class__.__base__.__subclasses__()", "__class__"),
        ("attribute_plain", "exp(x).func", ".func"),
        ("attribute_spaced", "x . real", ".real"),
        ("subclasses_tuple", "().__class__.__bases__[0].__subclasses__()", "__class__"),
        ("getattr", "getattr(x, 'evalf')", "quotes"),
        ("open", touch, "quotes"),
        ("exec_word", "exec(x)", "unknown function 'exec'"),
        ("eval_word", "eval(x)", "unknown function 'eval'"),
        ("compile_word", "compile(x, y, z)", "unknown function 'compile'"),
        ("globals", "globals()", "unknown function 'globals'"),
        ("breakpoint", "breakpoint()", "unknown function 'breakpoint'"),
        ("sympy_api", "Symbol(x)", "unknown function 'Symbol'"),
        ("list_comp", f"[{touch} for c in x]", "quotes"),
        ("list_comp_plain", "[c for c in range(10)]", "comprehensions are not allowed"),
        ("gen_exp", "exp(c for c in x)", "comprehensions are not allowed"),
        ("gen_sum", "sum(c for c in x)", "unknown function 'sum'"),
        ("dict_comp", "{c: c for c in x}", "comprehensions are not allowed"),
        ("lambda", "lambda: 0", "lambda is not allowed"),
        ("lambda_call", "(lambda y: y)(x)", "lambda is not allowed"),
        ("string_single", "'rm -rf /'", "quotes"),
        ("string_double", '"x"', "quotes"),
        ("fstring", "f'{x}'", "quotes"),
        ("bytes", "b'x'", "quotes"),
        ("walrus", "(y := 3)", "':=' is not allowed"),
        ("if_else", "x if y else z", "'if ... else' is not allowed"),
        ("subscript", "x[0]", "indexing"),
        ("keyword_arg", "exp(x=1)", "'='"),
        ("starred", "max(*x)", "unpacking"),
        ("semicolon", "x; import os", "';'"),
        ("newline", "x\nimport os", "'\\n'"),
        ("null_byte", "x\x00", "'\\x00'"),
        ("statement", "import os", "a Python statement (import)"),
        ("return", "return x", "a Python statement (return)"),
        ("pass", "pass", "a Python statement (pass)"),
        ("annotation", "x: int", "a Python statement"),
        ("del", "del x", "a Python statement (delete)"),
        ("comment", "x # hidden", "comments"),
        ("pipe_abs", "|x|", "abs(x)"),
        ("matmul", "x @ y", "@"),
        ("modulo", "'%s' % x", "quotes"),
        ("floor_div", "x // 2", "//"),
        ("bitwise", "~x", "~"),
        ("compare", "x < y", "comparisons"),
        ("bool_op", "x and y", "'and' / 'or'"),
        ("not", "not x", "'not'"),
        ("hex", "0x41", "hexadecimal"),
        ("underscore_num", "1_000", "underscores"),
        ("unicode_lookalike", "ｅｘｐ(x)", "character"),
        ("backslash", "x \\\n+ 1", "backslash"),
        ("huge_tower", "9**9**9", "9**9**9"),
        ("huge_power", "2**(10**8)", "too large"),
        ("huge_caret", "10^10^10", "too large"),
        ("huge_literal", "9" * 500, "digits"),
        ("huge_float", "1e99999999", "exponent limit"),
        ("product_growth", "*".join(["10^300"] * 10), "1000 digits"),
        ("deep_parens", "(" * 500 + "x" + ")" * 500, "nested"),
        ("deep_calls", "exp(" * 150 + "x" + ")" * 150, "nested"),
        ("deep_unary", "-" * 1500 + "x", "parts"),
        ("deep_list", "[" * 300 + "x" + "]" * 300, "nested"),
        ("wide", "+".join(["x"] * 800), "parts"),
        ("long", "x" * 5000, "characters long"),
        ("many_args", "max(" + ",".join(["x"] * 100) + ")", "max takes"),
        ("dunder_name", "x + __class__", "__class__"),
        ("private_name", "_x", "_x"),
        ("call_of_call", "exp(x)(y)(z).__call__", "__call__"),
        ("yield", "(yield x)", "'yield' is not allowed"),
        ("await", "await x", "'await' is not allowed"),
        ("ellipsis", "...", "Ellipsis is not allowed"),
        ("set", "{x, y}", "curly braces"),
        ("tuple", "(x, y)", "tuples"),
        ("true", "True", "True is not allowed"),
        ("none_call", "None", "None is not allowed"),
        ("complex_like", "1j", None),  # becomes 1*j: a variable named j, harmless
    ]


PAYLOADS = _payloads(CANARY)


@pytest.fixture(autouse=True)
def _no_canary():
    import os

    if os.path.exists(CANARY):
        os.remove(CANARY)
    yield
    assert not os.path.exists(CANARY), "a payload was executed"


@pytest.mark.parametrize(("text", "needle"), [(t, n) for _, t, n in PAYLOADS],
                         ids=[i for i, _, _ in PAYLOADS])
def test_payload_is_refused_clearly_without_running(text, needle, monkeypatch):
    """Is each hostile answer refused with a message naming the offending part, at once?"""
    calls = []
    real_import = builtins.__import__

    def spy(name, *args, **kwargs):
        if name in ("os", "subprocess", "shutil"):
            calls.append(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", spy)
    start = time.monotonic()
    with _alarm(2.0):
        if needle is None:
            parse_answer(text)  # harmless after all; must still be fast
        else:
            with pytest.raises(ParseError) as info:
                parse_answer(text)
            assert needle in str(info.value), str(info.value)
    assert time.monotonic() - start < 2.0
    assert calls == []


@pytest.mark.parametrize(("text", "needle"),
                         [(t, n) for _, t, n in PAYLOADS if n is not None][:20],
                         ids=[i for i, _, n in PAYLOADS if n is not None][:20])
def test_payload_through_the_checker_is_an_invalid_answer(text, needle):
    """Does the full check turn a hostile answer into 'invalid answer', with the reason?"""
    with _alarm(2.0):
        v = check_equivalent(text, sp.Symbol("x", real=True) ** 2)
    assert (v.status, v.slip) == ("not_equivalent", "invalid_answer")
    assert needle in v.message


def test_messages_name_the_part_and_position():
    """Does an attribute walk report the part and where it starts in the typed text?"""
    with pytest.raises(ParseError) as info:
        parse_answer("2*x + exp(x).evalf()")
    assert info.value.part == "exp(x).evalf"
    assert info.value.position == 6
    assert "'.evalf'" in str(info.value)


def test_grader_source_never_calls_code_runners():
    """Does grader/symbolic avoid sympify, parse_expr, eval, exec and pickle entirely?"""
    import pathlib
    import re

    import grader.symbolic as pkg

    bad = re.compile(r"\b(sympify|parse_expr|eval|exec|lambdify)\s*\(|pickle\.loads")
    for path in pathlib.Path(pkg.__file__).parent.glob("*.py"):
        for lineno, line in enumerate(path.read_text().splitlines(), 1):
            assert not bad.search(line), f"{path.name}:{lineno}: {line.strip()}"
