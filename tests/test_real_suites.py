"""The real hidden suites: reference answers score 100%, stubs 0, the sample class as stated."""

from __future__ import annotations

import csv
import filecmp
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.grading.names import student_slug

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "class"
EXPECTED = json.loads((ROOT / "examples" / "expected_scores.json").read_text())


def grade(submissions: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(submissions),
                           "--out", str(out), "--jobs", "2"],
                          capture_output=True, text=True, timeout=900)


def rows(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "grades.csv", encoding="utf-8") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def reference_and_stubs(tmp_path_factory):
    root = tmp_path_factory.mktemp("refclass")
    for name, source in [("solutions", ROOT / "solutions"), ("stubs", ROOT / "exercises")]:
        (root / name).mkdir()
        for f in source.glob("ex0*_*.py"):
            (root / name / f.name).write_bytes(f.read_bytes())
    out = root.parent / "refclass_out"
    proc = grade(root, out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_solutions_score_full_marks(reference_and_stubs):
    """Do the reference solutions earn every point of every hidden suite?"""
    row = rows(reference_and_stubs)["solutions"]
    assert float(row["total"]) == float(row["max"]) > 0


def test_untouched_exercises_score_zero_not_started(reference_and_stubs):
    """Do the stubs score 0, with every task reported as not started?"""
    out = reference_and_stubs
    assert float(rows(out)["stubs"]["total"]) == 0
    result = json.loads((out / "results" / student_slug("stubs") / "results.json").read_text())
    assert len(result["tests"]) >= 36
    feedback = (out / "feedback" / f"{student_slug('stubs')}.md").read_text()
    assert feedback.count("| not started |") == len(result["tests"])


def test_sample_class_is_generated_from_the_solutions(tmp_path):
    """Is the committed sample class exactly what examples/make_sample_class.py writes?"""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import make_sample_class
    finally:
        sys.path.pop(0)
    make_sample_class.write_class(tmp_path / "class")
    cmp = filecmp.dircmp(SAMPLE, tmp_path / "class")
    stack, differences = [cmp], []
    while stack:
        c = stack.pop()
        differences += c.left_only + c.right_only + c.diff_files
        stack += c.subdirs.values()
    assert differences == [], "run: python examples/make_sample_class.py"


def test_sample_class_scores_what_the_readme_states(tmp_path):
    """Does every sample student get the score in expected_scores.json and the README?"""
    proc = grade(SAMPLE, tmp_path / "out")
    assert proc.returncode == 1, proc.stderr  # the class holds unreadable files on purpose
    got = {s: float(r["total"]) for s, r in rows(tmp_path / "out").items()}
    assert got == {s: float(v) for s, v in EXPECTED.items()}
    readme = (ROOT / "README.md").read_text()
    for student, score in EXPECTED.items():
        assert re.search(rf"\| `{student}` \|[^|\n]*\| {score:g} \|", readme), student
