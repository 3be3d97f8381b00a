"""Grading costs: overhead per submission, how work spreads, stubs against solutions.

The peer that instructors would otherwise use, the real ``nbgrader autograde``, is measured
in bench/bench_nbgrader.py. This script measures mlmath against itself and against a fresh
``python -m pytest`` per submission:

Both grade the same submissions with the same hidden suites in the same run, two at a time
on a two-core machine. The peer imports each student's module into pytest's own process
(nbgrader's and otter's way: no sandbox), so its time is a floor on what any per-submission
pytest costs, not a safer design.

Also printed: the per-submission overhead of ``mlmath grade`` beyond the student's own
compute, measured with one worker as (wall time per submission) minus (time the same
tests take per submission inside one warm, unisolated pytest session), and the cost of the
isolation layers (``--isolation auto`` against ``none``).

Also: ``--jobs 2`` against ``--jobs 1`` (the work must spread: throughput at least 1.8x on
two cores, measured as the marginal rate between a class of 20 and one of 100, so the
start-up paid once per run is left out; the whole-run ratio is printed too), and a class
of untouched stubs against a class of complete solutions (stubs must not be slower), and
failing checks against passing ones (a wrong answer's report must cost at most 10% more).
Every run prints as it goes; BLAS threads are pinned to 1.

    python bench/bench_grading.py [--class DIR] [--generated N] [--repeats N]
                                   [--skip-throughput]
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def run_ours(klass: Path, jobs: int, isolation: str = "auto", suites: Path = SUITES) -> float:
    out = Path(tempfile.mkdtemp(prefix="bench_ours_"))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(klass), "--out",
                           str(out), "--suites", str(suites), "--jobs", str(jobs),
                           "--isolation", isolation, "--no-similarity"],
                          env=ENV, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"mlmath grade failed ({proc.returncode}): {proc.stderr[-2000:]}")
    n = sum(1 for p in klass.iterdir() if p.is_dir())
    print(f"    mlmath grade --jobs {jobs}: {n} submissions in {elapsed:.1f} s", flush=True)
    return elapsed


TOY_SUITES = ROOT / "tests" / "fixtures" / "toy_suites"  # 4 checks: add, add, largest, Counter
TOY_RIGHT = """def add(a, b):
    return a + b


def largest(xs):
    return sorted(xs)[-1]


class Counter:
    def __init__(self):
        self.count = 0

    def tick(self):
        self.count += 1
