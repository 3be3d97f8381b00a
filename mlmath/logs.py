r"""Logarithms done carefully: log-sum-exp, softmax, sigmoid, and why products need logs.

A probability model multiplies many numbers in :math:`[0, 1]`; a float64 runs out of range
near :math:`10^{-308}` (:math:`10^{-324}` counting subnormals), so the product of 1000
probabilities of 0.1 is exactly ``0.0``. Logs turn the product into a sum,

.. math:: \log \prod_i p_i = \sum_i \log p_i,

which stays comfortably finite (:math:`1000 \log 0.1 \approx -2302.6`). The price is that we
must now exponentiate carefully when going back: :math:`e^{1000}` overflows and
:math:`e^{-1000}` underflows. Every function here is arranged so that it never computes an
``exp`` that can overflow and never takes ``log(0)`` of something that is not really zero.

float32 input stays float32 (float64 arithmetic on it would cost 2-4x more memory traffic
for digits the caller did not ask for); the same care then applies with a smaller range,
:math:`e^{89}` already overflows a float32. Other input becomes float64.

The log-likelihoods, cross-entropies and Dice loss built on these live in
:mod:`mlmath.likelihood`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from mlmath._checks import as_float_array, require_axis, require_probabilities

__all__ = [
    "UnderflowDemo",
    "log_product",
    "log_sigmoid",
    "log_softmax",
    "log_sum_exp",
    "naive_product",
    "sigmoid",
    "softmax",
    "softplus",
    "underflow_demo",
]


def _as_float(x, name: str) -> np.ndarray:
    """``x`` as an array of its own float dtype if that is float32 or float64, else float64.

    float32 stays float32 on purpose: upcasting a float32 input to float64 doubles the
    memory traffic and makes every function here 2-4x slower than the float32 arithmetic
    the caller asked for. Anything else (ints, bools, lists, float16) becomes float64, with
    the usual checks (:func:`mlmath._checks.as_float_array`).
    """
    if getattr(x, "dtype", None) in (np.float32, np.float64):
        return np.asarray(x)
    return as_float_array(x, name)


def _finite_max(x: np.ndarray, axis: int | None) -> np.ndarray:
    r"""Max of ``x`` over ``axis`` (keepdims), with non-finite maxima replaced by 0.

    A slice whose max is :math:`-\infty` (all entries :math:`-\infty`) or :math:`+\infty`
    would give :math:`-\infty - (-\infty) = \mathrm{NaN}` when subtracted; shifting such a
    slice by 0 instead leaves :math:`e^{x}` to produce the right 0 or :math:`\infty`.
    """
    m = np.max(x, axis=axis, keepdims=True)
    if not np.all(np.isfinite(m)):
        m = np.where(np.isfinite(m), m, 0).astype(x.dtype, copy=False)
    return m


def log_sum_exp(x, axis: int | None = None, keepdims: bool = False) -> np.ndarray | float:
    r"""Compute :math:`\log \sum_i e^{x_i}` without overflow.

    With :math:`m = \max_i x_i`,

    .. math:: \log \sum_i e^{x_i} = m + \log \sum_i e^{x_i - m}.

    Subtracting the maximum keeps every exponent :math:`\le 0`, so nothing overflows, and
    one term is exactly :math:`e^0 = 1`, so the sum is at least 1 and nothing underflows to
    ``log(0)``. Infinities follow :func:`scipy.special.logsumexp`: :math:`-\infty` entries
    contribute nothing, a slice of only :math:`-\infty` gives :math:`-\infty` (the log of an
    empty sum), any :math:`+\infty` gives :math:`+\infty`, NaN propagates. No warnings.

    Accuracy near 0: the sum :math:`s = 1 + r` holds the rest
    :math:`r = \sum_{i \ne \arg\max} e^{x_i - m}` only to the precision of 1, an absolute
    error of a few eps in :math:`\log s`. That is invisible unless the answer itself is
    near 0 (e.g. :math:`x = [0, -11]`, answer :math:`1.67 \cdot 10^{-5}`). Those slices
    (:math:`s < 2`, so the max is unique, and :math:`|\text{answer}| < 1`) are recomputed
    with the max's own term taken out of the sum and added back exactly,
    :math:`m + \operatorname{log1p}(r)`, which keeps the full relative precision. Typical
    inputs never take this second pass; inputs that do (e.g. log-probabilities with one
    dominant class) cost about twice as much.

    Speed: one pass for the max, then :math:`\sum e^{x - m}` a block of rows at a time in
    one small scratch buffer (:func:`_sum_exp_shifted`), so the exponentials stay in cache
    and no array as large as ``x`` is ever allocated; float32 is computed in float32. The
    exponentials take most of the time and cannot be avoided, so the rest is arranged to
    cost less than numpy's defaults, with the same results to rounding: long float32 sums
    add whole rows first (:func:`_sum_rows_first`), and the max and the shift give numpy
    a few long rows rather than many short ones (:func:`_max_along`, :func:`_long_rows`).

    Args:
        x: array of any shape (a scalar or list is fine).
        axis: axis to reduce over; None reduces over all elements.
        keepdims: keep the reduced axis with length 1 (handy for broadcasting back).
    Returns:
        array with ``axis`` removed (or kept with length 1), float32 for float32 input and
        float64 otherwise; a Python float for a full reduction without ``keepdims``.
    Raises:
        ValueError: ``x`` is empty or ``axis`` is out of range.
    """
    x = _as_float(x, "x")
    require_axis(x, axis, "x")
    if x.size == 0:
        raise ValueError("x must not be empty: the log of an empty sum is -inf by convention only")
    if x.ndim == 0:
        return x.copy() if keepdims else float(x)
    ax = 0 if axis is None else axis % x.ndim
    xs = x.reshape(-1) if axis is None else x
    m = _max_along(xs, ax)  # NaN counts as the max, so it propagates
    finite = np.isfinite(m)
    all_finite = bool(finite.all())
    shift = m if all_finite else np.where(finite, m, 0).astype(x.dtype)  # see _finite_max
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        s = _sum_exp_shifted(xs, shift, ax)  # s >= 1 (one term is e^0), unless m not finite
        out = np.log(s)
        out += shift
        _refine_near_zero(out, s, xs, shift, ax)
    if not all_finite:  # +inf or NaN max: that is the answer; all -inf: -inf
        out = np.where(finite, out, m)
    if axis is None:
        return out.reshape((1,) * x.ndim) if keepdims else float(out[0])
    return out if keepdims else np.squeeze(out, axis=ax)


def _max_along(x: np.ndarray, ax: int) -> np.ndarray:
    """``x.max(axis=ax, keepdims=True)``, with fewer of numpy's per-row start-ups.

    numpy reduces an array one row at a time, and each row has a fixed start-up cost: for
    1000 x 1000 float32 the max along the last axis takes 98 us where the max of all 10^6
    entries takes 34 us. Along the last axis of a C-contiguous array, one
    ``np.maximum.reduceat`` over the flat array, a segment per row, avoids most of it (65 us
    there; 2.5x faster than ``max`` for rows of 10). Along axis 0, the max runs over
    :func:`_long_rows`: :math:`g` rows side by side make one long row, the maxima of the
    long rows' columns are reduced over their :math:`g` groups, and the :math:`R \bmod g`
    rows left over are taken in. Same values either way: a max is exact, and NaN
    propagates alike.
    """
    if x.ndim > 1 and x.flags.c_contiguous:
        if ax == x.ndim - 1:
            starts = np.arange(0, x.size, x.shape[ax])  # where each row begins, flat
            return np.maximum.reduceat(x.reshape(-1), starts).reshape(*x.shape[:-1], 1)
        if ax == 0 and (g := _long_rows(x)) > 1:
            body = len(x) - len(x) % g  # rows that fill whole long rows
            m = x[:body].reshape(body // g, -1).max(axis=0)  # (g C,): g maxima per column
            m = m.reshape(g, -1).max(axis=0)  # (C,)
            if body < len(x):
                np.maximum(m, x[body:].reshape(len(x) - body, -1).max(axis=0), out=m)
            return m.reshape(1, *x.shape[1:])
    return x.max(axis=ax, keepdims=True)


LONG_ROW = 8192  # entries in one of _long_rows' rows: numpy's per-row start-up then costs little


def _long_rows(x: np.ndarray) -> int:
    r""":math:`g`, how many rows of a C-contiguous ``x`` (R, ...) to lay side by side as one
    long row of :math:`gC` entries (:math:`C` = ``x[0].size``), for work over axis 0.

    numpy runs a reduction over axis 0, or a row broadcast such as ``x - m`` with ``m`` of
    shape (1, C), one row at a time, with a fixed start-up cost per row; below
    :data:`LONG_ROW` entries it is a large part of the work (measured for 1000 x 1000
    float32: ``x - m`` about 140 us in rows of 1000, 105 us in rows of 8000; the max over
    axis 0 about 88 us and 72 us).

    The first :math:`g \lfloor R/g \rfloor` rows viewed (not copied) as
    :math:`(\lfloor R/g \rfloor, gC)` hold column :math:`j` of ``x`` in the columns
    :math:`j, C + j, \dots, (g - 1)C + j`; the shift ``m`` repeated :math:`g` times side by
    side lines up with them. :math:`g = \lfloor` :data:`LONG_ROW` :math:`/ C \rfloor`, at
    least 1 and at most R.
    """
    return max(1, min(len(x), LONG_ROW // (x.size // len(x))))


BLOCK_BYTES = 1 << 20  # scratch size in _sum_exp_shifted: 1 MB, about one L2 cache
SPLIT = 16  # rows added first in _sum_rows_first: as long as numpy's own runs
ROWS_FIRST_MIN = 8192  # shortest float32 axis for which _sum_rows_first beats np.sum


def _sum_exp_shifted(x: np.ndarray, m: np.ndarray, ax: int) -> np.ndarray:
    r""":math:`\sum e^{x - m}` over axis ``ax``, kept with length 1, a block of rows at a time.

    The same three steps as ``np.sum(np.exp(x - m), axis=ax, keepdims=True)`` (shift,
    exponentiate, sum), but on about :data:`BLOCK_BYTES` of ``x`` at a time in one reused
    scratch buffer: the shifted values never leave the cache, and no temporary as large as
    ``x`` is allocated (a large fresh array costs page faults, often more than the
    arithmetic done in it).
    Blocks are rows of ``x`` (slices along axis 0): when ``ax`` is 0 their sums are added
    up, otherwise each block's sums are its own rows of the result. Inside a block the sum
    is :func:`_sum_block`. Over axis 0 of a C-contiguous array, blocks hold whole
    :func:`_long_rows` and the shift is subtracted on those long rows (a last block whose
    rows do not make whole long rows is shifted row by row); the sum stays on the ordinary
    rows, whose running column sums then fit the fastest cache (4 KB for 1000 float32,
    where long rows would need 32 KB).

    Shapes: ``x`` (n_0, n_1, ...); ``m`` like ``x`` with length 1 on axis ``ax``.
    """
    g = _long_rows(x) if ax == 0 and x.ndim > 1 and x.flags.c_contiguous else 1
    n_blocks = -(-x.nbytes // BLOCK_BYTES)  # ceiling division
    rows = g * -(-len(x) // (g * n_blocks))  # equal blocks of about BLOCK_BYTES, g | rows
    scratch = np.empty((min(rows, len(x)), *x.shape[1:]), dtype=x.dtype)
    s = np.zeros(m.shape, dtype=x.dtype) if ax == 0 else np.empty(m.shape, dtype=x.dtype)
    if g > 1:
        long_m = np.repeat(m.reshape(1, -1), g, axis=0).reshape(1, -1)  # (1, g C)
    for start in range(0, len(x), rows):
        block = x[start : start + rows]
        d = scratch[: len(block)]
        if g > 1 and len(block) % g == 0:  # the shift on long rows, see _long_rows
            np.subtract(block.reshape(-1, long_m.size), long_m, out=d.reshape(-1, long_m.size))
        else:
            np.subtract(block, m if ax == 0 else m[start : start + rows], out=d)
        np.exp(d, out=d)
        if ax == 0:
            s += _sum_block(d, ax)
        else:
            s[start : start + rows] = _sum_block(d, ax)
    return s


def _sum_block(d: np.ndarray, ax: int) -> np.ndarray:
    """``np.sum(d, axis=ax, keepdims=True)`` for a C-contiguous block ``d``, by
    :func:`_sum_rows_first` where that is faster: float32 along a last axis of at least
    :data:`ROWS_FIRST_MIN` entries. Along any other axis numpy already adds whole rows, and
    for float64 the row-first sum measured no faster than ``np.sum``."""
    if d.dtype == np.float32 and ax == d.ndim - 1 and d.shape[ax] >= ROWS_FIRST_MIN:
        return _sum_rows_first(d)
    return d.sum(axis=ax, keepdims=True)


def _sum_rows_first(d: np.ndarray) -> np.ndarray:
    r"""Sum of ``d`` over its last axis, kept with length 1, adding whole rows first.

    Shapes: ``d`` (..., n) gives (..., 1). With :math:`k` = :data:`SPLIT` and
    :math:`c = \lfloor n/k \rfloor`, the first :math:`kc` entries of each slice are viewed
    as a :math:`k \times c` matrix :math:`D` (row :math:`r` is entries :math:`rc` to
    :math:`rc + c - 1`), and

    .. math:: \sum_{i<n} d_i = \sum_{j<c} \Bigl(\sum_{r<k} D_{rj}\Bigr)
              + \sum_{kc \le i < n} d_i:

    the :math:`c` column sums of :math:`D` come first, then ``np.sum`` adds them up, and
    the last :math:`n - kc < k` entries are added on.

    Why it is faster: ``np.sum`` along a contiguous axis is a pairwise sum whose innermost
    loop adds one number at a time. The column sums of :math:`D` are :math:`k - 1` vector
    additions of whole rows (16 float32 per instruction with AVX-512), and they leave
    ``np.sum`` only :math:`n/k` numbers. Measured for :math:`10^6` float32: 129 us by
    ``np.sum``, 80 us this way. (float64 measured slower this way: a vector holds half as
    many numbers, and numpy's float64 sum is already as fast per byte.)

    Why it is as accurate: each column sum adds its :math:`k = 16` terms one after another,
    a run exactly as long as those inside ``np.sum`` (8 running sums over blocks of 128),
    and the column sums then get ``np.sum``'s pairwise sum. So the rounding error bound is
    at most about that of ``np.sum`` plus :math:`(k-1)\,\varepsilon \sum_i |d_i|`, still
    growing only like :math:`\log n`, where a plain running sum's grows like :math:`n`
    (tested on :math:`10^6` terms against ``math.fsum``).
    """
    k = SPLIT
    c = d.shape[-1] // k
    columns = d[..., : k * c].reshape(*d.shape[:-1], k, c).sum(axis=-2)  # (..., c)
    leftover = d[..., k * c :]  # (..., n - kc): fewer than k entries
    return columns.sum(axis=-1, keepdims=True) + leftover.sum(axis=-1, keepdims=True)


def _refine_near_zero(out: np.ndarray, s: np.ndarray, x: np.ndarray, m: np.ndarray,
                      ax: int) -> None:
    r"""Redo, in ``out``, the slices where :math:`m + \log s` lost relative precision.

    Shapes: ``x`` (..., n, ...) with the reduced axis ``ax``; ``out``, ``s``, ``m`` the same
    with length 1 there. In the selected slices the max is unique (:math:`s < 2`), so
    :math:`r = \sum_{x_i < m} e^{x_i - m}` is the sum without the max's own term 1.
    """
    near = np.abs(out) < 1  # rarely true: test it first, alone
    if not near.any():
        return
    near &= s < 2
    pick = np.moveaxis(near, ax, -1)[..., 0]  # which slices, over the kept axes
    rows = np.moveaxis(x, ax, -1)[pick]  # (k, n): those slices, reduced axis last
    top = np.moveaxis(m, ax, -1)[pick]  # (k, 1): their maxima
    rest = np.sum(np.exp(rows - top), axis=-1, keepdims=True, where=rows < top)
    np.moveaxis(out, ax, -1)[pick] = top + np.log1p(rest)


def softmax(x, axis: int = -1) -> np.ndarray:
    r"""Turn scores into probabilities: :math:`\mathrm{softmax}(x)_i = e^{x_i} / \sum_j e^{x_j}`.

    The result does not change if a constant is added to every :math:`x_i` (it cancels
    above and below), so we subtract the maximum first: every exponent is :math:`\le 0`, the
    largest term is 1, the denominator is at least 1. Logits as large as :math:`\pm 10^{308}`
    work; a difference that overflows to :math:`-\infty` just gives probability 0.
    A slice of only :math:`-\infty` has no softmax and gives NaN (as in SciPy).

    Args:
        x: array of any shape with at least one dimension.
        axis: the axis holding the classes; default the last.
    Returns:
        array of the same shape and float dtype as ``x`` (float32 stays float32, other
        input becomes float64), non-negative, summing to 1 along ``axis``.
    """
    x = _as_float(x, "x")
    if x.ndim == 0:
        raise ValueError("x must have at least one dimension (the classes), got a scalar")
    require_axis(x, axis, "x")
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.subtract(x, _finite_max(x, axis))
        np.exp(out, out=out)
        out /= np.sum(out, axis=axis, keepdims=True)
    return out


def log_softmax(x, axis: int = -1) -> np.ndarray:
    r"""Log of the softmax: :math:`x_i - \log \sum_j e^{x_j}`, computed without forming it.

    Taking ``np.log(softmax(x))`` would give ``log(0) = -inf`` wherever the probability
    underflows (e.g. :math:`x = [0, -1000]`), although the exact answer, :math:`-1000`, is an
    ordinary number. Here :math:`(x_i - m) - \log \sum_j e^{x_j - m}` is exact to rounding.

    Args:
        x: array of any shape with at least one dimension.
        axis: the axis holding the classes; default the last.
    Returns:
        array of the same shape and float dtype as ``x`` (float32 stays float32, other
        input becomes float64), every entry :math:`\le 0`.
    """
    x = _as_float(x, "x")
    if x.ndim == 0:
        raise ValueError("x must have at least one dimension (the classes), got a scalar")
    require_axis(x, axis, "x")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        shifted = np.subtract(x, _finite_max(x, axis))
        lse = np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
        shifted -= lse
    return shifted


def sigmoid(x) -> np.ndarray:
    r"""The logistic function :math:`\sigma(x) = 1 / (1 + e^{-x})`, without overflow.

    For :math:`x \ge 0` we use :math:`1/(1 + e^{-x})`; for :math:`x < 0` the equal form
    :math:`e^{x}/(1 + e^{x})`. Either way the exponent is :math:`-|x| \le 0`, so
    :math:`\sigma(\pm 1000)` is exactly 1 or a tiny/zero number, never a warning.

    Args:
        x: array of any shape.
    Returns:
        array of the same shape and float dtype as ``x`` (float32 stays float32, other
        input becomes float64), in :math:`[0, 1]`.
    """
    x = _as_float(x, "x")
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(x) -> np.ndarray:
    r"""Softplus :math:`\log(1 + e^{x})`, a smooth :math:`\max(x, 0)`, without overflow.

    .. math:: \log(1 + e^{x}) = \max(x, 0) + \log(1 + e^{-|x|}),

    and ``log1p`` keeps the last term accurate when :math:`e^{-|x|}` is tiny.

    Args:
        x: array of any shape.
    Returns:
        array of the same shape and float dtype as ``x`` (float32 stays float32, other
        input becomes float64), every entry :math:`\ge 0` (and :math:`\ge x`).
    """
    x = _as_float(x, "x")
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def log_sigmoid(x) -> np.ndarray:
    r"""Log of the logistic function, :math:`\log \sigma(x) = -\mathrm{softplus}(-x)`.

    .. math:: \log \sigma(x) = \min(x, 0) - \log(1 + e^{-|x|}).

    ``np.log(sigmoid(-1000))`` is ``log(0) = -inf``; this gives :math:`-1000`, the right
    answer to all printed digits. Note :math:`\log(1 - \sigma(x)) = \log \sigma(-x)`.

    Args:
        x: array of any shape.
    Returns:
        array of the same shape and float dtype as ``x`` (float32 stays float32, other
        input becomes float64), every entry :math:`\le 0`.
    """
    x = _as_float(x, "x")
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def log_product(p, axis: int | None = None) -> np.ndarray | float:
    r"""Log of a product of probabilities, as a sum of logs: :math:`\sum_i \log p_i`.

    Exact maths (:math:`\log ab = \log a + \log b`), but it cannot underflow: each term is a
    moderate negative number. A zero probability gives :math:`-\infty` on purpose: the
    product really is zero (no warning is raised).

    Args:
        p: probabilities in :math:`[0, 1]`, any shape.
        axis: axis to sum over; None sums over all.
    Returns:
        float for ``axis=None``, else float64 array with ``axis`` removed.
    Raises:
        ValueError: an entry is outside :math:`[0, 1]`.
    """
    p = require_probabilities(p, "p")
    require_axis(p, axis, "p")
    with np.errstate(divide="ignore"):
        total = np.sum(np.log(p), axis=axis)
    return float(total) if axis is None else total


def naive_product(p, axis: int | None = None) -> np.ndarray | float:
    r"""The plain product :math:`\prod_i p_i`: the thing that underflows.

    Kept for comparison with :func:`log_product`; for 1000 probabilities of 0.1 the exact
    answer :math:`10^{-1000}` is far below the smallest float64 (:math:`\approx 5 \cdot
    10^{-324}`), so this returns ``0.0``.

    Args:
        p: probabilities in :math:`[0, 1]`, any shape.
        axis: axis to multiply over; None multiplies all.
    Returns:
        float for ``axis=None``, else float64 array with ``axis`` removed.
    """
    p = require_probabilities(p, "p")
    require_axis(p, axis, "p")
    total = np.prod(p, axis=axis)
    return float(total) if axis is None else total


class UnderflowDemo(NamedTuple):
    """What :func:`underflow_demo` found."""

    n: int
    p: float
    product: float
    log_product: float
    exact_log_product: float


def underflow_demo(n: int = 1000, p: float = 0.1) -> UnderflowDemo:
    r"""Multiply ``n`` copies of ``p`` both ways and report what each gives.

    >>> d = underflow_demo(1000, 0.1)
    >>> d.product
    0.0
    >>> round(d.log_product, 3)
    -2302.585

    Args:
        n: how many probabilities (at least 1).
        p: the probability, in :math:`(0, 1]`.
    Returns:
        an :class:`UnderflowDemo` with the float product (0.0 once it underflows), the sum of
        logs, and the exact value :math:`n \log p` for comparison.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if not (isinstance(p, int | float | np.floating) and 0.0 < p <= 1.0):
        raise ValueError(f"p must be a probability in (0, 1], got {p!r}")
    ps = np.full(int(n), float(p))
    return UnderflowDemo(
        n=int(n),
        p=float(p),
        product=naive_product(ps),
        log_product=log_product(ps),
        exact_log_product=float(n * np.log(p)),
    )
