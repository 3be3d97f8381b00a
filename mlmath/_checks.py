"""Input checks shared by every mlmath module.

Each check raises a ``ValueError`` or ``TypeError`` that names the argument and the
problem, so a learner sees "A must be square, got shape (2, 3)" instead of a numpy
traceback from three calls down.
"""

from __future__ import annotations

import numpy as np


def as_float_array(x, name: str, *, ndim: int | None = None) -> np.ndarray:
    """Return ``x`` as a float64 array, checking its type and, optionally, its ndim.

    Args:
        x: anything numpy can turn into a numeric array (list, tuple, scalar, array).
        name: the argument's name, used in error messages.
        ndim: if given, the number of dimensions ``x`` must have.
    Returns:
        float64 array with the same shape as ``x``.
    Raises:
        TypeError: ``x`` is not numeric (strings, objects, None).
        ValueError: ``x`` has the wrong number of dimensions.
    """
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as err:  # ragged lists and the like
        raise TypeError(f"{name} must be a numeric array; {err}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    return arr


def require_square(A, name: str = "A") -> np.ndarray:
    """Return ``A`` as a float64 (n, n) array, or raise a ValueError naming its shape."""
    arr = as_float_array(A, name)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {arr.shape}")
    return arr


def require_finite(x: np.ndarray, name: str) -> np.ndarray:
    """Return ``x`` unchanged, or raise a ValueError if it holds NaN or infinity."""
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite, but it contains NaN or infinity")
    return x


def require_probabilities(p, name: str = "p") -> np.ndarray:
    """Return ``p`` as float64, or raise a ValueError if any entry is outside [0, 1]."""
    arr = as_float_array(p, name)
    if np.any(np.isnan(arr)) or np.any(arr < 0.0) or np.any(arr > 1.0):
        bad = arr[~((arr >= 0.0) & (arr <= 1.0))].ravel()[:3]
        raise ValueError(f"{name} must be probabilities in [0, 1], got values such as {bad}")
    return arr


def require_same_shape(a: np.ndarray, b: np.ndarray, names: tuple[str, str]) -> None:
    """Raise a ValueError unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got {a.shape} and {b.shape}"
        )


def require_axis(x: np.ndarray, axis: int | None, name: str = "x") -> None:
    """Raise a ValueError unless ``axis`` is None or a valid axis of ``x``."""
    if axis is not None and not -x.ndim <= axis < max(x.ndim, 1):
        raise ValueError(f"axis {axis} is out of range for {name} with shape {x.shape}")
