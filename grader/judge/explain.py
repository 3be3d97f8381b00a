"""Learner-safe messages for a failed call into student code.

Everything a sandbox sends back is written, or can be forged, by the student: a class
named after the hidden inputs, an exception message, even a whole fake error answer from a
replaced protocol handler. So a message here is built only from what the judge knows by
itself: the file and function it asked for, the test's own task, its own timeout and forbid
list, its own parse of the source, and names from fixed lists. A field from the sandbox is
shown only when it matches one of those; error kinds that only the judge produces (timeout,
crash) are not believed when the sandbox claims them.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from pathlib import Path

from grader.judge.api import StudentCodeError

JUDGE_ONLY = frozenset({"timeout", "submission_timeout", "crash", "protocol"})
BUILTIN_EXCEPTIONS = frozenset(
    name for name, obj in vars(builtins).items()
    if isinstance(obj, type) and issubclass(obj, BaseException))
SAFE_TYPE_NAMES = frozenset(
    [name for name, obj in vars(builtins).items() if isinstance(obj, type)]
    + ["function", "generator", "module", "method", "builtin_function_or_method", "NoneType",
       "MutableDenseMatrix", "ImmutableDenseMatrix", "numpy.matrix", "numpy.ma.MaskedArray"])


@dataclass(frozen=True)
class CallContext:
    """What the judge knows about the call that failed."""

    submission: Path
    module: str
    func: str | None      # None for a probe
    task: str             # the test's own task ID
    forbid: tuple[str, ...]
    timeout: float


def syntax_error(path: Path) -> tuple[int, str] | None:
    """(line, message) of the file's syntax error, found by parsing here (nothing runs)."""
    try:
        ast.parse(path.read_bytes(), filename=path.name)
    except SyntaxError as err:
        return int(err.lineno or 0), str(err.msg)[:100]
    except (ValueError, RecursionError, MemoryError, OSError):
        return None
    return None


def explain(error: dict, ctx: CallContext, *, from_sandbox: bool) -> StudentCodeError:
    """Turn an error answer into a StudentCodeError whose message is safe to show."""
    kind = str(error.get("kind", "protocol"))
    if from_sandbox and kind in JUDGE_ONLY:
        kind = "protocol"
    filename = f"{ctx.module}.py"
    what = f"`{ctx.func}`" if ctx.func else "your code"
    if kind == "not_started":
        return StudentCodeError(kind, f"Task {ctx.task} is not started yet (it still raises "
                                "NotImplementedError).", task=ctx.task)
    if kind == "missing" and ctx.func:
        return StudentCodeError(kind, f"{filename} has no function `{ctx.func}`: check its "
                                "name against the exercise.")
    if kind == "import":
        path = ctx.submission / filename
        if not path.is_file():
            return StudentCodeError("not_submitted",
                                    f"{filename} is not in your submission.")
        found = syntax_error(path)
        if found is not None:
            line, msg = found
            return StudentCodeError(kind, f"{filename} has a syntax error on line {line}: "
                                    f"{msg}.")
        return StudentCodeError(kind, f"{filename} could not be imported: it raised "
                                f"{_exception_name(error)}{_where(error, ctx)} while loading.")
    if kind == "forbidden":
        name = str(error.get("name", ""))
        shown = name if name in ctx.forbid else "a call"
        return StudentCodeError(kind, f"Task {ctx.task}: {what} uses {shown}, which this task "
                                "forbids: write it yourself.")
    if kind == "crash" and error.get("memory") is True:
        return StudentCodeError(kind, f"{what} used more memory than the sandbox allows, and "
                                "the Python process running it was stopped.")
    if kind == "unsupported":
        name = str(error.get("type_name", ""))
        shown = f" {name}" if name in SAFE_TYPE_NAMES else " (an object of a class your code " \
                                                             "defines?)"
        return StudentCodeError(kind, f"unsupported return type{shown}: return plain numbers, "
                                "lists, numpy arrays or SymPy expressions.")
    if kind == "exception":
        where = _where(error, ctx)
        if ctx.func is None and not where:  # a probe whose own code failed, not the learner's
            return StudentCodeError(kind, f"Task {ctx.task}: this check's own code raised "
                                    f"{_exception_name(error)} while reading what your code "
                                    "produced (is it of the documented form?).")
        return StudentCodeError(kind, f"Task {ctx.task}: {what} raised "
                                f"{_exception_name(error)}{where}.")
    messages = {
        "exit": f"{what} tried to exit the program (sys.exit or exit).",
        "crash": f"the Python process running {what} died (os._exit, a crash, or a limit).",
        "timeout": f"{what} took longer than {ctx.timeout:g} s. An infinite loop?",
        "submission_timeout": "your submission used up its total time limit before this check.",
    }
    return StudentCodeError(kind, messages.get(kind, "the sandbox sent a malformed answer."))


NOTEBOOK_HEADER = "# mlmath: a notebook's code cells, run one by one"  # see sandbox/child.py
CELL_MARK = "# %% mlmath cell "


def _where(error: dict, ctx: CallContext) -> str:
    """" on line N of FILE" (or "in cell K, line N") for the learner's own line of an error.

    The sandbox reports the innermost traceback frame in the learner's file; it is shown only
    if it names the file this call concerns and a line that file has (the judge reads the
    file itself), so a forged answer can say nothing but a line number of the learner's own.
    """
    line, filename = error.get("line"), f"{ctx.module}.py"
    if type(line) is not int or error.get("file") != filename or line < 1:
        return ""
    try:
        lines = (ctx.submission / filename).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, ValueError):
        return ""
    if line > len(lines):
        return ""
    if lines and lines[0].startswith(NOTEBOOK_HEADER):
        marks = [i for i, text in enumerate(lines[:line], start=1) if text.startswith(CELL_MARK)]
        if not marks:
            return ""
        cell = lines[marks[-1] - 1][len(CELL_MARK):].strip()
        if not cell.isdigit():
            return ""
        return f" in code cell {int(cell)} of {ctx.module}.ipynb, line {line - marks[-1]}"
    return f" on line {line} of {filename}"


def _exception_name(error: dict) -> str:
    name = str(error.get("type", ""))
    return name if name in BUILTIN_EXCEPTIONS else "an exception"
