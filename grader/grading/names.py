"""Names that reach a file system, a spreadsheet or a Markdown table, made safe.

Student names come from folder and file names a class hands in, so they are untrusted text:
two different names must never map to one output file, and a name must never run as a
spreadsheet formula or break a table.
"""

from __future__ import annotations

import hashlib
import os
import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def student_slug(student: str) -> str:
    """A file name for ``student``: a readable slug plus a short hash of the exact name.

    "kim lee" and "kim_lee" share the slug ``kim_lee`` but not the hash, so their feedback
    files and Gradescope folders can never overwrite each other. Names that are not valid
    UTF-8 (a folder name in another encoding) are hashed by their raw bytes.
    """
    raw = os.fsencode(student)
    slug = _UNSAFE.sub("_", os.fsdecode(raw).encode("ascii", "replace").decode()).strip("._-")
    digest = hashlib.sha256(raw).hexdigest()[:8]
    return f"{slug[:60] or 'student'}-{digest}"


def csv_cell(value: object) -> str:
    """``value`` as text that a spreadsheet shows and never evaluates.

    OWASP's advice for CSV injection: a cell that starts with ``= + - @``, a tab or a
    carriage return is prefixed with a single quote. Plain numbers (``-1.5``) are left alone.
    """
    text = str(value)
    if text.startswith(FORMULA_START):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def markdown_cell(text: object) -> str:
    """``text`` safe inside one cell of a Markdown table (pipes escaped, one line)."""
    return (str(text).replace("\\", "\\\\").replace("|", "\\|")
            .replace("\r", " ").replace("\n", " "))
