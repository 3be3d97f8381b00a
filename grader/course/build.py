r"""Turn ``solutions/`` into ``exercises/``: each solution region becomes a stub naming its task.

The grammar is nbgrader's, for plain ``.py`` files, indentation kept::

    def log_sum_exp(x, axis=None):
        r\"\"\"docstring stays in the exercise\"\"\"
        # BEGIN SOLUTION            (or: # BEGIN SOLUTION 1.3, naming the task explicitly)
        m = ...
        # END SOLUTION

becomes::

    def log_sum_exp(x, axis=None):
        r\"\"\"docstring stays in the exercise\"\"\"
        raise NotImplementedError("Task 1.3: A stable log-sum-exp - not started yet. ...")

A one-line form is also understood. ``rate = 0.1  # SOLUTION`` (an assignment) becomes
``rate = ...  # YOUR CODE HERE (Task 1.3)``; any other statement ending in ``# SOLUTION``
becomes the ``raise`` line above, at the statement's indentation.

A region belongs to the nearest task header above it. Nested or unterminated regions, an END
without a BEGIN, a region with no task header above it, a declared task without a region, a
duplicate or malformed task header, and a task whose number is not the exercise's are errors
that name the file and line. Everything is checked before anything is written, and each file
is written atomically, so a failed build leaves ``exercises/`` as it was.
"""

from __future__ import annotations

import ast
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.tasks import (
    EXERCISE_FILE,
    TASK_HEADER_LIKE,
    Task,
    exercise_files,
    exercise_number,
    parse_header,
)

