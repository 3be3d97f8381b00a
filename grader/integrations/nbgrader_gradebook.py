"""mlmath's results written into an nbgrader course, as ``nbgrader autograde`` would write them.

``write_back(course, "ps1", results, timestamps)`` does for each graded student what
nbgrader's autograder does after running a notebook, with mlmath's scores in place of the
kernel's verdict (no student code runs here: it ran in mlmath's sandbox):

- in the gradebook (``nbgrader.api.Gradebook``, the course's own database and course id from
  its ``nbgrader_config.py``): the student, the submitted assignment with its timestamp (so
  nbgrader's late penalty applies), its notebooks, and one Grade per autograded test cell with
  ``auto_score`` = the task's mlmath score and ``needs_manual_grade`` false (true only where a
  grader already gave a manual score, as nbgrader does); the comments of solution cells
  ("No response." when the cell's checksum is the released one); then nbgrader's own
  ``AssignLatePenalties`` and ``CheckCellMetadata`` preprocessors;
- ``autograded/<student>/<assignment>/``: the sanitised notebooks (locked cells restored, the
  released checksums), each test cell showing the task's status, messages and hints as its
  output, the student's other regular files, ``timestamp.txt`` and the assignment's source
  files, read-only like nbgrader's.

A notebook that was not submitted gets zero on its test cells, as nbgrader gives it. Regrading
updates the same rows (``update_or_create``), never duplicates; a manual score a grader gave in
formgrader is kept. A result with a grader fault is never written (not a score), nor one whose
files changed since they were graded (grade again). Needs nbgrader.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import os
import shutil
import stat
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from grader.grading.reading import MAX_NOTEBOOK_BYTES, Unreadable, read_capped, shown
from grader.grading.submissions import MAX_ENTRIES
from grader.integrations.nbgrader_course import assignment_map
from grader.integrations.nbgrader_submissions import (
    CourseSubmission,
    read_student,
    released_notebooks,
)

MAX_COPIED_FILES = 1000  # of a student's other files copied into autograded/ ...
MAX_COPIED_BYTES = 256 * 2**20  # ... and their total size


@dataclass
class WriteBack:
    """What :func:`write_back` did."""

    written: list[str] = field(default_factory=list)  # students whose grades were written
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (student, why not)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def load_config(course_dir: Path):
    """nbgrader's configuration as its apps load it: Jupyter's config folders, then the
    course's own ``nbgrader_config.py`` (which wins)."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    config = Config()
    for folder in [*reversed(jupyter_config_path()), str(course_dir)]:
        try:
            config.merge(PyFileConfigLoader("nbgrader_config.py", path=folder).load_config())
        except ConfigFileNotFound:
            continue
    return config


def task_output(task_id: str, task: dict | None, points: float, title: str) -> dict:
    """A test cell's output: the task's score, status and learner-safe messages and hints."""
    from grader.grading.feedback import LEARNER_MEANING

    if task is None:
        text = (f"Task {task_id} ({title}): not graded by mlmath (no hidden tests for it); "
                "your instructor grades it by hand.\n")
        return {"output_type": "stream", "name": "stderr", "text": text}
    status = task["status"]
    lines = [f"Task {task_id} ({title}): {task['score']:g} / {points:g} points, {status}: "
             f"{LEARNER_MEANING.get(status, status)}"]
    if status != "passed":
        lines += [str(m) for m in task.get("messages", [])]
        lines += [f"hint: {h}" for h in task.get("hints", [])]
    return {"output_type": "stream", "name": "stdout" if status == "passed" else "stderr",
            "text": "\n".join(lines) + "\n"}


def task_score(task: dict | None, points: float) -> float | None:
    """The cell's auto score: mlmath's task score, scaled to the cell's points if the hidden
    tests of the task are worth a different total; None (manual grading) without a result."""
    if task is None or task.get("status") == "grader fault":
        return None
    if task["max_score"] and task["max_score"] != points:
        return round(task["score"] * points / task["max_score"], 6)
    return float(task["score"])


# --------------------------------------------------------------------------- nbgrader steps


