"""Find a class's submissions and turn each into plain ``.py`` sources. Trusts no file.

A class is a folder holding, per student, either a folder of exercise files
(``alice/ex01_logs.py``, ``bob/ex01_logs.ipynb``) or a single file (``carol.py``,
``dan.ipynb``), or an nbgrader course's ``submitted/<student>/<assignment>/`` tree.

This code runs on the trusted side, so every file is hostile until read (reading one file,
notebooks included, is :mod:`grader.grading.reading`):

- Nothing is followed: entries are listed with ``lstat`` semantics and opened with
  ``O_NOFOLLOW``; a symbolic link, device, FIFO or socket is refused with a named problem (a
  link could point at the solutions, another student's work or the grader's own files).
- Sizes are checked from ``lstat`` before reading and reading stops at the limit, so a huge
  or sparse file costs no memory. A notebook is measured by its code cells, not its outputs
  (an honest 5 MB plot is fine).
- Every failure to read or parse one file, whatever its exception (``RecursionError`` from a
  notebook nested 150,000 deep, ``MemoryError``), is that file's problem, never the run's.

Which file is graded for an exercise (exact names win; a guess is never made):

1. ``ex01_logs.py``, else ``ex01_logs.ipynb`` (the exact module name);
2. else one file whose name is that module name up to case and a download suffix
   (``Ex01_Logs.py``, ``ex01_logs (1).py``, ``ex01_logs-2.ipynb``, ``ex01_logs copy.py``);
3. else one file whose name starts with the exercise number (``ex01.py``, ``ex01_mine.py``).

Two candidates at the same step are one problem for that exercise ("several files could be
ex01_logs.py"), and the exercise is not graded. Candidates passed over are named in one line.
Other files are counted, not listed one by one. A student has at most
:data:`MAX_PROBLEMS` problem lines.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from grader.grading.reading import Unreadable, read_source, shown

MAX_PROBLEMS = 12
MAX_ENTRIES = 100_000  # entries looked at per folder
EXERCISE_NAME = re.compile(r"^(ex\d\d)[_a-z0-9]*$")
DOWNLOAD_SUFFIX = re.compile(r"(\s*\(\d+\)|-\d+|\s+copy(\s*\d+)?|\s*-\s*copy)$", re.IGNORECASE)
SOURCE_SUFFIXES = (".py", ".ipynb")


@dataclass
class Submission:
    """One student's files, ready to copy into a sandbox folder."""

    student: str
    files: dict[str, bytes] = field(default_factory=dict)  # module file name -> source bytes
    problems: list[str] = field(default_factory=list)
    digest: str = ""
    unreadable: list[str] = field(default_factory=list)  # modules found but not readable
    notes: list[str] = field(default_factory=list)  # what was chosen or skipped, and why

    def problem(self, text: str) -> None:
        """A file that could not be graded (unreadable, a link, ambiguous): exit status 1."""
        _capped(self.problems, text)

    def note(self, text: str) -> None:
        """Information only (which file was graded as what, what was ignored)."""
        _capped(self.notes, text)


def _capped(lines: list[str], text: str) -> None:
    if len(lines) < MAX_PROBLEMS:
        lines.append(text)
    elif len(lines) == MAX_PROBLEMS:
        lines.append("more were found and not listed.")


class AmbiguousClass(ValueError):
    """The class folder cannot be read one way only (a usage error, said in one line)."""






# --------------------------------------------------------------------------- choosing files


def _entries(folder: Path, keep=None) -> list[os.DirEntry]:
    """Entries of ``folder`` (links not followed) sorted by name: all, or those ``keep``
    accepts; at most MAX_ENTRIES are looked at."""
    out = []
    with os.scandir(folder) as it:
        for seen, entry in enumerate(it):
            if seen >= MAX_ENTRIES:
                break
            if keep is None or keep(entry):
                out.append(entry)
    return sorted(out, key=lambda e: e.name)


def _normalised(stem: str) -> str:
    return DOWNLOAD_SUFFIX.sub("", stem.strip()).lower().replace(" ", "_")


