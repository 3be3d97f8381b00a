r"""Log-likelihoods, maximum likelihood, cross-entropy and the Dice loss.

The likelihood of independent samples is a product, :math:`L(\theta) = \prod_n
p(y_n \mid \theta)`, so its log is a sum, :math:`\ell(\theta) = \sum_n \log p(y_n \mid
\theta)`: two samples concatenated have the sum of their log-likelihoods. A cross-entropy is
a negative log-likelihood averaged over the batch; minimising it is maximum likelihood.

Conventions used throughout:

- Truth first, prediction second (like scikit-learn): ``f(y, p)``, ``f(labels, logits)``.
- :math:`0 \log 0 = 0`. A probability of exactly 0 or 1 is taken at its word, never nudged
  by a silent ``+1e-6``: an outcome the model calls impossible has log-likelihood
  :math:`-\infty` (and cross-entropy :math:`+\infty`); an outcome it calls certain has
  log-likelihood 0. No RuntimeWarning is raised for either.
- From logits we never form the probability first: :math:`\log \sigma(z)` and
  :math:`\log \mathrm{softmax}(z)` are computed directly (see :mod:`mlmath.logs`), so a
  logit of :math:`\pm 1000` gives an exact finite answer.
"""

from __future__ import annotations

import numpy as np

from mlmath._checks import (
    as_float_array,
    require_finite,
    require_probabilities,
    require_same_shape,
)
from mlmath.logs import log_sigmoid, log_softmax

__all__ = [  # noqa: RUF022 (grouped by topic, not sorted)
    "bernoulli_log_pmf", "bernoulli_log_likelihood", "bernoulli_log_likelihood_from_logits",
    "bernoulli_mle", "categorical_log_likelihood", "categorical_log_likelihood_from_logits",
    "gaussian_log_pdf", "gaussian_log_likelihood", "gaussian_mle", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "cross_entropy_with_logits", "dice_coefficient",
    "dice_loss",
]


# ---------------------------------------------------------------- input checks


def _binary(y, name: str = "y") -> np.ndarray:
    """``y`` as float64, or a ValueError unless every entry is exactly 0 or 1."""
    y = as_float_array(y, name)
    if not np.all((y == 0.0) | (y == 1.0)):
        bad = y[(y != 0.0) & (y != 1.0)].ravel()[:3]
        raise ValueError(f"{name} must contain only 0 and 1, got values such as {bad}")
    return y


def _like(param: np.ndarray, y: np.ndarray, names: tuple[str, str]) -> None:
    """Allow a scalar parameter (shared by all samples) or one of the same shape."""
    if param.ndim != 0:
        require_same_shape(param, y, names)


def _class_labels(labels, n_classes: int, n_rows: int) -> np.ndarray:
    """Integer labels of shape (N,) in ``0 .. K-1``, or a ValueError/TypeError."""
    arr = np.asarray(labels)
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"labels must be integers, got dtype {arr.dtype}")
    if arr.ndim != 1 or arr.shape[0] != n_rows:
        raise ValueError(f"labels must have shape ({n_rows},), got {arr.shape}")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(arr == np.round(arr)):
        raise ValueError("labels must be whole numbers (class indices)")
    if np.any(arr < 0) or np.any(arr >= n_classes):
        bad = arr[(arr < 0) | (arr >= n_classes)][:3]
        raise ValueError(f"labels must be in 0..{n_classes - 1}, got values such as {bad}")
    return arr.astype(np.intp)


def _scores(x, name: str) -> np.ndarray:
    """A (N, K) float64 array of probabilities or logits, K >= 1."""
    x = as_float_array(x, name, ndim=2)
    if x.shape[1] == 0:
        raise ValueError(f"{name} must have at least one class (column), got shape {x.shape}")
    return x


def _weighted(w: np.ndarray, log_v: np.ndarray) -> np.ndarray:
    r""":math:`w \log v` with the convention :math:`0 \cdot \log 0 = 0` (no NaN, no warning)."""
    with np.errstate(invalid="ignore"):
        return np.where(w == 0.0, 0.0, w * log_v)


# ---------------------------------------------------------------- Bernoulli


