r"""``mlmath check``: run the public tests of one exercise (or all) and print a table per task.

The tests run in a subprocess (pytest with :mod:`grader.check.check_plugin`), never in this
process: the grader does not import learner code. A task is

- **passed** when all its public tests pass,
- **not started** when its tests fail only with the stub's ``NotImplementedError`` naming
  that very task,
- **failed** otherwise (each failure is shown with the test's own learner-facing message),
- **no public tests** when nothing tests it publicly.

Exit status: 0 every public test passed; 1 some failed or are not started; 2 usage or setup
error (no exercises found, unknown exercise, pytest could not run).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.tasks import (
    PUBLIC_TEST_FILE,
    Task,
    exercise_files,
    find_repo_root,
    parse_tasks,
    public_test_files,
    read_tasks,
    task_key,
)

PASSED, FAILED, NOT_STARTED, NO_TESTS = "passed", "failed", "not started", "no public tests"
_STUB = re.compile(r"^Task (\d+\.\d+):")
_SHOWN_PER_TASK = 3


class SetupError(Exception):
    """The check cannot run (exit status 2)."""


_NOTEBOOK = re.compile(r"^ex(\d\d)_([A-Za-z0-9_]+)\.ipynb$")


def exercise_sources(folder: Path) -> list[Path]:
    """The exercises of a folder: ``exNN_name.py``, else ``exNN_name.ipynb`` (the file the
    public tests import and the grader grades), sorted by name."""
    found = {p.stem: p for p in exercise_files(folder)}
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and _NOTEBOOK.match(path.name):
                found.setdefault(path.stem, path)
    return [found[name] for name in sorted(found)]


def declared_tasks(folder: Path) -> list[Task]:
    """The tasks declared in a folder's exercises; a notebook's headers are in its markdown
    cells (``### Task 1.3 (2 points): ...``)."""
    tasks = read_tasks(folder)
    known = {t.exercise for t in tasks}
    for path in exercise_sources(folder):
        if path.suffix != ".ipynb" or path.stem in known:
            continue
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue
        lines = []
        for cell in cells:
            if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
                source = cell.get("source", "")
                source = "".join(source) if isinstance(source, list) else str(source)
                lines += ["# " + line for line in source.splitlines()]
        tasks += parse_tasks("\n".join(lines), path.stem)
    return sorted(tasks, key=lambda t: t.key)


@dataclass
class TestOutcome:
    nodeid: str
    file: str
    name: str
    task: str | None
    outcome: str  # passed, failed, error, skipped
    exc_type: str | None = None
    message: str | None = None
    where: str | None = None

    @property
    def not_started(self) -> bool:
        """Did this test fail on the stub of its own task?"""
        if self.exc_type != "NotImplementedError" or not self.message:
            return False
        match = _STUB.match(self.message)
        return bool(match) and match.group(1) == self.task


@dataclass
class TaskResult:
    id: str
    title: str
    points: int
    status: str
    failures: list[str] = field(default_factory=list)


@dataclass
class CheckReport:
    tasks: list[TaskResult]
    tests: list[TestOutcome]
    collect_errors: list[dict]
    pytest_status: int
    output: str

    @property
    def all_passed(self) -> bool:
        return (bool(self.tests) and not self.collect_errors
                and all(t.outcome in ("passed", "skipped") for t in self.tests))


# --------------------------------------------------------------------------- locating


def default_dir(cwd: Path | None = None) -> Path:
    """The folder to check: the current one if it holds exercises, else the repo's exercises/."""
    cwd = (cwd or Path.cwd()).resolve()
    if exercise_sources(cwd):
        return cwd
    root = find_repo_root(cwd)
    if root is not None and exercise_files(root / "exercises"):
        return root / "exercises"
    raise SetupError(f"no exercise files (exNN_*.py) in {cwd}; use --dir to name the folder")


def resolve_exercise(spec: str, folder: Path) -> list[str]:
    """Module names matching ``spec`` (``"3"``, ``"03"``, ``"ex03"``, ``"ex03_inner_products"``)."""
    names = [p.stem for p in exercise_sources(folder)]
    match = re.fullmatch(r"(?:ex)?0*(\d+)(?:_(\w+?))?(?:\.py)?", spec.strip())
    found = []
    if match:
        number, slug = int(match.group(1)), match.group(2)
        found = [n for n in names if int(n[2:4]) == number and (slug is None or n[5:] == slug)]
    if not found:
        choices = ", ".join(names) or "none"
        raise SetupError(f"no exercise {spec!r} in {folder} (exercises here: {choices})")
    return found


# --------------------------------------------------------------------------- running


def run_public_tests(
    test_dir: Path,
    exercises: list[str] | None = None,
    *,
    module_dir: Path | None = None,
    timeout: float | None = None,
) -> CheckReport:
    """Run the public tests in a pytest subprocess and collect per-test outcomes.

    Args:
        test_dir: folder holding ``test_exNN_*.py``, ``conftest.py`` and ``_feedback.py``.
        exercises: module names to test (default: every exercise with a test file).
        module_dir: folder to import the exercise modules from (``MLMATH_EXERCISE_DIR``);
            default: ``test_dir``.
        timeout: wall-clock limit in seconds for the whole run.
    Raises:
        SetupError: no tests to run, or pytest did not produce a report.
    """
    test_dir = test_dir.resolve()
    tests = [p for p in public_test_files(test_dir)
             if exercises is None or p.stem[len("test_"):] in exercises]
    if not tests:
        raise SetupError(f"no public tests (test_exNN_*.py) for {exercises or 'any exercise'} "
                         f"in {test_dir}")
    with tempfile.TemporaryDirectory(prefix="mlmath-check-") as tmp:
        report_path = Path(tmp) / "report.json"
        env = dict(os.environ)
        env.update({"MLMATH_CHECK_REPORT": str(report_path), "MPLBACKEND": "Agg",
                    "PYTHONDONTWRITEBYTECODE": "1"})
        env.pop("PYTEST_ADDOPTS", None)
        if module_dir is not None:
            env["MLMATH_EXERCISE_DIR"] = str(module_dir.resolve())
        else:
            env.pop("MLMATH_EXERCISE_DIR", None)
        command = [sys.executable, "-m", "pytest", "-p", "grader.check.check_plugin",
                   "-p", "no:cacheprovider", "--continue-on-collection-errors",
                   "-q", "--no-header", "-rN", *(p.name for p in tests)]
        try:
            done = subprocess.run(command, cwd=test_dir, env=env, capture_output=True,
                                  text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as err:
            raise SetupError(f"the public tests did not finish within {timeout:g} s "
                             "(an endless loop?)") from err
        output = done.stdout + done.stderr
        if not report_path.is_file():
            raise SetupError("pytest did not run the public tests:\n" + output[-3000:])
        data = json.loads(report_path.read_text(encoding="utf-8"))
    outcomes = [TestOutcome(**{k: t[k] for k in TestOutcome.__dataclass_fields__})
                for t in data["tests"]]
    declared = [t for t in declared_tasks(module_dir or test_dir)
                if exercises is None or t.exercise in exercises]
    if exercises is None:
        tested = {p.stem[len("test_"):] for p in tests}
        declared = [t for t in declared if t.exercise in tested]
    tasks = summarize(declared, outcomes, data["collect_errors"])
    return CheckReport(tasks, outcomes, data["collect_errors"], int(data["exitstatus"]), output)


def _failure_text(test: TestOutcome) -> str:
    if test.exc_type in ("TaskCheckFailed",) and test.message:
        text = test.message
    elif test.exc_type == "NotImplementedError" and test.message:
        text = test.message
    elif test.exc_type:
        text = f"{test.exc_type}: {test.message}".rstrip(": ")
        if test.where:
            text += f"\n  at {test.where}"
    else:
        text = (test.message or "failed").strip()
    return f"{text}\n  ({test.file}::{test.name})"


def summarize(declared: list[Task], tests: list[TestOutcome],
              collect_errors: list[dict]) -> list[TaskResult]:
    """One result per task: declared tasks, plus any task only seen on a marker."""
    by_task: dict[str, list[TestOutcome]] = {}
    for test in tests:
        if test.task is None and test.name.startswith("test_think_it_over["):
            continue  # a question to think over: not a task, not graded
        by_task.setdefault(test.task or "-", []).append(test)
    info = {t.id: (t.title, t.points, t.exercise) for t in declared}
    broken = {e["file"][len("test_"):-len(".py")]: e for e in collect_errors
              if PUBLIC_TEST_FILE.match(e["file"])}
    results = []
    for task_id in sorted(set(info) | set(by_task), key=lambda t: (t == "-", _key(t))):
        title, points, exercise = info.get(task_id, ("(no task marker)" if task_id == "-"
                                                     else "?", 0, None))
        mine = by_task.get(task_id, [])
        result = TaskResult(task_id, title, points, NO_TESTS)
        if exercise in broken:
            result.status = FAILED
            result.failures.append("The public tests could not be loaded:\n"
                                   + _tail(broken[exercise]["message"]))
        elif mine and all(t.outcome in ("passed", "skipped") for t in mine):
            result.status = PASSED
        elif mine and all(t.not_started for t in mine):
            result.status = NOT_STARTED
        elif mine:
            result.status = FAILED
            failed = [t for t in mine if t.outcome in ("failed", "error")]
            seen: list[str] = []
            for test in failed:
                text = _failure_text(test)
                if text not in seen:
                    seen.append(text)
            result.failures = seen[:_SHOWN_PER_TASK]
            if len(seen) > _SHOWN_PER_TASK:
                result.failures.append(f"... and {len(seen) - _SHOWN_PER_TASK} more")
        results.append(result)
    return results


def _key(task_id: str) -> tuple[int, int]:
    try:
        return task_key(task_id)
    except ValueError:
        return (10**6, 0)


def _tail(text: str, lines: int = 12) -> str:
    """The end of a collection error: where the import broke, not pytest's internals."""
    kept = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join("  " + line for line in kept[-lines:])


# --------------------------------------------------------------------------- reporting


def render(report: CheckReport, title: str) -> str:
    """The learner-facing text: a table per task, the failures, and a careful summary."""
    rows = [f"{title}", "", f"  {'task':<6}{'points':>6}  {'status':<16}title"]
    for task in report.tasks:
        status = "FAILED" if task.status == FAILED else task.status
        rows.append(f"  {task.id:<6}{task.points:>6}  {status:<16}{task.title}")
    failures = [t for t in report.tasks if t.failures]
    if failures:
        rows += ["", "What failed:"]
        for task in failures:
            for text in task.failures:
                rows += ["", text]
    real = [t for t in report.tasks if t.id != "-"]
    passed = [t for t in real if t.status == PASSED]
    counts = {s: sum(1 for t in real if t.status == s) for s in (FAILED, NOT_STARTED, NO_TESTS)}
    points = sum(t.points for t in passed), sum(t.points for t in real)
    rows.append("")
    line = (f"Public tests passed for {len(passed)} of {len(real)} tasks "
            f"({points[0]} of {points[1]} points)")
    details = [f"{n} {s}" for s, n in counts.items() if n]
    rows.append(line + (": " + ", ".join(details) + "." if details else "."))
    rows.append("These are the public tests only; hidden tests run when your work is graded, "
                "so passing them is a good sign, not a grade.")
    return "\n".join(rows)


def check(exercise: str | None = None, folder: Path | None = None, *,
          verbose: bool = False, timeout: float | None = None) -> int:
    """``mlmath check``: print the table and return the exit status (0, 1 or 2)."""
    try:
        folder = folder.resolve() if folder is not None else default_dir()
        if not folder.is_dir():
            raise SetupError(f"{folder} is not a folder")
        if not exercise_sources(folder):
            raise SetupError(f"no exercise files (exNN_*.py or .ipynb) in {folder}")
        names = resolve_exercise(exercise, folder) if exercise else None
        report = run_public_tests(folder, names, timeout=timeout)
    except SetupError as err:
        print(f"mlmath check: {err}", file=sys.stderr)
        return 2
    if verbose:
        print(report.output)
    what = ", ".join(names) if names else "all exercises"
    print(render(report, f"Public tests of {what} ({folder})"))
    return 0 if report.all_passed else 1
