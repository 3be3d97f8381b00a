"""Run the public tests of one task inside a notebook, with no pytest plugin.

This file ships with an nbgrader course written by ``mlmath nbgrader export``, beside the
notebooks, the public tests (``test_exNN_*.py``) and ``_feedback.py``. Each task has one
test cell, locked, that runs::

    from mlmath_public import check_task
    check_task("2.1", "ex02_determinants", globals())

``check_task`` reads the exercise's public test file, lets its ``import ex02_determinants``
see this notebook's functions, runs the tests marked ``task_2_1`` (``pytest.mark.parametrize``
and the ``tmp_path`` fixture are understood; pytest itself is optional) and prints what
happened. It raises when a test fails or the task is not started, so the cell shows an error
and ``nbgrader validate`` lists it. Passing here means the *public* tests passed: the hidden
tests run when your work is graded.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
__all__ = ["PublicTestsFailed", "check_task"]


class PublicTestsFailed(AssertionError):
    """Some public tests of a task failed; the message says which and why."""


# ----------------------------------------------------------------- pytest, when it is absent


class _Mark:
    """What ``pytest.mark.NAME`` and ``pytest.mark.NAME(args)`` record on a test function."""

    def __init__(self, name: str, args: tuple = (), kwargs: dict | None = None):
        self.name, self.args, self.kwargs = name, args, kwargs or {}

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            func = args[0]
            func.pytestmark = [*getattr(func, "pytestmark", []), self]
            return func
        return _Mark(self.name, args, kwargs)


class _MarkGenerator:
    def __getattr__(self, name: str) -> _Mark:
        return _Mark(name)


class _Param:
    """What ``pytest.param(*values, marks=..., id=...)`` gives: one case of a parametrize."""

    def __init__(self, values: tuple, marks, case_id: str | None):
        self.values, self.id = values, case_id
        self.marks = tuple(marks) if isinstance(marks, list | tuple) else (marks,)


def _param(*values, marks=(), id=None):
    return _Param(values, marks, id)


def _pytest_stand_in() -> types.ModuleType:
    module = types.ModuleType("pytest")
    module.mark = _MarkGenerator()
    module.param = _param
    return module


# ----------------------------------------------------------------- collecting the tests


def _marks(func) -> list:
    return list(getattr(func, "pytestmark", []))


def _argnames(spec) -> list[str]:
    if isinstance(spec, str):
        return [name.strip() for name in spec.split(",") if name.strip()]
    return list(spec)


def _cases(func) -> list[tuple[str, dict, set[str]]]:
    """``(id, arguments, mark names)`` of every parametrized case of ``func`` (one case if
    none); a ``pytest.param(..., marks=...)`` case carries its own marks."""
    cases: list[tuple[str, dict, set[str]]] = [("", {}, set())]
    for mark in reversed([m for m in _marks(func) if m.name == "parametrize"]):
        names = _argnames(mark.args[0] if mark.args else mark.kwargs["argnames"])
        values = list(mark.args[1] if len(mark.args) > 1 else mark.kwargs["argvalues"])
        ids = mark.kwargs.get("ids")
        expanded = []
        for i, value in enumerate(values):
            label, own = None, set()
            if hasattr(value, "values") and hasattr(value, "marks"):  # pytest.param(...)
                label, own = value.id, {getattr(m, "name", "") for m in value.marks}
                value = value.values if len(names) > 1 else value.values[0]
            args = dict(zip(names, value if len(names) > 1 else [value], strict=True))
            label = label or (ids[i] if isinstance(ids, list | tuple) else f"{names[0]}{i}")
            expanded.append((str(label), args, own))
        cases = [("-".join(p for p in (old_id, new_id) if p), {**old, **new}, old_m | new_m)
                 for (old_id, old, old_m), (new_id, new, new_m)
                 in itertools.product(cases, expanded)]
    return cases


def _load_tests(module: str, namespace: dict) -> dict:
    """Execute ``test_<module>.py`` with ``import <module>`` giving this notebook's names."""
    path = HERE / f"test_{module}.py"
    if not path.is_file():
        raise FileNotFoundError(f"{path.name} is missing: it should sit beside this notebook")
    notebook = types.ModuleType(module)
    notebook.__dict__.update({k: v for k, v in namespace.items() if not k.startswith("__")})
    saved_file = HERE / f"{module}.ipynb"  # what a check of the code itself reads (last save)
    notebook.__file__ = str(saved_file if saved_file.is_file() else HERE / f"{module}.py")
    saved = sys.modules.get(module)
    sys.modules[module] = notebook
    stand_in = False
    try:
        import pytest  # noqa: F401
    except ImportError:
        sys.modules["pytest"] = _pytest_stand_in()
        stand_in = True
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    tests = {"__name__": f"test_{module}", "__file__": str(path)}
    try:
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), tests)
    finally:
        if saved is None:
            sys.modules.pop(module, None)
        else:
            sys.modules[module] = saved
        if stand_in:
            sys.modules.pop("pytest", None)
    return tests


# ----------------------------------------------------------------- running them


def _run(func, args: dict) -> tuple[str, str]:
    """``(outcome, message)``: passed, failed or not started."""
    wanted = func.__code__.co_varnames[: func.__code__.co_argcount]
    with tempfile.TemporaryDirectory(prefix="mlmath-public-") as tmp:
        for name in wanted:
            if name == "tmp_path":
                args = {**args, "tmp_path": Path(tmp)}
            elif name not in args:
                return "failed", f"this test needs the pytest fixture {name!r}; run it with pytest."
        try:
            func(**args)
        except NotImplementedError as err:
            return "not started", str(err) or "the function still raises NotImplementedError."
        except AssertionError as err:
            return "failed", str(err) or "an assertion failed."
        except Exception as err:  # the learner's code raised: that is a failed test
            return "failed", f"your code raised {type(err).__name__}: {err}"
    return "passed", ""


def check_task(task: str, module: str, namespace: dict) -> None:
    """Run the public tests of ``task`` (``"2.1"``) against the notebook's ``namespace``.

    Prints one line per test that did not pass and a summary; raises PublicTestsFailed if a
    test failed, NotImplementedError if the task is not started yet.
    """
    marker = "task_" + task.replace(".", "_")
    tests = _load_tests(module, namespace)
    outcomes = []
    for name, func in tests.items():
        if not (name.startswith("test") and callable(func)):
            continue
        whole = any(m.name == marker for m in _marks(func))
        for case, args, own in _cases(func):
            if whole or marker in own:
                label = f"{name}[{case}]" if case else name
                outcomes.append((label, (func.__doc__ or "").strip(), *_run(func, args)))
    if not outcomes:
        print(f"Task {task}: no public tests.")
        return
    failed = [o for o in outcomes if o[2] == "failed"]
    waiting = [o for o in outcomes if o[2] == "not started"]
    for label, doc, outcome, message in failed + waiting:
        print(f"{outcome.upper()}: {label}" + (f"  ({doc})" if doc else ""))
        print("  " + message.replace("\n", "\n  ") + "\n")
    total = len(outcomes)
    if failed:
        raise PublicTestsFailed(f"Task {task}: {len(failed)} of {total} public tests failed "
                                "(see above).")
    if waiting:
        if len(waiting) == total:
            raise NotImplementedError(f"Task {task}: not started yet (your code still raises "
                                      "NotImplementedError).")
        raise NotImplementedError(f"Task {task}: {total - len(waiting)} of {total} public tests "
                                  "passed; the others reach code that is not written yet.")
    print(f"Task {task}: public tests passed ({total} of {total}). The hidden tests run when "
          "your work is graded.")
