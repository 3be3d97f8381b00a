"""Tests for mlmath.logs: log-sum-exp, softmax, sigmoid, and products of probabilities.

References: scipy.special (logsumexp, softmax, log_softmax, expit, log_expit), numpy, and
hypothesis properties. Extreme inputs are run with every floating-point warning turned into
an error.
"""

from __future__ import annotations

import math
import warnings
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal
from scipy import special

from mlmath import logs

SETTINGS = settings(max_examples=50, deadline=None)
finite = st.floats(-50.0, 50.0, allow_nan=False, allow_infinity=False)


@contextmanager
def no_warnings():
    """Turn every numpy floating-point warning (and any other warning) into an error."""
    with warnings.catch_warnings(), np.errstate(divide="warn", over="warn", invalid="warn"):
        warnings.simplefilter("error")
        yield


def _arr(a):
    return np.asarray(a, dtype=float)


NINF, INF, NAN = -np.inf, np.inf, np.nan

# (name, x, axis, keepdims)
LSE_CASES = [
    ("vector", [1.0, 2.0, 3.0], None, False),
    ("large equal", [1000.0, 1000.0], None, False),
    ("small equal", [-1000.0, -1000.0], None, False),
    ("huge spread", [1e308, -1e308, 0.0], None, False),
    ("one -inf entry", [NINF, 0.0, 1.0], None, False),
    ("all -inf", [NINF, NINF], None, False),
    ("+inf entry", [INF, 1.0], None, False),
    ("+inf and -inf", [INF, NINF], None, False),
    ("nan propagates", [NAN, 1.0], None, False),
    ("scalar", 3.5, None, False),
    ("matrix all", [[1.0, 2.0], [3.0, 4.0]], None, False),
    ("matrix all keepdims", [[1.0, 2.0], [3.0, 4.0]], None, True),
    ("rows", [[1.0, 2.0, NINF], [NINF, NINF, NINF]], 1, False),
    ("rows keepdims", [[1.0, 2.0, NINF], [NINF, NINF, NINF]], -1, True),
    ("columns", [[1.0, NINF], [1000.0, NINF]], 0, False),
    ("3-d middle axis", np.arange(24.0).reshape(2, 3, 4) * 300.0, 1, False),
    ("fortran order", np.asfortranarray(np.arange(12.0).reshape(3, 4)), 0, False),
    ("strided view", np.arange(40.0).reshape(4, 10)[:, ::3], None, True),
    ("near zero result", [0.0, -11.0, -40.0], None, False),
    ("3-d middle keepdims", np.arange(24.0).reshape(2, 3, 4) - 700.0, 1, True),
]


@pytest.mark.parametrize(
    ("name", "x", "axis", "keepdims"), LSE_CASES, ids=[c[0] for c in LSE_CASES]
)
def test_log_sum_exp_matches_scipy(name, x, axis, keepdims):
    """Does log_sum_exp agree with scipy.special.logsumexp (values, shape, infinities)?"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy itself may warn on the inf cases
        want = special.logsumexp(_arr(x), axis=axis, keepdims=keepdims)
    with no_warnings():
        got = logs.log_sum_exp(x, axis=axis, keepdims=keepdims)
    assert np.shape(got) == np.shape(want)
    assert_allclose(got, want, rtol=1e-14, atol=0)


@pytest.mark.parametrize(("x", "want"), [([1000.0, 1000.0], 1000.0 + np.log(2.0)),
                                          ([-1000.0, -1000.0], -1000.0 + np.log(2.0))])
def test_log_sum_exp_extremes(x, want):
    """Does log-sum-exp stay finite and exact at x = [±1000, ±1000]?"""
    with no_warnings():
        got = logs.log_sum_exp(x)
    assert isinstance(got, float)
    assert got == pytest.approx(want, rel=1e-15)


def test_log_sum_exp_all_minus_inf_slice_is_minus_inf():
    """Is a slice of only -inf reduced to -inf (the log of an empty sum), without NaN?"""
    with no_warnings():
        got = logs.log_sum_exp([[NINF, NINF], [0.0, NINF]], axis=1)
    assert_array_equal(got, [NINF, 0.0])


@SETTINGS
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)), elements=finite),
       st.sampled_from([None, 0, 1, -1]), st.booleans())
def test_log_sum_exp_property_matches_scipy(x, axis, keepdims):
    """For random arrays, axes and keepdims, does log_sum_exp equal scipy's logsumexp?"""
    want = special.logsumexp(x, axis=axis, keepdims=keepdims)
    assert_allclose(logs.log_sum_exp(x, axis=axis, keepdims=keepdims), want, rtol=1e-12)


