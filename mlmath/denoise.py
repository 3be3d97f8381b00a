r"""Learning a denoising matrix: crude search against gradient descent.

We have clean images :math:`Y \in \mathbb{R}^{d \times N}` (one flattened 6x6 image per
column, so :math:`d = 36`) and noisy copies :math:`X = Y + \sigma Z`, :math:`Z` standard
Gaussian. We look for one matrix :math:`W \in \mathbb{R}^{d \times d}` that cleans every image
at once, :math:`W X \approx Y`, by minimising the mean squared error over all pixels of all
images,

.. math::

    E(W) = \frac{1}{dN} \lVert W X - Y \rVert_F^2
         = \frac{1}{dN} \sum_{i,n} \big((W X)_{in} - Y_{in}\big)^2 .

Two ways to do it, both starting from the all-ones matrix:

* **Perturbation** (:func:`fit_by_perturbation`): change one random entry by a random amount,
  keep the change if :math:`E` went down. It needs nothing but the ability to evaluate
  :math:`E`, and it never gets worse, but it learns one number per evaluation, blindly.
* **Gradient descent** (:func:`fit_by_gradient_descent`): with the residual
  :math:`R = W X - Y`, :math:`dE = \frac{2}{dN} \operatorname{tr}(R^\top dW\, X)`, so

  .. math::

      \nabla_W E = \frac{2}{dN} (W X - Y) X^\top ,

  which moves all :math:`d^2` entries in a good direction per evaluation, at the cost of one
  more matrix product that reuses the forward pass's residual.

Cost is counted in *evaluations of E*: one forward pass :math:`W X - Y` is one evaluation, for
both methods. A gradient step costs one evaluation (its forward pass; the backward product
:math:`R X^\top` is not counted separately). An error curve is a float array of shape
``(k, 2)`` whose rows are ``(evaluations so far, error of the current W)``.
:func:`run_experiment` asks: the error the perturbation search reaches at the end, how many
evaluations does gradient descent need to reach it? ``python -m mlmath.denoise`` prints both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlmath._checks import as_float_array, require_finite, require_same_shape

__all__ = [
    "ExperimentResult",
    "evaluations_to_reach",
    "fit_by_gradient_descent",
    "fit_by_perturbation",
    "loss_gradient",
    "make_clean_images",
    "make_noisy",
    "mean_squared_error",
    "run_experiment",
    "suggested_learning_rate",
]

SIZE = 6  # images are SIZE x SIZE, so d = SIZE**2 = 36


def make_clean_images() -> np.ndarray:
    r"""Eleven deterministic 6x6 binary patterns, one per column.

    Three horizontal bars, three vertical bars, a plus, an X, a square outline, a filled 4x4
    square and a checkerboard of 2x2 blocks; pixels are 0 (dark) or 1 (bright).

    Returns:
        float64 array of shape (36, 11); column ``n`` reshaped to (6, 6) is image ``n``.
    """
    r, c = np.indices((SIZE, SIZE))
    masks = [r // 2 == k for k in range(3)] + [c // 2 == k for k in range(3)]
    masks += [
        (r // 2 == 1) | (c // 2 == 1),  # plus
        (r == c) | (r + c == SIZE - 1),  # X
        (r == 0) | (c == 0) | (r == SIZE - 1) | (c == SIZE - 1),  # square outline
        (r >= 1) & (r <= 4) & (c >= 1) & (c <= 4),  # filled square
        (r // 2 + c // 2) % 2 == 0,  # checkerboard
    ]
    return np.stack([m.ravel() for m in masks], axis=1).astype(np.float64)


def make_noisy(
    clean: np.ndarray, noise_std: float, rng: np.random.Generator, copies: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    r"""Return ``copies`` noisy versions of every clean image, and the matching clean targets.

    Args:
        clean: (d, P) clean images as columns.
        noise_std: :math:`\sigma \ge 0`, the standard deviation of the added Gaussian noise.
        rng: the random generator (seed it for reproducible noise).
        copies: how many independent noisy copies of each image.
    Returns:
        ``(noisy, targets)``, both (d, P * copies): ``noisy = targets + sigma * Z``.
    """
    clean = require_finite(as_float_array(clean, "clean", ndim=2), "clean")
    if not (np.isfinite(noise_std) and noise_std >= 0):
        raise ValueError(f"noise_std must be a finite number >= 0, got {noise_std!r}")
    _require_count(copies, "copies", minimum=1)
    targets = np.tile(clean, (1, copies))
    return targets + noise_std * rng.standard_normal(targets.shape), targets


def mean_squared_error(W: np.ndarray, noisy: np.ndarray, clean: np.ndarray) -> float:
    r""":math:`E(W) = \lVert W X - Y \rVert_F^2 / (dN)`: one evaluation.

    Args:
        W: (d, d) denoising matrix.
        noisy: X, (d, N) noisy images as columns.
        clean: Y, (d, N) clean targets.
    Returns:
        the mean squared pixel error, a float >= 0.
    """
    W, X, Y = _check_problem(W, noisy, clean)
    return _mse(W, X, Y)


def loss_gradient(W: np.ndarray, noisy: np.ndarray, clean: np.ndarray) -> np.ndarray:
    r""":math:`\nabla_W E = \frac{2}{dN} (W X - Y) X^\top`, shape (d, d); shapes as above."""
    W, X, Y = _check_problem(W, noisy, clean)
    return 2.0 / Y.size * (W @ X - Y) @ X.T


def suggested_learning_rate(noisy: np.ndarray) -> float:
    r"""Return :math:`1/L`, a step size for which gradient descent on :math:`E` cannot diverge.

    :math:`E` is quadratic in :math:`W`; its gradient is Lipschitz with constant
    :math:`L = 2 \lambda_{\max}(X X^\top) / (dN)`. Gradient descent converges for any step
    below :math:`2/L`; :math:`1/L` is the classic safe choice.

    Args:
        noisy: X, (d, N).
    Returns:
        :math:`1/L`, a positive float.
    """
    X = require_finite(as_float_array(noisy, "noisy", ndim=2), "noisy")
    top = np.linalg.eigvalsh(X @ X.T)[-1]
    if top <= 0:
        raise ValueError("noisy is all zeros: every W gives the same error")
    return X.size / (2.0 * top)


def fit_by_perturbation(
    noisy: np.ndarray,
    clean: np.ndarray,
    steps: int,
    step_size: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Random search: from W = ones, nudge one entry per step, keep it if E drops.

    Each step picks an entry :math:`(i, j)` uniformly and a change
    :math:`\delta \sim U(-\text{step\_size}, \text{step\_size})`, evaluates :math:`E` once at
    the nudged W, and keeps the nudge only if the error is strictly lower.

    Args:
        noisy: X, (d, N). clean: Y, (d, N).
        steps: number of proposals (>= 0).
        step_size: largest change of one entry (> 0).
        rng: random generator choosing entries and changes.
    Returns:
        ``(W, curve)``: the (d, d) fitted matrix and a (steps + 1, 2) curve of
        (evaluations, error); evaluation 1 is the starting W, the error never increases.
    """
    d = _check_data(noisy, clean)[0].shape[0]
    W, X, Y = _check_problem(np.ones((d, d)), noisy, clean)
    _require_count(steps, "steps")
    _require_positive(step_size, "step_size")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator, got {type(rng).__name__}")
    error = _mse(W, X, Y)
    curve = [(1, error)]
    for step in range(steps):
        i, j = rng.integers(d, size=2)
        delta = rng.uniform(-step_size, step_size)
        W[i, j] += delta
        candidate = _mse(W, X, Y)
        if candidate < error:
            error = candidate  # keep the nudge
        else:
            W[i, j] -= delta  # undo it
        curve.append((step + 2, error))
    return W, np.array(curve, dtype=np.float64)


