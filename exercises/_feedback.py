r"""Friendly checks for the public tests: each failure tells you what went wrong, where, and why.

Every check names its task (``"1.3"``) and what it checks, and on failure raises an
``AssertionError`` whose message looks like this::

    Task 1.3 log_sum_exp: overflow on large inputs.
      input  x = [1000. 1000.]
      yours  inf
      expected 1000.6931471805599
      hint   exp(1000) overflows a float64; what can you subtract from every x_i first?

A ``NotImplementedError`` raised by an unfinished stub passes through untouched, so the
test runner can report that task as "not started".

This file and `_symbolic.py` beside it need only numpy and sympy: they ship with the exercises.
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

__all__ = ["TaskCheckFailed", "check_answer", "check_close", "check_not_used", "check_raises",
           "check_symbolic", "check_true"]

_LABEL_WIDTH = 7  # "input  ", "yours  ", "hint   " line up; "expected " is one wider.


class TaskCheckFailed(AssertionError):
    """A public check failed; the message is meant for the learner, as is."""


# --------------------------------------------------------------------------- formatting


def _show(value: Any, limit: int = 600) -> str:
    """A short, readable rendering of a value (arrays without the ``array(...)`` noise)."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, threshold=40, edgeitems=3, max_line_width=88)
        if value.dtype.kind not in "biufcU":
            text += f"  (dtype {value.dtype})"
    elif isinstance(value, np.generic):
        text = str(value)
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = repr(value)
    if len(text) > limit:
        text = text[: limit - 5] + " ..."
    return text


def _line(label: str, text: str) -> str:
    head = f"  {label.ljust(_LABEL_WIDTH - 1)} "
    pad = " " * len(head)
    lines = text.splitlines() or [""]
    return "\n".join([head + lines[0], *(pad + rest for rest in lines[1:])])


def _message(
    task: str,
    what: str,
    *,
    inputs: Mapping[str, Any] | None = None,
    why: str | None = None,
    got: Any = None,
    show_got: bool = True,
    expected: Any = None,
    show_expected: bool = True,
    hint: str | None = None,
) -> str:
    parts = [f"Task {task} {what.rstrip('.')}."]
    for name, value in (inputs or {}).items():
        shown = _show(value).replace("\n", "\n" + " " * (len(str(name)) + 3))
        parts.append(_line("input", f"{name} = {shown}"))
    if why:
        parts.append(_line("why", why))
    if show_got:
        parts.append(_line("yours", got if isinstance(got, _Raw) else _show(got)))
    if show_expected:
        parts.append("  expected " + _show(expected).replace("\n", "\n" + " " * 11))
    if hint:
        parts.append(_line("hint", hint))
    return "\n".join(parts)


class _Raw(str):
    """Text shown as is in the 'yours' line."""


def _fail(task: str, what: str, **kwargs: Any) -> None:
    __tracebackhide__ = True
    raise TaskCheckFailed(_message(task, what, **kwargs))


def _not_started(task: str, what: str) -> None:
    __tracebackhide__ = True
    raise NotImplementedError(
        f"Task {task}: {what} - not started yet (a value is still `...`). "
        "Replace the `...` with your code."
    )


# --------------------------------------------------------------------------- check_close