@SETTINGS
@given(arrays(np.float64, st.integers(1, 20), elements=finite), finite)
def test_log_sum_exp_shift(x, c):
    """Is lse(x + c) = lse(x) + c, the identity that makes subtracting the max legal?"""
    assert logs.log_sum_exp(x + c) == pytest.approx(logs.log_sum_exp(x) + c, rel=1e-12, abs=1e-12)


def _float32_extremes() -> np.ndarray:
    """A (4, 5, 6) float32 array with every hazard: ±1000, ±3e38, subnormals, -inf entries,
    all -inf slices along each axis, and ordinary values."""
    x = np.random.default_rng(3).normal(0.0, 30.0, (4, 5, 6)).astype(np.float32)
    x[0, 0, :] = [1000.0, -1000.0, 3e38, -3e38, 1e-45, NINF]
    x[1, :, 2] = NINF  # an all -inf slice along axis 1
    x[2, 3, :] = NINF  # ... along axis 2
    x[:, 4, 5] = NINF  # ... along axis 0
    x[3, 1, :] = [-1000.0, -1000.0, -1000.0, -3e38, NINF, -1000.0]
    return x


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 0, 1, 2, -1, -2])
def test_log_sum_exp_float32_matches_scipy_along_every_axis(axis, keepdims):
    """Does float32 input give float32 output matching scipy along every axis, extremes
    (±1000, ±3e38, subnormals, -inf entries, all -inf slices) included, without warnings?"""
    x = _float32_extremes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy itself may warn on the inf cases
        want32 = special.logsumexp(x, axis=axis, keepdims=keepdims)
        want64 = special.logsumexp(x.astype(np.float64), axis=axis, keepdims=keepdims)
    with no_warnings():
        got = logs.log_sum_exp(x, axis=axis, keepdims=keepdims)
    assert np.shape(got) == np.shape(want32)
    if axis is None and not keepdims:
        assert isinstance(got, float)  # a full reduction gives a Python float, as for float64
    else:
        assert got.dtype == np.float32 == np.asarray(want32).dtype
    assert_allclose(got, want64, rtol=4 * np.finfo(np.float32).eps, atol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("axis", [None, 0, -1])
def test_log_sum_exp_large_matches_scipy(dtype, axis):
    """On a (300, 400) array of either float dtype, does every axis match scipy in that dtype?"""
    x = (np.random.default_rng(4).standard_normal((300, 400)) * 30.0).astype(dtype)
    got = logs.log_sum_exp(x, axis=axis)
    want = special.logsumexp(x.astype(np.float64), axis=axis)
    rtol = 4 * np.finfo(dtype).eps
    assert_allclose(got, want, rtol=rtol)
    if axis is not None:
        assert got.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("axis", [0, 1])
def test_log_sum_exp_near_zero_keeps_relative_precision_along_any_axis(dtype, axis):
    """Where the answer is near 0 because the max is 0 and the rest is small, is it exact to
    the dtype's relative precision along any axis, beside slices that need no such care?"""
    logp = np.array([[0.0, -11.0, -40.0],  # answer log1p(e^-11 + e^-40) = 1.67e-5: refined
                     [-3.0, 0.0, -5.0],  # answer 0.054: refined
                     [-1e-3, -20.0, -30.0],  # answer -1e-3 + 2e-9: refined
                     [0.0, 0.0, -1.0],  # a tie: s >= 2, answer 0.86, not refined
                     [2.0, 3.0, 4.0]])  # answer 4.4: not refined
    x = (logp if axis == 1 else logp.T).astype(dtype)
    want = special.logsumexp(x.astype(np.float64), axis=axis)
    with no_warnings():
        got = logs.log_sum_exp(x, axis=axis)
    assert got.dtype == dtype
    assert_allclose(got, want, rtol=4 * np.finfo(dtype).eps, atol=0)
    assert_allclose(got[0], np.log1p(np.exp(-11.0) + np.exp(-40.0)), rtol=4 * np.finfo(dtype).eps)


def test_log_sum_exp_near_zero_in_the_middle_axis_of_3d():
    """Are near-zero slices of a 3-d array reduced over its middle axis written back to the
    right places (some slices refined, some not)?"""
    x = np.random.default_rng(5).normal(0.0, 3.0, (4, 6, 5))
    x[1, :, 2] = [0.0, -11.0, -40.0, -30.0, -25.0, -60.0]  # answer 1.67e-5
    x[3, :, 0] = [-9.0, -12.0, 0.0, -20.0, -8.0, -15.0]  # answer ~ 1.6e-4
    with no_warnings():
        got = logs.log_sum_exp(x, axis=1, keepdims=True)
    assert_allclose(got, special.logsumexp(x, axis=1, keepdims=True), rtol=1e-14, atol=0)


# The fast paths of log_sum_exp: the row-first sum (_sum_rows_first), the max along the last
# axis by reduceat, and _long_rows over axis 0. Each must give np.sum's accuracy and np.max's
# values on every shape it takes, remainders included.

EPS = {np.float32: np.finfo(np.float32).eps, np.float64: np.finfo(np.float64).eps}


def _rel_err(got, exact: float) -> float:
    return abs(float(got) - exact) / abs(exact)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [10**6, 10**6 - 5])