def fit_by_gradient_descent(
    noisy: np.ndarray, clean: np.ndarray, steps: int, lr: float
) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradient descent from W = ones: :math:`W \leftarrow W - \eta \nabla_W E(W)`.

    Args:
        noisy: X, (d, N). clean: Y, (d, N).
        steps: number of gradient steps (>= 0).
        lr: the step size :math:`\eta > 0` (see :func:`suggested_learning_rate`).
    Returns:
        ``(W, curve)``: the (d, d) fitted matrix and a (steps + 1, 2) curve of
        (evaluations, error). Row k is the forward pass of step k, whose residual the
        gradient reuses; the last row is one extra forward pass that scores the final W.
    """
    d = _check_data(noisy, clean)[0].shape[0]
    W, X, Y = _check_problem(np.ones((d, d)), noisy, clean)
    _require_count(steps, "steps")
    _require_positive(lr, "lr")
    curve = []
    for step in range(steps + 1):
        residual = W @ X - Y  # the forward pass: one evaluation
        curve.append((step + 1, float(np.mean(residual**2))))
        if step < steps:
            W -= lr * (2.0 / Y.size) * residual @ X.T  # the gradient reuses the residual
    return W, np.array(curve, dtype=np.float64)


def evaluations_to_reach(curve: np.ndarray, target: float) -> int | None:
    """Return the first evaluation count whose error is <= ``target``, or None if never.

    Args:
        curve: (k, 2) error curve of (evaluations, error) rows.
        target: the error to reach.
    """
    curve = as_float_array(curve, "curve", ndim=2)
    if curve.shape[1] != 2:
        raise ValueError(f"curve must have shape (k, 2), got {curve.shape}")
    hits = np.flatnonzero(curve[:, 1] <= target)
    return int(curve[hits[0], 0]) if hits.size else None


@dataclass(frozen=True)
class ExperimentResult:
    """Both fits, their curves, and the comparison that :func:`run_experiment` makes."""

    W_perturbation: np.ndarray
    W_gradient: np.ndarray
    perturbation_curve: np.ndarray
    gradient_curve: np.ndarray
    target_error: float  # the error the perturbation search ends at
    perturbation_evaluations: int  # what it spent to get there
    gradient_evaluations: int | None  # what gradient descent needed to match it
    held_out_errors: dict[str, float]  # on fresh noisy images: identity, both fits


def run_experiment(
    seed: int = 0,
    noise_std: float = 0.4,
    copies: int = 12,
    perturbation_steps: int = 50_000,
    step_size: float = 0.2,
    gradient_steps: int = 500,
) -> ExperimentResult:
    """Fit both ways on the same seeded data and compare the evaluations each needed.

    Returns:
        an :class:`ExperimentResult`; ``held_out_errors`` scores the identity (doing
        nothing, whose error is about ``noise_std**2``) and both fitted matrices on new
        noisy copies of the clean images.
    """
    rng = np.random.default_rng(seed)
    clean = make_clean_images()
    X, Y = make_noisy(clean, noise_std, rng, copies)
    X_test, Y_test = make_noisy(clean, noise_std, rng, copies)
    W_p, curve_p = fit_by_perturbation(X, Y, perturbation_steps, step_size, rng)
    W_g, curve_g = fit_by_gradient_descent(X, Y, gradient_steps, suggested_learning_rate(X))
    target = float(curve_p[-1, 1])
    held_out = {name: _mse(W, X_test, Y_test)
                for name, W in [("identity", np.eye(len(Y))), ("perturbation", W_p),
                                ("gradient descent", W_g)]}
    return ExperimentResult(W_p, W_g, curve_p, curve_g, target, int(curve_p[-1, 0]),
                            evaluations_to_reach(curve_g, target), held_out)


def main() -> None:
    """Run the experiment with its defaults and print both evaluation counts."""
    result = run_experiment()
    print(f"perturbation search: error {result.target_error:.4f} "
          f"after {result.perturbation_evaluations} evaluations")
    if result.gradient_evaluations is None:
        print("gradient descent: did not reach that error")
    else:
        print(f"gradient descent:    error <= {result.target_error:.4f} "
              f"after {result.gradient_evaluations} evaluations "
              f"({result.perturbation_evaluations / result.gradient_evaluations:.0f}x fewer)")
    print("held-out error: " + ", ".join(f"{k} {v:.4f}" for k, v in result.held_out_errors.items()))


# ---- input checks -------------------------------------------------------------------------


def _mse(W: np.ndarray, X: np.ndarray, Y: np.ndarray) -> float:
    return float(np.mean((W @ X - Y) ** 2))


def _check_data(noisy, clean) -> tuple[np.ndarray, np.ndarray]:
    X = require_finite(as_float_array(noisy, "noisy", ndim=2), "noisy")
    Y = require_finite(as_float_array(clean, "clean", ndim=2), "clean")
    require_same_shape(X, Y, ("noisy", "clean"))
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"noisy must hold at least one pixel and one image, got {X.shape}")
    return X, Y


def _check_problem(W, noisy, clean) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X, Y = _check_data(noisy, clean)
    W = np.array(as_float_array(W, "W", ndim=2), dtype=np.float64, copy=True)
    if W.shape != (X.shape[0], X.shape[0]):
        raise ValueError(f"W must have shape (d, d) = {(X.shape[0],) * 2} to match noisy's "
                         f"{X.shape[0]} pixels, got {W.shape}")
    return require_finite(W, "W"), X, Y


def _require_count(n, name: str, minimum: int = 0) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {n!r}")


def _require_positive(x, name: str) -> None:
    if isinstance(x, bool) or not isinstance(x, int | float | np.floating | np.integer) or not (
        np.isfinite(x) and x > 0
    ):
        raise ValueError(f"{name} must be a positive finite number, got {x!r}")


if __name__ == "__main__":
    main()
