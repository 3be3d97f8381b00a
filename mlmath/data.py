r"""Toy data sets and the bundled 8x8 handwritten digits.

Everything here is offline and deterministic: the digits are read from a file inside the
package, and every generated set takes a ``seed`` and draws from its own
``numpy.random.default_rng(seed)``, so the same call always returns the same arrays.

- :func:`load_digits`       1797 real 8x8 digit images (UCI, CC BY 4.0), for classification.
- :func:`two_moons`         two interleaving half circles: not linearly separable.
- :func:`spirals`           ``classes`` interleaved spiral arms: needs a hidden layer.
- :func:`blobs`             Gaussian clusters: the easy case, linearly separable when far apart.
- :func:`imbalanced_masks`  images with a small foreground disc or two and their 0/1 masks,
  where predicting "all background" is already right on ~98% of pixels.
"""

from __future__ import annotations

import gzip
from importlib import resources
from numbers import Integral, Real

import numpy as np

__all__ = ["blobs", "imbalanced_masks", "load_digits", "spirals", "two_moons"]

DIGITS_FILE = "digits.csv.gz"
DIGITS_SHAPE = (1797, 65)


def _positive_int(value, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise naming ``name`` if it is not an int >= minimum."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _nonnegative_float(value, name: str) -> float:
    """Return ``value`` as a float, or raise naming ``name`` if it is not finite and >= 0."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value}")
    return float(value)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    r"""Load the 1797 bundled 8x8 handwritten digits, pixels scaled to [0, 1].

    Source: E. Alpaydin and C. Kaynak (1998), "Optical Recognition of Handwritten Digits",
    UCI Machine Learning Repository, https://doi.org/10.24432/C50P49, licensed under
    Creative Commons Attribution 4.0 (CC BY 4.0). The bundled file is the test-set copy that
    scikit-learn ships; see ``mlmath/datasets/README.md``.

    Each row of ``mlmath/datasets/digits.csv.gz`` holds 64 pixel counts in 0..16 (an 8x8
    image, row by row) followed by the label 0..9. The pixels are divided by 16. No network
    is used: the file is read from inside the installed package.

    Returns:
        X: float64 array (1797, 64), values in [0, 1]; ``X[i].reshape(8, 8)`` is the image.
        y: int64 array (1797,), labels in 0..9 (class counts 178, 182, 177, 183, 181, 182,
        181, 179, 174, 180).
    Raises:
        ValueError: the bundled file is damaged (wrong shape or values out of range).
    """
    source = resources.files("mlmath").joinpath("datasets", DIGITS_FILE)
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="ascii") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.int64)
    if table.shape != DIGITS_SHAPE:
        raise ValueError(f"{DIGITS_FILE} must hold {DIGITS_SHAPE} values, got {table.shape}")
    pixels, labels = table[:, :64], table[:, 64]
    if pixels.min() < 0 or pixels.max() > 16 or labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"{DIGITS_FILE} has pixels outside 0..16 or labels outside 0..9")
    return pixels / 16.0, labels.copy()


def _class_sizes(n: int, classes: int) -> np.ndarray:
    """Split ``n`` points over ``classes`` as evenly as possible (the first get the extra)."""
    sizes = np.full(classes, n // classes, dtype=np.int64)
    sizes[: n % classes] += 1
    return sizes


def _shuffled(rng: np.random.Generator, X: np.ndarray, y: np.ndarray):
    """Return ``X`` and ``y`` with their rows permuted together."""
    order = rng.permutation(len(y))
    return X[order], y[order]


def two_moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""Two interleaving half circles in the plane, rows shuffled.

    Class 0 lies on :math:`(\cos t, \sin t)` and class 1 on :math:`(1 - \cos t,\ 0.5 - \sin t)`
    for :math:`t \in [0, \pi]`; Gaussian noise of standard deviation ``noise`` is added to
    both coordinates. Class 0 gets ``ceil(n / 2)`` points.

    Args:
        n: number of points, >= 2.
        noise: standard deviation of the added noise, >= 0.
        seed: seed for ``numpy.random.default_rng``.
    Returns:
        X: float64 array (n, 2); y: int64 array (n,) with labels 0 and 1.
    """
    n = _positive_int(n, "n", minimum=2)
    noise = _nonnegative_float(noise, "noise")
    rng = np.random.default_rng(seed)
    n0, n1 = _class_sizes(n, 2)
    t0 = rng.uniform(0.0, np.pi, n0)
    t1 = rng.uniform(0.0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.repeat(np.arange(2, dtype=np.int64), [n0, n1])
    return _shuffled(rng, X, y)


def spirals(
    n: int = 300, classes: int = 3, noise: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    r"""``classes`` spiral arms winding out of the origin, rows shuffled.

    Arm :math:`k` has radius :math:`r \in [0, 1]` and angle
    :math:`\theta = 4r + 2\pi k / K + \varepsilon`, :math:`\varepsilon \sim N(0, \text{noise}^2)`,
    giving the point :math:`(r \sin\theta, r \cos\theta)`. A linear model scores about
    :math:`1/K`; a network with one hidden layer separates the arms.

    Args:
        n: total number of points, >= classes (spread as evenly as possible over the arms).
        classes: number of arms K, >= 2.
        noise: standard deviation of the angle noise in radians, >= 0.
        seed: seed for ``numpy.random.default_rng``.
    Returns:
        X: float64 array (n, 2); y: int64 array (n,) with labels 0..classes-1.
    """
    classes = _positive_int(classes, "classes", minimum=2)
    n = _positive_int(n, "n", minimum=classes)
    noise = _nonnegative_float(noise, "noise")
    rng = np.random.default_rng(seed)
    sizes = _class_sizes(n, classes)
    y = np.repeat(np.arange(classes, dtype=np.int64), sizes)
    r = np.concatenate([np.linspace(0.0, 1.0, int(m)) for m in sizes])
    theta = 4.0 * r + 2.0 * np.pi * y / classes + noise * rng.standard_normal(n)
    X = np.column_stack([r * np.sin(theta), r * np.cos(theta)])
    return _shuffled(rng, X, y)


def blobs(
    n: int = 300, centers=3, std: float = 1.0, seed: int = 0, dim: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    r"""Isotropic Gaussian clusters :math:`x \sim N(\mu_k, \text{std}^2 I)`, rows shuffled.

    Args:
        n: total number of points, >= the number of centres.
        centers: an int K (the centres are then drawn uniformly from the box
            :math:`[-10, 10]^{\text{dim}}`) or a (K, d) array of centres.
        std: standard deviation of every cluster, >= 0.
        seed: seed for ``numpy.random.default_rng``.
        dim: dimension of the points when ``centers`` is an int.
    Returns:
        X: float64 array (n, d); y: int64 array (n,) with labels 0..K-1, label k for centre k.
    """
    std = _nonnegative_float(std, "std")
    rng = np.random.default_rng(seed)
    if isinstance(centers, Integral) and not isinstance(centers, bool):
        k = _positive_int(centers, "centers")
        mu = rng.uniform(-10.0, 10.0, (k, _positive_int(dim, "dim")))
    else:
        mu = np.asarray(centers, dtype=np.float64)
        if mu.ndim != 2 or mu.shape[0] < 1 or mu.shape[1] < 1:
            raise ValueError(f"centers must be an int or a (K, d) array, got shape {mu.shape}")
        if not np.all(np.isfinite(mu)):
            raise ValueError("centers must be finite, but it contains NaN or infinity")
    n = _positive_int(n, "n", minimum=len(mu))
    y = np.repeat(np.arange(len(mu), dtype=np.int64), _class_sizes(n, len(mu)))
    X = mu[y] + std * rng.standard_normal((n, mu.shape[1]))
    return _shuffled(rng, X, y)


def imbalanced_masks(
    n: int = 16,
    size: int = 32,
    foreground_fraction: float = 0.02,
    seed: int = 0,
    noise: float = 0.1,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Noisy images with one or two small bright discs, and the discs' binary masks.

    The segmentation toy of topic 1: with ``foreground_fraction=0.02`` a model that predicts
    "background everywhere" is right on about 98% of pixels and its cross-entropy is small,
    while its Dice score is 0. Each image gets 1 or 2 discs whose total area is about
    ``foreground_fraction * size**2`` (each radius jittered by up to 20%, at least one pixel
    is always foreground); discs lie wholly inside the image but may overlap. Pixel values
    are ``0.2 + 0.6 * mask + noise * N(0, 1)``.

    Args:
        n: number of images, >= 1.
        size: image side in pixels, >= 8.
        foreground_fraction: target share of foreground pixels, in (0, 0.25].
        seed: seed for ``numpy.random.default_rng``.
        noise: standard deviation of the pixel noise, >= 0.
    Returns:
        images: float64 array (n, size, size).
        masks: float64 array (n, size, size) holding only 0.0 (background) and 1.0 (disc).
    """
    n = _positive_int(n, "n")
    size = _positive_int(size, "size", minimum=8)
    noise = _nonnegative_float(noise, "noise")
    fraction = _nonnegative_float(foreground_fraction, "foreground_fraction")
    if not 0.0 < fraction <= 0.25:
        raise ValueError(f"foreground_fraction must be in (0, 0.25], got {fraction}")
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:size, 0:size] + 0.5  # pixel centres
    masks = np.zeros((n, size, size))
    for i in range(n):
        discs = int(rng.integers(1, 3))
        radius = np.sqrt(fraction * size * size / (discs * np.pi))
        for _ in range(discs):
            r = radius * rng.uniform(0.8, 1.2)
            low, high = min(r, size / 2), max(size - r, size / 2)
            cy, cx = rng.uniform(low, high, 2)
            masks[i][(rows - cy) ** 2 + (cols - cx) ** 2 <= r * r] = 1.0
            masks[i, int(cy), int(cx)] = 1.0  # a disc smaller than a pixel still shows
    images = 0.2 + 0.6 * masks + noise * rng.standard_normal(masks.shape)
    return images, masks