def _as_numeric(value: Any) -> np.ndarray | None:
    """The value as a numeric array, or None when it is not numbers at all."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Number | np.generic):
        arr = np.asarray(value)
    elif isinstance(value, np.ndarray):
        arr = value
    elif isinstance(value, list | tuple):
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError):
            return None
    else:
        return None
    if arr.dtype.kind not in "iufc":
        return None
    return arr


def _type_problem(got: Any) -> str:
    if got is None:
        return "your function returned None; is a `return` statement missing?"
    name = type(got).__name__
    module = type(got).__module__.split(".")[0]
    if module == "sympy":
        return f"you returned a SymPy object ({name}); this task wants a number or numpy array"
    if isinstance(got, str):
        return "you returned a string; this task wants a number or numpy array"
    if isinstance(got, bool | np.bool_):
        return "you returned a bool (True/False); this task wants a number or numpy array"
    if isinstance(got, np.ndarray):
        return f"your array has dtype {got.dtype}; this task wants numbers"
    return f"you returned a {name}; this task wants a number or numpy array"


def check_close(
    task: str,
    what: str,
    got: Any,
    expected: Any,
    *,
    inputs: Mapping[str, Any] | None = None,
    hint: str,
    rtol: float = 1e-7,
    atol: float = 1e-10,
) -> None:
    r"""Check a numeric answer: its type, its shape, NaN/inf, then :math:`|g - e| \le atol + rtol|e|`.

    Args:
        task: the task ID, e.g. ``"1.3"``.
        what: what is being checked, e.g. ``"log_sum_exp: overflow on large inputs"``.
        got: the learner's value (a number or a numpy array).
        expected: the reference value (a number or an array-like).
        inputs: the inputs to show in the message, by name.
        hint: one sentence that nudges towards the fix.
        rtol, atol: relative and absolute tolerance, elementwise.
    """
    __tracebackhide__ = True
    if got is Ellipsis:
        _not_started(task, what)
    exp = np.asarray(expected)
    ctx = {"inputs": inputs, "hint": hint, "expected": expected}
    arr = _as_numeric(got)
    if arr is None:
        _fail(task, what, why=_type_problem(got), got=got, **ctx)
    if arr.shape != exp.shape:
        why = f"your answer has shape {arr.shape}; expected shape {exp.shape}"
        _fail(task, what, why=why, got=got, **ctx)
    if arr.dtype.kind == "c" and exp.dtype.kind != "c":
        _fail(task, what, why="your answer is complex; expected real numbers", got=got, **ctx)
    arr_f = arr.astype(np.complex128 if arr.dtype.kind == "c" else np.float64)
    exp_f = exp.astype(np.complex128 if exp.dtype.kind == "c" else np.float64)
    for bad, word in ((np.isnan, "nan"), (np.isposinf, "inf"), (np.isneginf, "-inf")):
        if arr_f.dtype.kind == "c":
            mask_got = bad(arr_f.real) | bad(arr_f.imag)
            mask_exp = bad(exp_f.real) | bad(exp_f.imag)
        else:
            mask_got, mask_exp = bad(arr_f), bad(exp_f)
        wrong = mask_got & ~mask_exp
        if np.any(wrong):
            where = "" if arr.ndim == 0 else f" at index {_index(np.argwhere(wrong)[0])}"
            _fail(task, what, why=f"your answer is {word}{where}", got=got, **ctx)
    close = np.isclose(arr_f, exp_f, rtol=rtol, atol=atol, equal_nan=True)
    if not np.all(close):
        why = None
        if arr.ndim > 0:
            diff = np.where(close, 0.0, np.abs(arr_f - exp_f))
            diff = np.where(np.isnan(diff), np.inf, diff)
            worst = np.unravel_index(int(np.argmax(diff)), diff.shape)
            n_bad = int(np.size(close) - np.count_nonzero(close))
            why = (
                f"{n_bad} of {close.size} entries differ; the largest difference is at index "
                f"{_index(worst)}: yours {_show(arr[worst])}, expected {_show(exp[worst])}"
            )
        _fail(task, what, why=why, got=got, **ctx)


def _index(idx: Any) -> str:
    items = tuple(int(i) for i in np.atleast_1d(idx))
    return str(items[0]) if len(items) == 1 else str(items)


# --------------------------------------------------------------------------- check_true


def check_true(
    task: str,
    what: str,
    condition: Any,
    *,
    inputs: Mapping[str, Any] | None = None,
    got: Any = None,
    hint: str,
) -> None:
    """Check that a property holds (``condition`` is truthy; for an array: every entry).

    Args:
        task: the task ID, e.g. ``"2.4"``.
        what: the property, e.g. ``"det: swapping two rows flips the sign"``.
        condition: the property's truth value.
        inputs: the inputs to show in the message, by name.
        got: the learner's value to show in the message (optional).
        hint: one sentence that nudges towards the fix.
    """
    __tracebackhide__ = True
    if got is Ellipsis:
        _not_started(task, what)
    ok = bool(np.all(condition)) if isinstance(condition, np.ndarray) else bool(condition)
    if not ok:
        _fail(task, what, inputs=inputs, got=got, show_got=got is not None,
              show_expected=False, hint=hint)


# --------------------------------------------------------------------------- check_raises


def check_raises(
    task: str,
    what: str,
    func: Callable[..., Any],
    *args: Any,
    exc: type[BaseException] | tuple[type[BaseException], ...] = (ValueError, TypeError),
    hint: str,
    **kwargs: Any,
) -> None:
    """Check that ``func(*args, **kwargs)`` rejects bad input by raising ``exc``.

    Args:
        task: the task ID.
        what: what bad input this is, e.g. ``"det: a non-square matrix is rejected"``.
        func: the learner's function.
        args, kwargs: the bad input.
        exc: the accepted exception type(s).
        hint: one sentence that nudges towards the fix.
    """
    __tracebackhide__ = True
    wanted = exc if isinstance(exc, tuple) else (exc,)
    names = " or ".join(e.__name__ for e in wanted)
    shown = {f"arg{i}": a for i, a in enumerate(args)} | dict(kwargs)
    try:
        result = func(*args, **kwargs)
    except wanted:
        return
    except NotImplementedError:
        raise
    except Exception as err:  # the learner's code failed in another way: say how
        _fail(task, what, inputs=shown, why=f"expected {names}",
              got=_Raw(f"raised {type(err).__name__}: {err}"), show_expected=False, hint=hint)
    _fail(task, what, inputs=shown, why=f"expected {names}",
          got=_Raw(f"returned {_show(result)} without raising"), show_expected=False, hint=hint)


# --------------------------------------------------------------------------- check_symbolic


def _symbolic_engine() -> Any:
    """The equivalence checker in ``_symbolic.py`` beside this file (imported on first use)."""
    try:
        import _symbolic
    except ModuleNotFoundError:  # this file was loaded by path, not from its folder
        import importlib.util
        from pathlib import Path

        spec = importlib.util.spec_from_file_location(
            "_symbolic", Path(__file__).with_name("_symbolic.py"))
        _symbolic = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_symbolic)
    return _symbolic


def check_symbolic(
    task: str,
    what: str,
    got_expr: Any,
    expected_expr: Any,
    *,
    variables: Mapping[Any, Any],
    hint: str,
) -> None:
    r"""Check that a SymPy expression equals the expected one, by evaluating both at random points.

    Each variable is drawn from its domain: ``"real"`` (-3, 3), ``"positive"`` (0.1, 4),
    ``"unit"`` (0, 1), ``"nonzero"``, or a ``(low, high)`` tuple. Points where the expected
    expression is undefined are skipped. A mismatch in float precision is rechecked with
    50 significant digits (mpmath, through ``evalf``) before it counts, so cancellation
    cannot cause a false rejection. Matrices are compared entry by entry. The expected
    expression is never shown: for a derivative it would be the answer.

    Args:
        task: the task ID.
        what: what is checked, e.g. ``"d/dx of sin(x^2)"``.
        got_expr: the learner's SymPy expression (or Matrix).
        expected_expr: the reference SymPy expression (or Matrix).
        variables: ``{symbol: domain}`` for every free symbol.
        hint: one sentence that nudges towards the fix.
    """
    __tracebackhide__ = True
    if got_expr is Ellipsis:
        _not_started(task, what)
    seed = int.from_bytes(hashlib.sha256(f"{task}|{what}".encode()).digest()[:8], "little")
    why = _symbolic_engine().mismatch(got_expr, expected_expr, variables, seed=seed)
    if why is not None:
        _fail(task, what, why=why, got=got_expr, show_expected=False, hint=hint)


# --------------------------------------------------------------------------- check_not_used


def _forbidden_engine() -> Any:
    """The grader's own scanner for forbidden calls: ``_forbidden.py`` beside this file in the
    learner bundle (a copy of ``grader/judge/forbidden.py``), else the course repository's."""
    import importlib.util
    import sys
    from pathlib import Path

    copy = Path(__file__).with_name("_forbidden.py")
    if copy.is_file():
        if "_forbidden" not in sys.modules:
            spec = importlib.util.spec_from_file_location("_forbidden", copy)
            module = importlib.util.module_from_spec(spec)
            sys.modules["_forbidden"] = module  # dataclasses look their module up there
            spec.loader.exec_module(module)
        return sys.modules["_forbidden"]
    from grader.judge import forbidden  # in the course repository

    return forbidden


