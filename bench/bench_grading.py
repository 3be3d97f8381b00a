"""Grading throughput: ``mlmath grade`` against a fresh ``python -m pytest`` per submission.

Both grade the same submissions with the same hidden suites in the same run, two at a time
on a two-core machine. The peer imports each student's module into pytest's own process
(nbgrader's and otter's way: no sandbox), so its time is a floor on what any per-submission
pytest costs, not a safer design.

Also printed: the per-submission overhead of ``mlmath grade`` beyond the student's own
compute, measured with one worker as (wall time per submission) minus (time the same
tests take per submission inside one warm, unisolated pytest session), and the cost of the
isolation layers (``--isolation auto`` against ``none``).

    python bench/bench_grading.py [--class DIR] [--generated N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "grader" / "suites"
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
       "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "MPLBACKEND": "Agg"}


WELL_BEHAVED = ["ada_complete", "ben_two_of_six", "cai_typical_mistakes", "hal_untouched"]
NAIVE_TIMEOUT = 60.0


def generated_class(source: Path, n: int, dest: Path) -> Path:
    """``n`` submissions cycling through the well-behaved sample students under new names.

    The naive peer cannot survive an infinite loop or an exit at import, so the large class
    holds only complete, partial, mistaken and untouched work.
    """
    students = [source / name for name in WELL_BEHAVED]
    for i in range(n):
        shutil.copytree(students[i % len(students)], dest / f"student{i:04d}")
    return dest


def run_ours(klass: Path, jobs: int, isolation: str = "auto") -> float:
    out = Path(tempfile.mkdtemp(prefix="bench_ours_"))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(klass), "--out", str(out),
                    "--suites", str(SUITES), "--jobs", str(jobs), "--isolation", isolation],
                   env=ENV, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    return elapsed


def _naive_one(student: Path) -> bool:
    """Run the peer on one submission; False if it had to be killed after NAIVE_TIMEOUT."""
    env = {**ENV, "PYTHONPATH": f"{student}{os.pathsep}{ROOT / 'bench'}{os.pathsep}{ROOT}"}
    try:
        subprocess.run([sys.executable, "-m", "pytest", str(SUITES), "-q", "-p",
                        "no:cacheprovider", "-p", "naive_student_plugin", "-c",
                        str(SUITES / "pytest.ini"), "--rootdir", str(SUITES),
                        "--import-mode=importlib"],
                       env=env, capture_output=True, cwd=student, timeout=NAIVE_TIMEOUT,
                       check=False)
    except subprocess.TimeoutExpired:
        return False
    return True


def run_naive(klass: Path, jobs: int) -> tuple[float, int]:
    """Seconds for the peer on the whole class, and how many submissions it had to kill."""
    students = sorted(p for p in klass.iterdir() if p.is_dir())
    start = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        finished = list(pool.map(_naive_one, students))
    return time.perf_counter() - start, finished.count(False)


def warm_compute(klass: Path) -> float:
    """Seconds per submission that the tests and student code take in one warm process."""
    code = f"""
import os, sys, time, importlib
sys.path.insert(0, {str(ROOT / 'bench')!r})
import pytest
students = sorted(p for p in os.listdir({str(klass)!r}))
args = [{str(SUITES)!r}, "-p", "no:cacheprovider", "-p", "naive_student_plugin",
        "-c", {str(SUITES / 'pytest.ini')!r}, "--rootdir", {str(SUITES)!r},
        "--import-mode=importlib", "-p", "no:terminal"]
assert pytest.main(args) in (0, 1)  # warm up imports; the tests must really run
total = 0.0
for s in students:
    path = os.path.join({str(klass)!r}, s)
    sys.path.insert(0, path)
    before = set(sys.modules)
    t = time.perf_counter()
    code = pytest.main(args)
    total += time.perf_counter() - t
    assert code in (0, 1), code
    for m in set(sys.modules) - before:
        del sys.modules[m]
    sys.path.remove(path)
print(total / len(students))
"""
    out = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True,
                         timeout=1200, check=False)
    try:
        return float(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise SystemExit(f"warm in-process run failed:\n{out.stderr[-2000:]}") from None


def report(name: str, klass: Path, jobs: int) -> None:
    n = sum(1 for p in klass.iterdir() if p.is_dir())
    ours = run_ours(klass, jobs)
    naive, killed = run_naive(klass, jobs)
    print(f"\n{name}: {n} submissions, {jobs} at a time")
    print(f"  mlmath grade            {ours:7.2f} s  ({n / ours:5.1f} submissions/s)")
    print(f"  python -m pytest each   {naive:7.2f} s  ({n / naive:5.1f} submissions/s)"
          + (f", {killed} hung and were killed after {NAIVE_TIMEOUT:g} s" if killed else ""))
    print(f"  throughput ratio ours/naive: {naive / ours:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class", dest="klass", type=Path, default=ROOT / "examples" / "class")
    parser.add_argument("--generated", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--overhead-sample", type=int, default=40,
                        help="submissions used for the one-worker overhead measurement")
    args = parser.parse_args()
    report("sample class", args.klass, args.jobs)
    with tempfile.TemporaryDirectory() as tmp:
        big = generated_class(args.klass, args.generated, Path(tmp) / "class")
        report("generated class", big, args.jobs)
        n = min(args.overhead_sample, args.generated)
        small, large = (generated_class(args.klass, k, Path(tmp) / f"sample{k}")
                        for k in (n // 4, n))
        one = marginal(lambda klass: run_ours(klass, 1), small, large)
        bare = marginal(lambda klass: run_ours(klass, 1, isolation="none"), small, large)
        compute = warm_compute(large)
        print(f"\nper submission, one worker (marginal cost between {n // 4} and {n} "
              f"submissions): mlmath grade {one * 1000:.0f} ms; the same tests in one warm, "
              f"unisolated process {compute * 1000:.0f} ms")
        print(f"  overhead beyond the student's compute: {(one - compute) * 1000:.0f} ms "
              "(goal: at most 50 ms)")
        print(f"  isolation layers (auto vs none): {(one - bare) * 1000:.0f} ms per submission "
              "(goal: under 30 ms)")


def marginal(run, small: Path, large: Path) -> float:
    """Seconds per extra submission: the slope between a small and a large class.

    Start-up (interpreter, worker pool, zygote) is paid once per run, whatever the class
    size; the slope leaves it out and keeps what each further submission costs.
    """
    sizes = [sum(1 for p in k.iterdir() if p.is_dir()) for k in (small, large)]
    times = [run(k) for k in (small, large)]
    return (times[1] - times[0]) / (sizes[1] - sizes[0])


if __name__ == "__main__":
    main()