"""
# The same calls, every answer wrong: each check fails on its assertion (no stub, no crash).
TOY_WRONG = TOY_RIGHT.replace("a + b", "a - b").replace("[-1]", "[0]").replace(
    "self.count += 1", "self.count += 2")


def toy_class(source: str, n: int, dest: Path) -> Path:
    """``n`` submissions of the toy exercise, all with the same ``source``."""
    for i in range(n):
        (dest / f"student{i:04d}").mkdir(parents=True)
        (dest / f"student{i:04d}" / "ex01_toy.py").write_text(source)
    return dest


def failing_against_passing(tmp: Path, n: int, repeats: int) -> None:
    """Marginal cost per submission of four failing checks against four passing ones."""
    print(f"\nfailing checks against passing ones: toy suite (4 checks), {n // 5} and {n} "
          "submissions all wrong or all right, one worker, interleaved", flush=True)
    classes = {(kind, size): toy_class(src, size, tmp / f"toy-{kind}-{size}")
               for kind, src in (("wrong", TOY_WRONG), ("right", TOY_RIGHT))
               for size in (n // 5, n)}
    times: dict[tuple[str, int], list[float]] = {}
    for rep in range(repeats):
        for key in (sorted(classes) if rep % 2 == 0 else sorted(classes, reverse=True)):
            times.setdefault(key, []).append(run_ours(classes[key], 1, suites=TOY_SUITES))
    slope = {kind: (min(times[kind, n]) - min(times[kind, n // 5])) / (n - n // 5)
             for kind in ("wrong", "right")}
    print(f"  per submission: all failing {slope['wrong'] * 1000:.1f} ms, all passing "
          f"{slope['right'] * 1000:.1f} ms: a failing check costs "
          f"{slope['wrong'] / slope['right']:.2f}x a passing one (goal: at most 1.10x)")


def judge_failing_against_passing(rounds: int = 200) -> None:
    """The judge alone: one warm worker grades the toy submission all wrong and all right,
    alternately, ``rounds`` times each (sandbox, four checks, records; no gradebook, no
    feedback pages, whose length differs for failing students)."""
    import statistics
    from dataclasses import asdict

    from grader.grading import runner, worker
    from grader.sandbox.launcher import Limits, detect

    iso = detect("auto")
    base = {"suites": str(TOY_SUITES), "suite_hash": runner.suite_hash(TOY_SUITES),
            "exercises": None, "isolation": list(iso.layers), "missing": list(iso.missing),
            "limits": asdict(Limits()), "problems": [], "unreadable": [], "notes": []}
    jobs = {kind: {**base, "student": kind, "submission_hash": kind,
                   "files": {"ex01_toy.py": src.encode()}}
            for kind, src in (("wrong", TOY_WRONG), ("right", TOY_RIGHT))}
    worker.warm_up()
    outcomes = {kind: {t["outcome"] for t in worker.grade(job)["tests"]}
                for kind, job in jobs.items()}
    assert outcomes == {"wrong": {"failed"}, "right": {"passed"}}, outcomes
    times: dict[str, list[float]] = {"wrong": [], "right": []}
    for i in range(rounds):
        for kind in (("wrong", "right") if i % 2 == 0 else ("right", "wrong")):
            start = time.perf_counter()
            worker.grade(jobs[kind])
            times[kind].append(time.perf_counter() - start)
    med = {kind: statistics.median(t) for kind, t in times.items()}
    print(f"\nthe judge alone ({iso.name}), toy suite, {rounds} interleaved rounds: four "
          f"failing checks {med['wrong'] * 1000:.2f} ms, four passing {med['right'] * 1000:.2f}"
          f" ms per submission (medians): a failing check costs {med['wrong'] / med['right']:.2f}x"
          " a passing one (goal: at most 1.10x)", flush=True)


def one_kind_class(source: Path, n: int, dest: Path) -> Path:
    """``n`` copies of one sample student under new names."""
    for i in range(n):
        shutil.copytree(source, dest / f"student{i:04d}")
    return dest


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
    """Seconds per submission that the tests and student code take in one warm process.

    The process has numpy, SymPy and matplotlib imported (as our zygote has), runs pytest
    once per submission with the student's module imported in-process, and forgets only the
    student's and the suites' modules between submissions. It runs pytest as the judge does
    (the same arguments and plugins switched off, and the judge's report builder, so a failing
    test's traceback is not rendered here either): what is left is the tests' own work and
    the student's compute, the floor an isolated grader is measured against.
    """
    code = f"""
import os, sys, time
sys.path.insert(0, {str(ROOT / 'bench')!r})
sys.path.insert(1, {str(ROOT)!r})
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot, numpy, sympy, pytest
from grader.judge.session import CheapReports, pytest_args
suites = {str(SUITES)!r}
args = [*pytest_args(__import__("pathlib").Path(suites)), "-p", "naive_student_plugin"]
students = sorted(os.listdir({str(klass)!r}))

def run(path):
    sys.path.insert(0, path)
    t = time.perf_counter()
    code = pytest.main(args, plugins=[CheapReports()])
    spent = time.perf_counter() - t
    assert code in (0, 1), code  # the tests really ran
    for name, mod in list(sys.modules.items()):
        f = getattr(mod, "__file__", None) or ""
        if f.startswith((path, suites)) or name.startswith(("ex0", "test_")):
            del sys.modules[name]
    sys.path.remove(path)
    return spent

run(os.path.join({str(klass)!r}, students[0]))  # warm up
print(sum(run(os.path.join({str(klass)!r}, s)) for s in students) / len(students))
"""
    out = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True,
                         timeout=1200, check=False)
    try:
        return float(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise SystemExit(f"warm in-process run failed:\n{out.stderr[-2000:]}") from None


def sandbox_start_ms(isolation: str, use_zygote: bool, repeat: int = 25) -> float:
    """Median milliseconds to start a sandbox and answer one call on a numpy submission."""
    from grader.sandbox.client import Sandbox
    from grader.sandbox.launcher import Limits, detect
    from grader.sandbox.zygote import Zygote, usable

    iso = detect(isolation)
    folder = Path(tempfile.mkdtemp(prefix="bench_sub_"))
    folder.chmod(0o755)
    source = b"import numpy as np\n\n\ndef f(x):\n    return float(np.sum(x))\n"
    (folder / "m.py").write_bytes(source)
    (folder / "m.py").chmod(0o644)
    zygote = None
    if use_zygote:
        if not usable(iso):
            return float("nan")
        slot = Path(tempfile.mkdtemp(prefix="bench_slot_"))
        slot.chmod(0o755)
        zygote = Zygote(slot, iso, Limits(), slot=9)
        zygote.load({"m.py": source})
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        with Sandbox(folder, iso, Limits(), slot=9, zygote=zygote) as box:
            answer = box.request({"op": "call", "module": "m", "func": "f", "args": [[1.0]]})
            assert answer.get("ok"), answer
        times.append(time.perf_counter() - start)
    if zygote is not None:
        zygote.close()
    return 1000 * sorted(times[1:])[repeat // 2]


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
    parser.add_argument("--overhead-sample", type=int, default=100,
                        help="submissions used for the one-worker overhead measurement "
                             "(the marginal cost between a fifth of it and all of it)")
    parser.add_argument("--repeats", type=int, default=2,
                        help="interleaved repetitions of the --jobs 1 / --jobs 2 runs")
    parser.add_argument("--skip-throughput", action="store_true",
                        help="only measure the overheads")
    args = parser.parse_args()
    pinned = " ".join(f"{k}={ENV[k]}" for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"))
    print(f"threads: {pinned}; {os.cpu_count()} cores", flush=True)
    if not args.skip_throughput:
        report("sample class", args.klass, args.jobs)
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_throughput:
            big = generated_class(args.klass, args.generated, Path(tmp) / "class")
            report("generated class", big, args.jobs)
        n = args.overhead_sample
        small, large = (generated_class(args.klass, k, Path(tmp) / f"sample{k}")
                        for k in (n // 5, n))
        print(f"\nwork that spreads, and the overhead: classes of {n // 5} and {n}, --jobs 1 "
              f"and --jobs 2, interleaved, {args.repeats} repetitions (min of each)",
              flush=True)
        times: dict[tuple[int, int], list[float]] = {}
        warm: list[float] = []  # the baseline, measured between our runs, not after them
        for rep in range(args.repeats):
            for klass, size in ((small, n // 5), (large, n)):
                for jobs in ((1, 2) if rep % 2 == 0 else (2, 1)):
                    times.setdefault((jobs, size), []).append(run_ours(klass, jobs))
            warm.append(warm_compute(large))
            print(f"    warm unisolated pytest: {warm[-1] * 1000:.0f} ms per submission",
                  flush=True)
        best = {key: min(v) for key, v in times.items()}
        slope = {jobs: (best[jobs, n] - best[jobs, n // 5]) / (n - n // 5) for jobs in (1, 2)}
        print(f"  whole run of {n}: --jobs 1 {best[1, n]:.1f} s, --jobs 2 {best[2, n]:.1f} s: "
              f"{best[1, n] / best[2, n]:.2f}x (start-up included: pool, preflight, report)")
        print(f"  throughput (marginal, between {n // 5} and {n}): --jobs 1 {1 / slope[1]:.1f}, "
              f"--jobs 2 {1 / slope[2]:.1f} submissions/s: {slope[1] / slope[2]:.2f}x "
              "(goal: at least 1.8x)")
        print(f"\nstubs against solutions: {n} untouched, then {n} complete", flush=True)
        stubs = one_kind_class(args.klass / "hal_untouched", n, Path(tmp) / "stubs")
        complete = one_kind_class(args.klass / "ada_complete", n, Path(tmp) / "complete")
        ts, tc = run_ours(stubs, args.jobs), run_ours(complete, args.jobs)
        print(f"  untouched {ts:.1f} s, complete {tc:.1f} s: stubs take {ts / tc:.2f}x the "
              "time of solutions (goal: at most 1.0x)")
        one = slope[1]
        failing_against_passing(Path(tmp), n, args.repeats)
        judge_failing_against_passing()
        compute = min(warm)
        print(f"\nper submission, one worker (marginal cost between {n // 5} and {n} "
              f"submissions): mlmath grade {one * 1000:.0f} ms; the same tests in one warm, "
              f"unisolated process {compute * 1000:.0f} ms (min of {len(warm)}, measured "
              "between our runs)")
        print(f"  overhead beyond the student's compute: {(one - compute) * 1000:.0f} ms "
              "(goal: at most 50 ms)")
    bare = sandbox_start_ms("none", use_zygote=False)
    cold = sandbox_start_ms("auto", use_zygote=False)
    warm = sandbox_start_ms("auto", use_zygote=True)
    print("\nstarting a sandbox and answering one call (numpy submission, median of 25):")
    print(f"  unisolated subprocess {bare:.1f} ms; all layers, cold {cold:.1f} ms "
          f"(+{cold - bare:.1f} ms); all layers, forked by the zygote {warm:.1f} ms "
          f"({warm - bare:+.1f} ms)  (goal: isolation under 30 ms over unisolated)")


if __name__ == "__main__":
    main()