BEGIN = re.compile(r"^(?P<indent>[ \t]*)#+[ \t]*BEGIN SOLUTION(?:[ \t]+(?P<task>\S+))?[ \t]*$")
END = re.compile(r"^[ \t]*#+[ \t]*END SOLUTION[ \t]*$")
ONE_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<code>[^#\s].*?)[ \t]*#[ \t]*SOLUTION[ \t]*$")
ANY_MARKER = re.compile(r"#.*\b(BEGIN|END)[ \t]+SOLUTION")
TASK_ID = re.compile(r"^\d+\.\d+$")


@dataclass(frozen=True)
class BuildError:
    """One problem in one solution file, at one line (1-based)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class BuildFailed(Exception):
    """The build found errors; nothing was written."""

    def __init__(self, errors: list[BuildError]):
        self.errors = sorted(errors, key=lambda e: (e.path, e.line))
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class Converted:
    """A converted exercise: its text, its tasks, and its solution regions (1-based lines)."""

    name: str
    text: str
    tasks: list[Task]
    regions: list[tuple[str, int, int]] = field(default_factory=list)  # (task, begin, end)


def stub_message(task: Task) -> str:
    """The message of a task's stub: ``Task 1.3: <title> - not started yet. ...``."""
    return f"Task {task.id}: {task.title} - not started yet. Replace this line with your code."


def _literal(text: str) -> str:
    """A double-quoted Python string literal for ``text``."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def stub_line(task: Task, indent: str, newline: str) -> str:
    return f"{indent}raise NotImplementedError({_literal(stub_message(task))}){newline}"


def _newline(line: str) -> str:
    return line[len(line.rstrip("\r\n")):] or "\n"


def _one_line_stub(code: str, indent: str, task: Task, newline: str) -> str | None:
    """The stub for ``code  # SOLUTION``, or None if ``code`` is not one whole statement."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    if len(tree.body) != 1:
        return None
    node = tree.body[0]
    if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
        target = code[: node.value.col_offset].rstrip()
        return f"{indent}{target} ...  # YOUR CODE HERE (Task {task.id}){newline}"
    return stub_line(task, indent, newline)


def convert(text: str, path: str | Path, reveal: frozenset[str] = frozenset()) -> Converted:
    """Convert one solution file's text into the exercise text.

    Args:
        text: the solution file's text (line endings are kept as they are).
        path: the file's path, used in error messages and for the exercise number.
        reveal: IDs of tasks whose solution stays in the text (a worked solution, shown
            after the deadline with ``mlmath build --release DIR --reveal 5.3``); only the
            marker lines go.
    Returns:
        the converted exercise.
    Raises:
        BuildFailed: listing every problem found, each with file and line.
    """
    shown = str(path)
    name = Path(path).stem
    number = exercise_number(Path(path).name)
    errors: list[BuildError] = []

    def error(line: int, message: str) -> None:
        errors.append(BuildError(shown, line, message))

    lines = text.splitlines(keepends=True)
    tasks: dict[str, Task] = {}
    for i, line in enumerate(lines, start=1):
        content = line.rstrip("\r\n")
        parsed = parse_header(content)
        if parsed:
            task_id, points, title = parsed
            if task_id in tasks:
                error(i, f"Task {task_id} is declared twice (first at line {tasks[task_id].line})")
                continue
            if number is not None and int(task_id.split(".")[0]) != number:
                error(i, f"Task {task_id} is declared in exercise {number:02d}; "
                      f"its number should start with {number}.")
            tasks[task_id] = Task(task_id, points, title, name, i)
        elif TASK_HEADER_LIKE.match(content):
            error(i, "malformed task header; write it exactly as "
                  "'# ### Task 1.3 (2 points): Title'")

    out: list[str] = []
    regions: list[tuple[str, int, int]] = []
    current: Task | None = None
    open_at: int | None = None
    open_task: Task | None = None
    open_indent = ""
    open_newline = "\n"
    kept: list[str] = []
    for i, line in enumerate(lines, start=1):
        content = line.rstrip("\r\n")
        if parse_header(content):
            if open_at is not None:
                error(i, f"task header inside the solution region opened at line {open_at}")
            current = tasks.get(parse_header(content)[0], current)
        begin, end = BEGIN.match(content), END.match(content)
        if begin:
            if open_at is not None:
                error(i, f"nested solution region: BEGIN SOLUTION inside the region opened at "
                      f"line {open_at} (regions cannot be nested)")
                continue
            explicit = begin.group("task")
            owner = current
            if explicit is not None:
                if not TASK_ID.match(explicit):
                    error(i, f"'# BEGIN SOLUTION {explicit}': after BEGIN SOLUTION "
                          "write nothing or a task ID such as 1.3")
                owner = tasks.get(explicit)
                if owner is None and TASK_ID.match(explicit):
                    error(i, f"solution region names Task {explicit}, which is not declared "
                          "in this file")
            elif owner is None:
                error(i, "solution region has no task header above it; declare the task "
                      "with '# ### Task N.M (P points): Title' first")
            open_at, open_task = i, owner
            open_indent, open_newline = begin.group("indent"), _newline(line)
            kept = []
            continue
        if end:
            if open_at is None:
                error(i, "END SOLUTION without a matching BEGIN SOLUTION")
                continue
            if open_task is not None:
                if open_task.id in reveal:
                    out.extend(kept)
                else:
                    out.append(stub_line(open_task, open_indent, open_newline))
                regions.append((open_task.id, open_at, i))
            open_at = open_task = None
            continue
        if ANY_MARKER.search(content):
            error(i, "malformed solution marker; write '# BEGIN SOLUTION' or "
                  "'# END SOLUTION' alone on its line")
            continue
        one = ONE_LINE.match(content)
        if one:
            if open_at is not None:
                error(i, f"one-line '# SOLUTION' inside the region opened at line {open_at}")
                continue
            if current is None:
                error(i, "'# SOLUTION' line has no task header above it")
                continue
            stub = _one_line_stub(one.group("code"), one.group("indent"), current, _newline(line))
            if stub is not None and current.id in reveal:
                stub = f"{one.group('indent')}{one.group('code')}{_newline(line)}"
            if stub is None:
                error(i, "'# SOLUTION' needs one whole statement on its line")
                continue
            out.append(stub)
            regions.append((current.id, i, i))
            continue
        if open_at is None:
            out.append(line)
        else:
            kept.append(line)
    if open_at is not None:
        error(open_at, "unterminated solution region: BEGIN SOLUTION without END SOLUTION")
    owned = {task_id for task_id, _, _ in regions}
    for task in tasks.values():
        if task.id not in owned:
            error(task.line, f"Task {task.id} has no solution region; every task needs at "
                  "least one '# BEGIN SOLUTION' / '# END SOLUTION'")
    if errors:
        raise BuildFailed(errors)
    return Converted(name, "".join(out), sorted(tasks.values(), key=lambda t: t.key), regions)


def build_tree(solutions: Path, *, shown_as: str | None = None,
               reveal: frozenset[str] = frozenset()) -> dict[str, Converted]:
    """Convert every ``exNN_*.py`` of ``solutions`` in memory.

    Args:
        solutions: the folder of solution files.
        shown_as: how to name that folder in error messages (default: the path as given).
        reveal: task IDs whose worked solution stays in the text (see :func:`convert`).
    Returns:
        ``{file name: converted}``.
    Raises:
        BuildFailed: with the errors of every file.
    """
    results: dict[str, Converted] = {}
    errors: list[BuildError] = []
    for path in exercise_files(solutions):
        shown = f"{shown_as}/{path.name}" if shown_as else str(path)
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as err:
            errors.append(BuildError(shown, 1, f"not valid UTF-8 ({err.reason})"))
            continue
        try:
            results[path.name] = convert(text, shown, reveal)
        except BuildFailed as failed:
            errors.extend(failed.errors)
    if errors:
        raise BuildFailed(errors)
    return results


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_notebook(text: str) -> str:
    """The ``.ipynb`` JSON of a percent-format ``.py`` file (jupytext), with a python3 kernel."""
    try:
        import jupytext
    except ImportError as err:  # pragma: no cover - jupytext is in the test extras
        raise RuntimeError("--notebooks needs jupytext: pip install jupytext") from err
    notebook = jupytext.reads(text, fmt="py:percent")
    notebook.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3", "language": "python",
    }
    notebook.metadata.pop("jupytext", None)
    return jupytext.writes(notebook, fmt="ipynb")