def _source_of(module: Any) -> tuple[str, Callable[[int], str]]:
    """The module's code as the grader reads it, and how to name one of its lines.

    A ``.py`` file is one module; a notebook is its code cells in order (a cell that does not
    parse is left out, as the grader skips it), its lines named by cell.
    """
    import ast
    import json
    from pathlib import Path

    path = Path(module.__file__)
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return text, lambda line: f"line {line}"
    parts: list[str] = []
    starts: list[tuple[int, int]] = []  # (first line in the joined code, cell number)
    number = 0
    for cell in json.loads(text).get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        number += 1
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        source = "\n".join("pass" if ln.lstrip().startswith(("%", "!")) else ln
                           for ln in source.splitlines())
        try:
            ast.parse(source)
        except SyntaxError:
            continue
        starts.append((sum(p.count("\n") + 1 for p in parts) + 1, number))
        parts.append(source)

    def where(line: int) -> str:
        first, cell = max((s for s in starts if s[0] <= line), default=(1, 1))
        return f"cell {cell}, line {line - first + 1}"

    return "\n".join(parts), where


def check_not_used(task: str, module: Any, *, forbid: tuple[str, ...],
                   functions: tuple[str, ...]) -> None:
    """Check that the task's functions, and what they call in your file, use none of ``forbid``.

    The same declaration and the same scanner as the grader's hidden tests: a name counts
    where Python would resolve it to the forbidden function (``np.linalg.det``,
    ``from numpy.linalg import det``), not a local variable that happens to share its name.
    A task whose function is still the stub is "not started".
    """
    __tracebackhide__ = True
    import ast

    source, where = _source_of(module)
    tree = ast.parse(source)
    stub = f"Task {task}:"
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in functions:
            for inner in ast.walk(node):
                if (isinstance(inner, ast.Raise) and isinstance(inner.exc, ast.Call)
                        and getattr(inner.exc.func, "id", None) == "NotImplementedError"
                        and inner.exc.args and isinstance(inner.exc.args[0], ast.Constant)
                        and str(inner.exc.args[0].value).startswith(stub)):
                    raise NotImplementedError(inner.exc.args[0].value)
    engine = _forbidden_engine()
    uses = engine.find_task_uses(tree, tuple(forbid), tuple(functions))
    if uses:
        use = uses[0]
        place = where(use.line) + (f", in {use.via}" if use.via else "")
        _fail(task, f"{use.function or functions[0]}: uses {use.name} ({place}), which this "
              "task forbids", show_got=False, show_expected=False,
              hint="the task's text says which calls are off limits: the point is to write "
                   "that step yourself.")


# --------------------------------------------------------------------------- check_answer


def _normalised(answer: Any) -> str | None:
    """A short answer as the fingerprint reads it: a whole number, or a lower-case letter."""
    if isinstance(answer, bool | np.bool_):
        return None
    if isinstance(answer, str):
        return answer.strip().strip("()").strip().lower()
    if isinstance(answer, numbers.Number | np.generic):
        value = float(answer)
        return str(int(value)) if np.isfinite(value) and value == int(value) else repr(value)
    return None


def check_answer(question: str, answer: Any, fingerprint: str) -> None:
    """Check a 'think it over' answer against the fingerprint of the right one (not graded).

    An answer still ``...`` is skipped ("not answered yet").
    """
    __tracebackhide__ = True
    import pytest

    if answer is Ellipsis:
        pytest.skip(f"Question {question}: not answered yet")
    shown = _normalised(answer)
    digest = hashlib.sha256(f"{question}:{shown}".encode()).hexdigest()[:16]
    if shown is None or digest != fingerprint:
        raise TaskCheckFailed(
            f"Question {question}: {answer!r} is not it yet.\n"
            + _line("hint", "answer with a whole number or the letter of one choice; read "
                            "the text above the question again. (Not graded.)"))
