"""A pytest plugin, loaded with ``-p grader.check.check_plugin`` in the subprocess of
``mlmath check``.

It records, for every public test, its outcome, its task marker and the learner-facing
failure message, and writes them as JSON to the file named by ``MLMATH_CHECK_REPORT``.
It runs beside the learner's code (their own, trusted by them), never in the grader's process.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

REPORT_ENV = "MLMATH_CHECK_REPORT"
_EXERCISE_SOURCE = re.compile(r"^ex\d\d_\w+\.py$")
_MAX_MESSAGE = 4000


def _task_of(item: pytest.Item) -> str | None:
    for mark in item.iter_markers():
        match = re.fullmatch(r"task_(\d+)_(\d+)", mark.name)
        if match:
            return f"{int(match.group(1))}.{int(match.group(2))}"
    return None


def _where(excinfo: pytest.ExceptionInfo[BaseException]) -> str | None:
    """The innermost line of the learner's exercise file in the traceback, if any."""
    for entry in reversed(excinfo.traceback):
        path = Path(str(entry.path))
        if _EXERCISE_SOURCE.match(path.name):
            try:
                statement = str(entry.statement).strip().splitlines()[0]
            except Exception:  # no source available
                statement = ""
            place = f"{path.name}, line {entry.lineno + 1}"
            return f"{place}: {statement}" if statement else place
    return None


class Recorder:
    def __init__(self, path: str):
        self.path = path
        self.tests: dict[str, dict] = {}
        self.collect_errors: list[dict] = []

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        record = self.tests.setdefault(item.nodeid, {
            "nodeid": item.nodeid,
            "file": Path(str(item.path)).name,
            "name": item.name,
            "task": _task_of(item),
            "outcome": "passed",
            "when": None,
            "exc_type": None,
            "message": None,
            "where": None,
        })
        if report.outcome == "passed" or record["outcome"] != "passed":
            return report
        record["outcome"] = "skipped" if report.outcome == "skipped" else (
            "failed" if call.when == "call" else "error")
        record["when"] = call.when
        if call.excinfo is not None and report.outcome == "failed":
            exc = call.excinfo.value
            record["exc_type"] = type(exc).__name__
            record["message"] = str(exc)[:_MAX_MESSAGE]
            record["where"] = _where(call.excinfo)
        elif report.outcome == "failed":
            record["message"] = report.longreprtext[-_MAX_MESSAGE:]
        return report

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append({
                "nodeid": report.nodeid,
                "file": Path(report.nodeid.split("::")[0]).name,
                "message": report.longreprtext[-_MAX_MESSAGE:],
            })

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        data = {
            "exitstatus": int(exitstatus),
            "tests": list(self.tests.values()),
            "collect_errors": self.collect_errors,
        }
        Path(self.path).write_text(json.dumps(data), encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    path = os.environ.get(REPORT_ENV)
    if path:
        config.pluginmanager.register(Recorder(path), "mlmath-check-recorder")
