"""Find a class's submissions and turn each into plain ``.py`` sources. Trusts no file.

A class is a folder holding, per student, either a folder of exercise files
(``alice/ex01_logs.py``, ``bob/ex01_logs.ipynb``) or a single file (``carol.py``,
``dan.ipynb``), or an nbgrader course's ``submitted/<student>/<assignment>/`` tree.

This code runs on the trusted side, so every file is hostile until read:

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
import json
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 2 * 1024 * 1024  # the code of one exercise (a .py file, a notebook's cells)
MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024  # a whole notebook file, outputs included
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


class Unreadable(ValueError):
    """A file that cannot be used; the message names it and says why."""


def shown(name: str) -> str:
    """A file or student name as printable text (bytes that are not UTF-8 escaped)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# --------------------------------------------------------------------------- reading


def _kind(mode: int) -> str | None:
    """What a non-regular entry is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link (not followed: hand in the file itself)"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of regular file ``path``, never following a link, at most ``limit`` bytes.

    Raises Unreadable for a link, a special file or a file over ``limit``.
    """
    name = shown(path.name)
    info = os.lstat(path)
    kind = _kind(info.st_mode)
    if kind:
        raise Unreadable(f"{name} is {kind}.")
    if info.st_size > limit:
        raise Unreadable(f"{name} is too large ({info.st_size / 2**20:.1f} MiB; the limit "
                         f"is {limit / 2**20:g} MiB).")
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if _kind(os.fstat(fd).st_mode):  # swapped after the lstat
            raise Unreadable(f"{name} is not a regular file.")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > limit:
        raise Unreadable(f"{name} grew past the {limit / 2**20:g} MiB limit while being read.")
    return b"".join(chunks)


def _utf8(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Unreadable(f"{name} is not UTF-8 text (byte 0x{raw[err.start]:02x} at position "
                         f"{err.start}); save it as UTF-8.") from None


NOTEBOOK_HEADER = "# mlmath: a notebook's code cells, run one by one"  # see sandbox/child.py
CELL_MARK = "# %% mlmath cell "
KEEP_BODY_MAGICS = {"time", "timeit", "capture", "prun"}  # cell magics whose body still runs
_ASSIGNED_SHELL = re.compile(r"^(\s*)([A-Za-z_][\w.,\s]*?)\s*=\s*[!%]")
_HELP = re.compile(r"^(\s*)(\?\??[\w.]+|[\w.]+\?\??)\s*$")


def ipython_to_python(cell: str) -> str:
    """A cell's IPython syntax turned into plain Python, line for line (line numbers kept).

    What IPython would hand to its magics, the shell or the help system does nothing when
    graded: ``%matplotlib inline``, ``!pip install x``, ``obj?`` and ``??obj`` become
    ``pass`` (indented where they were, so a magic inside an ``if`` stays valid), ``x = !ls``
    becomes ``x = None``, and a ``%%`` cell magic comments out its cell, except ``%%time``
    and friends, whose body runs. IPython's own transformer would turn them into calls of
    ``get_ipython()``, which a sandbox does not have; the original is kept as a comment.
    """
    lines = cell.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)[0] if lines[0].strip() != "%%" else ""
        head = f"pass  # IPython: {lines[0].strip()}"
        if magic in KEEP_BODY_MAGICS:
            return "\n".join([head, *lines[1:]])
        return "\n".join([head, *(f"# {ln}" for ln in lines[1:])])
    out = []
    for line in lines:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(("%", "!")):
            out.append(f"{indent}pass  # IPython: {stripped}")
        elif (m := _ASSIGNED_SHELL.match(line)) and not stripped.startswith("#"):
            out.append(f"{m.group(1)}{m.group(2)} = None  # IPython: {stripped}")
        elif _HELP.match(line) and not stripped.startswith("#"):
            out.append(f"{indent}pass  # IPython help: {stripped}")
        else:
            out.append(line)
    return "\n".join(out)