@pytest.mark.parametrize("terms", ["uniform", "spread", "sorted"])
def test_sum_rows_first_is_as_accurate_as_np_sum(dtype, n, terms):
    """On 10^6 positive terms (and a length not divisible by SPLIT), is the row-first sum's
    relative error, against the exactly rounded math.fsum, within a small multiple of what
    np.sum's pairwise sum gives, while a plain running sum misses that bound?"""
    rng = np.random.default_rng(11)
    d = {"uniform": rng.random(n), "spread": np.exp(3.0 * rng.standard_normal(n)),
         "sorted": np.sort(rng.random(n))}[terms].astype(dtype)
    exact = math.fsum(d.astype(np.float64))
    got = logs._sum_rows_first(d)
    assert got.shape == (1,) and got.dtype == dtype
    bound = 4 * max(_rel_err(d.sum(), exact), EPS[dtype])
    assert _rel_err(got[0], exact) <= bound
    assert _rel_err(np.cumsum(d)[-1], exact) > bound  # the bound has teeth


@pytest.mark.parametrize("n", [16, 17, 31, 8192, 8193, 8207, 100_003])
def test_sum_rows_first_handles_every_remainder_and_leading_shape(n):
    """For lengths with every kind of remainder modulo SPLIT and a leading (2, 3) shape, does
    the row-first sum equal math.fsum per slice to float32 precision, with shape (2, 3, 1)?"""
    d = np.random.default_rng(n).random((2, 3, n)).astype(np.float32)
    got = logs._sum_rows_first(d)
    assert got.shape == (2, 3, 1) and got.dtype == np.float32
    exact = [[math.fsum(row.astype(np.float64)) for row in rows] for rows in d]
    assert_allclose(got[..., 0], exact, rtol=4 * EPS[np.float32])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_sum_exp_long_vector_as_accurate_as_plain_numpy(dtype):
    """For 10^6 entries (and 10^6 - 5), is log_sum_exp as close to a float64 reference as the
    plain max-shift formula in numpy (np.sum inside) is, within a small multiple?"""
    for n in (10**6, 10**6 - 5):
        x = (np.random.default_rng(12).standard_normal(n) * 3.0).astype(dtype)
        want = special.logsumexp(x.astype(np.float64))  # for float32 input: 2^29 x finer
        m = x.max()
        plain = m + np.log(np.sum(np.exp(x - m)))
        bound = 4 * max(_rel_err(plain, want), EPS[dtype])
        assert _rel_err(logs.log_sum_exp(x), want) <= bound


