"""A notebook with a broken cell scores what the real `nbgrader autograde` gives it.

Exercise 2 is ported to nbgrader with the hidden suite's own checks (bench/bench_nbgrader.py:
one test cell per hidden test, worth its points). Two learners hand it in as notebooks: one
with a cell that has a syntax error (the sample class's eli), one with typical mistakes
(cai). nbgrader runs the notebooks cell by cell in a kernel, and so does mlmath's sandbox:
every task the broken cell does not touch keeps its points, and both tools give the same
totals.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    if shutil.which("nbgrader") is None:
        pytest.skip("nbgrader is not installed (pip install -e '.[nbgrader]')")
    spec = importlib.util.spec_from_file_location("bench_nbgrader",
                                                  ROOT / "bench" / "bench_nbgrader.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.EXERCISES = ["ex02_determinants"]
    module.say = lambda *parts: None
    root = tmp_path_factory.mktemp("agreement")
    env = {**os.environ, **module.THREADS, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "bench"), str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    profiles = module.build_course(root, 3, env, kinds=["syntax error", "mistakes", "complete"])
    _, nbgrader = module.nbgrader_round(root, env)
    _, mlmath = module.mlmath_round(root, env)
    return profiles, nbgrader, mlmath, root


def test_the_broken_notebook_really_has_a_cell_that_does_not_parse(bench):
    """Is eli's exercise 2 notebook broken in one cell only (the case under test)?"""
    import json

    profiles, _, _, root = bench
    eli = next(s for s, p in profiles.items() if p == "syntax error")
    cells = json.loads((root / "submitted" / eli / "ps1" / "ex02_determinants.ipynb")
                       .read_text())["cells"]
    broken = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        try:
            compile(source, "cell", "exec")
        except SyntaxError:
            broken.append(source)
    assert len(broken) == 1


def test_every_student_gets_nbgraders_total(bench):
    """Do mlmath and nbgrader autograde give every learner the same total?"""
    profiles, nbgrader, mlmath, _ = bench
    assert set(nbgrader) == set(mlmath) == set(profiles)
    assert mlmath == nbgrader
    eli = next(s for s, p in profiles.items() if p == "syntax error")
    ada = next(s for s, p in profiles.items() if p == "complete")
    assert 0 < mlmath[eli] < mlmath[ada]  # the broken cell cost its tasks, not the notebook
