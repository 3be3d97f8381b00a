"""An nbgrader course's submissions, read as nbgrader's autograder would see them.

``course_submissions(course, "ps1", exercises)`` reads ``submitted/<student>/ps1/`` and only
that folder (``ps0/`` beside it is another assignment), and for each student:

- maps each notebook to its exercise by the course map ``mlmath_course.json`` that
  ``mlmath nbgrader export`` wrote (notebook ``ex02_determinants`` is exercise
  ``ex02_determinants``; a notebook the map does not name is not graded, and said so);
- sanitises it as nbgrader's ``autograde`` does before running anything: outputs cleared,
  duplicated cell ids dropped (the last cell keeps its id, as ``DeduplicateIds``), and every
  cell whose ``grade_id`` is a locked cell of ``release/<assignment>/`` gets the released
  type and source back (``OverwriteCells``); a cell whose ``grade_id`` the release does not
  know is kept as the learner's own, without nbgrader metadata (nbgrader removes only the
  id, and its metadata check may then reject the notebook);
- drops the autograded test cells (and exact copies of them): they run the public tests in
  the learner's kernel, and grading runs the hidden suites instead;
- reads ``timestamp.txt``, nbgrader's submission time, for late penalties.

Files are read as everywhere in mlmath (:func:`grader.grading.reading.read_capped`): no link is
followed, sizes are checked before reading, and a file that cannot be read is that student's
problem, never the run's. This module needs nbformat only, not nbgrader.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from grader.grading.reading import MAX_NOTEBOOK_BYTES, Unreadable, read_capped, shown
from grader.grading.submissions import MAX_ENTRIES, ClassFolder, Submission
from grader.integrations.nbgrader_course import assignment_map

TIMESTAMP_FILE = "timestamp.txt"
MAX_TIMESTAMP_BYTES = 4096


@dataclass
class CourseSubmission:
    """One student's submission of one nbgrader assignment, sanitised for grading."""

    student: str
    notebooks: dict[str, bytes] = field(default_factory=dict)  # "ex02_determinants.ipynb" ->
    # the sanitised notebook's JSON (locked cells restored, test cells dropped, no outputs)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # modules found but not readable
    timestamp: str | None = None  # timestamp.txt as nbgrader wrote it
    digest: str = ""  # sha256 of what is graded: the sanitised notebooks, by name
    sanitised: dict[str, dict] = field(default_factory=dict, repr=False)  # notebook name ->
    # the sanitised notebook with its test cells (what nbgrader's autograded/ folder holds)

    def to_submission(self, convert=None) -> Submission:
        """A :class:`grader.grading.submissions.Submission` of ``.py`` sources for the sandbox.

        Each notebook becomes the module mlmath's reader makes of any notebook (cell by cell,
        a cell that does not parse skipped and named in the notes). ``convert(raw, name) ->
        str`` replaces that reader; Unreadable from it is this student's problem for that
        exercise.
        """
        from grader.grading import reading

        sub = Submission(self.student, problems=list(self.problems), notes=list(self.notes),
                         unreadable=list(self.unreadable), digest=self.digest)
        for name, raw in self.notebooks.items():
            module = Path(name).stem
            try:
                if convert is not None:
                    code = convert(raw, name)
                else:
                    code, skipped = reading.cells_to_module(
                        reading.notebook_cells(raw, name), name)
                    for note in skipped:
                        sub.note(note)
                sub.files[f"{module}.py"] = code.encode("utf-8")
            except Unreadable as err:
                sub.problem(str(err))
                sub.unreadable.append(module)
        return sub


# --------------------------------------------------------------------------- notebooks


def _nbgrader(cell: dict) -> dict:
    meta = cell.get("metadata")
    value = meta.get("nbgrader") if isinstance(meta, dict) else None
    return value if isinstance(value, dict) else {}


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def _flagged(meta: dict) -> bool:
    """nbgrader's is_grade or is_solution or is_locked (the cells DeduplicateIds checks)."""
    return bool(meta.get("grade") or meta.get("solution") or meta.get("locked"))


@dataclass
class Released:
    """A released notebook as grading needs it: its nbgrader cells by id, its kernelspec."""

    cells: dict[str, dict]
    kernelspec: dict | None = None

    @property
    def tests(self) -> set[str]:
        """The grade ids of its autograded test cells."""
        return {gid for gid, cell in self.cells.items() if _nbgrader(cell).get("grade")}


def release_cells(release_notebook: dict) -> Released:
    """The nbgrader cells (by ``grade_id``) and kernelspec of a released notebook."""
    cells = {}
    for cell in release_notebook.get("cells", []):
        grade_id = _nbgrader(cell).get("grade_id")
        if isinstance(grade_id, str):
            cells[grade_id] = cell
    return Released(cells, release_notebook.get("metadata", {}).get("kernelspec"))


