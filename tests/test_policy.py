"""The return-type and dtype policy of the hidden suites (grader/judge/policy.py)."""

from __future__ import annotations

import numpy as np
import pytest

from grader.judge.policy import (
    FLOAT32_RTOL,
    FRONT_MATTER,
    AnswerTypeError,
    array,
    close,
    fixed,
    integers,
    scalar,
    tolerance,
)


@pytest.mark.parametrize("value", [2.5, 2, np.float64(2.5), np.float32(2.5), np.array(2.5),
                                   np.int64(3), np.array(7, dtype=np.int32)])
def test_one_number_has_many_spellings(value):
    """Is a Python float or int, a numpy scalar or a 0-d array accepted as one number?"""
    assert scalar(value) == float(value)


@pytest.mark.parametrize("value, words", [
    (np.array([2.5]), "returned ndarray of shape (1,) and dtype float64, expected one number"),
    (True, "returned bool, expected one number"),
    (None, "returned None, expected one number"),
    ("2.5", "returned str, expected one number"),
    (np.array(1 + 2j), "complex numbers (complex128), not real ones"),
    (np.float16(2.5), "float16, which is too coarse"),
    ([2.5], "returned list of length 1, expected one number"),
])
def test_not_a_number_is_named(value, words):
    """Is every value that is not one number refused with a message naming what it is?"""
    with pytest.raises(AnswerTypeError) as info:
        scalar(value)
    assert words in info.value.message


@pytest.mark.parametrize("value", [(1.0, 2.0), [1.0, 2.0], np.array([1.0, 2.0]),
                                   (np.float32(1.0), np.array(2.0))])
def test_a_documented_tuple_may_be_a_list_or_1d_array(value):
    """Is a tuple, a list or a 1-d array of the documented length accepted as the tuple?"""
    a, b = fixed(value, ("mu_hat", "sigma_hat"))
    assert (scalar(a), scalar(b)) == (1.0, 2.0)


@pytest.mark.parametrize("value, words", [
    (np.array([1.0, 2.0, 3.0]), "returned ndarray of shape (3,) and dtype float64, expected a "
                                "tuple (mu_hat, sigma_hat)"),
    (np.ones((2, 1)), "returned ndarray of shape (2, 1)"),
    ({"mu": 1.0, "sigma": 2.0}, "returned dict of length 2, expected a tuple (mu_hat, "
                                "sigma_hat)"),
    ((1.0,), "returned tuple of length 1, expected a tuple (mu_hat, sigma_hat)"),
    (1.5, "returned float, expected a tuple (mu_hat, sigma_hat)"),
])
def test_a_wrong_tuple_is_named(value, words):
    """Is an answer that is not the documented tuple refused, saying what came back?"""
    with pytest.raises(AnswerTypeError) as info:
        fixed(value, ("mu_hat", "sigma_hat"))
    assert words in info.value.message


def test_arrays_shapes_and_dtypes():
    """Are nested lists accepted as arrays, and a wrong shape, bool or ragged list named?"""
    assert array([[1, 2], [3, 4]], (2, 2)).shape == (2, 2)
    with pytest.raises(AnswerTypeError, match=r"shape \(3, 1\), expected an array of shape"):
        array(np.ones((3, 1)), (3,))
    with pytest.raises(AnswerTypeError, match="bool values"):
        array(np.array([True, False]))
    with pytest.raises(AnswerTypeError, match="ragged list"):
        array([[1.0], [1.0, 2.0]])
    with pytest.raises(AnswerTypeError, match="float64 values, expected an integer array"):
        integers(np.array([1.0, 2.0]))
    assert integers([3, 1]).dtype.kind == "i"


def test_float32_gets_a_float32_tolerance_float64_the_stated_one():
    """Is a float32 answer compared at rtol >= 1e-5, a float64 one at the stated rtol, and
    is float32 named where a task demands float64?"""
    exact = 1.0 / 3.0
    as32 = np.float32(exact)
    assert abs(float(as32) - exact) > 1e-12 * exact  # float32 cannot meet rtol=1e-12...
    assert close(as32, exact, rtol=1e-12)  # ...and need not
    assert not close(float(as32), exact, rtol=1e-12)  # the same digits as float64 must
    assert not close(np.float32(exact * (1 + 10 * FLOAT32_RTOL)), exact, rtol=1e-12)
    with pytest.raises(AnswerTypeError, match="float32, but this task asks for float64"):
        close(as32, exact, rtol=1e-12, float64=True)
    arr = np.linspace(0.1, 1.0, 5)
    assert close(arr.astype(np.float32), arr, rtol=1e-12)
    assert tolerance(arr.astype(np.float32), 1e-12) == FLOAT32_RTOL
    assert tolerance(arr, 1e-12) == 1e-12


def test_close_never_uses_numpys_default_atol():
    """Does a tiny wrong value fail at the stated rtol (np.isclose's atol=1e-8 would pass it)?"""
    assert np.isclose(2e-9, 1e-9, rtol=1e-12)  # numpy's default atol swamps the rtol
    assert not close(2e-9, 1e-9, rtol=1e-12)
    assert close(1e-9 * (1 + 1e-13), 1e-9, rtol=1e-12)
    assert close(-np.inf, -np.inf, rtol=1e-12) and not close(np.nan, np.nan, rtol=1e-12)


def test_the_front_matter_states_the_rule():
    """Does the text for the exercises' front matter state each rule the policy enforces?"""
    for words in ("0-d", "shape (1,)", "a tuple, a list or a 1-d numpy array", "float32",
                  "float16", "expected a tuple (mu_hat, sigma_hat)"):
        assert words in FRONT_MATTER
