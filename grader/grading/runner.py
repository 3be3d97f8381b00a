"""Grade a whole class: discover, skip what is graded, fan out to warm workers, record.

The runner is the only part that touches the gradebook. It prepares one folder per
submission (plain ``.py`` files only), hands plain-data jobs to a
``concurrent.futures.Executor`` (local warm workers by default, or a Dask cluster's executor)
and stores each result the moment it arrives, so a crash loses nothing already graded.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader.faults import GraderFault
from grader.grading import tempdirs, worker
from grader.grading.gradebook import Gradebook
from grader.grading.progress import Progress
from grader.grading.submissions import Submission, discover_class
from grader.sandbox import cgroups
from grader.sandbox.launcher import Isolation, Limits

DEFAULT_SUITES = Path(__file__).resolve().parent.parent / "suites"
SUITE_DIR = re.compile(r"^ex\d\d_[a-z0-9_]+$")


def suite_exercises(suites: Path) -> list[str]:
    """Exercise module names with a hidden suite under ``suites`` (``ex01_logs``, ...)."""
    names = sorted(p.name for p in Path(suites).iterdir() if p.is_dir() and SUITE_DIR.match(p.name))
    if not names:
        raise FileNotFoundError(f"no hidden suites (folders like ex01_logs/) under {suites}")
    return names


def suite_hash(suites: Path, only: list[str] | None = None) -> str:
    """A hash of every suite file (of the ``only`` exercises' folders and the shared files at
    the top, when given), so changing a hidden test regrades everyone."""
    h = hashlib.sha256()
    for path in sorted(Path(suites).rglob("*")):
        rel = path.relative_to(suites)
        if only is not None and len(rel.parts) > 1 and rel.parts[0] not in only:
            continue
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(rel).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@dataclass
class RunSummary:
    """What a grading run did."""

    submissions: list[Submission]
    results: dict[str, dict] = field(default_factory=dict)  # student -> result
    graded_now: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)  # students the grader could not grade
    faults: list[tuple[str, str]] = field(default_factory=list)  # (student, broken test)
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)  # what discovery skipped, for the instructor


def local_executor(jobs: int) -> Executor:
    """Warm worker processes, forked from a clean fork server that never saw the gradebook.

    Each worker watches this process and stops (killing its sandboxes) if it dies.
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["numpy", "sympy", "pytest", "grader.grading.worker"])
    counter = ctx.Value("i", 0)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx,
                               initializer=worker.warm_up, initargs=(counter, os.getpid()))