def choose(names: list[str], module: str) -> tuple[str | None, list[str], str | None]:
    """Which of ``names`` (file names) is graded as ``module``.

    Returns ``(chosen name or None, candidates passed over, ambiguity problem or None)``.
    """
    number = module[:4]
    candidates = [n for n in names if Path(n).suffix.lower() in SOURCE_SUFFIXES
                  and Path(n).stem.lower().startswith(number)]
    exact = [n for n in candidates if Path(n).stem == module]
    steps = [
        sorted(exact, key=lambda n: Path(n).suffix != ".py")[:1],
        [n for n in candidates if _normalised(Path(n).stem) == module],
        candidates,
    ]
    for step in steps:
        if len(step) == 1:
            return step[0], [n for n in candidates if n != step[0]], None
        if len(step) > 1:
            listed = ", ".join(shown(n) for n in step[:5])
            return None, [], (f"several files could be {module}.py ({listed}): hand in "
                              f"exactly one, named {module}.py or {module}.ipynb.")
    return None, [], None


def load_submission(student: str, folder: Path | None, exercises: list[str],
                    files: list[Path] | None = None) -> Submission:
    """Read one student's files (a folder, or the given files) into a Submission."""
    sub = Submission(shown(student))
    digest = hashlib.sha256()
    found: dict[str, Path] = {}
    skipped = 0
    if files is None:
        counted = [0]

        def keep(entry: os.DirEntry) -> bool:
            if entry.name.startswith(".") or entry.name == "timestamp.txt":
                return False  # .ipynb_checkpoints, .DS_Store; nbgrader's timestamp
            if Path(entry.name).suffix.lower() in SOURCE_SUFFIXES:
                return True
            counted[0] += 1
            return False

        try:
            entries = _entries(folder, keep)
        except OSError as err:
            sub.problem(f"{shown(folder.name)} could not be listed ({err.strerror}).")
            entries = []
        found = {e.name: Path(e.path) for e in entries}
        skipped = counted[0]
    else:
        found = {p.name: p for p in files}
    for module in exercises:
        name, passed_over, ambiguity = choose(sorted(found), module)
        if ambiguity:
            sub.problem(ambiguity)
            sub.unreadable.append(module)
            continue
        if name is None:
            continue
        if passed_over:
            sub.note(f"{', '.join(shown(n) for n in passed_over[:5])} not graded: "
                     f"{shown(name)} is graded as {module}.")
        elif name not in (f"{module}.py", f"{module}.ipynb"):
            sub.note(f"{shown(name)} is graded as {module}.py.")
        cell_notes: list[str] = []
        try:
            raw, source = read_source(found[name], cell_notes)
        except Unreadable as err:
            sub.problem(str(err))
            sub.unreadable.append(module)
            continue
        for note in cell_notes:
            sub.note(note)
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0"
                      + hashlib.sha256(raw).digest())
        sub.files[f"{module}.py"] = source
    used = len(sub.files) + len(sub.unreadable)
    others = [n for n in found if not any(n.lower().startswith(e[:4]) for e in exercises)]
    skipped += len(others)
    if skipped:
        sub.note(f"{skipped} other file(s) ignored (not exercise files).")
    if not used and not sub.problems:
        sub.problem("no exercise files found (expected names like ex01_logs.py).")
    sub.digest = digest.hexdigest()
    return sub


def _single_file(path: Path, exercises: list[str]) -> Submission:
    """A student who handed in one file: an exercise by its exNN prefix, or every one."""
    student = Path(path.name).stem
    if EXERCISE_NAME.match(student.lower()) or any(
            _normalised(student).startswith(e[:4]) for e in exercises):
        return load_submission(student, None, exercises, files=[path])
    sub = Submission(shown(student))
    try:
        raw, source = read_source(path)
    except Unreadable as err:
        sub.problem(str(err))
        sub.unreadable = list(exercises)
        sub.digest = hashlib.sha256(b"").hexdigest()
        return sub
    sub.digest = hashlib.sha256(raw).hexdigest()
    sub.files = {f"{e}.py": source for e in exercises}
    return sub


