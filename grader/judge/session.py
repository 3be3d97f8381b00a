"""Run the hidden pytest suites against one sandboxed submission, in this (trusted) process.

``run_suites`` calls ``pytest.main`` with a plugin that hands every test a ``student`` proxy
for the exercise its folder is named after, records each test's outcome with a learner-safe
message, and forgets the suite modules afterwards: a warm worker runs pytest many times, and
pytest would otherwise reuse the test modules of the previous submission.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from grader.judge.api import GLOBAL_FORBIDDEN, StudentCodeError
from grader.judge.forbidden import find_uses, parse_quietly
from grader.judge.proxy import StudentModule
from grader.sandbox.client import Sandbox

WRONG_ANSWER = "your answer did not pass this check."
UNCHECKABLE = "your answer could not be checked (is its type or shape what the task asks for?)."


class JudgePlugin:
    """A pytest plugin: the ``student`` fixture, forbidden-call checks and outcome records."""

    def __init__(self, sandbox: Sandbox, submission: Path):
        self.sandbox = sandbox
        self.submission = submission
        self.records: list[dict] = []
        self._trees: dict[str, ast.Module | None] = {}
        self._uses: dict[tuple[str, tuple[str, ...]], list[tuple[str, int]]] = {}

    def _tree(self, module: str) -> ast.Module | None:
        if module not in self._trees:
            path = self.submission / f"{module}.py"
            source = path.read_text(encoding="utf-8") if path.is_file() else ""
            self._trees[module] = parse_quietly(source)
        return self._trees[module]

    @staticmethod
    def _meta(item) -> dict:
        marker = item.get_closest_marker("mlmath_task")
        if marker is None:
            return {"task": "?", "points": 0.0, "hint": "", "forbid": ()}
        kw = marker.kwargs
        return {"task": kw["task_id"], "points": float(kw["points"]), "hint": kw["hint"],
                "forbid": tuple(kw.get("forbid", ()))}

    @pytest.fixture
    def student(self, request):
        module = request.node.path.parent.name
        meta = self._meta(request.node)
        forbid = meta["forbid"] + GLOBAL_FORBIDDEN
        if (module, forbid) not in self._uses:  # many tests share a module and forbid list
            tree = self._tree(module)
            self._uses[module, forbid] = find_uses(tree, forbid) if tree is not None else []
        uses = self._uses[module, forbid]
        if uses:
            name, line = uses[0]
            raise StudentCodeError("forbidden", f"{module}.py line {line} uses {name}, "
                                   "which this task forbids: write it yourself.")
        return StudentModule(self.sandbox, module, meta["forbid"], task=meta["task"])

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.when == "call" or (report.when == "setup" and report.failed):
            self.records.append(self._record(item, call, report))

    def _record(self, item, call, report) -> dict:
        meta = self._meta(item)
        rec = {"test": item.name, "task": meta["task"], "points": meta["points"],
               "hint": meta["hint"], "outcome": "passed", "kind": "", "message": ""}
        if report.passed:
            return rec
        exc = call.excinfo.value if call.excinfo else None
        if isinstance(exc, StudentCodeError):
            rec["outcome"] = "not_started" if exc.kind == "not_started" else "failed"
            rec["kind"], rec["message"] = exc.kind, exc.message
        elif isinstance(exc, AssertionError):
            rec.update(outcome="failed", kind="wrong", message=WRONG_ANSWER)
        else:
            rec.update(outcome="failed", kind="uncheckable", message=UNCHECKABLE)
        return rec


def run_suites(suites: Path, sandbox: Sandbox, submission: Path) -> list[dict]:
    """Run every hidden suite under ``suites`` against ``sandbox``; return one record per test.

    Each record: ``{test, task, points, hint, outcome, kind, message}`` with outcome one of
    passed, failed, not_started, and a message safe to show the learner.
    """
    plugin = JudgePlugin(sandbox, submission)
    before = set(sys.modules)
    args = [str(suites), "-p", "no:cacheprovider", "-p", "no:terminal",
            "--import-mode=importlib", "--rootdir", str(suites), "-c", str(suites / "pytest.ini"),
            "-W", "ignore::DeprecationWarning"]
    try:
        code = pytest.main(args, plugins=[plugin])
    finally:
        _forget_modules(before, suites)
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise RuntimeError(f"hidden suites under {suites} did not run (pytest exit {int(code)})")
    return plugin.records


def _forget_modules(before: set[str], suites: Path) -> None:
    """Drop the suite modules pytest imported, so the next run imports them afresh."""
    root = str(suites.resolve())
    for name in set(sys.modules) - before:
        path = getattr(sys.modules[name], "__file__", None) or ""
        if path.startswith(root) or name.startswith(("test_", "conftest")):
            del sys.modules[name]
