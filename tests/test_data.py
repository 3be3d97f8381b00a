"""Tests for mlmath.data: the bundled digits and the seeded toy data sets."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np
import pytest

import mlmath
from mlmath.data import blobs, imbalanced_masks, load_digits, spirals, two_moons

DIGITS_PATH = Path(mlmath.__file__).parent / "datasets" / "digits.csv.gz"
DIGITS_CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
FIRST_DIGIT = [
    0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0,
    0, 8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0,
    0, 6, 13, 10, 0, 0, 0,
]  # fmt: skip


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def test_digits_shapes_and_dtypes(digits):
    """Are the digits 1797 float64 rows of 64 pixels in [0, 1] with int64 labels 0..9?"""
    X, y = digits
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))


def test_digits_checksum(digits):
    """Do the class counts, pixel total and first image match the UCI/scikit-learn copy?"""
    X, y = digits
    assert np.bincount(y).tolist() == DIGITS_CLASS_COUNTS
    assert int(np.rint(X * 16).sum()) == 561718
    assert np.array_equal(np.rint(X * 16), np.round(X * 16))  # pixels are whole sixteenths
    assert (X[0] * 16).astype(int).tolist() == FIRST_DIGIT
    assert y[:10].tolist() == list(range(10))


def test_digits_file_format():
    """Is the bundled file the known gzip of 1797 comma-separated rows of 65 integers?"""
    with gzip.open(DIGITS_PATH, "rt") as f:
        rows = f.read().splitlines()
    assert len(rows) == 1797
    assert all(len(row.split(",")) == 65 for row in rows)
    digest = hashlib.sha256(DIGITS_PATH.read_bytes()).hexdigest()
    assert digest == "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


def test_digits_returns_fresh_arrays(digits):
    """Does changing a returned array leave the next load_digits() untouched?"""
    X, y = load_digits()
    X[:] = -1
    y[:] = -1
    X2, y2 = load_digits()
    assert np.array_equal(X2, digits[0]) and np.array_equal(y2, digits[1])


# (name, function, kwargs, expected X shape, expected class counts)
GENERATED = [
    ("moons", two_moons, {"n": 101, "noise": 0.1}, (101, 2), [51, 50]),
    ("moons-noiseless", two_moons, {"n": 10, "noise": 0.0}, (10, 2), [5, 5]),
    ("spirals", spirals, {"n": 301, "classes": 3, "noise": 0.2}, (301, 2), [101, 100, 100]),
    ("spirals-5", spirals, {"n": 50, "classes": 5, "noise": 0.0}, (50, 2), [10] * 5),
    ("blobs", blobs, {"n": 100, "centers": 4, "std": 0.5}, (100, 2), [25] * 4),
    ("blobs-3d", blobs, {"n": 31, "centers": 2, "std": 1.0, "dim": 3}, (31, 3), [16, 15]),
    ("blobs-given", blobs, {"n": 9, "centers": [[0, 0, 0, 0], [5, 5, 5, 5]]}, (9, 4), [5, 4]),
]


@pytest.mark.parametrize(("name", "fn", "kwargs", "shape", "counts"), GENERATED,
                         ids=[g[0] for g in GENERATED])
def test_generated_shapes_dtypes_counts(name, fn, kwargs, shape, counts):
    """Does each generator return float64 points of the right shape and int64 labels with
    the classes as balanced as possible?"""
    X, y = fn(**kwargs, seed=3)
    assert X.shape == shape and X.dtype == np.float64 and np.all(np.isfinite(X))
    assert y.shape == (shape[0],) and y.dtype == np.int64
    assert np.bincount(y).tolist() == counts


@pytest.mark.parametrize(("name", "fn", "kwargs", "shape", "counts"), GENERATED,
                         ids=[g[0] for g in GENERATED])
def test_generated_deterministic_under_seed(name, fn, kwargs, shape, counts):
    """Does the same seed give identical arrays, and a different seed different ones?"""
    X1, y1 = fn(**kwargs, seed=7)
    X2, y2 = fn(**kwargs, seed=7)
    X3, _ = fn(**kwargs, seed=8)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_two_moons_geometry():
    """Without noise, do the moons lie on their unit half circles?"""
    X, y = two_moons(200, noise=0.0, seed=0)
    upper, lower = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(upper[:, 1] >= 0) and np.all(lower[:, 1] <= 0.5)


def test_spiral_radius_in_unit_disc():
    """Do the spiral points all lie in the unit disc, reaching its edge?"""
    X, _ = spirals(300, 3, noise=0.3, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.max() == pytest.approx(1.0) and r.min() == pytest.approx(0.0)


def test_blobs_cluster_around_centres():
    """Is each blob's sample mean near its centre and its spread near std?"""
    centres = np.array([[-5.0, 0.0], [5.0, 3.0]])
    X, y = blobs(4000, centres, std=0.5, seed=1)
    for k in range(2):
        assert np.allclose(X[y == k].mean(axis=0), centres[k], atol=0.05)
        assert np.allclose(X[y == k].std(axis=0), 0.5, atol=0.03)