def _save_grades_class():
    """nbgrader's SaveAutoGrades, with the score of each mlmath test cell given, not run."""
    from nbgrader.preprocessors import SaveAutoGrades
    from traitlets import Dict

    class SaveMlmathGrades(SaveAutoGrades):
        scores = Dict(help="grade_id -> auto score (None: left to manual grading)")

        def _add_score(self, cell, resources):
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            if grade_id not in self.scores:
                return super()._add_score(cell, resources)
            grade = self.gradebook.find_grade(grade_id, self.notebook_id, self.assignment_id,
                                              self.student_id)
            grade.auto_score = self.scores[grade_id]
            grade.needs_manual_grade = (grade.manual_score is not None
                                        or grade.auto_score is None)
            self.gradebook.db.commit()

    return SaveMlmathGrades


def _valid_ids(cells: list[dict]) -> None:
    """nbformat 4.5 cell ids: kept where valid and unique, made up otherwise."""
    import re

    seen: set[str] = set()
    for index, cell in enumerate(cells):
        cid = cell.get("id")
        if not (isinstance(cid, str) and re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", cid)) or cid in seen:
            cid = f"cell-{index:04d}"
            while cid in seen:
                cid += "x"
            cell["id"] = cid
        seen.add(cid)


def autograded_notebook(sanitised: dict, tasks_by_cell: dict[str, tuple[str, dict]],
                        result: dict):
    """The NotebookNode nbgrader's autograde would leave, outputs of test cells filled in."""
    import copy

    import nbformat

    data = copy.deepcopy(sanitised)
    _valid_ids(data["cells"])
    for cell in data["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in tasks_by_cell:
            task_id, meta = tasks_by_cell[grade_id]
            cell["outputs"] = [task_output(task_id, result["tasks"].get(task_id),
                                           meta["points"], meta["title"])]
    return nbformat.from_dict(data)


def _grade_notebook(nb, resources: dict, scores: dict, config) -> None:
    """SaveMlmathGrades, AssignLatePenalties and CheckCellMetadata, in nbgrader's order."""
    from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata

    save = _save_grades_class()(config=config)
    save.scores = scores
    save.preprocess(nb, resources)
    AssignLatePenalties(config=config).preprocess(nb, resources)
    CheckCellMetadata(config=config).preprocess(nb, resources)


def _zero_missing(gb, notebook: str, assignment: str, student: str) -> None:
    """nbgrader's rule for a notebook that was not submitted: zero, no manual grading."""
    submitted = gb.find_submission_notebook(notebook, assignment, student)
    for grade in submitted.grades:
        grade.auto_score = 0
        grade.needs_manual_grade = False
    submitted.late_submission_penalty = None
    gb.db.commit()


# --------------------------------------------------------------------------- files


def _copy_regular_files(src: Path, dest: Path, ignore: list[str], copied: list[int]) -> None:
    """Regular files under ``src`` (no links followed, none over the notebook limit), except
    notebooks and nbgrader's ignore patterns, into ``dest``; ``copied`` counts
    ``[files, bytes]`` against MAX_COPIED_FILES and MAX_COPIED_BYTES."""
    try:
        entries = sorted(os.scandir(src), key=lambda e: e.name)[:MAX_ENTRIES]
    except OSError:
        return
    for entry in entries:
        if copied[0] >= MAX_COPIED_FILES or entry.name.startswith("."):
            continue
        if any(fnmatch.fnmatch(entry.name, pattern) for pattern in ignore):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            _copy_regular_files(path, dest / entry.name, ignore, copied)
        elif entry.is_file(follow_symlinks=False) and not entry.name.endswith(".ipynb"):
            try:
                if copied[1] + entry.stat(follow_symlinks=False).st_size > MAX_COPIED_BYTES:
                    continue
                data = read_capped(path, MAX_NOTEBOOK_BYTES)
            except (OSError, Unreadable):
                continue
            dest.mkdir(parents=True, exist_ok=True)
            (dest / entry.name).write_bytes(data)
            copied[0] += 1
            copied[1] += len(data)


def _write_autograded(course_dir: Path, coursedir, assignment: str, student_dir: str,
                      notebooks: dict) -> None:
    """Replace ``autograded/<student>/<assignment>/`` by the new one, in one rename."""
    import nbformat

    final = Path(coursedir.format_path(coursedir.autograded_directory, student_dir, assignment))
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{assignment}.mlmath-", dir=final.parent))
    try:
        ignore = list(coursedir.ignore)
        _copy_regular_files(course_dir / "submitted" / student_dir / assignment, tmp, ignore,
                            [0, 0])
        source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
        for path in sorted(source.rglob("*")):  # the instructor's files win, as in autograde
            rel = path.relative_to(source)
            if path.is_file() and path.suffix != ".ipynb" and not any(
                    fnmatch.fnmatch(part, p) for part in rel.parts for p in ignore):
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, tmp / rel)
        for name, nb in notebooks.items():
            nbformat.write(nb, str(tmp / f"{name}.ipynb"))
        mode = 0o664 if coursedir.groupshared else 0o444
        for path in tmp.rglob("*"):
            if path.is_file():
                path.chmod(mode)
        tmp.chmod(0o775 if coursedir.groupshared else 0o755)
        if os.path.lexists(final):
            if os.path.islink(final) or not stat.S_ISDIR(os.lstat(final).st_mode):
                os.unlink(final)
            else:
                shutil.rmtree(final)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# --------------------------------------------------------------------------- write-back


def _student_dirs(course_dir: Path, assignment: str) -> dict[str, str]:
    """``{shown student id: folder name}`` of the students who submitted ``assignment``."""
    submitted = course_dir / "submitted"
    found = {}
    with os.scandir(submitted) as it:
        for entry in it:
            if entry.is_dir(follow_symlinks=False) and os.path.lexists(
                    Path(entry.path) / assignment):
                found[shown(entry.name)] = entry.name
    return found


def check_course(course_dir: Path, assignment: str) -> None:
    """Before grading: can the results of ``assignment`` be written back into this course?

    Raises RuntimeError (nbgrader is not installed) or FileNotFoundError (the assignment was
    not exported by mlmath, not released, or released from other notebooks), naming what to
    run, so that nobody is graded for nothing.
    """
    if importlib.util.find_spec("nbgrader") is None:
        raise RuntimeError("grading an nbgrader course needs nbgrader: pip install "
                           "'mlmath[nbgrader]'")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        _gradebook_notebooks(Path(course_dir).resolve(), assignment)


def _gradebook_notebooks(course_dir: Path, assignment: str):
    """``(config, CourseDirectory, course map, released)`` once the gradebook is checked."""
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.coursedir import CourseDirectory

    config = load_config(course_dir)
    coursedir = CourseDirectory(config=config, root=str(course_dir))
    notebooks = assignment_map(course_dir, assignment)
    released = released_notebooks(course_dir, assignment, notebooks)
    with Gradebook(coursedir.db_url, course_id=coursedir.course_id) as gb:
        try:
            known = {nb.name for nb in gb.find_assignment(assignment).notebooks}
        except MissingEntry:
            raise FileNotFoundError(f"the gradebook of {course_dir} has no assignment "
                                    f"{assignment!r}: run `nbgrader generate_assignment "
                                    f"{assignment}` there first") from None
    if known != set(notebooks):
        raise FileNotFoundError(f"the gradebook's notebooks of {assignment} "
                                f"({', '.join(sorted(known))}) are not the exported ones "
                                f"({', '.join(sorted(notebooks))}): run `nbgrader "
                                f"generate_assignment {assignment} --force` after exporting")
    return config, coursedir, notebooks, released


def write_back(course_dir: Path, assignment: str, results: list[dict],
               timestamps: dict | None = None) -> WriteBack:
    """Write every task score of ``results`` into the course's nbgrader gradebook and
    ``autograded/`` folder (see the module docstring).

    Args:
        course_dir: the nbgrader course folder (with ``nbgrader_config.py``).
        assignment: the graded assignment, e.g. ``"ps1"``; it must have been exported by
            ``mlmath nbgrader export`` and released by ``nbgrader generate_assignment``.
        results: result dicts of :func:`grader.grading.worker.grade` (``student`` is the student id,
            ``submission_hash`` the digest of :func:`course_submissions`).
        timestamps: ``{student: timestamp}`` (nbgrader's text or a datetime); a student not
            in it gets the submission's ``timestamp.txt``.
    Raises:
        FileNotFoundError: the course, its map or the released assignment is missing.
    """
    with warnings.catch_warnings():
        # nbgrader's Gradebook.add_submission trips SQLAlchemy 2's autoflush warnings
        # ("Object of type <SubmittedAssignment> not in session"), in nbgrader's own runs too.
        warnings.filterwarnings("ignore", message=".*not in session.*")
        return _write_back(course_dir, assignment, results, timestamps)


def _write_back(course_dir: Path, assignment: str, results: list[dict],
                timestamps: dict | None) -> WriteBack:
    start = time.monotonic()
    course_dir = Path(course_dir).resolve()
    config, coursedir, notebooks, released = _gradebook_notebooks(course_dir, assignment)
    report = WriteBack()
    folders = _student_dirs(course_dir, assignment)
    modules = sorted({nb["module"] for nb in notebooks.values()})
    for result in results:
        student = result["student"]
        if result.get("faults"):
            report.skipped.append((student, "a grader fault: not a score, grade again"))
            continue
        if student not in folders:
            report.skipped.append((student, f"no submitted/{student}/{assignment}/ in the "
                                            "course"))
            continue
        sub = read_student(course_dir, assignment, folders[student], notebooks, released,
                           modules)
        if sub.digest != result.get("submission_hash"):
            report.skipped.append((student, "the submission changed since it was graded: "
                                            "grade again"))
            continue
        stamp = (timestamps or {}).get(student, sub.timestamp)
        try:
            _write_student(course_dir, coursedir, config, assignment, folders[student], sub,
                           notebooks, result, stamp, report)
        except Exception as err:  # nbgrader's ValidationError, InvalidEntry, a bad timestamp:
            # this student's problem (named in the report), never the other students'
            report.skipped.append((student, f"nbgrader refused it: {type(err).__name__}: "
                                            f"{err}"[:300]))
            continue
        report.written.append(student)
    report.seconds = time.monotonic() - start
    return report


def _write_student(course_dir: Path, coursedir, config, assignment: str, folder: str,
                   sub: CourseSubmission, notebooks: dict, result: dict, stamp,
                   report: WriteBack) -> None:
    from nbgrader.api import Gradebook

    student = folder
    with Gradebook(coursedir.db_url, course_id=coursedir.course_id) as gb:
        gb.update_or_create_student(student)
        if stamp:
            gb.update_or_create_submission(assignment, student, timestamp=stamp)
        else:
            gb.update_or_create_submission(assignment, student)
        for name in notebooks:
            if name not in sub.sanitised:
                _zero_missing(gb, name, assignment, student)
    resources_base = {"assignment": assignment, "student": student,
                      "db_url": coursedir.db_url}
    written = {}
    for name, plan in notebooks.items():
        if name not in sub.sanitised:
            continue
        tasks_by_cell = {meta["grade_id"]: (task_id, meta)
                         for task_id, meta in plan["tasks"].items()}
        nb = autograded_notebook(sub.sanitised[name], tasks_by_cell, result)
        scores = {gid: task_score(result["tasks"].get(task_id), meta["points"])
                  for gid, (task_id, meta) in tasks_by_cell.items()}
        resources = {"nbgrader": {**resources_base, "notebook": name}}
        _grade_notebook(nb, resources, scores, config)
        written[name] = nb
    try:
        _write_autograded(course_dir, coursedir, assignment, folder, written)
    except OSError as err:
        report.notes.append(f"{sub.student}: grades written, but autograded/ could not be "
                            f"({err.strerror or err}).")


__all__ = ["WriteBack", "check_course", "load_config", "write_back"]
