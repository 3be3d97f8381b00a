"""The exercises and the reference library teach the same things under names a learner can
follow: every "In the reference library" line of an exercise names a task's own function and
a library function that exist, with the arguments listed in their real order, and says so
when the name or the arguments differ."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
from pathlib import Path

import pytest

from grader.course.tasks import exercise_files, parse_header

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = exercise_files(ROOT / "solutions")
LINE = re.compile(r"^# - Task (\d+\.\d+) `([\w.]+)\((.*?)\)`: `(mlmath\.[\w.]+)\((.*?)\)`"
                  r"(?: \((.+)\))?$")


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(f"_solution_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _resolve(root, dotted: str):
    value = root
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def _library(dotted: str):
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        return _resolve(module, ".".join(parts[cut:]))
    raise AssertionError(f"no module for {dotted}")


def _params(func) -> list[str]:
    return list(inspect.signature(func).parameters)


def _args(text: str) -> list[str]:
    return [a.strip() for a in text.split(",") if a.strip()]


def _task_of_line(path: Path) -> dict[str, str]:
    """``{function name: task ID}`` for the module-level functions after each task header."""
    text = path.read_text(encoding="utf-8")
    headers = [(i, parse_header(line)[0]) for i, line in enumerate(text.splitlines(), 1)
               if parse_header(line)]
    owner = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef):
            above = [task for line, task in headers if line < node.lineno]
            if above:
                owner[node.name] = above[-1]
    return owner


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_reference_counterparts_are_true(path):
    """Does each counterpart line name real functions, in the right task, with the listed
    arguments in their real order, and a note wherever the two differ?"""
    lines = [m for m in map(LINE.match, path.read_text(encoding="utf-8").splitlines()) if m]
    assert lines, f"{path.name} has no 'In the reference library' lines"
    module, owner = _module(path), _task_of_line(path)
    for match in lines:
        task, mine, my_args, library, lib_args, note = match.groups()
        func = _resolve(module, mine)
        assert _params(func)[:len(_args(my_args))] == _args(my_args), match.group(0)
        if "." not in mine:
            assert owner.get(mine) == task, f"{mine} is not in Task {task}'s section"
        theirs = _library(library)
        assert _params(theirs)[:len(_args(lib_args))] == _args(lib_args), match.group(0)
        a, b = _args(my_args), _args(lib_args)
        reordered = sorted(a) == sorted(b) and a != b  # (p, y) against (y, p)
        same = mine.split(".")[-1] == library.split(".")[-1] and len(a) == len(b) \
            and not reordered
        assert same or note, f"Task {task}: the name or the arguments differ; say how"


def test_running_the_value_class_cell_again_keeps_the_learners_methods():
    """In Jupyter, after Run All, does running the `class Value` cell again keep the methods
    the later cells attached (__mul__, tanh, backward), so a gradient still flows?"""
    import jupytext

    notebook = jupytext.read(ROOT / "solutions" / "ex04_chain_rule.py")
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    namespace = {"__name__": "ex04_in_a_kernel"}
    for cell in cells:
        exec(compile(cell, "cell", "exec"), namespace)
    exec(compile(next(c for c in cells if "\nclass Value:" in "\n" + c), "cell", "exec"),
         namespace)
    a, b = namespace["Value"](0.5), namespace["Value"](-1.5)
    out = (a * b).tanh()
    out.backward()
    assert a.grad == pytest.approx((1 - out.data**2) * -1.5)
    assert b.grad == pytest.approx((1 - out.data**2) * 0.5)
