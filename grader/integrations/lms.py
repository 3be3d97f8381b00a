"""Grade files a learning management system imports: Canvas and Moodle.

``grades.csv`` (one column per task) stays mlmath's own export. These files carry one column
for the assignment, in the layout each gradebook documents for its CSV import:

- **Canvas** (Grades > Import): ``Student, ID, SIS User ID, SIS Login ID, Section``, then one
  column per assignment named ``<Assignment> (<Canvas id>)`` for an existing assignment, or
  ``<Assignment>`` alone to create one; the second row is ``    Points Possible`` (as in
  Canvas's own export) with the assignment's points. Give the roster as Canvas's own gradebook
  export (``--roster``): students are matched by their mlmath id against its ``SIS Login ID``,
  ``SIS User ID``, ``ID`` or ``Student`` column, and the assignment column keeps its Canvas id
  when the export already has a column of that name. Without a roster, the mlmath id goes
  into ``SIS Login ID`` (right on a JupyterHub whose user names are the Canvas login ids).
- **Moodle** (Grades > Import > CSV file): an identifier column, the grade column named after
  the assignment, and a ``Feedback`` column (Moodle's docs advise importing feedback together
  with the grade). In the import form, map the identifier column to ``username``,
  ``useremail`` or ``useridnumber`` and the two others to the grade item and its feedback.
  The identifier is the mlmath id, or, with a roster (a CSV with a ``Username``, ``Email
  address`` or ``ID number`` column, as Moodle exports them), that student's value in the
  roster's column named by ``identifier``.

Every text cell goes through :func:`grader.grading.names.csv_cell`, so a name that starts like a
formula is shown by a spreadsheet, never run. Results holding a grader fault are left out
(not a score); students missing from the roster, or in the roster but not graded, are named
in the returned report, never guessed.
"""

from __future__ import annotations

import argparse
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from grader.grading.names import csv_cell

FORMATS = ("canvas", "moodle")
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "    Points Possible"
CANVAS_MATCH = ("SIS Login ID", "SIS User ID", "ID", "Student")
CANVAS_ID_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<id>\d+)\)$")
MOODLE_IDENTIFIERS = {"username": "Username", "email": "Email address",
                      "idnumber": "ID number"}


@dataclass
class LmsExport:
    """What :func:`write_lms` wrote, and who could not be placed."""

    path: Path
    rows: int = 0
    left_out: list[str] = field(default_factory=list)  # graded, but not in the roster
    faults: list[str] = field(default_factory=list)  # a grader fault: no score to export
    not_graded: list[str] = field(default_factory=list)  # in the roster, no result


def _fmt(x: float) -> str:
    return f"{x:g}"


