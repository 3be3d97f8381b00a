"""The return-type and dtype policy of every hidden suite, in one place.

Learners return what their exercise's docstring documents, but Python gives them many ways to
write the same answer. The judge accepts every spelling that means the documented value and
names the one it cannot accept, instead of failing with "your answer did not pass":

- **one number** (a documented ``float``): a Python int or float, a numpy scalar or a 0-d
  array of an integer or real floating dtype. Not a bool, not a complex number, not an array
  with a dimension (shape ``(1,)`` is an array, not a number).
- **a fixed tuple** (a documented ``tuple (mu_hat, sigma_hat)``): a tuple, a list or a 1-d
  array of exactly that length; each item follows the rule of what it is documented to be.
- **an array**: a numpy array or a (nested) list of numbers, of the documented shape; its
  dtype an integer or real floating one (bool only where the task says so).
- **float32**: accepted wherever the task does not demand float64; a float32 answer is then
  compared with a relative tolerance of at least ``FLOAT32_RTOL`` (float32 keeps about 7
  digits), a float64 answer with the test's own tolerance. float16 is too coarse for any task.
- Tolerances are stated, never numpy's defaults: ``close`` uses ``atol=0`` unless the test
  gives one (``np.isclose``'s default ``atol=1e-8`` would swamp a stated ``rtol=1e-12`` for
  small values and pass a float32 answer in one task while another fails it).

A wrong type or dtype raises :class:`AnswerTypeError`, whose message says what came back and
what was expected ("returned dict of length 2, expected a tuple (mu_hat, sigma_hat)");
the judge shows it after the check's question. Nothing of the hidden inputs or expected values
is in it: only the type, dtype and shape of the learner's own answer and the documented form.

:data:`FRONT_MATTER` is the text the exercises state, so that learners read the same rule.
"""

from __future__ import annotations

import numbers

import numpy as np

FLOAT32_RTOL = 1e-5

FRONT_MATTER = """\
What your functions may return (the grader accepts every one of these):
- "a float" or "one number": a Python float or int, a numpy scalar (np.float64(2.0)) or a 0-d
  array. Not an array of shape (1,), not a bool.
- "a tuple (a, b)": a tuple, a list or a 1-d numpy array of exactly that many items.
- "an array of shape (n, k)": a numpy array or nested lists of numbers of that shape.
- float32 is fine unless a task asks for float64; it is compared to about 5 significant
  digits (float32 keeps about 7). float16 is too coarse. A wrong type, dtype or shape is
  reported as such: "returned dict of length 2, expected a tuple (mu_hat, sigma_hat)"."""


class AnswerTypeError(Exception):
    """The learner's answer is not of a documented form; ``message`` is learner-safe."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def describe(value) -> str:
    """What a returned value is, in a learner's words: its type, and its shape or length."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return f"a 0-d {value.dtype.name} array"
        return f"ndarray of shape {tuple(value.shape)} and dtype {value.dtype.name}"
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, list | tuple | dict):
        return f"{type(value).__name__} of length {len(value)}"
    if value is None:
        return "None"
    if isinstance(value, numbers.Number | str):
        return type(value).__name__
    return "a value of another type"


def _dtype_problem(dtype: np.dtype, *, float64: bool, allow_bool: bool = False) -> str | None:
    if dtype.kind == "b" and not allow_bool:
        return "bool values (True/False), not numbers"
    if dtype.kind == "c":
        return f"complex numbers ({dtype.name}), not real ones"
    if dtype.kind not in "biuf":
        return f"values of dtype {dtype.name}, not numbers"
    if dtype == np.float16:
        return "float16, which is too coarse: use float64 (or float32)"
    if float64 and dtype.kind == "f" and dtype != np.float64:
        return f"{dtype.name}, but this task asks for float64"
    return None


def scalar(got, what: str = "one number", *, float64: bool = False) -> float:
    """``got`` as a Python float if it is one number (see the module docstring)."""
    return float(_scalar(got, what, float64=float64)[0])


def _scalar(got, what: str, *, float64: bool) -> tuple[float, np.dtype]:
    if isinstance(got, bool) or not isinstance(got, int | float | np.ndarray | np.generic):
        raise AnswerTypeError(f"returned {describe(got)}, expected {what}")
    if isinstance(got, int | float):
        if isinstance(got, int) and abs(got) > 2**1023:
            raise AnswerTypeError(f"returned an int too large for a float, expected {what}")
        return float(got), np.dtype(np.float64)
    arr = np.asarray(got)
    if arr.ndim != 0:
        raise AnswerTypeError(f"returned {describe(arr)}, expected {what} (not an array)")
    problem = _dtype_problem(arr.dtype, float64=float64)
    if problem:
        raise AnswerTypeError(f"returned {problem} (expected {what})")
    return float(arr), arr.dtype


