"""Find a class's submissions and turn each into a folder of plain ``.py`` files.

A class is a folder holding, per student, either a folder of exercise files
(``alice/ex01_logs.py``, ``bob/ex01_logs.ipynb``) or a single file (``carol.py``,
``dan.ipynb``), or an nbgrader course's ``submitted/<student>/<assignment>/`` tree. A single
file is matched to an exercise by its ``exNN`` prefix, or tried as every exercise.

Notebooks are read with nbformat, without starting a kernel: their code cells are joined
into a module, with IPython magics (``%matplotlib``, ``!pip``) commented out. A file that is
not UTF-8, a notebook that is not JSON, or anything else unreadable becomes a *problem*, a
plain message naming the file, and the rest of the submission is still graded.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 2 * 1024 * 1024
EXERCISE_NAME = re.compile(r"^(ex\d\d)[_a-z0-9]*$")


@dataclass
class Submission:
    """One student's files, ready to copy into a sandbox folder."""

    student: str
    files: dict[str, bytes] = field(default_factory=dict)  # module file name -> source bytes
    problems: list[str] = field(default_factory=list)
    digest: str = ""


def notebook_to_source(raw: bytes, name: str) -> str:
    """The code cells of a notebook as one module; magics and shell lines commented out."""
    import nbformat

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{name} is not UTF-8 text (byte {err.start}); save it as UTF-8") from None
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{name} is not a notebook: it is not valid JSON "
                         f"(line {err.lineno}: {err.msg}); re-download it from Jupyter") from None
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as err:  # nbformat raises many types for malformed notebooks
        raise ValueError(f"{name} is not a valid Jupyter notebook ({type(err).__name__})") from None
    cells = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        lines = [("# " + ln) if ln.lstrip().startswith(("%", "!")) else ln
                 for ln in str(cell.get("source", "")).splitlines()]
        cells.append("\n".join(lines))
    return "\n\n".join(cells) + "\n"


def _read_source(path: Path) -> bytes:
    """The Python source bytes of ``path`` (a .py file or a notebook); ValueError if unusable."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{path.name} is larger than {MAX_FILE_BYTES // 1024} KiB")
    raw = path.read_bytes()
    if path.suffix == ".ipynb":
        return notebook_to_source(raw, path.name).encode("utf-8")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{path.name} is not UTF-8 text (byte 0x{raw[err.start]:02x} at "
                         f"position {err.start}); save it as UTF-8") from None
    return raw


def _module_for(path: Path, exercises: list[str]) -> list[str]:
    """Exercise modules a file stands for: its own name, or the one its exNN prefix names."""
    m = EXERCISE_NAME.match(path.stem)
    if not m:
        return []
    if path.stem in exercises:
        return [path.stem]
    return [e for e in exercises if e.startswith(m.group(1))]


def load_submission(student: str, paths: list[Path], exercises: list[str]) -> Submission:
    """Read one student's files into a Submission; unreadable files become problems."""
    sub = Submission(student)
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: (p.suffix != ".py", p.name)):
        if not path.is_file() or path.suffix not in (".py", ".ipynb"):
            continue
        modules = _module_for(path, exercises)
        if not modules:
            continue
        try:
            raw = path.read_bytes()
            digest.update(path.name.encode() + b"\0" + hashlib.sha256(raw).digest())
            source = _read_source(path)
        except (OSError, ValueError) as err:
            sub.problems.append(str(err))
            continue
        for module in modules:
            name = f"{module}.py"
            if name in sub.files:
                sub.problems.append(f"{path.name} ignored: {name} is already submitted")
                continue
            sub.files[name] = source
    sub.digest = digest.hexdigest()
    if not sub.files and not sub.problems:
        sub.problems.append("no exercise files found (expected names like ex01_logs.py)")
    return sub


def discover(root: Path, exercises: list[str]) -> list[Submission]:
    """All submissions under ``root``, sorted by student name.

    ``root`` may be a class folder, an nbgrader course folder (with ``submitted/``), or a
    single file (graded as one student named after it).
    """
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"submissions folder {root} does not exist")
    if root.is_file():
        return [load_submission(root.stem, [root], exercises)]
    if (root / "submitted").is_dir():
        return _discover_nbgrader(root / "submitted", exercises)
    subs = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            subs.append(load_submission(entry.name, list(entry.iterdir()), exercises))
        elif entry.suffix in (".py", ".ipynb"):
            subs.append(_load_single_file(entry, exercises))
    return subs


def _load_single_file(path: Path, exercises: list[str]) -> Submission:
    """A student who handed in one file: an exercise by its exNN prefix, or all of them."""
    if _module_for(path, exercises):
        return load_submission(path.stem, [path], exercises)
    sub = Submission(path.stem, digest=hashlib.sha256(path.read_bytes()).hexdigest())
    try:
        source = _read_source(path)
    except (OSError, ValueError) as err:
        sub.problems.append(str(err))
    else:
        sub.files = {f"{e}.py": source for e in exercises}
    return sub


def _discover_nbgrader(submitted: Path, exercises: list[str]) -> list[Submission]:
    subs = []
    for student in sorted(p for p in submitted.iterdir() if p.is_dir()):
        files = [f for assignment in sorted(student.iterdir()) if assignment.is_dir()
                 for f in assignment.iterdir()]
        subs.append(load_submission(student.name, files, exercises))
    return subs