def planned_files(built: dict[str, Converted], notebooks: bool = False) -> dict[str, bytes]:
    """``{file name: bytes}`` of everything the build writes into ``exercises/``."""
    files = {name: conv.text.encode("utf-8") for name, conv in built.items()}
    if notebooks:
        for name, conv in built.items():
            files[name[:-3] + ".ipynb"] = to_notebook(conv.text).encode("utf-8")
    return files


def out_of_date(files: dict[str, bytes], exercises: Path) -> list[str]:
    """Names whose committed copy in ``exercises`` differs from the build (or is missing),
    plus generated-looking ``exNN_*.py`` files that no solution produces any more."""
    stale = [name for name, data in sorted(files.items())
             if not (exercises / name).is_file() or (exercises / name).read_bytes() != data]
    stale += [p.name for p in exercise_files(exercises) if p.name not in files]
    return stale


def write_files(files: dict[str, bytes], exercises: Path) -> list[str]:
    """Write the changed files atomically; return their names."""
    changed = []
    for name, data in sorted(files.items()):
        target = exercises / name
        if target.is_file() and target.read_bytes() == data:
            continue
        atomic_write(target, data)
        changed.append(name)
    return changed


def orphans(built: dict[str, Converted], exercises: Path) -> list[str]:
    """``exNN_*.py`` files in ``exercises`` that no solution produces (left alone)."""
    return [p.name for p in exercise_files(exercises) if p.name not in built]


__all__ = [
    "EXERCISE_FILE",
    "BuildError",
    "BuildFailed",
    "Converted",
    "atomic_write",
    "build_tree",
    "convert",
    "orphans",
    "out_of_date",
    "planned_files",
    "stub_message",
    "to_notebook",
    "write_files",
]
