"""A judge worker: grades one submission and returns plain data.

Workers are started once per run and stay warm: numpy, sympy, pytest and the judge are
imported when the worker starts, not per submission. Each worker owns a *slot* number, which
gives its sandboxes their own unprivileged uid when the grader runs as root. The function
:func:`grade` is what an executor (local processes or a Dask cluster) runs; :func:`preflight`
checks, before anybody is graded, that the suites load and a sandbox runs known-good code.

Nothing outlives the run: a worker watches the grading process and, when it dies by any
signal (even ``kill -9``), kills its sandboxes and zygote, removes its private folder and
exits; on SIGTERM it does the same at once. Ctrl-C is left to the grading process.
"""

from __future__ import annotations

import gc
import os
import select
import signal
import threading
from multiprocessing.util import Finalize
from pathlib import Path

from grader.faults import GraderFault
from grader.grading import tempdirs

_SLOT = 0
_ZYGOTE = None  # this worker's warm zygote, kept across submissions
_ROOT: Path | None = None  # this worker's private folder (mode 700)
_SANDBOXES: set = set()  # sandboxes alive right now, killed if the worker must stop
_CHECKED: set = set()  # (isolation, limits) whose sandbox passed the preflight here
# Import failures that may be the environment's, not the student's: recheck known-good code.
SUSPECT_KINDS = frozenset({"import", "crash", "protocol"})


def warm_up(slot_counter=None, main_pid: int | None = None) -> None:
    """Executor initializer: take a slot, watch the grading process, import the heavy modules."""
    global _SLOT
    if slot_counter is not None:
        with slot_counter.get_lock():
            slot_counter.value += 1
            _SLOT = slot_counter.value
        _pin_to_one_cpu(_SLOT)
    else:
        _SLOT = os.getpid() % 900 + 100
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if main_pid is not None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grading process decides
        signal.signal(signal.SIGTERM, lambda *_: stop(143))
        _watch(main_pid)
    import numpy  # noqa: F401
    import pytest  # noqa: F401
    import sympy  # noqa: F401

    import grader.judge.session
    import grader.symbolic  # noqa: F401

    gc.freeze()


def _pin_to_one_cpu(slot: int) -> None:
    """Keep this worker, its zygote and its sandboxes on one CPU (the ``slot``-th allowed one).

    The judge and its sandbox take turns (every check is a call and a wait for the answer),
    so they never need two CPUs; on one they hand over in about 10 us, across two CPUs in
    about 50 us (the sleeping one must be woken), and a submission makes hundreds of calls.
    Workers take the allowed CPUs in turn, so N workers on N CPUs use every one. A machine
    that refuses (some containers) leaves the worker unpinned.
    """
    try:
        allowed = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {allowed[(slot - 1) % len(allowed)]})
    except (OSError, AttributeError, IndexError):
        pass


def stop(status: int = 1) -> None:
    """Kill every sandbox and the zygote, remove the private folder, exit now."""
    try:  # the suites' thread may be starting a sandbox right now: let it finish, bar more
        from grader.sandbox.client import stop_launching

        stop_launching()
    except Exception:
        pass
    for box in list(_SANDBOXES):
        try:
            box.kill()
        except Exception:  # stopping must go on whatever one sandbox does
            pass
    if _ZYGOTE is not None:
        try:
            _ZYGOTE.close()
        except Exception:
            pass
    try:  # groups made by a fork the signal interrupted half-way belong to nobody else
        from grader.sandbox import cgroups

        cgroups.sweep_stale(owner=os.getpid())
    except Exception:
        pass
    tempdirs.remove(_ROOT)
    os._exit(status)


def _watch(pid: int) -> None:
    """A thread that stops this worker when process ``pid`` (the grading process) ends."""
    try:
        fd = os.pidfd_open(pid)
    except (OSError, AttributeError):  # no pidfd: poll the parent instead
        fd = None

    def wait() -> None:
        if fd is not None:
            select.select([fd], [], [])
        else:
            while os.getppid() != 1:
                threading.Event().wait(0.5)
        stop(1)

    threading.Thread(target=wait, name="mlmath-watch-parent", daemon=True).start()