FAST_PATH_SHAPES = [
    ("vector in blocks, with remainders", (2 * 262_144 + 13,), [None, 0]),
    ("rows of 20011, not a multiple of 16", (3, 20_011), [None, 0, 1, -1]),
    ("short rows, some left out of long rows", (1003, 1000), [0, 1]),
    ("one column: g = 8192, 3616 rows left out", (20_000, 1), [0, 1]),
    ("rows longer than LONG_ROW: g = 1", (5, 9000), [0, 1]),
    ("3-d: g = 819 over axis 0", (1003, 2, 5), [0, 1, 2]),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize(("name", "shape", "axes"), FAST_PATH_SHAPES,
                         ids=[c[0] for c in FAST_PATH_SHAPES])
def test_log_sum_exp_fast_paths_match_scipy_on_every_axis(name, shape, axes, keepdims, dtype):
    """On shapes that take each fast path (with remainders), along every axis, with and
    without keepdims, does log_sum_exp keep the dtype and match scipy in float64?"""
    x = (np.random.default_rng(13).standard_normal(shape) * 30.0).astype(dtype)
    for axis in axes:
        got = logs.log_sum_exp(x, axis=axis, keepdims=keepdims)
        want = special.logsumexp(x.astype(np.float64), axis=axis, keepdims=keepdims)
        assert np.shape(got) == np.shape(want)
        if np.ndim(got):
            assert got.dtype == dtype
        # atol: an answer near 0 whose max is not 0 (e.g. -0.0059 from max -0.42, not
        # refined) keeps an absolute error of about eps |max|, as the docstring says
        assert_allclose(got, want, rtol=4 * EPS[dtype], atol=4 * EPS[dtype],
                        err_msg=f"axis={axis}")


def _with_hazards(shape) -> np.ndarray:
    """A float32 (R, n) array, R >= 5, with -inf entries, an all -inf row and column, +inf
    and NaN both in the first rows and in the last one (left out of _long_rows' long rows
    when R is not a multiple of their g), 3e38, and ordinary values elsewhere."""
    x = np.random.default_rng(14).normal(0.0, 30.0, shape).astype(np.float32)
    x[::7, 3] = NINF  # scattered -inf entries
    x[:, 5] = NINF  # an all -inf column
    x[2, :] = NINF  # an all -inf row
    x[0, 13], x[1, 11] = NAN, INF  # in the first rows
    x[-1, 7], x[-1, 9] = INF, NAN  # in the last row
    x[3, -1] = 3e38
    return x


@pytest.mark.parametrize("shape", [(1003, 1000), (5, 20_011)])
@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_log_sum_exp_fast_paths_with_infinities_and_nan(shape, axis, keepdims):
    """With -inf entries and slices, +inf, NaN and 3e38 on the fast paths, are infinities
    and NaN where scipy puts them, the rest equal to float32 precision, with no warnings?"""
    x = _with_hazards(shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy itself may warn on the inf cases
        want = special.logsumexp(x.astype(np.float64), axis=axis, keepdims=keepdims)
    with no_warnings():
        got = logs.log_sum_exp(x, axis=axis, keepdims=keepdims)
    assert np.shape(got) == np.shape(want)
    # equal_nan, same infinities; atol as in the test above, for unrefined answers near 0
    assert_allclose(got, want, rtol=4 * EPS[np.float32], atol=4 * EPS[np.float32])


@pytest.mark.parametrize("shape", [(1003, 1000), (3, 20_011), (20_000, 1), (1003, 2, 5)])
def test_max_along_equals_np_max(shape):
    """Does _max_along (reduceat along the last axis, _long_rows' long rows along axis 0) give
    exactly x.max(axis, keepdims=True) along every axis, NaN and infinities included?"""
    x = np.random.default_rng(15).standard_normal(shape).astype(np.float32)
    x.reshape(-1)[[5, 777, x.size - 2]] = [NAN, INF, NINF]
    for ax in range(x.ndim):
        assert_array_equal(logs._max_along(x, ax), x.max(axis=ax, keepdims=True))


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "sigmoid", "softplus", "log_sigmoid"])
def test_float32_stays_float32_and_other_input_becomes_float64(name):
    """Do the elementwise and softmax functions keep float32 as float32, and turn ints,
    lists and float16 into float64?"""
    fn = getattr(logs, name)
    assert fn(np.array([[1.0, -2.0], [0.5, 3.0]], dtype=np.float32)).dtype == np.float32
    assert fn(np.array([[1.0, -2.0]])).dtype == np.float64
    assert fn([[1, -2]]).dtype == np.float64
    assert fn(np.array([[1.0, -2.0]], dtype=np.float16)).dtype == np.float64
    assert logs.log_sum_exp(np.ones((2, 2), dtype=np.int32), axis=0).dtype == np.float64