def dask_executor(address: str) -> Executor:
    """The executor of a running Dask cluster (``grader`` must be installed on its workers)."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise RuntimeError("--dask needs dask.distributed: pip install 'dask[distributed]'"
                           ) from None
    return Client(address).get_executor(pure=False)


def _stop_local(pool: Executor) -> None:
    """Stop local workers now: each kills its sandboxes and removes its folders (SIGTERM)."""
    for proc in list(getattr(pool, "_processes", {}).values()):
        try:
            proc.terminate()
        except (OSError, AttributeError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)


def _check_before_grading(pool: Executor, job: dict) -> None:
    """Run the preflight on a worker; GraderFault (nobody graded) if it fails."""
    try:
        answer = pool.submit(worker.preflight, job).result()
    except GraderFault:
        raise
    except Exception as err:  # the worker itself could not start or died
        raise GraderFault(f"a grading worker could not start: {type(err).__name__}: {err}"
                          ) from None
    if not answer.get("ok"):
        raise GraderFault(str(answer.get("error")))


def grade_class(submissions: Path, out: Path, suites: Path = DEFAULT_SUITES, *,
                jobs: int = 2, isolation: Isolation, limits: Limits | None = None,
                executor: Executor | None = None, progress: bool = True,
                regrade: bool | list[str] = False,
                assignment: str | None = None) -> RunSummary:
    """Grade every submission under ``submissions`` into ``out/gradebook.sqlite``.

    Submissions already in the gradebook with the same files and suites are not regraded,
    unless ``regrade`` is True (everyone) or names students; the results replaced stay in the
    gradebook's history. Before anybody is graded a worker collects the suites and runs
    known-good code in a sandbox: if that fails, GraderFault is raised and nothing is stored.
    Results holding a grader fault are returned but never stored. KeyboardInterrupt (Ctrl-C,
    or SIGTERM turned into it by the caller) stops the workers at once and returns what was
    graded, with ``interrupted`` set. With ``assignment``, ``submissions`` is an nbgrader
    course: ``submitted/<student>/<assignment>/`` is graded with that assignment's suites only.
    """
    limits = limits or Limits()
    suites = Path(suites).resolve()
    exercises = suite_exercises(suites)
    only = None
    if assignment is not None:  # an nbgrader course, mapped by the course's own map
        from grader.integrations.nbgrader_course import assignment_exercises
        from grader.integrations.nbgrader_submissions import discover_course

        wanted = assignment_exercises(Path(submissions), assignment)
        only = [e for e in exercises if e in wanted]
        if not only:
            raise FileNotFoundError(f"no hidden suites under {suites} for the exercises of "
                                    f"assignment {assignment} ({', '.join(wanted)})")
        exercises = only
        found = discover_course(Path(submissions), assignment, exercises)
    else:
        found = discover_class(Path(submissions), exercises)
    shash = suite_hash(suites, only)
    subs = found.submissions
    if isinstance(regrade, list):
        unknown = sorted(set(regrade) - {s.student for s in subs})
        if unknown:
            raise FileNotFoundError(f"--regrade names students not in {submissions}: "
                                    + ", ".join(unknown))
    tempdirs.sweep_stale()
    cgroups.sweep_stale()
    out = Path(out)
    book = Gradebook(out / "gradebook.sqlite")
    summary = RunSummary(subs, notes=found.notes)
    todo = []
    for sub in subs:
        again = regrade is True or (isinstance(regrade, list) and sub.student in regrade)
        old = None if again else book.result(sub.student, sub.digest, shash)
        if old is not None:
            summary.results[sub.student] = old
            summary.skipped += 1
        else:
            todo.append(sub)
    base = {"suites": str(suites), "suite_hash": shash, "exercises": only,
            "isolation": list(isolation.layers),
            "missing": list(isolation.missing), "limits": asdict(limits)}
    own = executor is None and bool(todo)
    pool = local_executor(min(jobs, len(todo))) if own else executor
    bar = None
    try:
        if todo:
            _check_before_grading(pool, base)
        bar = Progress(len(todo)) if progress and todo else None
        futures = {}
        for sub in todo:
            job = {**base, "student": sub.student, "files": sub.files,
                   "submission_hash": sub.digest, "problems": sub.problems,
                   "unreadable": sub.unreadable, "notes": sub.notes}
            futures[pool.submit(worker.grade, job)] = sub
        for fut in as_completed(futures):
            sub = futures[fut]
            try:
                result = fut.result()
            except Exception as err:  # a grader fault: report it, keep grading the rest
                summary.failed.append(f"{sub.student}: {_describe(err)}")
                if bar:
                    bar.update(failed=True, student=sub.student)
                continue
            if result.get("faults"):
                summary.faults.extend((sub.student, f) for f in result["faults"])
            else:
                book.save(result, replace=bool(regrade))
                summary.graded_now += 1
            summary.results[sub.student] = result
            if bar:
                bar.update(failed=bool(result.get("faults")), student=sub.student)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        if bar:
            bar.close()
        if own and pool is not None:
            if summary.interrupted:
                _stop_local(pool)
            else:
                pool.shutdown(cancel_futures=True)
        book.close()
    return summary


def _describe(err: BaseException) -> str:
    if isinstance(err, GraderFault):
        return str(err)
    if type(err).__name__ == "BrokenProcessPool":
        return "its grading worker died (killed, or out of memory); it will be graded again"
    return f"{type(err).__name__}: {err}"
