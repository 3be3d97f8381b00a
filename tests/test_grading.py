"""Grading a class through the real CLI: scores, cheats, broken files, reruns and crashes.

These tests use a toy hidden suite (tests/fixtures/toy_suites, three tasks worth 7 points)
so that they exercise the grader itself; the real suites are tested in test_suites.py.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.grading.names import student_slug

TOY_SUITES = Path(__file__).parent / "fixtures" / "toy_suites"

GOOD = '''
def add(a, b):
    return a + b


def largest(xs):
    best = xs[0]
    for x in xs:
        best = x if x > best else best
    return best


class Counter:
    def __init__(self):
        self.count = 0

    def tick(self):
        self.count += 1
'''

STUB = '''
def add(a, b):
    raise NotImplementedError("Task 1.1: add - not started yet.")


def largest(xs):
    raise NotImplementedError("Task 1.2: largest - not started yet.")


class Counter:
    def __init__(self):
        raise NotImplementedError("Task 1.3: Counter - not started yet.")
'''

ALWAYS_EQUAL = '''
class Everything(float):
    def __eq__(self, other):
        return True
    __ne__ = lambda self, other: False


class Anything:
    def __eq__(self, other):
        return True


def add(a, b):
    return Anything()


def largest(xs):
    return Everything(0.0)


class Counter:
    count = Anything()

    def tick(self):
        pass
'''

PATCHES_THE_JUDGE = '''
import math
import pytest
import numpy.testing
math.isclose = lambda *a, **k: True
pytest.approx = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
''' + GOOD.replace("return a + b", "return a - b")

CONFTEST = '''
import pytest

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
'''

STUDENTS: dict[str, dict[str, str | bytes]] = {
    "good": {"ex01_toy.py": GOOD},
    "wrong_sign": {"ex01_toy.py": GOOD.replace("return a + b", "return a - b")},
    "not_started": {"ex01_toy.py": STUB},
    "always_equal": {"ex01_toy.py": ALWAYS_EQUAL},
    "exit_at_import": {"ex01_toy.py": "import os\nos._exit(0)\n" + GOOD},
    "exit_in_call": {"ex01_toy.py": GOOD.replace("return a + b", "raise SystemExit(0)")},
    "patches_judge": {"ex01_toy.py": PATCHES_THE_JUDGE},
    "ships_conftest": {"ex01_toy.py": GOOD.replace("return a + b", "return 0"),
                       "conftest.py": CONFTEST, "pytest.ini": "[pytest]\naddopts = -p no:x\n"},
    "forbidden": {"ex01_toy.py": "import numpy as np\n" + GOOD.replace(
        "    best = xs[0]\n", "    return float(np.max(xs))\n    best = xs[0]\n")},
    "syntax_error": {"ex01_toy.py": "def add(a, b)\n    return a + b\n"},
    "not_utf8": {"ex01_toy.py": b"# caf\xe9\n" + GOOD.encode()},
    "spins": {"ex01_toy.py": GOOD.replace("return a + b", "while True:\n        pass")},
    "missing_function": {"ex01_toy.py": GOOD.replace("def largest", "def biggest")},
}

EXPECTED_SCORE = {
    "good": 6, "wrong_sign": 3, "not_started": 0, "always_equal": 0, "exit_at_import": 0,
    "exit_in_call": 3, "patches_judge": 3, "ships_conftest": 3, "forbidden": 4,
    "syntax_error": 0, "not_utf8": 0, "spins": 3, "missing_function": 4,
    "notebook": 6, "bad_notebook": 0,
}


def notebook(source: str) -> str:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# My work"},
             {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
              "source": "%matplotlib inline\n" + source}]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def make_class(root: Path, students: dict[str, dict[str, str | bytes]]) -> Path:
    for student, files in students.items():
        (root / student).mkdir(parents=True)
        for name, content in files.items():
            data = content if isinstance(content, bytes) else content.encode()
            (root / student / name).write_bytes(data)
    return root


def grade(submissions: Path, out: Path, *extra: str, timeout: float = 600):
    cmd = [sys.executable, "-m", "grader.cli", "grade", str(submissions), "--out", str(out),
           "--suites", str(TOY_SUITES), "--timeout", "3", *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def scores(out: Path) -> dict[str, float]:
    with open(out / "grades.csv", encoding="utf-8") as f:
        return {row["student"]: float(row["total"]) for row in csv.DictReader(f)}


def results(out: Path) -> dict[str, str]:
    """Stored results by student; empty while the gradebook or its table does not exist yet
    (a running grader creates the file before the table)."""
    book = out / "gradebook.sqlite"
    if not book.exists():
        return {}
    db = sqlite3.connect(book, timeout=10)
    try:
        rows = db.execute("SELECT student, result FROM grades").fetchall()
    except sqlite3.OperationalError:
        return {}
    finally:
        db.close()
    return dict(rows)


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    students = dict(STUDENTS)
    make_class(root, students)
    (root / "notebook.ipynb").write_text(notebook(GOOD.replace("def add", "def add")))
    (root / "bad_notebook.ipynb").write_text("{this is not json")
    out = root.parent / (root.name + "_out")
    proc = grade(root, out, "--jobs", "2")
    return root, out, proc


def test_every_student_gets_the_score_they_earned(graded_class):
    """Does each submission, honest, broken or cheating, get exactly the points it earned?"""
    _, out, proc = graded_class
    assert proc.returncode == 1, proc.stderr  # some files were unreadable
    assert scores(out) == {s: float(v) for s, v in EXPECTED_SCORE.items()}


def test_other_students_are_untouched_by_cheaters(graded_class, tmp_path):
    """Is the honest student's record byte-identical when graded alone?"""
    _, out, _ = graded_class
    alone = make_class(tmp_path / "alone", {"good": STUDENTS["good"]})
    proc = grade(alone, tmp_path / "out_alone", "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    assert results(tmp_path / "out_alone")["good"] == results(out)["good"]


@pytest.mark.parametrize("student, phrase", [
    ("not_started", "not started"),
    ("syntax_error", "syntax error on line 1"),
    ("not_utf8", "is not UTF-8"),
    ("bad_notebook", "not valid JSON"),
    ("spins", "took longer than 3"),
    ("missing_function", "has no function `largest`"),
    ("forbidden", "uses numpy.max"),
    ("exit_at_import", "ended the program"),
    ("always_equal", "unsupported return type"),
])
def test_feedback_names_the_problem(graded_class, student, phrase):
    """Does the learner's feedback say plainly what went wrong?"""
    _, out, _ = graded_class
    text = (out / "feedback" / f"{student_slug(student)}.md").read_text()
    assert phrase.lower() in text.lower()


def test_feedback_never_shows_hidden_test_text(graded_class):
    """Do feedback and results.json stay free of hidden inputs, asserts and tracebacks?"""
    _, out, _ = graded_class
    suite_text = (TOY_SUITES / "ex01_toy" / "check_toy.py").read_text()
    secrets = ["[3.0, -1.0, 7.5]", "assert", "Traceback", "test_largest", "_counter_probe"]
    assert all(s in suite_text or s == "Traceback" for s in secrets)
    for path in [*out.glob("feedback/*"), *out.glob("results/*/results.json")]:
        text = path.read_text()
        for secret in secrets:
            assert secret not in text, (path, secret)


def test_outputs_exist_in_their_formats(graded_class):
    """Are the CSV, Gradescope JSON, HTML feedback and class report all written?"""
    _, out, proc = graded_class
    gs = json.loads((out / "results" / student_slug("good") / "results.json").read_text())
    assert gs["score"] == 6 and {t["number"] for t in gs["tests"]} == {"1.1", "1.2", "1.3"}
    assert all(t["status"] == "passed" for t in gs["tests"])
    assert "<table" in (out / "feedback" / f"{student_slug('good')}.html").read_text()
    report = (out / "report.html").read_text()
    assert "<svg" in report and student_slug("good") in report
    assert "good" in proc.stdout and "Isolation:" in proc.stdout


def test_regrading_the_same_files_is_a_no_op(graded_class):
    """Does a second run grade nothing and leave the gradebook as it was?"""
    root, out, _ = graded_class
    before = results(out)
    proc = grade(root, out, "--jobs", "2")
    assert "0 graded now" in proc.stdout
    assert results(out) == before


def test_changed_submission_is_regraded(tmp_path):
    """Is a student who resubmits graded again, and only that student?"""
    root = make_class(tmp_path / "c", {"a": STUDENTS["wrong_sign"], "b": STUDENTS["good"]})
    out = tmp_path / "out"
    grade(root, out, "--jobs", "1")
    (root / "a" / "ex01_toy.py").write_text(GOOD)
    proc = grade(root, out, "--jobs", "1")
    assert "1 graded now, 1 already" in proc.stdout
    assert scores(out) == {"a": 6.0, "b": 6.0}


def test_kill_9_mid_run_then_rerun_grades_everyone_exactly_once(tmp_path):
    """After kill -9 and a rerun, is every student graded once, as in an uninterrupted run?"""
    slow = GOOD.replace("return a + b", "import time\n    time.sleep(0.15)\n    return a + b")
    students = {f"s{i:02d}": {"ex01_toy.py": slow if i % 2 else GOOD} for i in range(10)}
    root = make_class(tmp_path / "class", students)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "grader.cli", "grade", str(root), "--out", str(out),
           "--suites", str(TOY_SUITES), "--jobs", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    book = out / "gradebook.sqlite"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if 2 <= len(results(out)) < len(students):
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    interrupted = len(results(out))
    assert 0 < interrupted < len(students)
    again = grade(root, out, "--jobs", "2")
    assert f"{len(students) - interrupted} graded now, {interrupted} already" in again.stdout
    reference = tmp_path / "reference"
    grade(root, reference, "--jobs", "2")
    assert results(out) == results(reference)
    db = sqlite3.connect(book)
    assert db.execute("SELECT COUNT(*), COUNT(DISTINCT student) FROM grades").fetchone() == (
        len(students), len(students))


def test_stale_suite_modules_are_not_reused_between_runs(tmp_path):
    """In one warm process (suite modules kept loaded between submissions), does a wrong
    submission after a right one score as wrong, and does the same one grade identically?"""
    from grader.grading import worker
    from grader.grading.runner import suite_hash
    from grader.sandbox.launcher import Limits, detect

    iso = detect("auto")
    order = ["good", "wrong_sign", "good", "wrong_sign"]
    got, records = [], []
    for student in order:
        files = {name: text.encode() for name, text in STUDENTS[student].items()}
        job = {"student": student, "files": files, "suites": str(TOY_SUITES),
               "submission_hash": "h", "suite_hash": suite_hash(TOY_SUITES),
               "isolation": list(iso.layers), "limits": Limits(call_timeout=3).__dict__,
               "problems": []}
        try:
            result = worker.grade(job)
            got.append(result["score"])
            records.append(result["tests"])
        finally:
            if student == order[-1] and worker._ZYGOTE is not None:
                worker._ZYGOTE.close()  # this test process is not a worker: tidy up
                worker._ZYGOTE = None
    assert got == [6, 3, 6, 3]
    assert records[0] == records[2] and records[1] == records[3]
