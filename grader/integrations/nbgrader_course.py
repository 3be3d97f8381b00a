r"""``mlmath nbgrader export``: an nbgrader course written from the exercises.

    mlmath nbgrader export COURSE [--assignment ps1] [--exercises ex02,ex03] [--course-id ID]

For each chosen exercise, ``COURSE/source/<assignment>/<exercise>.ipynb`` is built from the
solution file (the percent format: ``# %%`` code cells, ``# %% [markdown]`` prose) with
nbgrader's cell metadata:

- a code cell holding a solution region is a *solution cell*; its ``# BEGIN SOLUTION`` /
  ``# END SOLUTION`` lines become nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION``, so
  ``nbgrader generate_assignment`` replaces each region by nbgrader's own stub
  (``# YOUR CODE HERE`` / ``raise NotImplementedError()``), indentation kept;
- every other cell (prose, given code, demos) is *locked*: read-only for the learner, and
  restored from the release when graded;
- after the last solution cell of each task comes one *autograded test cell* worth the task's
  points, which runs that task's public tests in the learner's kernel
  (``check_task("2.1", "ex02_determinants", globals())``, from ``mlmath_public.py``).

Beside the notebooks: the public tests of the chosen exercises, ``_feedback.py`` and the other
``_*.py`` helpers of ``exercises/``, ``_forbidden.py`` (the grader's forbidden-call scanner,
as in the learner bundle) and ``mlmath_public.py``. In ``COURSE``:
``nbgrader_config.py`` (written once, never overwritten: it is the instructor's) and
``mlmath_course.json``, which says which notebook of which assignment is which exercise and
which test cell grades which task. Grading reads that map, never guesses from file names.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.build import BEGIN, END, ONE_LINE, atomic_write, convert
from grader.course.tasks import Task, find_repo_root

COURSE_FILE = "mlmath_course.json"
COURSE_FORMAT = "mlmath-nbgrader-course/1"
CONFIG_FILE = "nbgrader_config.py"
HELPER = "mlmath_public.py"
ASSIGNMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
CELL_START = re.compile(r"^# %%")
SCHEMA_VERSION = 3
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
TEMPLATES = Path(__file__).resolve().parent / "templates"
SUPPORTED_FIXTURES = {"tmp_path"}  # what mlmath_public.py can give a public test

CONFIG_TEXT = '''\
"""nbgrader configuration of this course (first written by `mlmath nbgrader export`).

This file is yours: `mlmath nbgrader export` never overwrites it. mlmath reads
mlmath_course.json beside it: which notebook of which assignment is which exercise, and which
autograded test cell grades which task.

Grading: `mlmath grade COURSE --assignment NAME` grades `submitted/<student>/<assignment>/`
in mlmath's sandbox (no student code runs in nbgrader's kernel) and writes every task's score
into this course's gradebook and `autograded/`, so formgrader, `nbgrader export` and
`nbgrader generate_feedback` work as usual. Do not run `nbgrader autograde` on this
course: it would run the learners' code unsandboxed in your kernel and replace mlmath's
scores by the public tests' verdict. Late penalties: configure them here, e.g.
    c.LateSubmissionPlugin.penalty_method = "zero"
"""

c = get_config()  # noqa: F821 (nbgrader provides get_config)
c.CourseDirectory.course_id = {course_id!r}
'''


class ExportError(Exception):
    """The course cannot be written (a bad name, an exercise or test nbgrader cannot use)."""


@dataclass
class ExportedNotebook:
    """One exercise as an nbgrader notebook and the map grading needs."""

    module: str
    notebook: dict  # nbformat 4.5 JSON
    tasks: dict[str, dict] = field(default_factory=dict)  # task -> {grade_id, points, title}


# --------------------------------------------------------------------------- cells


def _metadata(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": SCHEMA_VERSION, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _cell(kind: str, source: str, grade_id: str, **meta) -> dict:
    cell = {"cell_type": kind, "id": grade_id, "metadata": _metadata(grade_id, **meta),
            "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def nbgrader_regions(source: str) -> str:
    """A solution cell's code with mlmath's region markers in nbgrader's spelling.

    ``# BEGIN SOLUTION`` (or ``# BEGIN SOLUTION 1.3``) and ``# END SOLUTION`` become
    ``### BEGIN SOLUTION`` / ``### END SOLUTION`` at the same indentation; a one-line
    ``statement  # SOLUTION`` becomes a region of its own around ``statement``.
    """
    out, inside = [], False
    for line in source.split("\n"):
        begin, end = BEGIN.match(line), END.match(line)
        if begin:
            out.append(begin.group("indent") + "### BEGIN SOLUTION")
            inside = True
        elif end:
            out.append(line[: len(line) - len(line.lstrip())] + "### END SOLUTION")
            inside = False
        elif not inside and (one := ONE_LINE.match(line)):
            indent = one.group("indent")
            out += [indent + "### BEGIN SOLUTION", indent + one.group("code"),
                    indent + "### END SOLUTION"]
        else:
            out.append(line)
    return "\n".join(out)


def test_cell_source(task: Task, module: str) -> str:
    """The code of a task's autograded test cell."""
    points = f"{task.points} point{'s' if task.points != 1 else ''}"
    return (f"# Task {task.id} ({points}): the public tests. Run this cell to check your "
            "work;\n# the hidden tests run when your work is graded.\n"
            "from mlmath_public import check_task\n\n"
            f'check_task("{task.id}", "{module}", globals())')