def test_float32_extremes_elementwise_and_softmax():
    """At float32 extremes (±1000, ±3e38, -inf), are sigmoid, softplus, log_sigmoid, softmax
    and log_softmax finite where they should be, float32, warning-free and equal to scipy?"""
    x = np.array([NINF, -3e38, -1000.0, -100.0, -1.0, 0.0, 1.0, 100.0, 1000.0, 3e38, INF],
                 dtype=np.float32)
    x64 = x.astype(np.float64)
    with no_warnings():
        sig, lsig, sp = logs.sigmoid(x), logs.log_sigmoid(x), logs.softplus(x)
        sm, lsm = logs.softmax(x[1:-1]), logs.log_softmax(x[1:-1])
    for got in (sig, lsig, sp, sm, lsm):
        assert got.dtype == np.float32
    tol = {"rtol": 4 * np.finfo(np.float32).eps, "atol": np.finfo(np.float32).smallest_subnormal}
    assert_allclose(sig, special.expit(x64), **tol)
    assert_allclose(lsig, special.log_expit(x64), **tol)
    assert_allclose(sp, np.logaddexp(0.0, x64), **tol)
    assert_array_equal(sm, special.softmax(x64[1:-1]).astype(np.float32))
    assert lsm[-1] == 0.0 and lsm[0] == NINF  # -3e38 - 3e38 overflows to -inf, quietly
    assert_allclose(lsm[1:-1], x64[2:-2] - x64[-2], rtol=1e-7)  # x_i - max, rounded


SOFTMAX_CASES = [
    ("vector", [1.0, 2.0, 3.0], -1),
    ("rows", [[1.0, 2.0], [3.0, -4.0]], -1),
    ("columns", [[1.0, 2.0], [3.0, -4.0]], 0),
    ("3-d", np.linspace(-5, 5, 24).reshape(2, 3, 4), 1),
    ("large", [1000.0, 1001.0, 999.0], -1),
    ("tiny", [-1000.0, -1001.0, -999.0], -1),
    ("-inf entry", [NINF, 0.0, 1.0], -1),
]


@pytest.mark.parametrize(("name", "x", "axis"), SOFTMAX_CASES, ids=[c[0] for c in SOFTMAX_CASES])
def test_softmax_and_log_softmax_match_scipy(name, x, axis):
    """Do softmax and log_softmax agree with scipy.special along any axis?"""
    x = _arr(x)
    with no_warnings():
        sm = logs.softmax(x, axis=axis)
        lsm = logs.log_softmax(x, axis=axis)
    assert_allclose(sm, special.softmax(x, axis=axis), rtol=1e-13, atol=1e-300)
    assert_allclose(lsm, special.log_softmax(x, axis=axis), rtol=1e-13, atol=1e-13)


def test_softmax_of_huge_mixed_logits():
    """Do logits near ±1e308 (whose differences overflow) give a clean softmax, no warnings?"""
    x = np.array([[1e308, -1e308, 0.0], [1.7e308, 1.7e308, -1.7e308], [-1e308, -1e308, -1e308]])
    with no_warnings():
        sm = logs.softmax(x)
        lsm = logs.log_softmax(x)
    assert_array_equal(sm, [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    assert lsm[0, 0] == 0.0 and lsm[0, 1] == NINF and lsm[0, 2] == -1e308
    assert_allclose(lsm[1, :2], -np.log(2.0)) and lsm[1, 2] == NINF


def test_log_softmax_keeps_what_softmax_underflows():
    """Is log_softmax([0, -1000]) finite where log(softmax) would be -inf?"""
    with no_warnings():
        assert logs.log_softmax([0.0, -1000.0])[1] == -1000.0
        assert logs.softmax([0.0, -1000.0])[1] == 0.0


@SETTINGS
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)), elements=finite),
       st.floats(-1e3, 1e3), st.sampled_from([0, 1, -1]))
def test_softmax_sums_to_one_and_ignores_shifts(x, c, axis):
    """Does softmax sum to 1 along its axis and stay unchanged when a constant is added?"""
    sm = logs.softmax(x, axis=axis)
    assert np.all(sm >= 0.0)
    assert_allclose(sm.sum(axis=axis), 1.0, rtol=1e-12)
    assert_allclose(logs.softmax(x + c, axis=axis), sm, rtol=1e-9, atol=1e-12)
    assert_allclose(np.exp(logs.log_softmax(x, axis=axis)), sm, rtol=1e-12, atol=1e-300)


SIGMOID_X = np.array([-1000.0, -745.0, -710.0, -40.0, -1.0, -1e-8, 0.0, 1e-8, 1.0, 40.0,
                      710.0, 745.0, 1000.0, -np.inf, np.inf])