def bernoulli_log_pmf(y, p) -> np.ndarray:
    r"""Per-sample Bernoulli log-probability :math:`y \log p + (1 - y) \log(1 - p)`.

    Computed as :math:`\log p` where :math:`y = 1` and :math:`\log(1 - p)` (via ``log1p``)
    where :math:`y = 0`, so :math:`p \in \{0, 1\}` is exact: the impossible outcome gives
    :math:`-\infty`, the certain one gives 0 (never ``0 * -inf = nan``).

    Args:
        y: outcomes, 0 or 1, any shape.
        p: probability of a 1: a scalar, or the same shape as ``y``; in :math:`[0, 1]`.
    Returns:
        float64 array, the shape of ``y``, entries in :math:`[-\infty, 0]`.
    """
    y = _binary(y, "y")
    p = require_probabilities(p, "p")
    _like(p, y, ("p", "y"))
    with np.errstate(divide="ignore"):
        return np.where(y == 1.0, np.log(p), np.log1p(-p))


def bernoulli_log_likelihood(y, p) -> float:
    r""":math:`\ell(p) = \sum_n \bigl[y_n \log p_n + (1 - y_n) \log(1 - p_n)\bigr]`.

    See :func:`bernoulli_log_pmf` for shapes and the treatment of :math:`p \in \{0, 1\}`.
    """
    return float(np.sum(bernoulli_log_pmf(y, p)))


def bernoulli_log_likelihood_from_logits(y, logits) -> float:
    r"""Bernoulli log-likelihood with :math:`p_n = \sigma(z_n)`, computed from the logits.

    .. math:: \ell = \sum_n \bigl[y_n \log \sigma(z_n) + (1 - y_n) \log \sigma(-z_n)\bigr],

    using :math:`1 - \sigma(z) = \sigma(-z)` and the stable :func:`mlmath.logs.log_sigmoid`:
    :math:`y = 1, z = -1000` gives :math:`-1000`, where ``log(sigmoid(z))`` would give
    :math:`-\infty`.

    Args:
        y: outcomes, 0 or 1, any shape.
        logits: real scores :math:`z`, the same shape as ``y`` (or a scalar).
    Returns:
        the log-likelihood, a float :math:`\le 0`.
    """
    y = _binary(y, "y")
    z = as_float_array(logits, "logits")
    _like(z, y, ("logits", "y"))
    return float(np.sum(np.where(y == 1.0, log_sigmoid(z), log_sigmoid(-z))))


def bernoulli_mle(y) -> float:
    r"""Maximum-likelihood estimate of a Bernoulli :math:`p`: the fraction of ones.

    Setting :math:`\frac{d\ell}{dp} = \frac{k}{p} - \frac{N - k}{1 - p} = 0` with
    :math:`k = \sum_n y_n` gives :math:`\hat p = k / N`.

    Args:
        y: outcomes, 0 or 1, shape (N,) or any shape with N >= 1 entries.
    Returns:
        :math:`\hat p`, a float in :math:`[0, 1]`.
    """
    y = _binary(y, "y")
    if y.size == 0:
        raise ValueError("y must hold at least one sample")
    return float(np.mean(y))


# ---------------------------------------------------------------- categorical


def categorical_log_likelihood(labels, probs) -> float:
    r""":math:`\ell = \sum_n \log P_{n, y_n}` for integer labels and per-row probabilities.

    A zero probability on the true class gives :math:`-\infty` on purpose.

    Args:
        labels: integer class indices, shape (N,), each in ``0 .. K-1``.
        probs: probabilities, shape (N, K), each row in :math:`[0, 1]` summing to 1
            (to within 1e-6).
    Returns:
        the log-likelihood, a float :math:`\le 0`.
    """
    probs = require_probabilities(_scores(probs, "probs"), "probs")
    if not np.allclose(probs.sum(axis=1), 1.0, rtol=0.0, atol=1e-6):
        raise ValueError("each row of probs must sum to 1")
    y = _class_labels(labels, probs.shape[1], probs.shape[0])
    with np.errstate(divide="ignore"):
        return float(np.sum(np.log(probs[np.arange(y.size), y])))


def categorical_log_likelihood_from_logits(labels, logits) -> float:
    r""":math:`\ell = \sum_n \bigl[z_{n, y_n} - \log \sum_k e^{z_{n,k}}\bigr]`, via log-softmax.

    Args:
        labels: integer class indices, shape (N,), each in ``0 .. K-1``.
        logits: real scores, shape (N, K).
    Returns:
        the log-likelihood, a float :math:`\le 0`.
    """
    z = _scores(logits, "logits")
    y = _class_labels(labels, z.shape[1], z.shape[0])
    return float(np.sum(log_softmax(z, axis=1)[np.arange(y.size), y]))


# ---------------------------------------------------------------- Gaussian


