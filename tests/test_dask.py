"""Grading on a real Dask cluster gives the same results as the local workers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="dask.distributed is not installed")

TOY_SUITES = Path(__file__).parent / "fixtures" / "toy_suites"
GOOD = "def add(a, b):\n    return a + b\n\n\ndef largest(xs):\n    return max(xs)\n"
WRONG = GOOD.replace("a + b", "a - b")


def results(out: Path) -> dict[str, str]:
    db = sqlite3.connect(out / "gradebook.sqlite")
    rows = dict(db.execute("SELECT student, result FROM grades").fetchall())
    db.close()
    return rows


def test_a_dask_cluster_grades_like_the_local_pool(tmp_path):
    """Does `mlmath grade --dask ADDRESS` store exactly what the local workers store?"""
    from distributed import LocalCluster

    klass = tmp_path / "class"
    for name, source in {"good": GOOD, "wrong": WRONG}.items():
        (klass / name).mkdir(parents=True)
        (klass / name / "ex01_toy.py").write_text(source)
    base = [sys.executable, "-m", "grader.cli", "grade", str(klass), "--suites", str(TOY_SUITES)]
    local = subprocess.run([*base, "--out", str(tmp_path / "local")], capture_output=True,
                           text=True, timeout=300)
    assert local.returncode == 0, local.stderr
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster:
        remote = subprocess.run([*base, "--out", str(tmp_path / "dask"), "--dask",
                                 cluster.scheduler_address], capture_output=True, text=True,
                                timeout=300)
    assert remote.returncode == 0, remote.stderr
    assert results(tmp_path / "dask") == results(tmp_path / "local")
    assert set(results(tmp_path / "dask")) == {"good", "wrong"}
