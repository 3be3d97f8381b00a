"""Grade a whole class: discover, skip what is graded, fan out to warm workers, record.

The runner is the only part that touches the gradebook. It prepares one folder per
submission (plain ``.py`` files only), hands plain-data jobs to a
``concurrent.futures.Executor`` (local warm workers by default, or a Dask cluster's executor)
and stores each result the moment it arrives, so a crash loses nothing already graded.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader import worker
from grader.gradebook import Gradebook
from grader.sandbox.launcher import Isolation, Limits
from grader.submissions import Submission, discover

DEFAULT_SUITES = Path(__file__).resolve().parent / "suites"
SUITE_DIR = re.compile(r"^ex\d\d_[a-z0-9_]+$")


def suite_exercises(suites: Path) -> list[str]:
    """Exercise module names with a hidden suite under ``suites`` (``ex01_logs``, ...)."""
    names = sorted(p.name for p in Path(suites).iterdir() if p.is_dir() and SUITE_DIR.match(p.name))
    if not names:
        raise FileNotFoundError(f"no hidden suites (folders like ex01_logs/) under {suites}")
    return names


def suite_hash(suites: Path) -> str:
    """A hash of every suite file, so changing a hidden test regrades everyone."""
    h = hashlib.sha256()
    for path in sorted(Path(suites).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(suites)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@dataclass
class RunSummary:
    """What a grading run did."""

    submissions: list[Submission]
    results: dict[str, dict] = field(default_factory=dict)  # student -> result
    graded_now: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)  # students the grader could not grade


class Progress:
    """A one-line progress display on stderr: done, failed, rate, time left."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.stream = total, stream
        self.done = self.failed = 0
        self.start = time.monotonic()
        self.tty = stream.isatty()
        self._last = 0.0

    def update(self, failed: bool = False) -> None:
        self.done += 1
        self.failed += failed
        now = time.monotonic()
        if not self.tty and now - self._last < 5 and self.done < self.total:
            return
        self._last = now
        rate = self.done / max(now - self.start, 1e-9)
        left = (self.total - self.done) / rate if rate else 0
        line = (f"graded {self.done}/{self.total}  failed {self.failed}  "
                f"{rate:.1f}/s  about {left:.0f} s left")
        end = "\r" if self.tty and self.done < self.total else "\n"
        print(line.ljust(60), end=end, file=self.stream, flush=True)


def local_executor(jobs: int) -> Executor:
    """Warm worker processes, forked from a clean fork server that never saw the gradebook."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["numpy", "sympy", "pytest", "grader.worker"])
    counter = ctx.Value("i", 0)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx,
                               initializer=worker.warm_up, initargs=(counter,))


def dask_executor(address: str) -> Executor:
    """The executor of a running Dask cluster (``grader`` must be installed on its workers)."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise RuntimeError("--dask needs dask.distributed: pip install 'dask[distributed]'"
                           ) from None
    return Client(address).get_executor(pure=False)


def grade_class(submissions: Path, out: Path, suites: Path = DEFAULT_SUITES, *,
                jobs: int = 2, isolation: Isolation, limits: Limits | None = None,
                executor: Executor | None = None, progress: bool = True) -> RunSummary:
    """Grade every submission under ``submissions`` into ``out/gradebook.sqlite``.

    Submissions already in the gradebook with the same files and suites are not regraded.
    Returns the run summary with every student's result (old or new).
    """
    limits = limits or Limits()
    suites = Path(suites).resolve()
    exercises = suite_exercises(suites)
    shash = suite_hash(suites)
    subs = discover(Path(submissions), exercises)
    out = Path(out)
    book = Gradebook(out / "gradebook.sqlite")
    summary = RunSummary(subs)
    todo = []
    for sub in subs:
        old = book.result(sub.student, sub.digest, shash)
        if old is not None:
            summary.results[sub.student] = old
            summary.skipped += 1
        else:
            todo.append(sub)
    bar = Progress(len(todo)) if progress and todo else None
    own = executor is None and bool(todo)
    pool = local_executor(min(jobs, len(todo))) if own else executor
    try:
        futures = {}
        for sub in todo:
            job = {"student": sub.student, "files": sub.files,
                   "suites": str(suites), "submission_hash": sub.digest, "suite_hash": shash,
                   "isolation": list(isolation.layers), "missing": list(isolation.missing),
                   "limits": asdict(limits), "problems": sub.problems}
            futures[pool.submit(worker.grade, job)] = sub
        for fut in as_completed(futures):
            sub = futures[fut]
            try:
                result = fut.result()
            except Exception as err:  # a grader fault: report it, keep grading the rest
                summary.failed.append(f"{sub.student}: {type(err).__name__}: {err}")
                if bar:
                    bar.update(failed=True)
                continue
            book.save(result)
            summary.results[sub.student] = result
            summary.graded_now += 1
            if bar:
                bar.update()
    finally:
        if own:
            pool.shutdown(cancel_futures=True)
        book.close()
    return summary
