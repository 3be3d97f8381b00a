"""Reading one submitted file on the trusted side: never a link, never past a size cap.

- Nothing is followed: files are opened with ``O_NOFOLLOW`` after an ``lstat``; a symbolic
  link, device, FIFO or socket is refused with a named problem.
- Sizes are checked from ``lstat`` before reading and reading stops at the limit, so a huge
  or sparse file costs no memory. A notebook is measured by its code cells, not its outputs.
- A notebook becomes one module of its code cells, marked so that the sandbox runs them one
  by one as Jupyter would (IPython syntax made plain Python, a cell that does not parse kept
  as comments and named).
- Every failure to read or parse a file, whatever its exception, is :class:`Unreadable`
  with the file named: that file's problem, never the run's.
"""

from __future__ import annotations

import json
import os
import re
import stat
import warnings
from pathlib import Path

MAX_FILE_BYTES = 2 * 1024 * 1024  # the code of one exercise (a .py file, a notebook's cells)
MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024  # a whole notebook file, outputs included


class Unreadable(ValueError):
    """A file that cannot be used; the message names it and says why."""


def shown(name: str) -> str:
    """A file or student name as printable text (bytes that are not UTF-8 escaped)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


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
