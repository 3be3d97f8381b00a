"""Tests for mlmath.plots: every function returns a Figure that draws and saves headless."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Arc, Polygon

from mlmath import plots

matplotlib.use("Agg")


def saves_png(fig: Figure, tmp_path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    fig.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_module_does_not_import_pyplot():
    """Can mlmath.plots be imported and used without pyplot (no global figure state)?"""
    code = (
        "import sys, mlmath.plots as p; p.plot_determinant_parallelogram([[1, 0], [0, 1]]); "
        "sys.exit(1 if 'matplotlib.pyplot' in sys.modules else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"MPLBACKEND": "Agg", "PATH": ""}, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


# --- the determinant picture ----------------------------------------------------------------

PARALLELOGRAMS = {
    "stretch": ([[2.0, 0.0], [0.0, 3.0]], "6", "kept", None),
    "shear": ([[1.0, 1.5], [0.0, 1.0]], "1", "kept", None),
    "reflection": ([[0.0, 1.0], [1.0, 0.0]], "-1", "flipped", "//"),
    "flip_scale": ([[-2.0, 1.0], [0.5, 1.0]], "-2.5", "flipped", "//"),
    "singular": ([[1.0, 2.0], [2.0, 4.0]], "0", "collapsed", None),
}


@pytest.mark.parametrize("name", list(PARALLELOGRAMS))
def test_determinant_parallelogram(name, tmp_path):
    """Does the picture show the square and its image, with signed area and orientation?"""
    A, area, kind, hatch = PARALLELOGRAMS[name]
    fig = plots.plot_determinant_parallelogram(A)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    title = ax.get_title()
    assert f"= {area} (" in title
    assert kind in title
    polygons = [p for p in ax.patches if isinstance(p, Polygon)]
    assert len(polygons) == 2
    image = polygons[1].get_xy()[:4]
    np.testing.assert_allclose(image[2], np.asarray(A) @ [1.0, 1.0])  # corner e1 + e2
    assert polygons[1].get_hatch() == hatch
    saves_png(fig, tmp_path, name)


@pytest.mark.parametrize("A", [np.eye(3), [1.0, 2.0], [[1.0, 2.0, 3.0]], [[np.nan, 0], [0, 1]]])
def test_determinant_parallelogram_bad_input(A):
    """Is anything but a finite 2x2 matrix refused with a ValueError?"""
    with pytest.raises(ValueError, match=r"2x2|finite"):
        plots.plot_determinant_parallelogram(A)


# --- the projection picture -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "degrees"),
    [([2.0, 1.0], [3.0, 0.0], "26.57"), ([0.0, 2.0], [1.0, 1.0], "45"),
     ([-1.0, 0.5], [1.0, 0.0], "153.4"), ([1.0, 1e-9], [1.0, 0.0], "5.73e-08")],
)
def test_projection(x, y, degrees, tmp_path):
    """Does the projection picture draw p, the residual and the angle arc, titled with θ?"""
    fig = plots.plot_projection(x, y)
    (ax,) = fig.axes
    assert f"{degrees}°" in ax.get_title()
    labels = [line.get_label() for line in ax.lines]
    assert labels == ["line through y", "projection p", "residual x - p"]
    p_line = ax.lines[1]
    x, y = np.asarray(x), np.asarray(y)
    expected_p = x @ y / (y @ y) * y
    np.testing.assert_allclose(p_line.get_xydata()[1], expected_p, atol=1e-12)
    assert sum(isinstance(a, Arc) for a in ax.patches) == 1
    saves_png(fig, tmp_path, "projection")


@pytest.mark.parametrize(("x", "y"), [([1.0, 0.0], [0.0, 0.0]), ([1.0, 2.0, 3.0], [1.0, 0.0, 0.0])])
def test_projection_bad_input(x, y):
    """Is a zero y, or vectors outside the plane, refused?"""
    with pytest.raises(ValueError, match=r"zero vector|plane"):
        plots.plot_projection(x, y)


# --- loss curves ----------------------------------------------------------------------------


@pytest.mark.parametrize("log_y", [False, True])
def test_loss_curves(log_y, tmp_path):
    """Is there one line per history, named in the legend, on a log axis when asked?"""
    histories = {"train": np.exp(-np.linspace(0, 5, 30)), "validation": [1.0, 0.5, 0.4, 0.45]}
    fig = plots.plot_loss_curves(histories, log_y=log_y)
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.lines] == ["train", "validation"]
    assert len(ax.lines[0].get_xdata()) == 30
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation"]
    assert ax.get_yscale() == ("log" if log_y else "linear")
    saves_png(fig, tmp_path, "loss")


@pytest.mark.parametrize(
    ("histories", "kwargs", "message"),
    [({}, {}, "non-empty"), ({"a": [1.0, 0.0]}, {"log_y": True}, "> 0"),
     ({"a": [[1.0, 2.0]]}, {}, "1 dimension")],
)
def test_loss_curves_bad_input(histories, kwargs, message):
    """Are empty histories, non-positive losses on a log axis, and 2-D histories refused?"""
    with pytest.raises(ValueError, match=message):
        plots.plot_loss_curves(histories, **kwargs)


# --- decision boundary ----------------------------------------------------------------------


def test_decision_boundary(tmp_path):
    """Does the picture colour the plane by predict's labels and scatter the points?"""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 0] > 1).astype(int)
    calls = []

    def predict(P):
        calls.append(P.shape)
        return (P[:, 0] + P[:, 1] > 0).astype(int) + (P[:, 0] > 1).astype(int)

    fig = plots.plot_decision_boundary(predict, X, y, resolution=50)
    (ax,) = fig.axes
    assert calls[0] == (2500, 2)
    (image,) = ax.images
    assert image.get_array().shape == (50, 50)
    assert set(np.unique(image.get_array())) == {0, 1, 2}
    assert len(ax.collections) == 1  # the scatter
    assert ax.collections[0].get_offsets().shape == (60, 2)
    assert "100.0%" in ax.get_title() and "3 classes" in ax.get_title()
    saves_png(fig, tmp_path, "boundary")