def sanitise(notebook: dict, released: Released) -> dict:
    """The learner's notebook as nbgrader's autograde sanitises it, test cells kept.

    Raises Unreadable when ``notebook`` is not a version-4 notebook.
    """
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise Unreadable("it is not a Jupyter notebook (no list of cells).")
    if notebook.get("nbformat") != 4:
        raise Unreadable(f"it is in notebook format {notebook.get('nbformat')!r}; nbgrader "
                         "grades format 4 (save it with a current Jupyter).")
    cells = [dict(c) for c in notebook["cells"] if isinstance(c, dict)]
    seen: set[str] = set()
    for cell in reversed(cells):  # DeduplicateIds: the last cell with an id keeps it
        meta = _nbgrader(cell)
        if _flagged(meta):
            grade_id = meta.get("grade_id")
            if grade_id in seen:
                cell["metadata"] = {**cell["metadata"], "nbgrader": {}}
            elif isinstance(grade_id, str):
                seen.add(grade_id)
    out = []
    for cell in cells:
        kept = {k: cell[k] for k in ("id", "attachments") if k in cell}
        cell = {"cell_type": cell.get("cell_type"), **kept,
                "metadata": dict(cell.get("metadata") or {}), "source": _source(cell)}
        meta = dict(_nbgrader(cell))
        grade_id = meta.get("grade_id")
        original = released.cells.get(grade_id) if isinstance(grade_id, str) else None
        if original is not None:  # OverwriteCells
            cell["cell_type"] = original.get("cell_type")
            original_meta = _nbgrader(original)
            meta["locked"] = bool(original_meta.get("locked"))
            for key in ("grade", "solution", "points", "checksum"):
                if key in original_meta:
                    meta[key] = original_meta[key]
            if meta["locked"]:
                cell["source"] = _source(original)
            cell["metadata"]["nbgrader"] = meta
        elif "nbgrader" in cell["metadata"]:
            # A cell the release does not know is the learner's own. nbgrader removes only
            # its grade_id (and its metadata check then fails on what is left); all goes.
            del cell["metadata"]["nbgrader"]
        if cell["cell_type"] == "code":
            cell.update(execution_count=None, outputs=[])
        elif cell["cell_type"] not in ("markdown", "raw"):
            continue  # not a cell Jupyter knows: nothing to grade or show
        out.append(cell)
    metadata = notebook.get("metadata") if isinstance(notebook.get("metadata"), dict) else {}
    if released.kernelspec:  # OverwriteKernelspec
        metadata = {**metadata, "kernelspec": released.kernelspec}
    return {"nbformat": 4, "nbformat_minor": notebook.get("nbformat_minor", 5),
            "metadata": metadata, "cells": out}


def for_grading(notebook: dict, released: Released) -> dict:
    """A sanitised notebook without its autograded test cells (nor exact copies of them)."""
    tests = released.tests
    test_code = {_source(released.cells[gid]).strip() for gid in tests}
    kept = [c for c in notebook["cells"]
            if _nbgrader(c).get("grade_id") not in tests
            and not (c["cell_type"] == "code" and c["source"].strip() in test_code)]
    return {**notebook, "cells": kept}