def gaussian_log_pdf(x, mean=0.0, variance=1.0) -> np.ndarray:
    r"""Per-sample :math:`\log \mathcal N(x \mid \mu, \sigma^2)
    = -\tfrac12 \bigl[\log(2\pi\sigma^2) + (x - \mu)^2 / \sigma^2\bigr]`.

    Computed in log space directly: far in the tails the density underflows to 0 but its
    log is an ordinary (large negative) number.

    Args:
        x: samples, any shape.
        mean: :math:`\mu`, a scalar or the shape of ``x``.
        variance: :math:`\sigma^2 > 0` (not the standard deviation), a scalar or the shape
            of ``x``.
    Returns:
        float64 array, the shape of ``x``.
    """
    x = as_float_array(x, "x")
    mu = require_finite(as_float_array(mean, "mean"), "mean")
    var = require_finite(as_float_array(variance, "variance"), "variance")
    _like(mu, x, ("mean", "x"))
    _like(var, x, ("variance", "x"))
    if np.any(var <= 0.0):
        raise ValueError(f"variance must be positive, got values such as {var[var <= 0.0][:3]}")
    with np.errstate(over="ignore"):
        return -0.5 * (np.log(2.0 * np.pi * var) + (x - mu) ** 2 / var)


def gaussian_log_likelihood(x, mean=0.0, variance=1.0) -> float:
    r""":math:`\ell(\mu, \sigma^2) = \sum_n \log \mathcal N(x_n \mid \mu, \sigma^2)`.

    See :func:`gaussian_log_pdf` for shapes.
    """
    return float(np.sum(gaussian_log_pdf(x, mean, variance)))


def gaussian_mle(x) -> tuple[float, float]:
    r"""Maximum-likelihood mean and variance of a Gaussian sample.

    :math:`\hat\mu = \frac1N \sum_n x_n` and :math:`\hat\sigma^2 = \frac1N \sum_n
    (x_n - \hat\mu)^2`. The variance divides by :math:`N`, not :math:`N - 1`: setting
    :math:`\partial \ell / \partial \sigma^2 = -\frac{N}{2\sigma^2} + \frac{\sum_n (x_n -
    \hat\mu)^2}{2\sigma^4} = 0` gives exactly :math:`1/N`. That estimate is *biased*
    (:math:`E[\hat\sigma^2] = \frac{N-1}{N}\sigma^2`, because :math:`\hat\mu` was fitted to
    the same data); the unbiased :math:`1/(N-1)` version does not maximise the likelihood.
    With all samples equal, :math:`\hat\sigma^2 = 0` and the likelihood is unbounded.

    Args:
        x: finite samples, any shape with N >= 1 entries.
    Returns:
        ``(mean, variance)`` as floats.
    """
    x = require_finite(as_float_array(x, "x"), "x")
    if x.size == 0:
        raise ValueError("x must hold at least one sample")
    mu = float(np.mean(x))
    return mu, float(np.mean((x - mu) ** 2))


# ---------------------------------------------------------------- cross-entropy


def binary_cross_entropy(y, p) -> float:
    r"""Mean binary cross-entropy :math:`-\frac1N \sum_n [y_n \log p_n + (1-y_n)\log(1-p_n)]`.

    Targets may be soft (:math:`y \in [0, 1]`). With :math:`0 \log 0 = 0`, a prediction of
    exactly 0 or 1 gives the exact value: 0 where it matches the target, :math:`+\infty`
    where it rules out something the target allows. Nothing is clipped.

    Args:
        y: targets in :math:`[0, 1]`, any shape.
        p: predicted probabilities in :math:`[0, 1]`, the same shape as ``y``.
    Returns:
        the mean over all entries, a float in :math:`[0, +\infty]`.
    """
    y = require_probabilities(y, "y")
    p = require_probabilities(p, "p")
    require_same_shape(y, p, ("y", "p"))
    with np.errstate(divide="ignore"):
        ll = _weighted(y, np.log(p)) + _weighted(1.0 - y, np.log1p(-p))
    return 0.0 - float(np.mean(ll))


def binary_cross_entropy_with_logits(y, logits) -> float:
    r"""Mean binary cross-entropy with :math:`p = \sigma(z)`, straight from the logits.

    .. math:: -\frac1N \sum_n \bigl[y_n \log\sigma(z_n) + (1 - y_n) \log\sigma(-z_n)\bigr],

    with the stable :func:`mlmath.logs.log_sigmoid`; matches PyTorch's
    ``binary_cross_entropy_with_logits`` (mean reduction) and stays exact at :math:`z =
    \pm 1000`.

    Args:
        y: targets in :math:`[0, 1]`, any shape.
        logits: real scores, the same shape as ``y``.
    Returns:
        the mean over all entries, a float :math:`\ge 0`.
    """
    y = require_probabilities(y, "y")
    z = as_float_array(logits, "logits")
    require_same_shape(y, z, ("y", "logits"))
    ll = _weighted(y, log_sigmoid(z)) + _weighted(1.0 - y, log_sigmoid(-z))
    return 0.0 - float(np.mean(ll))