def notebook_cells(raw: bytes, name: str) -> list[str]:
    """The sources of a notebook's code cells, in order.

    Raises Unreadable when the notebook is not UTF-8, not JSON, not a notebook, or its code
    is over :data:`MAX_FILE_BYTES`.
    """
    text = _utf8(raw, name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise Unreadable(f"{name} is not a notebook: it is not valid JSON (line {err.lineno}: "
                         f"{err.msg}); re-download it from Jupyter.") from None
    except RecursionError:
        raise Unreadable(f"{name} is not a notebook: its JSON is nested too deeply.") from None
    if not isinstance(data, dict):
        raise Unreadable(f"{name} is not a Jupyter notebook (no list of cells).")
    version = data.get("nbformat", 4)
    nb = data
    if isinstance(version, int) and version < 4 and "worksheets" in data:
        # Only an old notebook needs nbformat, to convert it: importing nbformat costs about
        # a second (its JSON-schema stack), which a run of version-4 notebooks never pays.
        import nbformat

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # nbformat's MissingIDFieldWarning, ...
                nb = nbformat.convert(nbformat.from_dict(data), 4)
        except Exception as err:  # nbformat raises many types for malformed notebooks
            raise Unreadable(f"{name} is not a valid Jupyter notebook "
                             f"({type(err).__name__}).") from None
    if not isinstance(nb.get("cells"), list):
        raise Unreadable(f"{name} is not a Jupyter notebook (no list of cells).")
    cells, size = [], 0
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        size += len(source.encode("utf-8", "surrogatepass"))
        if size > MAX_FILE_BYTES:
            raise Unreadable(f"{name} has more than {MAX_FILE_BYTES // 2**20} MiB of code.")
        cells.append(source)
    return cells


def cells_to_module(cells: list[str], name: str) -> tuple[str, list[str]]:
    """One module from a notebook's code cells, to be run cell by cell in the sandbox.

    Each cell follows a CELL_MARK line; IPython syntax is made plain Python. A cell that
    still does not parse is kept only as comments (Jupyter would have shown its error and
    gone on) and named in the notes returned.
    """
    import ast

    parts, notes = [NOTEBOOK_HEADER], []
    for number, cell in enumerate(cells, start=1):
        code = ipython_to_python(cell)
        try:
            ast.parse(code)
        except SyntaxError as err:
            notes.append(f"{name} cell {number} has a syntax error (its line {err.lineno}: "
                         f"{err.msg}); that cell was skipped and the rest was graded, as "
                         "Jupyter would run them.")
            code = "\n".join(f"# {ln}" for ln in cell.splitlines())
        except (ValueError, RecursionError, MemoryError):
            notes.append(f"{name} cell {number} could not be read; it was skipped.")
            code = ""
        parts += [f"{CELL_MARK}{number}", code]
    return "\n".join(parts) + "\n", notes


def notebook_to_source(raw: bytes, name: str) -> str:
    """The code cells of a notebook as one module (see :func:`cells_to_module`)."""
    return cells_to_module(notebook_cells(raw, name), name)[0]


def read_source(path: Path, notes: list[str] | None = None) -> tuple[bytes, bytes]:
    """``(raw bytes, Python source bytes)`` of a ``.py`` file or a notebook.

    A ``.py`` file is graded as Python imports it (one module); a notebook as Jupyter runs
    it (cell by cell), with what was skipped appended to ``notes``. Raises Unreadable (with
    the file named) for anything that cannot be graded.
    """
    name = shown(path.name)
    try:
        if path.suffix.lower() == ".ipynb":
            raw = read_capped(path, MAX_NOTEBOOK_BYTES)
            module, skipped = cells_to_module(notebook_cells(raw, name), name)
            if notes is not None:
                notes.extend(skipped)
            return raw, module.encode("utf-8")
        raw = read_capped(path, MAX_FILE_BYTES)
        _utf8(raw, name)
        return raw, raw
    except Unreadable:
        raise
    except OSError as err:
        raise Unreadable(f"{name} could not be read ({err.strerror or type(err).__name__})."
                         ) from None
    except RecursionError:
        raise Unreadable(f"{name} is nested too deeply to read.") from None
    except MemoryError:
        raise Unreadable(f"{name} is too large to read.") from None
    except Exception as err:  # anything else: this file's problem, never the run's
        raise Unreadable(f"{name} could not be read ({type(err).__name__}).") from None


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