def _root() -> Path:
    global _ROOT
    if _ROOT is None:
        _ROOT = tempdirs.private_root()
        Finalize(None, tempdirs.remove, args=(_ROOT,), exitpriority=10)
    return _ROOT


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
        _ZYGOTE = zygote.Zygote(tempdirs.readable_folder(_root(), "slot-"), isolation, limits,
                                _SLOT)
        _ZYGOTE.key = key
        Finalize(_ZYGOTE, _ZYGOTE.close, exitpriority=20)
    return _ZYGOTE


def _settings(job: dict):
    from grader.sandbox.launcher import Isolation, Limits

    return (Isolation(tuple(job["isolation"]), tuple(job.get("missing", ()))),
            Limits(**job["limits"]))


def _check_sandbox(isolation, limits) -> None:
    from grader.grading.preflight import check_sandbox

    check_sandbox(isolation, limits, slot=_SLOT, zygote=_zygote_for(isolation, limits),
                  folder_root=_root(), register=_SANDBOXES)


def preflight(job: dict) -> dict:
    """Before grading: collect the suites and run known-good code in this worker's sandbox.

    Returns ``{"ok": True, "tests": N}`` or ``{"ok": False, "error": what failed}``.
    """
    from grader.grading.preflight import check_suites

    isolation, limits = _settings(job)
    try:
        tests = check_suites(Path(job["suites"]), job.get("exercises"))
        _check_sandbox(isolation, limits)
    except GraderFault as fault:
        return {"ok": False, "error": str(fault)}
    _CHECKED.add((isolation, limits))
    return {"ok": True, "tests": tests}


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


def grade(job: dict) -> dict:
    """Grade one submission against the hidden suites; return the result record.

    The job carries the submission's files themselves, so a worker on another machine (a
    Dask cluster) needs nothing from the grader's disk but the installed suites. Raises
    GraderFault when this worker's sandbox cannot run known-good code (then no result may be
    stored: the student is graded again by the next run).

    Args:
        job: ``{student, files: {name: bytes}, suites, submission_hash, suite_hash,
            isolation (layers), missing, limits, problems, unreadable (modules)}``, all plain
            data.
    """
    from grader.judge.session import run_suites
    from grader.sandbox.client import Sandbox

    isolation, limits = _settings(job)
    if (isolation, limits) not in _CHECKED:
        _check_sandbox(isolation, limits)
        _CHECKED.add((isolation, limits))
    workdir = tempdirs.readable_folder(_root(), "submission-")
    try:
        for name, data in job["files"].items():
            (workdir / Path(name).name).write_bytes(data)
            (workdir / Path(name).name).chmod(0o644)
        zygote = _zygote_for(isolation, limits)
        if zygote is not None:
            zygote.load(job["files"])
        sandbox = Sandbox(workdir, isolation, limits, slot=_SLOT, zygote=zygote)
        _SANDBOXES.add(sandbox)
        try:
            with sandbox:
                records = run_suites(Path(job["suites"]), sandbox, workdir,
                                     keep=job.get("suite_hash"), only=job.get("exercises"))
                output_bytes = len(sandbox.output) + sandbox.output_dropped
        finally:
            _SANDBOXES.discard(sandbox)
            if zygote is not None:
                zygote.load({})
    finally:
        tempdirs.remove(workdir)
    if any(r["kind"] in SUSPECT_KINDS for r in records):
        _check_sandbox(isolation, limits)  # the environment, not the student? GraderFault
    _explain_unreadable(records, job.get("unreadable", ()))
    tasks = summarise(records)
    return {
        "student": job["student"],
        "submission_hash": job["submission_hash"],
        "suite_hash": job["suite_hash"],
        "isolation": isolation.name,
        "problems": job["problems"],
        "notes": job.get("notes", []),
        "tests": records,
        "tasks": tasks,
        "score": sum(t["score"] for t in tasks.values()),
        "max_score": sum(t["max_score"] for t in tasks.values()),
        "output_bytes": output_bytes,
        "faults": sorted({r["fault"] for r in records if r["outcome"] == "grader_fault"}),
    }


def _explain_unreadable(records: list[dict], unreadable) -> None:
    """A file that was found but could not be read is named once, as unreadable: its tasks
    point at that problem instead of calling the file missing."""
    for r in records:
        if r["kind"] == "not_submitted" and r.get("module") in unreadable:
            r["message"] = (f"{r['module']}.py could not be read, so this was not checked "
                            "(see \"Problems with your files\").")