def test_sigmoid_matches_expit_without_warnings():
    """Does sigmoid agree with scipy.special.expit from -1000 to 1000, finite, warning-free?"""
    with no_warnings():
        got = logs.sigmoid(SIGMOID_X)
    assert np.all(np.isfinite(got))
    # expit flushes results below ~1e-308 to 0; ours keeps the subnormals, hence the atol
    assert_allclose(got, special.expit(SIGMOID_X), rtol=1e-15, atol=1e-300)
    assert got[-3] == 1.0 and got[0] == 0.0


def test_log_sigmoid_matches_log_expit_without_warnings():
    """Does log_sigmoid agree with scipy.special.log_expit, with log_sigmoid(-1000) = -1000?"""
    with no_warnings():
        got = logs.log_sigmoid(SIGMOID_X)
    assert_allclose(got, special.log_expit(SIGMOID_X), rtol=1e-15, atol=1e-300)
    assert got[0] == -1000.0
    assert got[-3] == pytest.approx(-np.exp(-1000.0), abs=1e-300)


def test_softplus_matches_logaddexp():
    """Is softplus(x) = log(1 + e^x) = np.logaddexp(0, x), including at ±1000?"""
    with no_warnings():
        got = logs.softplus(SIGMOID_X)
    assert_allclose(got, np.logaddexp(0.0, SIGMOID_X), rtol=1e-15, atol=1e-300)


probs = st.floats(1e-3, 1.0)


@SETTINGS
@given(st.lists(probs, min_size=1, max_size=30), st.lists(probs, min_size=1, max_size=30))
def test_log_of_product_is_sum_of_logs(a, b):
    """Is log(prod p) = sum log p, and does concatenating two lists add their log-products?"""
    assert logs.log_product(a) == pytest.approx(np.log(np.prod(a)), rel=1e-12, abs=1e-12)
    assert logs.log_product(a + b) == pytest.approx(
        logs.log_product(a) + logs.log_product(b), rel=1e-12, abs=1e-12
    )


def test_log_product_along_axis_and_with_zero():
    """Does log_product sum along an axis, and give -inf (no warning) for a zero factor?"""
    p = np.array([[0.5, 0.25], [0.0, 1.0]])
    with no_warnings():
        got = logs.log_product(p, axis=1)
    assert_array_equal(got, [np.log(0.125), NINF])


def test_underflow_demo_product_is_zero_but_log_is_finite():
    """Do 1000 probabilities of 0.1 multiply to 0.0 while their log stays at -2302.585?"""
    with no_warnings():
        d = logs.underflow_demo(1000, 0.1)
    assert d.product == 0.0
    assert logs.naive_product(np.full(1000, 0.1)) == 0.0
    assert np.isfinite(d.log_product)
    assert d.log_product == pytest.approx(1000 * np.log(0.1), rel=1e-12)
    assert d.log_product == pytest.approx(d.exact_log_product, rel=1e-12)


BAD_INPUT = [
    ("lse axis out of range", lambda: logs.log_sum_exp([1.0, 2.0], axis=1), ValueError, "axis"),
    ("lse empty", lambda: logs.log_sum_exp([]), ValueError, "empty"),
    ("lse strings", lambda: logs.log_sum_exp(["a", "b"]), TypeError, "x must be a numeric"),
    ("softmax scalar", lambda: logs.softmax(1.0), ValueError, "at least one dimension"),
    ("log_softmax bad axis", lambda: logs.log_softmax([[1.0]], axis=2), ValueError, "axis"),
    ("sigmoid complex", lambda: logs.sigmoid([1j]), TypeError, "real"),
    ("log_product p > 1", lambda: logs.log_product([0.5, 1.5]), ValueError, r"p must be prob"),
    ("log_product p < 0", lambda: logs.log_product([-0.1]), ValueError, r"\[0, 1\]"),
    ("product nan", lambda: logs.naive_product([np.nan]), ValueError, r"\[0, 1\]"),
    ("demo n = 0", lambda: logs.underflow_demo(0, 0.1), ValueError, "n must be"),
    ("demo p = 0", lambda: logs.underflow_demo(10, 0.0), ValueError, "p must be"),
]


@pytest.mark.parametrize(("name", "call", "exc", "match"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_named(name, call, exc, match):
    """Does bad input raise a clear error that names the argument and the problem?"""
    with pytest.raises(exc, match=match):
        call()
