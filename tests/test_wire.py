"""The wire format: only plain data crosses the trust boundary, and only within bounds."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader import wire

plain = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.text(max_size=20)
    | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@given(plain)
@settings(max_examples=100, deadline=None)
def test_plain_values_round_trip(value):
    """Does every plain value come back equal, with the same container types?"""
    back = wire.decode(wire.encode(value))
    assert back == value
    assert type(back) is type(value)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "uint8", "bool", "complex128"])
def test_numeric_arrays_round_trip(dtype):
    """Does an array keep its dtype, shape and values?"""
    a = (np.arange(24).reshape(2, 3, 4) % 3).astype(dtype)
    back = wire.decode(wire.encode(a))
    assert back.dtype == a.dtype and back.shape == a.shape
    np.testing.assert_array_equal(back, a)


def test_special_floats_round_trip():
    """Do nan and the infinities survive, although JSON has no literal for them?"""
    back = wire.decode(wire.encode([math.inf, -math.inf, math.nan]))
    assert back[0] == math.inf and back[1] == -math.inf and math.isnan(back[2])


class AlwaysEqual:
    def __eq__(self, other):
        return True


class SneakyFloat(float):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value, name", [
    (AlwaysEqual(), "AlwaysEqual"),
    (object(), "object"),
    (np.array(["a"]), "numpy array of dtype str"),
    (np.array([object()]), "dtype object"),
    ({1: 2}, "dict key of type int"),
    (lambda: 0, "function"),
    (b"bytes", "bytes"),
])
def test_unsupported_types_are_named(value, name):
    """Is a value outside the closed set refused with its type in the message?"""
    with pytest.raises(wire.WireError, match="unsupported return type") as info:
        wire.encode(value)
    assert name in str(info.value)


def test_float_subclass_arrives_as_a_plain_float():
    """Does a float subclass with a rigged __eq__ cross as an ordinary float?"""
    back = wire.decode(wire.encode(SneakyFloat(2.5)))
    assert type(back) is float and back == 2.5 and back != 3.0


def test_numpy_scalars_arrive_as_fresh_values():
    """Is np.float64 (a float subclass) a plain float, and np.float32 a fresh 0-d array?"""
    assert type(wire.decode(wire.encode(np.float64(1.5)))) is float
    back = wire.decode(wire.encode(np.float32(1.5)))
    assert isinstance(back, np.ndarray) and back.shape == () and back.dtype == np.float32


@pytest.mark.parametrize("raw, problem", [
    (b"\xff\xfe", "malformed"),
    (b"{", "malformed"),
    (b'{"$evil": 1}', "unknown tag"),
    (b'{"a": 1, "b": 2}', "unexpected object"),
    (b"NaN", "bare NaN"),
    (b'{"$nd": ["object", [1], ""]}', "dtype"),
    (b'{"$nd": ["float64", [2], "AAAA"]}', "does not match its shape"),
    (b'{"$nd": ["float64", [-1], ""]}', "shape"),
    (b'{"$sym": ["Symbol", "x"]}', "SymPy"),
    (b'{"$dict": [[1, 2]]}', "dict entry"),
])
def test_malformed_messages_are_refused(raw, problem):
    """Does the judge refuse forged or malformed answers with a clear WireError?"""
    with pytest.raises(wire.WireError, match=problem):
        wire.decode(raw)


def test_deep_nesting_is_refused_both_ways():
    """Is a deeply nested value refused, on encoding and on decoding?"""
    deep: list = []
    for _ in range(wire.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(wire.WireError, match="nested"):
        wire.encode(deep)
    with pytest.raises(wire.WireError):
        wire.decode(json.dumps(deep).encode())


def test_huge_integer_is_refused():
    """Is an integer with thousands of digits refused rather than parsed?"""
    with pytest.raises(wire.WireError, match="too large"):
        wire.encode(10 ** (wire.MAX_INT_DIGITS + 1))


def test_sympy_matrix_crosses_as_a_tree():
    """Does a (mutable) SymPy Matrix cross as a whitelisted tree and come back equal?"""
    import sympy as sp

    from grader.symbolic import from_tree

    x = sp.Symbol("x")
    m = sp.Matrix([[x, 1], [sp.exp(x), sp.Rational(1, 3)]])
    back = wire.decode(wire.encode(m), sympy_builder=from_tree)
    assert sp.simplify(sp.Matrix(back) - m) == sp.zeros(2, 2)
