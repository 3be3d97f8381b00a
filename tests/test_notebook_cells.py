"""Notebooks are graded as Jupyter runs them: cell by cell, with IPython syntax understood.

A cell that does not parse, or raises, is skipped and named, and the rest of the notebook is
still loaded (nbgrader's behaviour, which learners expect); magics, shell escapes and help
syntax do nothing; nbgrader's own stub counts as "not started". A ``.py`` file is graded as
Python imports it: one syntax error there stops the whole module, as ``python`` would.
Graded through the real CLI with the toy suite (add 3 points, largest 2, Counter 1).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TOY_SUITES = REPO / "tests" / "fixtures" / "toy_suites"
ADD = "def add(a, b):\n    return a + b\n"
REST = '''def largest(xs):
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

NOTEBOOKS = {
    # student: (cells, expected score)
    "broken_cell": (["import numpy as np", ADD, "def oops(:\n    pass", "add(1)  # scratch",
                     REST], 6.0),
    "ipython_syntax": (["%matplotlib inline\n!pip install numpy\nimport numpy as np",
                        "np.sum?\n??np\nfiles = !ls\nif True:\n    %time y = 1\n" + ADD,
                        "%%time\n" + REST], 6.0),
    "cell_magic_elsewhere": (["%%bash\necho not python", ADD, REST], 6.0),
    "nbgrader_stub": (["def add(a, b):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
                       REST], 3.0),
    "exits_in_a_cell": (["import sys\nsys.exit(0)", ADD, REST], 6.0),
}


def notebook(cells: list[str]) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
         "source": src, "outputs": []} for i, src in enumerate(cells)]})


def notebook_v3(cells: list[str]) -> str:
    """An old (version 3) notebook, written by nbformat itself: cells under worksheets."""
    import nbformat.v3

    nb = nbformat.v3.new_notebook(worksheets=[nbformat.v3.new_worksheet(
        cells=[nbformat.v3.new_code_cell(input=src) for src in cells])])
    return nbformat.v3.writes_json(nb)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("nbclass")
    classdir, out = root / "class", root / "out"
    for student, (cells, _) in NOTEBOOKS.items():
        (classdir / student).mkdir(parents=True)
        (classdir / student / "ex01_toy.ipynb").write_text(notebook(cells))
    (classdir / "version_3").mkdir()
    (classdir / "version_3" / "ex01_toy.ipynb").write_text(notebook_v3([ADD, REST]))
    (classdir / "py_syntax_error").mkdir()
    (classdir / "py_syntax_error" / "ex01_toy.py").write_text(ADD + "def oops(:\n" + REST)
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(classdir), "--out",
                           str(out), "--suites", str(TOY_SUITES), "--timeout", "5",
                           "--no-similarity"], capture_output=True, text=True, timeout=600)
    db = sqlite3.connect(out / "gradebook.sqlite")
    results = {s: json.loads(r) for s, r in db.execute("SELECT student, result FROM grades")}
    db.close()
    return proc, results


def test_the_run_succeeds(graded):
    proc, results = graded
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(results) == len(NOTEBOOKS) + 2


def test_an_old_version_3_notebook_is_read(graded):
    """Is a version 3 notebook (cells under worksheets) converted and graded in full?"""
    _, results = graded
    assert results["version_3"]["score"] == 6.0
    assert results["version_3"]["problems"] == []


@pytest.mark.parametrize("student", NOTEBOOKS)
def test_a_notebook_scores_what_jupyter_would_give_it(graded, student):
    """Does each notebook get the points its cells earn when run one by one, as in Jupyter?"""
    _, results = graded
    assert results[student]["score"] == NOTEBOOKS[student][1]


def test_a_cell_with_a_syntax_error_is_named_and_skipped(graded):
    """Is the broken cell named (cell 3, syntax error), as a note, not a file problem?"""
    _, results = graded
    notes = " ".join(results["broken_cell"]["notes"])
    assert "cell 3 has a syntax error" in notes
    assert results["broken_cell"]["problems"] == []


def test_nbgraders_stub_counts_as_not_started(graded):
    """Does nbgrader's `raise NotImplementedError()` make its task "not started"?"""
    _, results = graded
    assert results["nbgrader_stub"]["tasks"]["1.1"]["status"] == "not started"


def test_a_py_file_is_graded_as_python_imports_it(graded):
    """Does a syntax error in a .py file fail the module, naming the line (no cells there)?"""
    _, results = graded
    result = results["py_syntax_error"]
    assert result["score"] == 0
    assert any("syntax error on line 3" in t["message"] for t in result["tests"])