def fixed(got, names: tuple[str, ...]) -> list:
    """The items of a documented fixed-length tuple: a tuple, list or 1-d array of that length.

    Args:
        names: the documented items, for the message ("mu_hat", "sigma_hat").
    """
    form = f"a tuple ({', '.join(names)})"
    if isinstance(got, np.ndarray):
        if got.ndim != 1 or got.shape[0] != len(names):
            raise AnswerTypeError(f"returned {describe(got)}, expected {form}")
        problem = _dtype_problem(got.dtype, float64=False)
        if problem:
            raise AnswerTypeError(f"returned {problem} (expected {form})")
        return list(got[i] for i in range(len(names)))
    if not isinstance(got, tuple | list) or len(got) != len(names):
        raise AnswerTypeError(f"returned {describe(got)}, expected {form}")
    return list(got)


def array(got, shape: tuple[int, ...] | None = None, what: str = "an array", *,
          float64: bool = False, allow_bool: bool = False) -> np.ndarray:
    """``got`` as a numpy array of a numeric dtype (and of ``shape``, if given)."""
    if isinstance(got, list | tuple):
        try:
            arr = np.asarray(got)
        except (ValueError, TypeError):
            raise AnswerTypeError(f"returned a ragged {type(got).__name__}, expected "
                                  f"{what}") from None
    elif isinstance(got, np.ndarray | np.generic | int | float) and not isinstance(got, bool):
        arr = np.asarray(got)
    else:
        raise AnswerTypeError(f"returned {describe(got)}, expected {what}")
    problem = _dtype_problem(arr.dtype, float64=float64, allow_bool=allow_bool)
    if problem:
        raise AnswerTypeError(f"returned {problem} (expected {what})")
    if shape is not None and tuple(arr.shape) != tuple(shape):
        raise AnswerTypeError(f"returned an array of shape {tuple(arr.shape)}, expected "
                              f"{what} of shape {tuple(shape)}")
    return arr


def integers(got, shape: tuple[int, ...] | None = None, what: str = "an integer array"):
    """``got`` as an integer array: indices must be integers (np.intp, int64, ...)."""
    arr = array(got, shape, what)
    if arr.dtype.kind not in "iu":
        raise AnswerTypeError(f"returned {arr.dtype.name} values, expected {what} (indices "
                              "are integers: use an integer dtype)")
    return arr


def tolerance(arr: np.ndarray, rtol: float, *, float64: bool = False) -> float:
    """The relative tolerance the policy grants an answer of ``arr``'s dtype: ``rtol`` for
    float64 (and integers), at least ``FLOAT32_RTOL`` for float32 where it is allowed."""
    return _rtol_for(np.asarray(arr).dtype, rtol, float64)


def _rtol_for(dtype: np.dtype, rtol: float, float64: bool) -> float:
    if dtype == np.float32 and not float64:
        return max(rtol, FLOAT32_RTOL)
    return rtol


def close(got, expected, *, rtol: float, atol: float = 0.0, float64: bool = False,
          what: str | None = None) -> bool:
    """Whether ``got`` equals ``expected`` within the stated tolerance, dtype-aware.

    ``expected`` is the judge's float64 reference: a number or an array. ``got`` must have its
    form (one number for a number, an array of its shape for an array) or AnswerTypeError is
    raised. A float32 answer (where ``float64`` is False) is compared with
    ``rtol >= FLOAT32_RTOL`` and an absolute slack of ``FLOAT32_RTOL`` times the largest
    expected magnitude. Never numpy's default atol: ``atol`` is 0 unless stated.
    """
    expected = np.asarray(expected, dtype=np.float64)
    if expected.ndim == 0:
        value, dtype = _scalar(got, what or "one number", float64=float64)
        values = np.asarray(value)
    else:
        arr = array(got, expected.shape, what or "an array", float64=float64)
        dtype, values = arr.dtype, arr.astype(np.float64)
    rtol_ = _rtol_for(dtype, rtol, float64)
    if rtol_ != rtol:
        scale = float(np.max(np.abs(expected[np.isfinite(expected)]), initial=0.0))
        atol = max(atol, FLOAT32_RTOL * scale)
    return bool(np.all(np.isclose(values, expected, rtol=rtol_, atol=atol, equal_nan=False)
                       | ((values == expected) & np.isinf(expected))))