def cross_entropy_with_logits(labels, logits) -> float:
    r"""Mean categorical cross-entropy :math:`-\frac1N \sum_n \log \mathrm{softmax}(z_n)_{y_n}`.

    The negative of :func:`categorical_log_likelihood_from_logits` divided by N; matches
    PyTorch's ``cross_entropy`` (mean reduction).

    Args:
        labels: integer class indices, shape (N,), N >= 1.
        logits: real scores, shape (N, K).
    Returns:
        a float :math:`\ge 0`.
    """
    z = _scores(logits, "logits")
    if z.shape[0] == 0:
        raise ValueError("logits must hold at least one row (sample)")
    return -categorical_log_likelihood_from_logits(labels, z) / z.shape[0]


# ---------------------------------------------------------------- Dice


def dice_coefficient(targets, probs, smooth: float = 1.0, class_axis: int = 1) -> np.ndarray:
    r"""Soft Dice coefficient per class, :math:`D_c = \frac{2 \sum g_c p_c + s}{\sum g_c +
    \sum p_c + s}`.

    Sums run over every axis except ``class_axis`` (batch and pixels together). :math:`D_c =
    1` is perfect overlap, 0 none. The smoothing :math:`s \ge 0` keeps a class that is
    absent from both target and prediction at :math:`D_c = 1` rather than :math:`0/0`; with
    :math:`s = 0` that case is defined as 1 too.

    Args:
        targets: one-hot (or soft) masks in :math:`[0, 1]`, shape (N, C, ...) with
            ``class_axis=1`` (the default) or (C, ...) with ``class_axis=0``.
        probs: predicted class probabilities in :math:`[0, 1]`, the same shape.
        smooth: :math:`s`, added to top and bottom; finite, :math:`\ge 0`.
        class_axis: the axis holding the C classes.
    Returns:
        float64 array of shape (C,).
    """
    g = require_probabilities(targets, "targets")
    p = require_probabilities(probs, "probs")
    require_same_shape(g, p, ("targets", "probs"))
    if g.ndim == 0 or not -g.ndim <= class_axis < g.ndim:
        raise ValueError(f"class_axis {class_axis} is out of range for shape {g.shape}")
    if not (np.isfinite(smooth) and smooth >= 0.0):
        raise ValueError(f"smooth must be finite and >= 0, got {smooth!r}")
    axes = tuple(a for a in range(g.ndim) if a != class_axis % g.ndim)
    top = 2.0 * np.sum(g * p, axis=axes) + smooth
    bottom = np.sum(g, axis=axes) + np.sum(p, axis=axes) + smooth
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom == 0.0, 1.0, top / bottom)


def dice_loss(
    targets, probs, smooth: float = 1.0, class_axis: int = 1, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Soft Dice loss :math:`1 - \frac1C \sum_c D_c` (see :func:`dice_coefficient`).

    Why not just cross-entropy on a segmentation mask? Cross-entropy is a *mean over
    pixels*. If 99% of pixels are background, a model that predicts "background" everywhere
    pays only on the 1% foreground pixels, and the mean stays small (about 0.056 nats for
    :math:`p_{\text{fg}} = 0.01` everywhere): the loss rewards ignoring the object. Dice
    is an overlap ratio *per class*, normalised by that class's own size, so missing the
    foreground gives :math:`D_{\text{fg}} \approx 0` and a foreground loss near 1 however
    rare the class is; the mean over classes then weighs the tiny object like the huge
    background.

    Args:
        targets, probs, smooth, class_axis: as in :func:`dice_coefficient`.
        reduction: ``"mean"`` for the mean over classes (a float) or ``"none"`` for the
            per-class losses :math:`1 - D_c`, shape (C,).
    Returns:
        a float in :math:`[0, 1]`, or an array of shape (C,).
    """
    if reduction not in ("mean", "none"):
        raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}")
    per_class = 1.0 - dice_coefficient(targets, probs, smooth, class_axis)
    return float(np.mean(per_class)) if reduction == "mean" else per_class