@pytest.mark.parametrize("fraction", [0.01, 0.02, 0.05])
def test_masks_foreground_fraction(fraction):
    """Is the mean foreground share near the requested fraction and never zero?"""
    _, masks = imbalanced_masks(64, 32, fraction, seed=0)
    share = masks.mean(axis=(1, 2))
    assert share.mean() == pytest.approx(fraction, rel=0.25)
    assert share.min() > 0 and share.max() < 3 * fraction


def test_masks_shapes_values_and_contrast():
    """Are the masks exactly 0/1, the images float64, and the discs brighter on average?"""
    images, masks = imbalanced_masks(8, 24, 0.03, seed=2, noise=0.05)
    assert images.shape == masks.shape == (8, 24, 24)
    assert images.dtype == masks.dtype == np.float64
    assert set(np.unique(masks)) == {0.0, 1.0}
    assert images[masks == 1].mean() - images[masks == 0].mean() == pytest.approx(0.6, abs=0.05)


def test_masks_deterministic_under_seed():
    """Does the same seed give identical images and masks, another seed different ones?"""
    a = imbalanced_masks(4, 16, 0.05, seed=5)
    b = imbalanced_masks(4, 16, 0.05, seed=5)
    c = imbalanced_masks(4, 16, 0.05, seed=6)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not np.array_equal(a[1], c[1])


def test_background_only_prediction_is_mostly_right():
    """Does predicting 'all background' score at least 95% pixel accuracy (the imbalance)?"""
    _, masks = imbalanced_masks(32, 32, 0.02, seed=0)
    assert np.mean(masks == 0) >= 0.95


BAD_CALLS = [  # (name, function, kwargs, error, text the message must contain)
    ("moons n=1", two_moons, {"n": 1}, ValueError, "n must be >= 2"),
    ("moons negative noise", two_moons, {"n": 10, "noise": -0.1}, ValueError, "noise"),
    ("moons float n", two_moons, {"n": 10.0}, TypeError, "n must be an integer"),
    ("spirals one class", spirals, {"n": 10, "classes": 1}, ValueError, "classes"),
    ("spirals n < classes", spirals, {"n": 2, "classes": 3}, ValueError, "n must be >= 3"),
    ("blobs bad centres", blobs, {"n": 10, "centers": [1.0, 2.0]}, ValueError, "centers"),
    ("blobs nan std", blobs, {"n": 10, "std": float("nan")}, ValueError, "std"),
    ("masks fraction 0", imbalanced_masks, {"foreground_fraction": 0.0}, ValueError,
     "foreground_fraction"),
    ("masks fraction 0.5", imbalanced_masks, {"foreground_fraction": 0.5}, ValueError,
     "foreground_fraction"),
    ("masks tiny image", imbalanced_masks, {"size": 4}, ValueError, "size"),
]


@pytest.mark.parametrize(("name", "fn", "kwargs", "error", "text"), BAD_CALLS,
                         ids=[b[0] for b in BAD_CALLS])
def test_bad_arguments_raise(name, fn, kwargs, error, text):
    """Does a bad argument raise a clear error naming it?"""
    with pytest.raises(error, match=text):
        fn(**kwargs)
