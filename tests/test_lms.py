"""Canvas and Moodle grade import files (grader/integrations/lms.py): their documented
layouts, students matched through the LMS's own export, formula-like cells neutralised,
grader faults never exported as scores."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from grader.integrations.lms import (
    CANVAS_IDENTITY,
    CANVAS_POINTS_ROW,
    add_lms_arguments,
    moodle_feedback,
    write_lms,
    write_lms_from_args,
)

FIXTURES = Path(__file__).parent / "fixtures" / "integrations"
CANVAS_EXPORT = FIXTURES / "canvas_export.csv"
MOODLE_EXPORT = FIXTURES / "moodle_export.csv"


def result(student: str, score: float, *, max_score: float = 28.0, faults=(),
           problems=()) -> dict:
    """A result dict as grader.grading.worker.grade returns it (only what the exports read)."""
    tasks = {"2.1": {"status": "passed", "score": 1.0, "max_score": 1.0},
             "2.2": {"status": "failed" if score < max_score else "passed", "score": 0.0,
                     "max_score": 2.0},
             "3.1": {"status": "not started", "score": 0.0, "max_score": 3.0}}
    return {"student": student, "score": score, "max_score": max_score, "tasks": tasks,
            "problems": list(problems), "faults": list(faults)}


def rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_canvas_without_roster_has_canvas_columns_and_points_row(tmp_path):
    """Without a roster: Canvas's five identity columns, the assignment (a new one: no id),
    the Points Possible row, and the mlmath id as SIS Login ID?"""
    out = tmp_path / "canvas.csv"
    report = write_lms([result("ada", 28.0), result("ben", 12.5)], out, "canvas",
                       assignment_name="ps1")
    table = rows(out)
    assert table[0] == [*CANVAS_IDENTITY, "ps1"]
    assert table[1] == [CANVAS_POINTS_ROW, "", "", "", "", "28"]
    assert table[2] == ["ada", "", "", "ada", "", "28"]
    assert table[3] == ["ben", "", "", "ben", "", "12.5"]
    assert report.rows == 2 and report.left_out == [] and report.faults == []


def test_canvas_with_roster_keeps_ids_and_the_existing_assignment_column(tmp_path):
    """With Canvas's own export as roster: rows carry Canvas's name, ID, SIS ids and section,
    the assignment column keeps its Canvas id ("ps1 (4242)"), and unknown students are named,
    not guessed?"""
    out = tmp_path / "canvas.csv"
    report = write_lms([result("ada", 28.0), result("S-1002", 5.0), result("zed", 3.0)], out,
                       "canvas", assignment_name="ps1", roster=CANVAS_EXPORT)
    table = rows(out)
    assert table[0][-1] == "ps1 (4242)"
    assert table[1][0] == CANVAS_POINTS_ROW and table[1][-1] == "28"
    assert table[2] == ["Lovelace, Ada", "1001", "S-1001", "ada", "Maths for ML", "28"]
    assert table[3] == ["Bee, Ben", "1002", "S-1002", "ben", "Maths for ML", "5"]
    assert len(table) == 4
    assert report.left_out == ["zed"]
    assert "Student, Test" in report.not_graded and "Lovelace, Ada" not in report.not_graded


def test_canvas_cells_that_look_like_formulas_are_neutralised(tmp_path):
    """Is a student name from the roster or from a folder that starts with '=' or '+'
    written so that a spreadsheet shows it instead of running it?"""
    out = tmp_path / "canvas.csv"
    write_lms([result("eve", 1.0)], out, "canvas", assignment_name="ps1",
              roster=CANVAS_EXPORT)
    assert rows(out)[2][0] == "'=HYPERLINK(\"http://evil\"), Eve"
    write_lms([result("+cmd|' /C calc'!A0", 1.0)], out, "canvas", assignment_name="ps1")
    assert all(cell.startswith("'+") for cell in (rows(out)[2][0], rows(out)[2][3]))


def test_grader_faults_are_not_exported_as_scores(tmp_path):
    """Is a result holding a grader fault left out of the file and named instead?"""
    out = tmp_path / "canvas.csv"
    report = write_lms([result("ada", 28.0), result("ben", 0.0, faults=["boom"])], out,
                       "canvas", assignment_name="ps1")
    assert [r[0] for r in rows(out)[2:]] == ["ada"]
    assert report.faults == ["ben"]


def test_moodle_has_identifier_grade_and_feedback_columns(tmp_path):
    """Moodle: an identifier column (username by default), the grade column named after the
    grade item, and a one-line feedback with each exercise's status?"""
    out = tmp_path / "moodle.csv"
    write_lms([result("ada", 28.0), result("=ben", 1.0, problems=["x.py is a link"])], out,
              "moodle", assignment_name="Problem set 1")
    table = rows(out)
    assert table[0] == ["Username", "Problem set 1", "Feedback"]
    assert table[1][:2] == ["ada", "28"]
    assert table[1][2] == "mlmath: 28 / 28 points (ex02: passed; ex03: not started)."
    assert table[2][0] == "'=ben"
    assert table[2][2].endswith("1 file problem(s), see your feedback page.")


def test_moodle_roster_maps_students_to_the_chosen_identifier(tmp_path):
    """With Moodle's export as roster and identifier=email: a student known by email or by
    ID number gets their email address; one missing from the roster is named?"""
    out = tmp_path / "moodle.csv"
    report = write_lms([result("ada@example.org", 20.0), result("S-1002", 7.0),
                        result("zed", 1.0)], out, "moodle", assignment_name="ps1",
                       roster=MOODLE_EXPORT, identifier="email")
    table = rows(out)
    assert table[0][0] == "Email address"
    assert [r[:2] for r in table[1:]] == [["ada@example.org", "20"], ["ben@example.org", "7"]]
    assert report.left_out == ["zed"]
    assert report.not_graded == ["cai@example.org"]


@pytest.mark.parametrize(("fmt", "kwargs", "message"), [
    ("blackboard", {}, "unknown LMS format"),
    ("moodle", {"identifier": "phone"}, "identifier"),
    ("moodle", {"identifier": "username", "roster": MOODLE_EXPORT}, "no 'Username' column"),
    ("canvas", {"roster": MOODLE_EXPORT}, "not a Canvas gradebook export"),
])
def test_bad_requests_are_refused_with_a_reason(tmp_path, fmt, kwargs, message):
    """Is an unknown format, identifier or a roster of the wrong LMS refused by name?"""
    with pytest.raises(ValueError, match=message):
        write_lms([result("ada", 1.0)], tmp_path / "x.csv", fmt, assignment_name="ps1",
                  **kwargs)


def test_the_grade_flags_write_the_file_into_out(tmp_path):
    """Do --lms, --lms-assignment and --roster (what `mlmath grade` gets) write
    out/canvas.csv, named after the nbgrader assignment when no LMS name is given?"""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--assignment")
    add_lms_arguments(parser)
    assert write_lms_from_args(parser.parse_args([]), [result("ada", 1.0)], tmp_path) is None
    args = parser.parse_args(["--lms", "canvas", "--assignment", "ps2"])
    report = write_lms_from_args(args, [result("ada", 1.0)], tmp_path)
    assert report.path == tmp_path / "canvas.csv" and rows(report.path)[0][-1] == "ps2"


def test_moodle_feedback_names_exercises_in_order():
    """Is the feedback line ordered by exercise and task (ex02 before ex10)?"""
    r = result("ada", 3.0)
    r["tasks"]["10.1"] = {"status": "passed", "score": 1.0, "max_score": 1.0}
    assert moodle_feedback(r).index("ex03") < moodle_feedback(r).index("ex10")
