"""The hidden suites are collected once per worker and re-run for each submission (issue 13).

A :class:`~grader.judge.session.SuitePlan` keeps one pytest session open; re-running its
collected tests must give, for every submission, exactly the records a fresh pytest session
gives, whatever was graded before it (a stub, a crash, a wrong answer), and a new suite hash
must collect afresh. Real sandboxes (a plain subprocess each, the judge's own client) and the
toy suite (add 3 points, largest 2, Counter 1).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.judge import session
from grader.sandbox.client import Sandbox
from grader.sandbox.launcher import Limits, detect

TOY_SUITES = Path(__file__).resolve().parent / "fixtures" / "toy_suites"
# The honest toy module of the hostile tests (add, largest, Counter), numpy imported for the
# forbidden variant.
GOOD = "import numpy as np\n\n" + (Path(__file__).resolve().parent / "hostile" / "base.py"
                                    ).read_text(encoding="utf-8")
SUBMISSIONS = {
    "good": GOOD,
    "wrong": GOOD.replace("return a + b", "return a - b"),
    "stub": "def add(a, b):\n    raise NotImplementedError\n",
    "forbidden": GOOD.replace("    best = xs[0]", "    return np.max(xs)\n    best = xs[0]"),
    "crash": GOOD.replace("return a + b", "import os\n    os._exit(3)"),
    "syntax": "def add(a, b)\n    return a + b\n",
}
ORDER = ["good", "stub", "good", "crash", "wrong", "good", "forbidden", "syntax", "good"]


def grade(tmp_path: Path, name: str, keep: str | None) -> list[dict]:
    folder = tmp_path / f"{name}-{keep}"
    folder.mkdir(exist_ok=True)
    folder.chmod(0o755)
    (folder / "ex01_toy.py").write_text(SUBMISSIONS[name])
    with Sandbox(folder, detect("none"), Limits(call_timeout=5)) as box:
        return session.run_suites(TOY_SUITES, box, folder, keep=keep)


@pytest.fixture(autouse=True)
def no_plan_left():
    yield
    plan = session._PLAN["plan"]
    if plan is not None:
        plan.close()
    session._PLAN.update(key=None, plan=None)


def test_a_kept_plan_grades_each_submission_as_a_fresh_session_would(tmp_path):
    """Graded one after another in one plan (stub, crash, wrong, forbidden, syntax error in
    between), does every submission get exactly the records of a fresh pytest session?"""
    fresh = {name: grade(tmp_path, name, keep=None) for name in SUBMISSIONS}
    assert sum(r["points"] for r in fresh["good"] if r["outcome"] == "passed") == 6
    assert {r["outcome"] for r in fresh["stub"]} >= {"not_started"}
    kept = [(name, grade(tmp_path, name, keep="hash-1")) for name in ORDER]
    for name, records in kept:
        assert records == fresh[name], name


def test_the_suites_are_collected_once_per_plan(tmp_path):
    """Do five submissions with one suite hash share one collection, and does a new hash
    collect afresh?"""
    for name in ORDER[:5]:
        grade(tmp_path, name, keep="hash-1")
    first = session._PLAN["plan"]
    assert first.plugin.collections == 1 and first.plugin.collected == 4
    grade(tmp_path, "good", keep="hash-2")
    second = session._PLAN["plan"]
    assert second is not first and not first.alive
    assert second.plugin.collections == 1