@pytest.mark.parametrize(
    ("predict", "X", "y", "message"),
    [
        (lambda P: np.zeros(len(P), int), np.zeros((4, 3)), [0, 0, 1, 1], r"\(N, 2\)"),
        (lambda P: np.zeros(len(P), int), np.zeros((4, 2)), [0.5, 0, 1, 1], "integer labels"),
        (lambda P: np.zeros((len(P), 2)), np.eye(2), [0, 1], "integer labels"),
        (lambda P: np.full(len(P), 0.5), np.eye(2), [0, 1], "integer labels"),
    ],
)
def test_decision_boundary_bad_input(predict, X, y, message):
    """Are points outside the plane, non-integer labels, or a bad predict refused?"""
    with pytest.raises(ValueError, match=message):
        plots.plot_decision_boundary(predict, X, y, resolution=10)


# --- denoising ------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "max_images", "columns"), [(1, 8, 1), (5, 8, 5), (12, 4, 4)])
def test_denoising(n, max_images, columns, tmp_path):
    """Are there 3 rows of images, one column per example, reshaped to the given shape?"""
    rng = np.random.default_rng(1)
    clean = rng.random((n, 8 * 6))
    noisy = clean + 0.3 * rng.normal(size=clean.shape)
    denoised = 0.5 * (clean + noisy)
    fig = plots.plot_denoising(clean, noisy, denoised, (8, 6), max_images=max_images)
    assert len(fig.axes) == 3 * columns
    assert all(ax.images[0].get_array().shape == (8, 6) for ax in fig.axes)
    assert [ax.get_ylabel() for ax in fig.axes[::columns]] == ["clean", "noisy", "denoised"]
    mse = np.mean((denoised[0] - clean[0]) ** 2)
    assert fig.axes[2 * columns].get_xlabel() == f"MSE {mse:.3g}"
    saves_png(fig, tmp_path, "denoising")


def test_denoising_single_image():
    """Is a single image of shape (D,) accepted?"""
    fig = plots.plot_denoising(np.zeros(4), np.ones(4), np.full(4, 0.5), (2, 2))
    assert len(fig.axes) == 3


@pytest.mark.parametrize(
    ("shapes", "message"),
    [(((3, 16), (3, 16), (3, 15)), r"\(N, 16\)"), (((3, 16), (2, 16), (3, 16)), "same shape")],
)
def test_denoising_bad_input(shapes, message):
    """Are images of the wrong size, or mismatched sets, refused?"""
    arrays = [np.zeros(s) for s in shapes]
    with pytest.raises(ValueError, match=message):
        plots.plot_denoising(*arrays, shape=(4, 4))