def exercise_notebook(text: str, path: Path) -> ExportedNotebook:
    """The nbgrader notebook of one solution file (its text and path).

    Raises ExportError when the file's cells cannot be told apart or a locked cell mentions
    a solution marker (nbgrader would refuse it); grader.course.build.BuildFailed for bad regions.
    """
    import jupytext

    module = Path(path).stem
    short = module[:4]
    converted = convert(text, path)
    tasks = {t.id: t for t in converted.tasks}
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines, start=1) if CELL_START.match(line)]
    notebook = jupytext.reads(text, fmt="py:percent")
    if not starts or starts[0] != 1 or len(starts) != len(notebook.cells):
        raise ExportError(f"{path}: every cell must start with a '# %%' line, the first on "
                          "line 1")
    owner: dict[int, list[str]] = {}  # cell index -> tasks with a region in it
    for task_id, begin, _ in converted.regions:
        index = bisect.bisect_right(starts, begin) - 1
        owner.setdefault(index, [])
        if task_id not in owner[index]:
            owner[index].append(task_id)
    last_cell = {task_id: max(i for i, ids in owner.items() if task_id in ids)
                 for task_id in tasks}
    cells, counters = [], {"prose": 0, "given": 0}
    exported = ExportedNotebook(module, {})
    for index, cell in enumerate(notebook.cells):
        source = cell.source
        if index in owner:
            first = owner[index][0]
            grade_id = f"{short}-{tasks[first].marker}-answer"
            n = sum(1 for c in cells if c["id"].startswith(grade_id))
            grade_id += f"-{n + 1}" if n else ""
            cells.append(_cell("code", nbgrader_regions(source), grade_id, solution=True))
        else:
            if "BEGIN SOLUTION" in source or "END SOLUTION" in source:
                raise ExportError(f"{path}: cell {index + 1} mentions a solution marker outside "
                                  "a solution region; nbgrader would refuse the notebook")
            kind = "markdown" if cell.cell_type == "markdown" else "code"
            word = "prose" if kind == "markdown" else "given"
            counters[word] += 1
            cells.append(_cell(kind, source, f"{short}-{word}-{counters[word]:02d}",
                               locked=True))
        for task_id in sorted((t for t, i in last_cell.items() if i == index),
                              key=lambda t: tasks[t].key):
            task = tasks[task_id]
            grade_id = f"{short}-{task.marker}-tests"
            cells.append(_cell("code", test_cell_source(task, module), grade_id, grade=True,
                               locked=True, points=task.points))
            exported.tasks[task_id] = {"grade_id": grade_id, "points": task.points,
                                       "title": task.title}
    exported.notebook = {
        "cells": cells,
        "metadata": {"kernelspec": dict(KERNELSPEC),
                     "language_info": {"name": "python", "file_extension": ".py"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    return exported


# --------------------------------------------------------------------------- public tests


def _parametrized_names(decorator: object) -> set[str]:
    import ast

    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "parametrize" and decorator.args):
        return set()
    first = decorator.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return {n.strip() for n in first.value.split(",") if n.strip()}
    if isinstance(first, ast.Tuple | ast.List):
        return {e.value for e in first.elts if isinstance(e, ast.Constant)}
    return set()


def check_public_tests(path: Path) -> None:
    """ExportError if a public test needs a pytest fixture that a notebook cannot give it."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            given = set().union(*(_parametrized_names(d) for d in node.decorator_list))
            needs = {a.arg for a in node.args.args} - given - SUPPORTED_FIXTURES
            if needs:
                raise ExportError(f"{path.name}::{node.name} needs the pytest fixture(s) "
                                  f"{', '.join(sorted(needs))}; a notebook test cell can give "
                                  f"only parametrize arguments and {', '.join(SUPPORTED_FIXTURES)}")


# --------------------------------------------------------------------------- the course map


def load_course(course_dir: Path) -> dict:
    """``mlmath_course.json`` of a course (an empty map if there is none yet)."""
    path = Path(course_dir) / COURSE_FILE
    if not path.is_file():
        return {"format": COURSE_FORMAT, "assignments": {}}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != COURSE_FORMAT:
        raise ExportError(f"{path} is not an mlmath course map ({COURSE_FORMAT})")
    return data


def assignment_map(course_dir: Path, assignment: str) -> dict[str, dict]:
    """``{notebook name: {module, tasks: {task: {grade_id, points, title}}}}`` of an assignment.

    Raises FileNotFoundError when the course has no such assignment (not exported by mlmath).
    """
    assignments = load_course(course_dir)["assignments"]
    if assignment not in assignments:
        known = ", ".join(sorted(assignments)) or "none"
        raise FileNotFoundError(f"{Path(course_dir) / COURSE_FILE} has no assignment "
                                f"{assignment!r} (exported assignments: {known}); run "
                                f"`mlmath nbgrader export {course_dir} --assignment "
                                f"{assignment}` first")
    return assignments[assignment]["notebooks"]


def assignment_exercises(course_dir: Path, assignment: str) -> list[str]:
    """The exercise modules of an assignment, in order (``["ex02_determinants", ...]``)."""
    return sorted({nb["module"] for nb in assignment_map(course_dir, assignment).values()})


# --------------------------------------------------------------------------- the export


def resolve_exercises(specs: list[str], solutions_dir: Path) -> list[str]:
    """Module names for ``ex02``, ``2`` or ``ex02_determinants`` (every exercise if empty)."""
    from grader.check.selfcheck import SetupError, resolve_exercise
    from grader.course.tasks import exercise_files

    if not specs:
        return [p.stem for p in exercise_files(solutions_dir)]
    found: list[str] = []
    for spec in specs:
        try:
            found += [m for m in resolve_exercise(spec, solutions_dir) if m not in found]
        except SetupError as err:
            raise ExportError(str(err)) from None
    return found


def export_course(course_dir: Path, *, assignment: str, exercises: list[str],
                  solutions_dir: Path, exercises_dir: Path,
                  course_id: str | None = None) -> list[Path]:
    """Write (or rewrite) one assignment of an nbgrader course; return the files written.

    Args:
        course_dir: the course folder (created if missing).
        assignment: nbgrader's assignment name, e.g. ``"ps1"``.
        exercises: exercise module names (``ex02_determinants``) or short forms (``ex02``);
            empty means every exercise of ``solutions_dir``.
        solutions_dir: the solution files (the notebooks are built from them).
        exercises_dir: the public tests and ``_*.py`` helpers shipped beside the notebooks.
        course_id: nbgrader's course id, written only into a new ``nbgrader_config.py``
            (default: the course folder's name).
    Raises:
        ExportError, grader.course.build.BuildFailed: nothing is written then.
    """
    course_dir, solutions_dir = Path(course_dir), Path(solutions_dir)
    exercises_dir = Path(exercises_dir)
    if not ASSIGNMENT_NAME.match(assignment):
        raise ExportError(f"assignment name {assignment!r}: use letters, digits, '_' and '-'")
    modules = resolve_exercises(exercises, solutions_dir)
    if not modules:
        raise ExportError(f"no exercise files (exNN_*.py) in {solutions_dir}")
    planned: dict[str, bytes] = {}
    notebooks: dict[str, dict] = {}
    for module in modules:
        exported = exercise_notebook((solutions_dir / f"{module}.py").read_text("utf-8"),
                                     solutions_dir / f"{module}.py")
        tests = exercises_dir / f"test_{module}.py"
        if not tests.is_file():
            raise ExportError(f"{tests} is missing: every exercise needs its public tests")
        check_public_tests(tests)
        planned[f"{module}.ipynb"] = (json.dumps(exported.notebook, indent=1, sort_keys=True,
                                                 ensure_ascii=False) + "\n").encode("utf-8")
        planned[tests.name] = tests.read_bytes()
        notebooks[module] = {"module": module, "tasks": exported.tasks}
    for helper in sorted(exercises_dir.glob("_*.py")):
        planned[helper.name] = helper.read_bytes()
    # The public tests look for forbidden calls with the grader's own scanner (pure ast), as
    # in the learner bundle (grader/course/release.py).
    planned["_forbidden.py"] = (Path(__file__).resolve().parent.parent / "judge"
                                / "forbidden.py").read_bytes()
    planned[HELPER] = (TEMPLATES / HELPER).read_bytes()

    course = load_course(course_dir)
    source = course_dir / "source" / assignment
    old = course["assignments"].get(assignment, {}).get("notebooks", {})
    written = []
    for name, data in planned.items():
        atomic_write(source / name, data)
        written.append(source / name)
    for gone in sorted(set(old) - set(notebooks)):  # exercises no longer in this assignment
        for stale in (source / f"{gone}.ipynb", source / f"test_{old[gone]['module']}.py"):
            stale.unlink(missing_ok=True)
    course["assignments"][assignment] = {"notebooks": notebooks}
    atomic_write(course_dir / COURSE_FILE,
                 (json.dumps(course, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    written.append(course_dir / COURSE_FILE)
    config = course_dir / CONFIG_FILE
    if not config.exists():
        atomic_write(config, CONFIG_TEXT.format(course_id=course_id or course_dir.resolve().name
                                                ).encode("utf-8"))
        written.append(config)
    return written


# --------------------------------------------------------------------------- the command


def cmd_export(args: argparse.Namespace) -> int:
    """Write an nbgrader course from the exercises."""
    from grader.course.build import BuildFailed

    root = find_repo_root()
    solutions = args.solutions or (root / "solutions" if root else None)
    exercises_dir = args.exercises_dir or (root / "exercises" if root else None)
    if solutions is None or exercises_dir is None:
        print("mlmath nbgrader export: cannot find the mlmath repository; pass --solutions "
              "and --exercises-dir", file=sys.stderr)
        return 2
    specs = [s for part in (args.exercises or []) for s in part.split(",") if s.strip()]
    try:
        written = export_course(args.course, assignment=args.assignment, exercises=specs,
                                solutions_dir=solutions, exercises_dir=exercises_dir,
                                course_id=args.course_id)
    except (ExportError, BuildFailed, OSError) as err:
        print(f"mlmath nbgrader export: {err}", file=sys.stderr)
        return 2
    notebooks = [p for p in written if p.suffix == ".ipynb"]
    print(f"Wrote {len(notebooks)} notebook(s) into {args.course / 'source' / args.assignment}"
          f" and {COURSE_FILE}.")
    print(f"Next: cd {args.course} && nbgrader generate_assignment {args.assignment}"
          + (" --force" if (args.course / "release" / args.assignment).exists() else ""))
    return 0


def add_nbgrader(sub: argparse._SubParsersAction) -> None:
    """``mlmath nbgrader export ...``."""
    p = sub.add_parser("nbgrader", help="write an nbgrader course from the exercises",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="nbgrader_command", metavar="ACTION", required=True)
    e = actions.add_parser("export", help="write source/<assignment>/ and the course map",
                           description=cmd_export.__doc__)
    e.add_argument("course", type=Path, help="the nbgrader course folder (created if missing)")
    e.add_argument("--assignment", default="ps1", help="assignment name (default: ps1)")
    e.add_argument("--exercises", action="append", metavar="EX,EX",
                   help="exercises to include, e.g. ex02,ex03 (default: all)")
    e.add_argument("--course-id", help="nbgrader course id for a new nbgrader_config.py "
                                       "(default: the course folder's name)")
    e.add_argument("--solutions", type=Path, help="solution files (default: <repo>/solutions)")
    e.add_argument("--exercises-dir", type=Path,
                   help="public tests and helpers (default: <repo>/exercises)")
    e.set_defaults(func=cmd_export)


__all__ = [
    "ExportError",
    "add_nbgrader",
    "assignment_exercises",
    "assignment_map",
    "exercise_notebook",
    "export_course",
    "load_course",
]

