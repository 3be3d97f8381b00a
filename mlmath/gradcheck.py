r"""Finite-difference gradient checks: the referee for every hand-written derivative.

The central difference

.. math::

    \frac{\partial f}{\partial x_i} \approx \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}
    {2 \varepsilon}

has truncation error :math:`O(\varepsilon^2)` (the :math:`f''` terms of the two Taylor
expansions cancel, the :math:`f'''` terms do not), where the one-sided difference
:math:`(f(x + \varepsilon e_i) - f(x)) / \varepsilon` has :math:`O(\varepsilon)`.

Rounding pulls the other way: each evaluation of :math:`f` carries a relative error of about
the machine epsilon :math:`u \approx 1.1 \times 10^{-16}`, and dividing a difference of two
such values by :math:`2\varepsilon` magnifies it to about :math:`u |f| / \varepsilon`. The
total error :math:`C_3 \varepsilon^2 + u |f| / \varepsilon` is smallest near
:math:`\varepsilon \approx u^{1/3} \approx 5 \times 10^{-6}`, where both terms are around
:math:`10^{-10}` relative. Hence the default ``eps=1e-6`` and the habit of comparing with
:func:`relative_error` below about ``1e-6``, never with exact equality.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlmath._checks import as_float_array

__all__ = ["numerical_gradient", "relative_error"]


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    r"""Estimate :math:`\nabla f(x)` by central differences, one coordinate at a time.

    ``g[i] = (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every index ``i`` of ``x``:
    :math:`2 \cdot x\text{.size}` calls of ``f``. Truncation error is :math:`O(\varepsilon^2)`,
    rounding error :math:`O(u / \varepsilon)`; see the module docstring for the trade-off.

    ``f`` is called on a float64 array of x's shape whose entries are perturbed in place and
    restored; ``f`` must not keep a reference to it. The caller's ``x`` is never modified
    (the function works on a copy).

    Args:
        f: scalar function of an array of x's shape; its result must convert to a float.
        x: float64-convertible array of any shape (a scalar counts as shape ()).
        eps: step size, a positive finite float.
    Returns:
        float64 array of x's shape: the estimated gradient.
    Raises:
        ValueError: ``eps`` is not positive and finite, or ``f`` returns a non-scalar.
        TypeError: ``x`` is not numeric.
    """
    if not (np.isscalar(eps) and np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a positive finite float, got {eps!r}")
    point = np.array(as_float_array(x, "x"), dtype=np.float64, copy=True)
    grad = np.zeros_like(point)
    flat_point = point.reshape(-1)  # a view: writing into it moves `point`
    flat_grad = grad.reshape(-1)

    def evaluate() -> float:
        value = np.asarray(f(point))
        if value.size != 1:
            raise ValueError(f"f must return a scalar, got shape {value.shape}")
        return float(value.reshape(()))

    for i in range(flat_point.size):
        original = flat_point[i]
        flat_point[i] = original + eps
        f_plus = evaluate()
        flat_point[i] = original - eps
        f_minus = evaluate()
        flat_point[i] = original
        flat_grad[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a, b) -> float:
    r"""Return :math:`\max_i |a_i - b_i| / \max(\max_i (|a_i| + |b_i|), \text{tiny})`.

    Symmetric in ``a`` and ``b``, 0 when they are equal (including both zero), and at most 1.
    ``tiny`` is the smallest positive normal float64, so two zero gradients compare as 0
    instead of 0/0.

    Args:
        a, b: arrays (or scalars) of the same shape.
    Returns:
        the relative error, a float in [0, 1] (NaN if either holds NaN).
    Raises:
        ValueError: the shapes differ.
    """
    a_arr = as_float_array(a, "a")
    b_arr = as_float_array(b, "b")
    if a_arr.shape != b_arr.shape:
        raise ValueError(f"a and b must have the same shape, got {a_arr.shape} and {b_arr.shape}")
    if a_arr.size == 0:
        return 0.0
    numerator = np.max(np.abs(a_arr - b_arr))
    denominator = max(float(np.max(np.abs(a_arr) + np.abs(b_arr))), np.finfo(np.float64).tiny)
    return float(numerator / denominator)