def read_roster(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """``(header, rows)`` of a roster CSV (UTF-8, a byte-order mark allowed)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        rows = [row for row in reader if any((v or "").strip() for v in row.values())]
        return list(reader.fieldnames or []), rows


def _scored(results: list[dict], report: LmsExport) -> list[dict]:
    kept = []
    for r in results:
        if r.get("faults"):
            report.faults.append(r["student"])
        else:
            kept.append(r)
    return kept


def _match(roster: list[dict[str, str]], columns: tuple[str, ...]) -> dict[str, dict]:
    """``{identifier: roster row}`` over ``columns``, the first column that names it winning."""
    index: dict[str, dict] = {}
    for column in reversed(columns):
        for row in roster:
            value = (row.get(column) or "").strip()
            if value and value != CANVAS_POINTS_ROW.strip():
                index[value] = row
    return index


def _canvas(results: list[dict], path: Path, assignment: str, roster: Path | None,
            report: LmsExport) -> None:
    header = assignment
    rows_in: list[dict[str, str]] = []
    if roster is not None:
        columns, rows_in = read_roster(roster)
        missing = [c for c in ("Student", "ID", "SIS Login ID", "Section") if c not in columns]
        if missing:
            raise ValueError(f"{roster} is not a Canvas gradebook export (no "
                             f"{', '.join(missing)} column)")
        rows_in = [r for r in rows_in if (r.get("Student") or "").strip()
                   != CANVAS_POINTS_ROW.strip()]
        for column in columns:
            m = CANVAS_ID_SUFFIX.match(column)
            if column == assignment or (m and m.group("name") == assignment):
                header = column  # the existing assignment, with its Canvas id
    points = max((r["max_score"] for r in results), default=0)
    by_id = _match(rows_in, CANVAS_MATCH)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([*CANVAS_IDENTITY, header])
        w.writerow([CANVAS_POINTS_ROW, "", "", "", "", _fmt(points)])
        placed = set()
        for r in results:
            if roster is None:
                identity = [r["student"], "", "", r["student"], ""]
            elif r["student"] in by_id:
                row = by_id[r["student"]]
                identity = [row.get(c, "") or "" for c in CANVAS_IDENTITY]
                placed.add(id(row))
            else:
                report.left_out.append(r["student"])
                continue
            w.writerow([*(csv_cell(v) for v in identity), _fmt(r["score"])])
            report.rows += 1
    report.not_graded = [r.get("Student", "") for r in rows_in if id(r) not in placed] \
        if roster is not None else []


def moodle_feedback(result: dict) -> str:
    """One line for Moodle's feedback column: the score and each exercise's status."""
    from grader.grading.feedback import combined_status, exercise_of, task_sort_key

    groups: dict[str, list[str]] = {}
    for task in sorted(result["tasks"], key=task_sort_key):
        groups.setdefault(exercise_of(task), []).append(result["tasks"][task]["status"])
    parts = [f"{e}: {combined_status(statuses)}" for e, statuses in groups.items()]
    text = f"mlmath: {_fmt(result['score'])} / {_fmt(result['max_score'])} points"
    if parts:
        text += " (" + "; ".join(parts) + ")"
    if result.get("problems"):
        text += f"; {len(result['problems'])} file problem(s), see your feedback page"
    return text + "."


def _moodle(results: list[dict], path: Path, assignment: str, roster: Path | None,
            identifier: str, report: LmsExport) -> None:
    if identifier not in MOODLE_IDENTIFIERS:
        raise ValueError(f"Moodle identifier {identifier!r}: one of "
                         f"{', '.join(MOODLE_IDENTIFIERS)}")
    column = MOODLE_IDENTIFIERS[identifier]
    by_id: dict[str, dict] = {}
    rows_in: list[dict[str, str]] = []
    if roster is not None:
        columns, rows_in = read_roster(roster)
        if column not in columns:
            raise ValueError(f"{roster} has no {column!r} column (Moodle's export names it so)")
        by_id = _match(rows_in, tuple(c for c in MOODLE_IDENTIFIERS.values() if c in columns))
    placed = set()
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([column, assignment, "Feedback"])
        for r in results:
            value = r["student"]
            if roster is not None:
                row = by_id.get(r["student"])
                if row is None or not (row.get(column) or "").strip():
                    report.left_out.append(r["student"])
                    continue
                value = row[column].strip()
                placed.add(id(row))
            w.writerow([csv_cell(value), _fmt(r["score"]), csv_cell(moodle_feedback(r))])
            report.rows += 1
    report.not_graded = [r.get(column, "") for r in rows_in if id(r) not in placed]


def write_lms(results: list[dict], path: Path, fmt: str, *, assignment_name: str,
              roster: Path | None = None, identifier: str = "username") -> LmsExport:
    """Write a Canvas or Moodle grade import file (see the module docstring).

    Args:
        results: result dicts of :func:`grader.grading.worker.grade`, in the order to write.
        path: the CSV to write.
        fmt: ``"canvas"`` or ``"moodle"``.
        assignment_name: the assignment's column (Canvas: its name, optionally with
            `` (<id>)``; Moodle: the grade item's name).
        roster: the LMS's own gradebook export, to match students and keep Canvas ids.
        identifier: Moodle's user field to match on: ``username``, ``email`` or
            ``idnumber`` (ignored for Canvas).
    Raises:
        ValueError: an unknown format or identifier, a roster without the needed columns.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown LMS format {fmt!r} (one of {', '.join(FORMATS)})")
    if not assignment_name.strip():
        raise ValueError("the LMS export needs an assignment name")
    path = Path(path)
    report = LmsExport(path)
    scored = _scored(results, report)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "canvas":
        _canvas(scored, path, assignment_name, roster, report)
    else:
        _moodle(scored, path, assignment_name, roster, identifier, report)
    return report


# --------------------------------------------------------------------------- the flags


def add_lms_arguments(parser: argparse.ArgumentParser) -> None:
    """``--lms canvas|moodle``, ``--lms-assignment``, ``--roster``, ``--lms-identifier``."""
    parser.add_argument("--lms", choices=FORMATS,
                        help="also write a Canvas or Moodle grade import file into --out "
                             "(canvas.csv or moodle.csv)")
    parser.add_argument("--lms-assignment", metavar="NAME",
                        help="the assignment's name in the LMS (default: the nbgrader "
                             "assignment, else 'mlmath')")
    parser.add_argument("--roster", type=Path, metavar="CSV",
                        help="the LMS's own gradebook export, to match students by id")
    parser.add_argument("--lms-identifier", choices=sorted(MOODLE_IDENTIFIERS),
                        default="username",
                        help="Moodle: the user field the first column holds (default: "
                             "username)")


def write_lms_from_args(args: argparse.Namespace, results: list[dict],
                        out: Path) -> LmsExport | None:
    """Write ``out/canvas.csv`` or ``out/moodle.csv`` when ``--lms`` was given; else None."""
    if not getattr(args, "lms", None):
        return None
    name = args.lms_assignment or getattr(args, "assignment", None) or "mlmath"
    return write_lms(results, Path(out) / f"{args.lms}.csv", args.lms, assignment_name=name,
                     roster=args.roster, identifier=args.lms_identifier)


__all__ = ["FORMATS", "LmsExport", "add_lms_arguments", "moodle_feedback", "read_roster",
           "write_lms", "write_lms_from_args"]