# --------------------------------------------------------------------------- a class


@dataclass
class ClassFolder:
    """What discovery found: the submissions, and notes for the instructor."""

    submissions: list[Submission]
    notes: list[str] = field(default_factory=list)


def discover(root: Path, exercises: list[str]) -> list[Submission]:
    """All submissions under ``root``, sorted by student name (see :func:`discover_class`)."""
    return discover_class(root, exercises).submissions


def discover_class(root: Path, exercises: list[str]) -> ClassFolder:
    """All submissions under ``root`` and the instructor's notes about what was skipped.

    ``root`` (given by the instructor, so it may itself be a link) is a class folder, an
    nbgrader course folder (with ``submitted/``), or a single file graded as one student.
    """
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"submissions folder {root} does not exist")
    if root.is_file():
        return ClassFolder([_single_file(root, exercises)])
    if (root / "submitted").is_dir() and not (root / "submitted").is_symlink():
        return _discover_nbgrader(root / "submitted", exercises)
    found = ClassFolder([])
    by_name: dict[str, Submission] = {}
    hidden = other = 0
    for entry in _entries(root):
        name = entry.name
        if name.startswith("."):
            hidden += 1
            continue
        path = Path(entry.path)
        stem = Path(name).stem
        if entry.is_symlink():
            sub = Submission(shown(stem if not entry.is_dir() else name))
            sub.problem(f"{shown(name)} is a symbolic link (not followed): hand in the "
                        "folder or file itself.")
            sub.unreadable = list(exercises)
        elif entry.is_dir(follow_symlinks=False):
            sub = load_submission(name, path, exercises)
        elif Path(name).suffix.lower() in SOURCE_SUFFIXES:
            sub = _single_file(path, exercises)
        elif Path(name).suffix.lower() in (".zip", ".tar", ".gz", ".tgz", ".7z", ".rar"):
            sub = Submission(shown(stem))
            sub.problem(f"{shown(name)} is an archive: mlmath does not open archives; unpack "
                        "it into a folder named after the student.")
            sub.unreadable = list(exercises)
        else:
            other += 1
            continue
        if sub.student in by_name:
            found.notes.append(f"{shown(name)} not graded: another entry is already graded "
                               f"as student {sub.student!r}.")
            by_name[sub.student].problem(f"{shown(name)} was also handed in and not graded.")
            continue
        by_name[sub.student] = sub
    if hidden:
        found.notes.append(f"{hidden} hidden entr{'y' if hidden == 1 else 'ies'} (names "
                           f"starting with '.') in {root} not graded.")
    if other:
        found.notes.append(f"{other} other file(s) in {root} not graded (not .py, .ipynb "
                           "or a folder).")
    found.submissions = sorted(by_name.values(), key=lambda s: s.student)
    return found


def _discover_nbgrader(submitted: Path, exercises: list[str]) -> ClassFolder:
    found = ClassFolder([])
    assignments = {a.name for s in _entries(submitted) if s.is_dir(follow_symlinks=False)
                   for a in _entries(Path(s.path)) if a.is_dir(follow_symlinks=False)}
    if len(assignments) > 1:
        raise AmbiguousClass(f"{submitted.parent} is an nbgrader course with assignments "
                             f"{', '.join(sorted(assignments))}: grade one with "
                             "--assignment NAME")
    for entry in _entries(submitted):
        if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
            if entry.is_symlink():
                found.notes.append(f"{shown(entry.name)} in {submitted} is a symbolic link: "
                                   "not followed.")
            continue
        files: list[Path] = []
        for assignment in _entries(Path(entry.path)):
            if assignment.is_dir(follow_symlinks=False):
                files += [Path(e.path) for e in _entries(Path(assignment.path))
                          if Path(e.name).suffix.lower() in SOURCE_SUFFIXES]
        found.submissions.append(load_submission(entry.name, None, exercises, files=files))
    return found
