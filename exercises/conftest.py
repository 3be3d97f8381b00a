"""pytest support for the public tests (ships with the exercises; needs only pytest).

- ``import ex01_logs`` imports YOUR exercise from this folder: ``ex01_logs.py`` if there is
  one, else the notebook ``ex01_logs.ipynb``, run cell by cell as the grader runs it (a cell
  that fails is skipped and named, the rest still loads). The course's own tests point the
  same public tests at another folder with the environment variable ``MLMATH_EXERCISE_DIR``.
- Every task header (``# ### Task 1.3 (2 points): ...``) becomes a pytest marker
  ``task_1_3``, so ``pytest -m task_1_3`` runs the tests of one task.
- The output is short: one line per task that needs you, its hint, and the table last.
  ``pytest -v`` adds every detail. A crash is shown like a wrong answer: the task, your own
  line, the error and a hint, without numpy's insides. An exercise that cannot be imported
  (a syntax error, say) is named once and the other exercises are still tested.
- Each test stops after ``mlmath_timeout`` seconds (pytest.ini; default 20), so an endless
  loop ends with a message naming its task.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import linecache
import os
import re
import signal
import sys
import threading
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
EXERCISE_DIR = Path(os.environ.get("MLMATH_EXERCISE_DIR") or HERE).resolve()

TASK_HEADER = re.compile(r"^(?:# )?#+ Task (\d+)\.(\d+) \((\d+) points?\): (.+)$")
EXERCISE_MODULE = re.compile(r"^ex\d\d_\w+$")
EXERCISE_SOURCE = re.compile(r"^(ex\d\d_\w+)\.(py|ipynb)(, cell \d+)?$")
NOT_STARTED = re.compile(r"^Task (\d+\.\d+):")
DEFAULT_TIMEOUT = 20.0

# Exercise modules come from EXERCISE_DIR; _feedback (and anything else) from here.
for _path in (str(HERE), str(EXERCISE_DIR)):
    if _path in sys.path:
        sys.path.remove(_path)
    sys.path.insert(0, _path)

# --------------------------------------------------------------------------- importing

NOTEBOOK_NOTES: dict[str, list[str]] = {}  # module name -> cells skipped while loading


def exercise_path(name: str, folder: Path = EXERCISE_DIR) -> Path | None:
    """``exNN_name.py`` if it exists, else ``exNN_name.ipynb`` (the grader's order), else None."""
    for suffix in (".py", ".ipynb"):
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def notebook_code_cells(path: Path) -> list[str]:
    """The code cells of a notebook, in order (plain JSON: no Jupyter needed)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in data.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            cells.append("".join(source) if isinstance(source, list) else str(source))
    return cells


def plain_python(cell: str) -> str:
    """IPython-only lines (``%matplotlib inline``, ``!pip ...``) do nothing, line numbers kept."""
    lines = cell.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        return "\n".join("pass" if i == 0 else f"# {ln}" for i, ln in enumerate(lines))
    out = []
    for line in lines:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        out.append(f"{indent}pass" if stripped.startswith(("%", "!")) else line)
    return "\n".join(out)


class NotebookLoader(importlib.abc.Loader):
    """Run a notebook's code cells one by one in the module, as the grader does."""

    def __init__(self, path: Path):
        self.path = path

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__file__ = str(self.path)
        notes = NOTEBOOK_NOTES.setdefault(module.__name__, [])
        notes.clear()
        for number, cell in enumerate(notebook_code_cells(self.path), start=1):
            filename = f"{self.path.name}, cell {number}"
            source = plain_python(cell)
            linecache.cache[filename] = (len(source), None,
                                         [ln + "\n" for ln in source.splitlines()], filename)
            try:
                code = compile(source, filename, "exec")
            except SyntaxError as err:
                notes.append(f"{filename} has a syntax error on its line {err.lineno} "
                             f"({err.msg}); that cell was skipped.")
                continue
            try:
                exec(code, module.__dict__)  # your own cell
            except Exception as err:
                notes.append(f"{filename} stopped with {type(err).__name__}: {err}; "
                             "the rest of that cell was skipped.")


class _ExerciseFinder:
    """Import ``exNN_*`` modules from EXERCISE_DIR (.py, else .ipynb), whatever is on sys.path."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if path is not None or not EXERCISE_MODULE.match(name):
            return None
        found = exercise_path(name)
        if found is None:
            raise ModuleNotFoundError(f"No file {name}.py or {name}.ipynb in {EXERCISE_DIR}",
                                      name=name)
        if found.suffix == ".py":
            return importlib.machinery.PathFinder.find_spec(name, [str(EXERCISE_DIR)])
        return importlib.machinery.ModuleSpec(name, NotebookLoader(found), origin=str(found))


sys.meta_path[:] = [f for f in sys.meta_path if getattr(f, "__name__", "") != "_ExerciseFinder"]
sys.meta_path.insert(0, _ExerciseFinder)


def header_lines(path: Path) -> list[str]:
    """The lines where task headers can be: the whole .py, or a notebook's markdown cells."""
    if path.suffix == ".py":
        return path.read_text(encoding="utf-8").splitlines()
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (ValueError, OSError, AttributeError):
        return []
    lines = []
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            lines += ("".join(source) if isinstance(source, list) else str(source)).splitlines()
    return lines


def exercise_names() -> list[str]:
    """Module names of the exercises in EXERCISE_DIR (and here), sorted."""
    names = set()
    for folder in dict.fromkeys((EXERCISE_DIR, HERE)):
        for path in folder.glob("ex[0-9][0-9]_*.*"):
            if EXERCISE_SOURCE.match(path.name):
                names.add(path.stem)
    return sorted(names)


def declared_tasks() -> dict[str, tuple[int, str, str]]:
    """``{"1.3": (points, title, exercise)}`` from the task headers of the exercises."""
    tasks: dict[str, tuple[int, str, str]] = {}
    for name in exercise_names():
        path = exercise_path(name) or exercise_path(name, HERE)
        for line in header_lines(path):
            match = TASK_HEADER.match(line.rstrip())
            if match:
                major, minor, points, title = match.groups()
                tasks.setdefault(f"{int(major)}.{int(minor)}", (int(points), title.strip(), name))
    return tasks


# --------------------------------------------------------------------------- messages


def _task_of(item) -> str | None:
    for mark in item.iter_markers():
        match = re.fullmatch(r"task_(\d+)_(\d+)", mark.name)
        if match:
            return f"{int(match.group(1))}.{int(match.group(2))}"
    return None


def _own_line(tb) -> tuple[str, str, str] | None:
    """``(place, function, code)`` of the innermost line of an exercise file in a traceback."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if EXERCISE_SOURCE.match(Path(filename).name) or EXERCISE_SOURCE.match(filename):
            lineno = tb.tb_lineno
            code = linecache.getline(filename, lineno).strip()
            found = (f"{Path(filename).name}, line {lineno}", tb.tb_frame.f_code.co_name, code)
        tb = tb.tb_next
    return found


CRASH_HINTS = {
    "ValueError": "often two shapes that do not fit: print the shapes just before that line.",
    "IndexError": "an index is past the end: check the range of your loop and the shapes.",
    "TypeError": "a value has a type you did not expect: print it, and type(it), before "
                 "that line.",
    "ZeroDivisionError": "something you divide by is 0 on this input; can that happen here?",
    "NameError": "a name is used before it is defined: a typo, or a cell you have not run?",
    "UnboundLocalError": "a variable is used before it gets a value on this path.",
    "AttributeError": "the object has no such attribute: a typo, or a function that is "
                      "missing because its cell did not run?",
    "KeyError": "the key is not in the dictionary: print the keys.",
    "RecursionError": "the function calls itself without end: is the base case reached?",
    "LinAlgError": "a matrix is singular or badly shaped here: check what you pass.",
}


class TaskTimeout(Exception):
    """A test ran out of time (an endless loop?)."""


def crash_text(task: str | None, excinfo, doc: str | None) -> str:
    """A crash in the learner's code, written like a wrong answer."""
    exc = excinfo.value
    name = type(exc).__name__
    own = _own_line(excinfo.tb)
    what = f"{own[1]} crashed" if own and own[1] != "<module>" else "crashed"
    if isinstance(exc, TaskTimeout):
        lines = [str(exc)]
    else:
        lines = [f"Task {task or '?'} {what}.", f"  error  {name}: {exc}".rstrip(": ")]
    if own:
        lines.append(f"  where  {own[0]}: {own[2]}" if own[2] else f"  where  {own[0]}")
    if doc:
        lines.append(f"  check  {doc.strip().splitlines()[0]}")
    hint = CRASH_HINTS.get(name)
    if isinstance(exc, TaskTimeout):
        hint = "a loop whose condition never becomes false? Print inside it to see."
    if hint:
        lines.append(f"  hint   {hint}")
    return "\n".join(lines)


def _one_line(text: str, limit: int = 110) -> str:
    """The what-line of a failure message, the error and your line if it crashed, the hint."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return "failed"
    first = re.sub(r"^Task \d+\.\d+:? ", "", lines[0])
    fields = {ln.split()[0]: ln[len(ln.split()[0]):].strip() for ln in lines[1:]
              if ln.split()[0] in ("error", "where", "hint")}
    parts = [first]
    if "error" in fields:
        error = fields["error"]
        parts.append(error if len(error) <= limit else error[: limit - 3] + "...")
    if "where" in fields:
        parts.append(f"({fields['where']})")
    if "hint" in fields:
        parts.append(f"Hint: {fields['hint']}")
    return " ".join(parts)


# --------------------------------------------------------------------------- hooks


def pytest_addoption(parser):
    parser.addini("mlmath_timeout", f"seconds per public test (default {DEFAULT_TIMEOUT:g})",
                  default=str(DEFAULT_TIMEOUT))


def pytest_configure(config):
    config._mlmath_tasks = declared_tasks()
    config._mlmath_status = {}
    config._mlmath_first = {}
    config.option.continue_on_collection_errors = True
    if config.option.verbose <= 0:  # details on demand: pytest -v
        config.option.tbstyle = "no"
        config.option.reportchars = ""
    config._mlmath_questions = {}
    config.addinivalue_line("markers", "reflection: a 'think it over' question (not graded)")
    for task, (points, title, _) in config._mlmath_tasks.items():
        marker = "task_" + task.replace(".", "_")
        config.addinivalue_line("markers", f"{marker}: Task {task} ({points} points): {title}")


def _timeout(config) -> float:
    try:
        return float(config.getini("mlmath_timeout"))
    except (ValueError, TypeError):
        return DEFAULT_TIMEOUT


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    seconds = _timeout(item.config)
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        return (yield)
    task = _task_of(item) or "?"

    def stop(signum, frame):
        raise TaskTimeout(f"Task {task}: stopped after {seconds:g} s; the test did not finish "
                          "(an endless loop?).")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return (yield)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if item.get_closest_marker("reflection") is not None:
        if call.when == "call" or report.skipped:
            exercise = re.sub(r"^test_|\.py$", "", Path(str(item.path)).name)
            counts = item.config._mlmath_questions.setdefault(exercise, [0, 0, 0])
            counts[0 if report.passed else 1 if report.failed else 2] += 1
            if report.failed and call.excinfo is not None:
                report.longrepr = str(call.excinfo.value)
        return report
    if call.when != "call" or call.excinfo is None or report.outcome != "failed":
        if call.when == "call" and report.outcome == "passed":
            _record(item, "passed")
        return report
    exc = call.excinfo.value
    task = _task_of(item)
    if isinstance(exc, NotImplementedError):
        match = NOT_STARTED.match(str(exc))
        if match and match.group(1) == task:
            report.longrepr = str(exc)
            report.mlmath_not_started = True
            _record(item, "not started")
            return report
    where = f"({item.location[0]}:{item.location[1] + 1})"
    if type(exc).__name__ == "TaskCheckFailed":
        text = str(exc)
    elif isinstance(exc, AssertionError) and str(exc).startswith("Task "):
        text = str(exc)
    else:
        text = crash_text(task, call.excinfo, getattr(item.obj, "__doc__", None))
    report.longrepr = f"{text}\n\n{where}"
    _record(item, "failed", text)
    return report


def pytest_report_teststatus(report, config):
    """A test of a task not started yet is counted as "not started", not as "failed" (it
    still makes pytest's exit status 1): the summary line reads "181 not started"."""
    if report.when == "call" and getattr(report, "mlmath_not_started", False):
        return "not started", "n", "NOT STARTED"
    return None


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """An exercise that cannot be imported: said once, in the learner's words, no frames."""
    report = yield
    name = Path(str(getattr(collector, "path", ""))).name
    match = re.match(r"^test_(ex\d\d_\w+)\.py$", name)
    if not report.failed or not match:
        return report
    exercise = match.group(1)
    text = report.longreprtext
    lines = [ln for ln in text.splitlines() if ln.strip()]
    error = next((ln[1:].strip() for ln in reversed(lines) if ln.startswith("E ")),
                 lines[-1].strip() if lines else "it could not be imported")
    place = re.findall(rf'File "[^"]*?({exercise}\.(?:py|ipynb)[^"]*)", line (\d+)', text)
    if not place:
        place = re.findall(rf"({exercise}\.py):(\d+)", text)
    at = f" at {place[-1][0]} line {place[-1][1]}" if place else ""
    _broken[exercise] = f"could not be imported{at}: {error}"
    report.longrepr = (f"{exercise}: {_broken[exercise]}\n  Fix that line first: this "
                       "exercise's tests cannot run until it imports; the others still do.")
    return report


_broken: dict[str, str] = {}


def _record(item, outcome: str, text: str | None = None) -> None:
    task = _task_of(item)
    if task is None:
        return
    status = item.config._mlmath_status
    if text is not None:
        item.config._mlmath_first.setdefault(task, text)
    previous = status.get(task)
    if previous is None:
        status[task] = outcome
    elif previous != outcome:
        # passed + not started: some functions of the task are done, some are not yet.
        status[task] = "failed" if "failed" in (previous, outcome) else "in progress"


def _key(task: str) -> tuple[int, ...]:
    return tuple(int(p) for p in task.split("."))


def table(config) -> list[str]:
    """The per-task table: one line per task that needs you, exercises all done or all
    untouched folded into one line."""
    status = getattr(config, "_mlmath_status", {})
    tasks = getattr(config, "_mlmath_tasks", {})
    first = getattr(config, "_mlmath_first", {})
    by_exercise: dict[str, list[str]] = {}
    for task, (_, _, exercise) in tasks.items():
        by_exercise.setdefault(exercise, []).append(task)
    questions = getattr(config, "_mlmath_questions", {})
    ran = {tasks[t][2] for t in status if t in tasks} | set(_broken) | set(questions)
    out = []
    passed = points = total_points = total = 0
    for exercise in sorted(by_exercise):
        if exercise not in ran:
            continue
        mine = sorted(by_exercise[exercise], key=_key)
        worth = sum(tasks[t][0] for t in mine)
        total += len(mine)
        total_points += worth
        if exercise in _broken:
            out.append(f"{exercise}: {_broken[exercise]}")
            out.append(f"  Fix that line first: its {len(mine)} tasks were not tested; "
                       "the other exercises were.")
            continue
        right, wrong, open_ = questions.get(exercise, (0, 0, 0))
        thought = (f"  think it over: {right} of {right + wrong + open_} answers right"
                   + (f", {open_} not answered" if open_ else "") + " (not graded)")
        if not any(t in status for t in mine):  # only its questions ran (pytest -m reflection)
            out += [f"{exercise}:", thought]
            continue
        states = [status.get(t, "no public tests") for t in mine]
        done = [t for t, s in zip(mine, states, strict=True) if s == "passed"]
        passed += len(done)
        points += sum(tasks[t][0] for t in done)
        if all(s == "not started" for s in states):
            out.append(f"{exercise}: not started ({len(mine)} tasks, {worth} points)")
            continue
        out.append(f"{exercise}: {len(done)} of {len(mine)} tasks pass")
        for task, state in zip(mine, states, strict=True):
            title = tasks[task][1]
            if state == "failed":
                out.append(f"  Task {task:<5} FAILED       {_one_line(first.get(task, title))}")
            elif state != "passed":
                out.append(f"  Task {task:<5} {state:<12} {title}")
        for note in NOTEBOOK_NOTES.get(exercise, []):
            out.append(f"  note: {note}")
        if right or wrong:
            out.append(thought)
    summary = (f"Public tests passed for {passed} of {total} tasks ({points} of {total_points} "
               "points). These are the public tests only: hidden tests run when your work "
               "is graded.")
    failing = sorted((t for t, s in status.items() if s == "failed"), key=_key)
    if failing and config.option.verbose <= 0:
        summary += (f" Every detail of one task: pytest -v -m task_{failing[0].replace('.', '_')}"
                    f" (Task {failing[0]}).")
    return [*out, summary]


def pytest_unconfigure(config):
    """The table comes last, after pytest's own summary line."""
    if not (getattr(config, "_mlmath_status", None) or _broken
            or getattr(config, "_mlmath_questions", None)):
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    reporter.write_sep("=", "your tasks (public tests)")
    for line in table(config):
        reporter.write_line(line)
