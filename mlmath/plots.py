r"""Pictures of the mathematics: each function builds and returns a matplotlib Figure.

Figures are built directly (``matplotlib.figure.Figure``), never through ``pyplot``, so this
module works headless (no display, no global figure state, nothing left open) and in tests.
Show one in a notebook by leaving it as the cell's value, or save it with
``fig.savefig("name.png")``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Arc, Polygon

from mlmath._checks import as_float_array, require_finite

__all__ = [
    "plot_decision_boundary",
    "plot_denoising",
    "plot_determinant_parallelogram",
    "plot_loss_curves",
    "plot_projection",
]

POSITIVE, NEGATIVE, DEGENERATE = "tab:blue", "tab:red", "tab:gray"


def _arrow(ax, start, end, color: str, label: str | None = None) -> None:
    ax.annotate("", xy=tuple(end), xytext=tuple(start),
                arrowprops={"arrowstyle": "->", "color": color, "lw": 2})
    if label:
        ax.text(*(np.asarray(end) * 1.04 + 0.02 * np.sign(end)), label, color=color)


def _fit_limits(ax, points: np.ndarray, margin: float = 0.15) -> None:
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = margin * max(float(np.max(hi - lo)), 1e-12)
    ax.set_xlim(lo[0] - pad, hi[0] + pad)
    ax.set_ylim(lo[1] - pad, hi[1] + pad)
    ax.set_aspect("equal")


def plot_determinant_parallelogram(A) -> Figure:
    r"""The unit square and its image under :math:`x \mapsto Ax`, for a 2x2 matrix A.

    The image of the square with corners 0, :math:`e_1`, :math:`e_1 + e_2`, :math:`e_2` is
    the parallelogram with sides :math:`Ae_1` and :math:`Ae_2` (the columns of A); its
    signed area is det A. Blue means orientation kept (det > 0), red and hatched means
    flipped (det < 0), grey means collapsed onto a line or point (det = 0).

    Args:
        A: array of shape (2, 2).
    Returns:
        a Figure with one Axes: two patches (square, image), the signed area in the title.
    """
    A = require_finite(as_float_array(A, "A"), "A")
    if A.shape != (2, 2):
        raise ValueError(f"A must be a 2x2 matrix to draw in the plane, got shape {A.shape}")
    det = float(A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0])
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    image = square @ A.T  # row i is A @ corner_i
    scale = float(np.max(np.abs(A))) or 1.0
    if abs(det) <= 1e-12 * scale**2:
        color, hatch, kind = DEGENERATE, None, "collapsed: det = 0"
    elif det > 0:
        color, hatch, kind = POSITIVE, None, "orientation kept"
    else:
        color, hatch, kind = NEGATIVE, "//", "orientation flipped"

    fig = Figure(figsize=(5, 5))
    ax = fig.add_subplot()
    ax.add_patch(Polygon(square, closed=True, facecolor="none", edgecolor="black",
                         linestyle="--", label="unit square"))
    ax.add_patch(Polygon(image, closed=True, facecolor=color, alpha=0.35, edgecolor=color,
                         hatch=hatch, label="image under A"))
    _arrow(ax, (0, 0), A[:, 0], color, r"$Ae_1$")
    _arrow(ax, (0, 0), A[:, 1], color, r"$Ae_2$")
    _fit_limits(ax, np.vstack([square, image]))
    ax.axhline(0, color="0.8", lw=0.8, zorder=0)
    ax.axvline(0, color="0.8", lw=0.8, zorder=0)
    ax.legend(loc="best")
    ax.set_title(f"signed area = det A = {det:.4g} ({kind})")
    return fig


def plot_projection(x, y) -> Figure:
    r"""A vector x, its projection p onto the line through y, the residual, and the angle.

    :math:`p = \frac{x \cdot y}{y \cdot y} y`; the residual :math:`x - p` meets the line at
    a right angle, and :math:`\theta` is the angle between x and y.

    Args:
        x: array of shape (2,).
        y: nonzero array of shape (2,).
    Returns:
        a Figure with one Axes holding the line through y, and x, y, p and x - p drawn.
    """
    x = require_finite(as_float_array(x, "x", ndim=1), "x")
    y = require_finite(as_float_array(y, "y", ndim=1), "y")
    if x.shape != (2,) or y.shape != (2,):
        raise ValueError(f"x and y must be vectors in the plane (2,), got {x.shape}, {y.shape}")
    ny = math.hypot(*y)
    if ny == 0.0:
        raise ValueError("y is the zero vector, which spans no line to project onto")
    u = y / ny
    p = float(x @ u) * u
    nx = math.hypot(*x)
    theta = 2.0 * math.atan2(math.hypot(*(x / nx - u)), math.hypot(*(x / nx + u))) if nx else 0.0

    fig = Figure(figsize=(5, 5))
    ax = fig.add_subplot()
    reach = max(nx, ny, 1e-12) * 1.2
    ax.plot([-reach * u[0], reach * u[0]], [-reach * u[1], reach * u[1]], color="0.7", lw=1,
            label="line through y")
    _arrow(ax, (0, 0), y, "tab:orange", "y")
    _arrow(ax, (0, 0), x, "tab:blue", "x")
    ax.plot([0, p[0]], [0, p[1]], color="tab:green", lw=3, label="projection p", zorder=4)
    ax.plot([p[0], x[0]], [p[1], x[1]], color="tab:red", lw=1.5, ls="--", label="residual x - p")
    if nx:  # the angle between x and y, as an arc at the origin
        r = 0.25 * min(nx, ny)
        a_y = math.degrees(math.atan2(y[1], y[0]))
        a_x = math.degrees(math.atan2(x[1], x[0]))
        start, end = (a_y, a_x) if (a_x - a_y) % 360 <= 180 else (a_x, a_y)
        ax.add_patch(Arc((0, 0), 2 * r, 2 * r, theta1=start, theta2=end, color="black"))
    _fit_limits(ax, np.vstack([[0.0, 0.0], x, y, p]))
    ax.legend(loc="best")
    ax.set_title(f"θ = {theta:.4g} rad = {math.degrees(theta):.4g}°, |x - p| = "
                 f"{math.hypot(*(x - p)):.4g}")
    return fig


def plot_loss_curves(histories: Mapping[str, Sequence[float]], log_y: bool = False,
                     xlabel: str = "epoch", ylabel: str = "loss") -> Figure:
    r"""One line per named loss history, e.g. ``{"train": [...], "validation": [...]}``.

    Args:
        histories: name -> sequence of losses (1-D, one value per step or epoch).
        log_y: use a logarithmic y axis (all values must then be > 0).
        xlabel, ylabel: axis labels.
    Returns:
        a Figure with one Axes holding one line per history, and a legend.
    """
    if not isinstance(histories, Mapping) or not histories:
        raise ValueError("histories must be a non-empty dict of name -> sequence of losses")
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    for name, values in histories.items():
        v = as_float_array(values, f"histories[{name!r}]", ndim=1)
        if log_y and np.any(v[~np.isnan(v)] <= 0):
            raise ValueError(f"log_y needs losses > 0, but histories[{name!r}] has values <= 0")
        ax.plot(np.arange(1, len(v) + 1), v, label=str(name))
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    ax.grid(alpha=0.3)
    ax.set_title(ylabel + (" (log scale)" if log_y else ""))
    return fig


def plot_decision_boundary(predict: Callable[[np.ndarray], np.ndarray], X, y,
                           resolution: int = 200) -> Figure:
    r"""Regions of the plane given each label by ``predict``, with the labelled points on top.

    ``predict`` is evaluated once on a resolution x resolution grid covering the points
    (with a 10% margin); the boundary is where the predicted label changes.

    Args:
        predict: maps an array of shape (M, 2) to integer labels of shape (M,).
        X: array of shape (N, 2), the points.
        y: integer array of shape (N,), their labels.
        resolution: grid points per axis, >= 2.
    Returns:
        a Figure with one Axes: the coloured regions (an image) and a scatter of X.
    """
    X = require_finite(as_float_array(X, "X", ndim=2), "X")
    if X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(f"X must hold points in the plane, shape (N, 2), got {X.shape}")
    y = np.asarray(y)
    if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be integer labels of shape ({X.shape[0]},), got "
                         f"{y.dtype} array of shape {y.shape}")
    if not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-9)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    Z = np.asarray(predict(grid))
    if Z.shape != (grid.shape[0],) or not (
        np.issubdtype(Z.dtype, np.integer) or np.all(Z == np.round(Z))
    ):
        raise ValueError(f"predict must map an (M, 2) array to M integer labels; for M = "
                         f"{grid.shape[0]} it returned a {Z.dtype} array of shape {Z.shape}")
    classes = np.union1d(np.unique(y), np.unique(Z.astype(np.int64)))
    base = [*(f"C{i}" for i in range(10))]
    cmap = ListedColormap([base[i % len(base)] for i in range(len(classes))])
    zi = np.searchsorted(classes, Z.astype(np.int64)).reshape(gx.shape)

    fig = Figure(figsize=(6, 5))
    ax = fig.add_subplot()
    ax.imshow(zi, origin="lower", extent=(xs[0], xs[-1], ys[0], ys[-1]), cmap=cmap,
              vmin=-0.5, vmax=len(classes) - 0.5, alpha=0.3, aspect="auto",
              interpolation="nearest")
    ax.scatter(X[:, 0], X[:, 1], c=np.searchsorted(classes, y), cmap=cmap,
               vmin=-0.5, vmax=len(classes) - 0.5, edgecolors="black", linewidths=0.5, s=20)
    accuracy = float(np.mean(np.asarray(predict(X)).reshape(-1) == y))
    ax.set_title(f"decision regions ({len(classes)} classes), training accuracy {accuracy:.1%}")
    return fig


def plot_denoising(clean, noisy, denoised, shape: tuple[int, int],
                   max_images: int = 8) -> Figure:
    r"""Rows of images: clean, noisy and denoised, one column per example.

    Under each noisy and denoised image is its mean squared error against the clean one,
    :math:`\frac1D \|\hat x - x\|^2`.

    Args:
        clean, noisy, denoised: arrays of shape (N, D) (or (D,) for one image), D = h * w.
        shape: (h, w), the shape each image is reshaped to.
        max_images: draw at most this many columns (the first ones).
    Returns:
        a Figure with 3 * min(N, max_images) Axes, one image each.
    """
    h, w = (int(s) for s in shape)
    arrays = []
    for name, a in (("clean", clean), ("noisy", noisy), ("denoised", denoised)):
        a = require_finite(as_float_array(a, name), name)
        a = a[None, :] if a.ndim == 1 else a
        if a.ndim != 2 or a.shape[1] != h * w:
            raise ValueError(f"{name} must have shape (N, {h * w}) for images of shape "
                             f"{(h, w)}, got {a.shape}")
        arrays.append(a)
    if len({a.shape for a in arrays}) != 1:
        raise ValueError(f"clean, noisy and denoised must have the same shape, got "
                         f"{[a.shape for a in arrays]}")
    n = min(arrays[0].shape[0], max_images)
    if n == 0:
        raise ValueError("there are no images to draw (N = 0)")
    vmin = min(float(a[:n].min()) for a in arrays)
    vmax = max(float(a[:n].max()) for a in arrays)
    fig = Figure(figsize=(1.6 * n + 0.8, 5))
    axes = fig.subplots(3, n, squeeze=False)
    for row, (label, a) in enumerate(zip(("clean", "noisy", "denoised"), arrays, strict=True)):
        for j in range(n):
            ax = axes[row, j]
            ax.imshow(a[j].reshape(h, w), cmap="gray", vmin=vmin, vmax=vmax)
            ax.set_xticks([])
            ax.set_yticks([])
            if j == 0:
                ax.set_ylabel(label)
            if row > 0:
                ax.set_xlabel(f"MSE {np.mean((a[j] - arrays[0][j]) ** 2):.3g}", fontsize=8)
    fig.suptitle("clean, noisy and denoised images")
    return fig
