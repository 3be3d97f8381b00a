"""Faults are not scores: a broken hidden suite or an unusable environment is the grader's
problem, reported to the instructor with the file and error, and never stored as a score.

Each test copies the toy suite, breaks it one way, and grades a small class through the CLI.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from grader.grading.names import student_slug

REPO = Path(__file__).resolve().parent.parent
TOY_SUITES = REPO / "tests" / "fixtures" / "toy_suites"
GOOD = (REPO / "tests" / "hostile" / "base.py").read_text()  # add, largest, Counter: 6 points
STUDENTS = ["amy", "bob", "cem"]


def make_class(root: Path) -> Path:
    for name in STUDENTS:
        (root / name).mkdir(parents=True)
        (root / name / "ex01_toy.py").write_text(GOOD)
    return root


def suites_with(tmp_path: Path, extra: str, name: str = "check_broken.py") -> Path:
    suites = tmp_path / "suites"
    shutil.copytree(TOY_SUITES, suites)
    (suites / "ex01_toy" / name).write_text(extra)
    return suites


def grade(classdir: Path, out: Path, suites: Path, *extra: str):
    return subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(classdir), "--out",
                           str(out), "--suites", str(suites), "--timeout", "5", "--jobs", "2",
                           "--no-similarity", *extra],
                          capture_output=True, text=True, timeout=600, cwd=REPO)


def stored(out: Path) -> dict[str, dict]:
    book = out / "gradebook.sqlite"
    if not book.exists():
        return {}
    db = sqlite3.connect(book)
    try:
        return {s: json.loads(r) for s, r in db.execute("SELECT student, result FROM grades")}
    finally:
        db.close()


BROKEN_TEST = '''
from grader.judge.api import task


@task("1.1", points=1, hint="add the two numbers")
def test_add_broken(student):
    """A hidden test with a bug of its own: it never reaches the learner's code."""
    assert student.add(1.0, 2.0) == undefined_name
'''


def test_a_broken_hidden_test_is_a_grader_fault_not_a_score(tmp_path):
    """Does a test whose own code raises end in exit 4, name the suite file, test and error,
    store nobody, and tell learners it is not their fault?"""
    classdir, out = make_class(tmp_path / "class"), tmp_path / "out"
    proc = grade(classdir, out, suites_with(tmp_path, BROKEN_TEST))
    assert proc.returncode == 4, proc.stderr[-3000:]
    assert "ex01_toy/check_broken.py::test_add_broken raised NameError" in proc.stderr
    assert "3 submission(s)" in proc.stderr and "Traceback" not in proc.stderr
    assert stored(out) == {}
    feedback = (out / "feedback" / f"{student_slug('amy')}.md").read_text()
    assert "grader fault" in feedback and "not your fault" in feedback
    assert "undefined_name" not in feedback and "NameError" not in feedback


def test_after_the_suite_is_fixed_everyone_is_graded(tmp_path):
    """After a run with a broken test, does the run with the fixed suite grade everyone?"""
    classdir, out = make_class(tmp_path / "class"), tmp_path / "out"
    broken = suites_with(tmp_path, BROKEN_TEST)
    assert grade(classdir, out, broken).returncode == 4
    (broken / "ex01_toy" / "check_broken.py").unlink()
    proc = grade(classdir, out, broken)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert {s: r["score"] for s, r in stored(out).items()} == {s: 6.0 for s in STUDENTS}


@pytest.mark.parametrize("source, phrase", [
    ("def test_x(student:\n    pass\n", "check_broken.py"),
    ("import a_module_that_does_not_exist\n", "a_module_that_does_not_exist"),
], ids=["syntax error", "import error"])
def test_a_suite_that_does_not_load_stops_the_run_before_anyone_is_graded(tmp_path, source,
                                                                             phrase):
    """Does a suite that fails to load stop at the preflight (exit 5), naming the file and
    the error, with nothing stored?"""
    classdir, out = make_class(tmp_path / "class"), tmp_path / "out"
    proc = grade(classdir, out, suites_with(tmp_path, source))
    assert proc.returncode == 5, proc.stderr[-3000:]
    assert "preflight failed" in proc.stderr and phrase in proc.stderr
    assert "Traceback" not in proc.stderr
    assert stored(out) == {}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_an_unreadable_suites_folder_is_one_line(tmp_path):
    """Is a suites folder the grader cannot read one clear line and a documented status?"""
    classdir, out = make_class(tmp_path / "class"), tmp_path / "out"
    suites = suites_with(tmp_path, "")
    suites.chmod(0)
    try:
        proc = grade(classdir, out, suites)
    finally:
        suites.chmod(0o755)
    assert proc.returncode in (5, 6), proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and str(suites) in proc.stderr


def test_an_unwritable_output_folder_is_one_line(tmp_path):
    """Is an output path that cannot be a folder (it is a file) one line and status 6?"""
    classdir, out = make_class(tmp_path / "class"), tmp_path / "out"
    out.write_text("a file, not a folder")
    proc = grade(classdir, out, TOY_SUITES)
    assert proc.returncode == 6, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) <= 3


@pytest.mark.parametrize("args", [["--jobs", "0"], ["--timeout", "-1"],
                                  ["--isolation", "sometimes"]])
def test_usage_errors_are_one_line_and_status_2(tmp_path, args):
    """Do bad options exit 2 with a short message and no traceback?"""
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(tmp_path), *args],
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_version_and_help_are_plain():
    """Does `mlmath --version` answer, and does `grade --help` show plain text with defaults?"""
    version = subprocess.run([sys.executable, "-m", "grader.cli", "--version"],
                             capture_output=True, text=True, timeout=60, cwd=REPO)
    assert version.returncode == 0 and version.stdout.startswith("mlmath ")
    top = subprocess.run([sys.executable, "-m", "grader.cli", "--help"], capture_output=True,
                         text=True, timeout=60, cwd=REPO).stdout
    assert "grade" in top
    text = subprocess.run([sys.executable, "-m", "grader.cli", "grade", "--help"],
                          capture_output=True, text=True, timeout=60, cwd=REPO).stdout
    assert "``" not in text and "default: ./grades" in text and "default:" in text
    assert "--isolation" in text and "none" in text and "debugging" in text


def test_an_nbgrader_course_with_two_assignments_needs_one_named(tmp_path):
    """Is a submitted/ tree holding ps0 and ps1 refused in one line (exit 2), never merged?"""
    course = tmp_path / "course"
    for assignment in ("ps0", "ps1"):
        folder = course / "submitted" / "amy" / assignment
        folder.mkdir(parents=True)
        (folder / "ex01_toy.py").write_text(GOOD)
    proc = grade(course, tmp_path / "out", TOY_SUITES)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "ps0, ps1" in proc.stderr and "--assignment" in proc.stderr
    assert "Traceback" not in proc.stderr
