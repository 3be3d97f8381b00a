"""The trusted side never trusts a file: hostile *files* (not code), graded through the CLI.

One class holds an honest student and submissions whose files attack the grader's reader:
symbolic links (to a solution, to another student's file or folder, to /etc/shadow, to the
grader's /proc/self/environ, to a hidden suite, to the gradebook), a notebook nested 150,000
levels deep, a sparse 4 GiB file, names that collide or look like spreadsheet formulas,
similarly named files, an archive, and an honest notebook with a 5 MB image output. The
grader must refuse each with a problem that names the file, grade everyone else, keep its
own memory small, and let nothing of a link's target reach the sandbox or any output.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TOY_SUITES = REPO / "tests" / "fixtures" / "toy_suites"
TOKEN = secrets.token_hex(8)
SECRET = "MLMATH_FILES_SECRET"

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
FULL = 6.0
WRONG_ADD = GOOD.replace("return a + b", "return a - b")  # 3 points: largest and Counter


def notebook(code: str, outputs: list | None = None) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": 1,
         "source": code, "outputs": outputs or []}]})


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("files")
    root.chmod(0o755)
    classdir, out = root / "class", root / "out"
    classdir.mkdir()
    solution = root / "solution_ex01_toy.py"
    solution.write_text(GOOD + f"\n# solution {TOKEN}\n")

    def student(name: str, files: dict[str, str | bytes]) -> Path:
        folder = classdir / name
        folder.mkdir()
        for file, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            (folder / file).write_bytes(data)
        return folder

    student("ada", {"ex01_toy.py": GOOD + f"\n# ada's own work {TOKEN}\n"})
    links = {
        "link_solution": solution,
        "link_other_file": classdir / "ada" / "ex01_toy.py",
        "link_shadow": Path("/etc/shadow"),
        "link_environ": Path("/proc/self/environ"),
        "link_suite": TOY_SUITES / "ex01_toy" / "check_toy.py",
        "link_gradebook": out / "gradebook.sqlite",
    }
    for name, target in links.items():
        (student(name, {}) / "ex01_toy.py").symlink_to(target)
    (classdir / "link_folder").symlink_to(classdir / "ada")
    deep = "[" * 150_000 + "]" * 150_000
    (classdir / "deep_notebook.ipynb").write_text('{"cells": ' + deep + "}")
    sparse = student("sparse", {}) / "ex01_toy.py"
    with open(sparse, "wb") as f:
        f.truncate(4 * 1024**3)
    png = base64.b64encode(os.urandom(5 * 1024 * 1024)).decode()
    student("plot", {"ex01_toy.ipynb": notebook(GOOD, [
        {"output_type": "display_data", "metadata": {}, "data": {"image/png": png}}])})
    student("kim lee", {"ex01_toy.py": GOOD})
    student("kim_lee", {"ex01_toy.py": WRONG_ADD})
    student("=HYPERLINK(1)", {"ex01_toy.py": GOOD})
    student("draft", {"ex01_toy.py": GOOD, "ex01_draft.py": WRONG_ADD, "ex01.py": WRONG_ADD})
    student("download", {"Ex01_Toy (1).py": GOOD})
    student("ambiguous", {"ex01_toy (1).py": GOOD, "Ex01_toy-2.py": WRONG_ADD})
    (classdir / "zipped.zip").write_bytes(b"PK\x03\x04 not really")
    student("dupe", {"ex01_toy.py": GOOD})
    (classdir / "dupe.py").write_text(WRONG_ADD)
    strays = student("strays", {"ex01_toy.py": GOOD})
    for i in range(20_000):
        (strays / f"stray{i}.txt").write_bytes(b"")
    student(".hidden", {"ex01_toy.py": GOOD})
    student("latin1", {"ex01_toy.py": GOOD.encode() + "# café\n".encode("latin-1")})

    env = {**os.environ, SECRET: TOKEN}
    cmd = [sys.executable, "-m", "grader.cli", "grade", str(classdir), "--out", str(out),
           "--suites", str(TOY_SUITES), "--timeout", "3", "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=REPO)
    peak = 0
    while proc.poll() is None:  # the grading process's own peak memory, read while it runs
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            peak = max(peak, int(status.split("VmHWM:")[1].split()[0]) * 1024)
        except (OSError, IndexError, ValueError):
            pass
        time.sleep(0.05)
    stdout, stderr = proc.communicate()
    db = sqlite3.connect(out / "gradebook.sqlite")
    stored = {s: json.loads(r) for s, r in db.execute("SELECT student, result FROM grades")}
    db.close()
    return {"root": root, "out": out, "proc": proc, "stdout": stdout, "stderr": stderr,
            "peak": peak, "results": stored}


def problems(world, student: str) -> str:
    return " ".join(world["results"][student]["problems"])


def notes(world, student: str) -> str:
    return " ".join(world["results"][student].get("notes", []))


def test_the_class_is_graded_and_the_exit_says_files_were_unreadable(world):
    """Is every student graded (exit 1: some files unreadable), without a traceback?"""
    assert world["proc"].returncode == 1, world["stderr"][-3000:]
    assert "Traceback" not in world["stderr"]
    assert world["results"]["ada"]["score"] == FULL


@pytest.mark.parametrize("name", ["link_solution", "link_other_file", "link_shadow",
                                  "link_environ", "link_suite", "link_gradebook",
                                  "link_folder"])
def test_a_symbolic_link_is_refused_and_named(world, name):
    """Is a link (file or folder) refused with a problem naming it, and graded as nothing?"""
    result = world["results"][name]
    assert "symbolic link" in problems(world, name)
    assert result["score"] == 0


def test_nothing_of_a_link_target_reaches_any_output(world):
    """Does no output file hold the token planted in the targets (solution, environment)?"""
    leaks = [p for p in world["out"].rglob("*") if p.is_file()
             and p.suffix in (".md", ".html", ".json", ".csv") and TOKEN in p.read_text()]
    assert leaks == []


def test_a_deeply_nested_notebook_is_one_students_problem(world):
    """Does a notebook nested 150,000 deep become that file's problem, not the run's?"""
    assert "deep_notebook.ipynb" in problems(world, "deep_notebook")
    assert world["results"]["deep_notebook"]["score"] == 0


def test_a_sparse_4_gib_file_is_refused_by_size_without_reading_it(world):
    """Is a 4 GiB sparse file refused by its size, with the grader staying under 300 MB?"""
    assert "too large" in problems(world, "sparse")
    assert 0 < world["peak"] < 300 * 1024**2, world["peak"]


def test_an_honest_notebook_with_a_5_mb_plot_is_graded(world):
    """Is a notebook measured by its code, so a 5 MB image output costs nothing?"""
    assert world["results"]["plot"]["score"] == FULL
    assert world["results"]["plot"]["problems"] == []


def test_names_that_differ_only_in_punctuation_get_their_own_files(world):
    """Do "kim lee" and "kim_lee" get separate feedback and results.json, each their own?"""
    out = world["out"]
    feedback = sorted(p.name for p in (out / "feedback").glob("kim*.md"))
    assert len(feedback) == 2
    results = sorted((out / "results").glob("kim*/results.json"))
    assert len(results) == 2
    assert sorted(json.loads(p.read_text())["score"] for p in results) == [3.0, FULL]


def test_a_formula_like_name_is_neutralised_in_the_csv(world):
    """Does a student name starting with '=' reach grades.csv as text, not a formula?"""
    with open(world["out"] / "grades.csv", encoding="utf-8") as f:
        names = [row[0] for row in csv.reader(f)][1:]
    assert "'=HYPERLINK(1)" in names
    assert not [n for n in names if n.startswith(("=", "+", "@"))]


def test_the_exact_file_name_wins_over_drafts(world):
    """Is ex01_toy.py graded, not ex01_draft.py or ex01.py beside it, and are they named?"""
    assert world["results"]["draft"]["score"] == FULL
    assert "ex01_draft.py" in notes(world, "draft") and "ex01.py" in notes(world, "draft")


def test_a_download_suffix_and_case_are_forgiven_and_said(world):
    """Is "Ex01_Toy (1).py" graded as ex01_toy.py, saying so?"""
    assert world["results"]["download"]["score"] == FULL
    assert "Ex01_Toy (1).py" in notes(world, "download")


def test_two_candidates_are_one_problem_not_a_guess(world):
    """With two files that could each be ex01_toy.py, is the exercise refused, both named?"""
    text = problems(world, "ambiguous")
    assert "several files" in text and "ex01_toy (1).py" in text and "Ex01_toy-2.py" in text
    assert world["results"]["ambiguous"]["score"] == 0


def test_an_archive_gets_a_row_and_a_message(world):
    """Does a .zip at the class level get a row that says to unpack it?"""
    assert "archive" in problems(world, "zipped")


def test_a_folder_and_a_file_of_one_name_are_one_row(world):
    """Do dupe/ and dupe.py give one result, the other named as not graded?"""
    with open(world["out"] / "grades.csv", encoding="utf-8") as f:
        names = [row[0] for row in csv.reader(f)]
    assert names.count("dupe") == 1
    assert "dupe.py" in problems(world, "dupe")


def test_twenty_thousand_stray_files_are_one_line(world):
    """Are 20,000 stray files counted in one line, not listed?"""
    result = world["results"]["strays"]
    assert result["score"] == FULL
    assert len(result["problems"]) + len(result.get("notes", [])) <= 2
    assert "other file(s) ignored" in notes(world, "strays")


def test_a_hidden_folder_is_reported_not_silently_skipped(world):
    """Is a folder starting with '.' named in the run's output rather than silently lost?"""
    assert ".hidden" not in world["results"]
    assert "hidden" in world["stderr"] and "not graded" in world["stderr"]


def test_an_unreadable_file_is_named_once_and_never_called_missing(world):
    """Is a Latin-1 file reported once as not UTF-8, its tasks pointing at that problem
    instead of calling the file missing?"""
    result = world["results"]["latin1"]
    assert "not UTF-8" in problems(world, "latin1")
    messages = [t["message"] for t in result["tests"] if t["outcome"] != "passed"]
    assert messages and all("could not be read" in m for m in messages)
    assert not [m for m in messages if "not in your submission" in m or "missing" in m]
