"""A judge worker: grades one prepared submission folder and returns plain data.

Workers are started once per run and stay warm: numpy, sympy, pytest and the judge are
imported when the worker starts, not per submission. Each worker owns a *slot* number, which
gives its sandboxes their own unprivileged uid when the grader runs as root. The function
:func:`grade` is what an executor (local processes or a Dask cluster) runs.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from multiprocessing.util import Finalize
from pathlib import Path

_SLOT = 0
_ZYGOTE = None  # this worker's warm zygote, kept across submissions


def warm_up(slot_counter=None) -> None:
    """Executor initializer: take a slot number and import the heavy modules once."""
    global _SLOT
    if slot_counter is not None:
        with slot_counter.get_lock():
            slot_counter.value += 1
            _SLOT = slot_counter.value
    else:
        _SLOT = os.getpid() % 900 + 100
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    import numpy  # noqa: F401
    import pytest  # noqa: F401
    import sympy  # noqa: F401

    import grader.judge.session
    import grader.symbolic  # noqa: F401

    gc.freeze()


def _zygote_for(isolation, limits):
    """This worker's zygote for these settings, or None where zygotes cannot be used."""
    global _ZYGOTE
    from grader.sandbox import zygote

    if not zygote.usable(isolation):
        return None
    key = (isolation, limits)
    if _ZYGOTE is not None and _ZYGOTE.key != key:
        _ZYGOTE.close()
        _ZYGOTE = None
    if _ZYGOTE is None:
        _ZYGOTE = zygote.Zygote(_private_dir("mlmath-slot-"), isolation, limits, _SLOT)
        _ZYGOTE.key = key
        Finalize(_ZYGOTE, _ZYGOTE.close, exitpriority=20)
    return _ZYGOTE


# The words of a task's status, used the same way in the table, the CSV, the feedback,
# results.json and the report:
STATUSES = ("passed", "partly", "failed", "not started", "not submitted", "grader fault")


def summarise(records: list[dict]) -> dict[str, dict]:
    """Per-task totals from per-test records, in task order.

    Returns ``{task: {task, score, max_score, status, messages, hints, ...}}`` where status is
    one of :data:`STATUSES`: passed (every check passed), partly (some passed), failed (none
    passed), not started (every check hit the task's stub), not submitted (the exercise file
    is missing) or grader fault (a check could not run through no fault of the learner's; such
    checks count towards neither score nor maximum, and the result is not stored).
    """
    tasks: dict[str, dict] = {}
    for r in records:
        t = tasks.setdefault(r["task"], {"task": r["task"], "score": 0.0, "max_score": 0.0,
                                         "tests": 0, "passed": 0, "not_started": 0,
                                         "not_submitted": 0, "faults": 0,
                                         "messages": [], "hints": []})
        t["tests"] += 1
        if r["outcome"] == "grader_fault":
            t["faults"] += 1
            continue
        t["max_score"] += r["points"]
        if r["outcome"] == "passed":
            t["passed"] += 1
            t["score"] += r["points"]
            continue
        t["not_started"] += r["outcome"] == "not_started"
        t["not_submitted"] += r.get("kind") == "not_submitted"
        if r["message"] not in t["messages"]:
            t["messages"].append(r["message"])
        if r["hint"] and r["hint"] not in t["hints"]:
            t["hints"].append(r["hint"])
    for t in tasks.values():
        counted = t["tests"] - t["faults"]
        if t["faults"]:
            t["status"] = "grader fault"
        elif t["passed"] == counted:
            t["status"] = "passed"
        elif t["not_submitted"] == counted:
            t["status"] = "not submitted"
        elif t["not_started"] == counted:
            t["status"] = "not started"
        else:
            t["status"] = "partly" if t["passed"] else "failed"
    return dict(sorted(tasks.items(), key=lambda kv: tuple(int(p) for p in kv[0].split("."))
                       if kv[0].replace(".", "").isdigit() else (999,)))


def _private_dir(prefix: str) -> Path:
    """A fresh folder the sandbox user may read, removed when this worker process exits."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    Finalize(None, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True},
             exitpriority=10)
    return folder


def grade(job: dict) -> dict:
    """Grade one submission against the hidden suites; return the result record.

    The job carries the submission's files themselves, so a worker on another machine (a
    Dask cluster) needs nothing from the grader's disk but the installed suites.

    Args:
        job: ``{student, files: {name: bytes}, suites, submission_hash, suite_hash,
            isolation (layers), missing, limits, problems}``, all plain data.
    """
    from grader.judge.session import run_suites
    from grader.sandbox.client import Sandbox
    from grader.sandbox.launcher import Isolation, Limits

    isolation = Isolation(tuple(job["isolation"]), tuple(job.get("missing", ())))
    limits = Limits(**job["limits"])
    workdir = Path(tempfile.mkdtemp(prefix="mlmath-submission-"))
    try:
        workdir.chmod(0o755)
        for name, data in job["files"].items():
            (workdir / Path(name).name).write_bytes(data)
            (workdir / Path(name).name).chmod(0o644)
        zygote = _zygote_for(isolation, limits)
        if zygote is not None:
            zygote.load(job["files"])
        try:
            with Sandbox(workdir, isolation, limits, slot=_SLOT, zygote=zygote) as sandbox:
                records = run_suites(Path(job["suites"]), sandbox, workdir)
                output_bytes = len(sandbox.output) + sandbox.output_dropped
        finally:
            if zygote is not None:
                zygote.load({})
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    tasks = summarise(records)
    return {
        "student": job["student"],
        "submission_hash": job["submission_hash"],
        "suite_hash": job["suite_hash"],
        "isolation": isolation.name,
        "problems": job["problems"],
        "tests": records,
        "tasks": tasks,
        "score": sum(t["score"] for t in tasks.values()),
        "max_score": sum(t["max_score"] for t in tasks.values()),
        "output_bytes": output_bytes,
    }