def _canonical(notebook: dict) -> bytes:
    return json.dumps(notebook, sort_keys=True, ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------- one student


def _listing(folder: Path) -> dict[str, os.DirEntry]:
    entries = {}
    with os.scandir(folder) as it:
        for seen, entry in enumerate(it):
            if seen >= MAX_ENTRIES:
                break
            entries[entry.name] = entry
    return entries


def read_timestamp(folder: Path) -> str | None:
    """``timestamp.txt`` of a submission folder, or None (missing, a link, not text)."""
    try:
        text = read_capped(folder / TIMESTAMP_FILE, MAX_TIMESTAMP_BYTES).decode("utf-8").strip()
    except (OSError, Unreadable, UnicodeDecodeError):
        return None
    return text or None


def read_student(course_dir: Path, assignment: str, student: str, notebooks: dict[str, dict],
                 released: dict[str, Released], exercises: list[str]) -> CourseSubmission:
    """One student's ``submitted/<student>/<assignment>/``, sanitised (see the module doc).

    Args:
        notebooks: the assignment's map, ``{notebook name: {module, tasks}}``.
        released: ``{notebook name: release_cells(...)}``.
        exercises: the modules that have hidden suites; other notebooks are not graded.
    """
    sub = CourseSubmission(shown(student))
    folder = Path(course_dir) / "submitted" / student / assignment
    try:
        mode = os.lstat(folder).st_mode
    except OSError as err:
        sub.problems.append(f"{assignment}/ could not be read ({err.strerror}).")
        return sub
    if not stat.S_ISDIR(mode):
        sub.problems.append(f"{assignment}/ is not a folder (a link is not followed).")
        sub.unreadable = [nb["module"] for nb in notebooks.values()]
        return sub
    try:
        entries = _listing(folder)
    except OSError as err:
        sub.problems.append(f"{assignment}/ could not be listed ({err.strerror}).")
        return sub
    sub.timestamp = read_timestamp(folder) if TIMESTAMP_FILE in entries else None
    digest = hashlib.sha256()
    for name in sorted(notebooks):
        module = notebooks[name]["module"]
        filename = f"{name}.ipynb"
        if filename not in entries:
            continue
        if module not in exercises:
            sub.notes.append(f"{filename} not graded: no hidden suite for {module}.")
            continue
        try:
            raw = read_capped(folder / filename, MAX_NOTEBOOK_BYTES)
            try:
                data = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise Unreadable(f"{shown(filename)} is not a notebook: it is not UTF-8 JSON; "
                                 "re-download it from Jupyter.") from None
            except RecursionError:
                raise Unreadable(f"{shown(filename)} is nested too deeply to read.") from None
            try:
                whole = sanitise(data, released[name])
                clean = for_grading(whole, released[name])
            except Unreadable as err:
                raise Unreadable(f"{shown(filename)}: {err}") from None
        except Unreadable as err:
            sub.problems.append(str(err))
            sub.unreadable.append(module)
            continue
        except OSError as err:
            sub.problems.append(f"{shown(filename)} could not be read ({err.strerror}).")
            sub.unreadable.append(module)
            continue
        except (RecursionError, MemoryError, TypeError, ValueError, AttributeError):
            sub.problems.append(f"{shown(filename)} is not a notebook nbgrader can grade.")
            sub.unreadable.append(module)
            continue
        data = _canonical(clean)
        sub.notebooks[f"{module}.ipynb"] = data
        sub.sanitised[name] = whole
        digest.update(filename.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    known = {f"{name}.ipynb" for name in notebooks}
    others = sorted(n for n in entries if n.endswith(".ipynb") and n not in known
                    and not n.startswith("."))
    if others:
        names = ", ".join(shown(n) for n in others[:5])
        sub.notes.append(f"{names} not graded: not a notebook of {assignment} (nbgrader grades "
                         f"the released names: {', '.join(sorted(known))}).")
    if not known & set(entries) and not sub.problems:
        sub.problems.append(f"no notebook of {assignment} found (expected "
                            f"{', '.join(sorted(known))}).")
    sub.digest = digest.hexdigest()
    return sub


# --------------------------------------------------------------------------- a course


def released_notebooks(course_dir: Path, assignment: str, names) -> dict[str, Released]:
    """``{notebook name: Released}`` from ``release/<assignment>/`` (the instructor's).

    Raises FileNotFoundError when the assignment was not released with
    ``nbgrader generate_assignment``.
    """
    released = {}
    for name in names:
        path = Path(course_dir) / "release" / assignment / f"{name}.ipynb"
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `nbgrader generate_assignment "
                                    f"{assignment}` in {course_dir} first")
        released[name] = release_cells(json.loads(path.read_text(encoding="utf-8")))
    return released


def course_submissions(course_dir: Path, assignment: str, exercises: list[str],
                       notes: list[str] | None = None) -> list[CourseSubmission]:
    """Every student's submission of ``assignment``, sorted by student id.

    Students with no ``submitted/<student>/<assignment>/`` folder did not hand this
    assignment in and are not listed. ``notes`` (a list) receives what was skipped, for the
    instructor. Raises FileNotFoundError for a course without ``submitted/``, without the
    assignment in its map, or not released yet.
    """
    course_dir = Path(course_dir)
    notebooks = assignment_map(course_dir, assignment)
    released = released_notebooks(course_dir, assignment, notebooks)
    submitted = course_dir / "submitted"
    if not submitted.is_dir():
        raise FileNotFoundError(f"{submitted} does not exist: collect the submissions first "
                                "(nbgrader collect, or the exchange)")
    notes = notes if notes is not None else []
    found, absent = [], 0
    for name, entry in sorted(_listing(submitted).items()):
        if name.startswith("."):
            continue
        if entry.is_symlink():
            notes.append(f"{shown(name)} in {submitted} is a symbolic link: not followed.")
            continue
        if not entry.is_dir(follow_symlinks=False):
            continue
        if not os.path.lexists(submitted / name / assignment):
            absent += 1
            continue
        found.append(read_student(course_dir, assignment, name, notebooks, released, exercises))
    if absent:
        notes.append(f"{absent} student folder(s) in {submitted} hold no {assignment}/: not "
                     "graded for this assignment.")
    return found


def discover_course(course_dir: Path, assignment: str, exercises: list[str]) -> ClassFolder:
    """:func:`grader.grading.submissions.discover_class` for an nbgrader assignment: the same
    ClassFolder (Submissions of ``.py`` sources, notes), so the runner can take either."""
    notes: list[str] = []
    subs = course_submissions(course_dir, assignment, exercises, notes)
    return ClassFolder([s.to_submission() for s in subs], notes)


__all__ = ["CourseSubmission", "Released", "course_submissions", "discover_course",
           "for_grading", "read_student", "release_cells", "released_notebooks", "sanitise"]
