"""mlmath grade against the real `nbgrader autograde`, on the same notebooks, interleaved.

The assignment is exercises 2 and 3 ported to nbgrader with the *same checks*: one autograded
test cell per hidden test of grader/suites/ex02_* and ex03_*, worth that test's points, whose
hidden code (stripped from the release, restored by autograde as nbgrader does) runs the test
in the student's kernel through bench/nbgrader_shim.py. A class of N students holds the
kinds of work the issue lists, taken from the sample class: complete (ada), partial (ben,
exercise 2 only), typical mistakes (cai), untouched (hal), one notebook with a syntax error
and one with an infinite loop (eli's); the regular work cycles 6/5/5/3. ``--mix stress``
instead gives one student in 20 both a syntax error and an infinite loop (five full
timeouts in 100: on two cores those alone take 25 s of mlmath's wall time). Both tools
grade the same `submitted/` tree as their users run them: nbgrader with its kernels, a
per-cell timeout of 10 s (mlmath's per-call timeout) and its defaults otherwise; mlmath with
every isolation layer this machine offers and two workers. Runs alternate A B, B A for each
repetition; the script prints wall time, CPU time of every process (a cgroup), peak memory
(the largest process, and all together: RSS, and PSS which counts a page shared by forked
processes once), the ratio, and whether every student's total
agrees.

    pip install -e '.[nbgrader]'      # nbgrader 0.9
    python bench/bench_nbgrader.py [--students 100] [--repeats 3] [--mix class|stress]
                                   [--keep DIR]
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
EXERCISES = ["ex02_determinants", "ex03_inner_products"]
# Kinds of work, each a sample student's file per exercise (examples/class/<student>/):
def _same(student: str) -> dict[str, str]:
    return {"ex02_determinants": student, "ex03_inner_products": student}


KINDS = {
    "complete": _same("ada_complete"),
    "partial": _same("ben_two_of_six"),
    "mistakes": _same("cai_typical_mistakes"),
    "untouched": _same("hal_untouched"),
    "syntax error": {**_same("ada_complete"), "ex02_determinants": "eli_syntax_error_and_loop"},
    "infinite loop": {**_same("ada_complete"),
                      "ex03_inner_products": "eli_syntax_error_and_loop"},
    "syntax error + loop": _same("eli_syntax_error_and_loop"),
}
# The regular work cycles 6 complete, 5 partial, 5 with typical mistakes, 3 untouched.
CYCLE = ["complete"] * 6 + ["partial"] * 5 + ["mistakes"] * 5 + ["untouched"] * 3
MIXES = {
    # The class: complete, partial, typical mistakes, a syntax error, an infinite
    # loop: one notebook with a syntax error and one with an infinite loop in the class.
    "class": "one syntax error and one infinite loop in the class, the rest cycling 6 "
             "complete, 5 partial, 5 with mistakes, 3 untouched",
    # A harsher class: one student in 20 with both (five of 100 each spend a full timeout).
    "stress": "one student in 20 with a syntax error in exercise 2 and an infinite loop in "
              "exercise 3, the rest cycling as above",
}


def class_kinds(students: int, mix: str) -> list[str]:
    """The kind of work of each of ``students`` students."""
    if mix == "stress":
        return [[*CYCLE, "syntax error + loop"][i % 20] for i in range(students)]
    kinds = [CYCLE[i % len(CYCLE)] for i in range(students)]
    specials = {students // 3: "syntax error", 2 * students // 3: "infinite loop"}
    for k, special in specials.items():
        if k < students:
            kinds[k] = special
    return kinds
ASSIGNMENT = "ps1"
TIMEOUT = 10  # seconds per cell (nbgrader) and per call (mlmath)
THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "NUMEXPR_NUM_THREADS": "1"}


def say(*parts) -> None:
    print(*parts, flush=True)


# --------------------------------------------------------------------------- the course


def hidden_tests(suite_dir: Path) -> list[tuple[Path, str, float]]:
    """(file, test name, points) of every hidden test, in file order (read with ast)."""
    found = []
    for path in sorted(suite_dir.glob("test_*.py")):
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
                continue
            points = 1.0
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and getattr(deco.func, "id", "") == "task":
                    for kw in deco.keywords:
                        if kw.arg == "points":
                            points = float(ast.literal_eval(kw.value))
            found.append((path, node.name, points))
    return found


def nb_cell(kind: str, source: str, grade_id: str, cell_id: str, **nbgrader) -> dict:
    cell = {"cell_type": kind, "metadata": {}, "source": source, "id": cell_id}
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    if nbgrader:
        cell["metadata"]["nbgrader"] = {"grade_id": grade_id, "schema_version": 3,
                                        "locked": False, "solution": False, "grade": False,
                                        **nbgrader}
    return cell


def notebook_from(text: str, tests: list[tuple[Path, str, float]] | None, name: str) -> dict:
    """A notebook from a percent-format file; nbgrader solution cells where the file has
    solution regions, then one hidden test cell per hidden test (source version only)."""
    import jupytext

    nb = jupytext.reads(text, fmt="py:percent")
    cells = []
    for i, cell in enumerate(nb.cells):
        source = cell.source
        gid = f"{name}_cell{i}"
        if cell.cell_type == "code" and "# BEGIN SOLUTION" in source:
            source = source.replace("# BEGIN SOLUTION", "### BEGIN SOLUTION")
            source = source.replace("# END SOLUTION", "### END SOLUTION")
            cells.append(nb_cell("code", source, gid, f"c{i}", solution=True))
        else:
            cells.append(nb_cell(cell.cell_type, source, gid, f"c{i}"))
    for j, (path, test, points) in enumerate(tests or []):
        code = ("### BEGIN HIDDEN TESTS\nimport nbgrader_shim\n"
                f"nbgrader_shim.run_hidden(globals(), {str(path)!r}, {test!r})\n"
                "### END HIDDEN TESTS")
        cells.append(nb_cell("code", code, f"{name[:4]}_{test}", f"t{j}", grade=True,
                             points=points))
    return {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}}}


def build_course(root: Path, students: int, env: dict, mix: str = "class",
                 kinds: list[str] | None = None) -> dict[str, str]:
    """The nbgrader course under ``root`` with ``students`` submissions (of the given
    ``kinds`` of work, one each, when named; else the ``mix``); returns student -> kind."""
    suites = root / "suites"
    for ex in EXERCISES:
        shutil.copytree(ROOT / "grader" / "suites" / ex, suites / ex,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "grader" / "suites" / "pytest.ini", suites / "pytest.ini")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        f"c.ExecutePreprocessor.timeout = {TIMEOUT}\n")
    source = root / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for ex in EXERCISES:
        text = (ROOT / "solutions" / f"{ex}.py").read_text()
        nb = notebook_from(text, hidden_tests(suites / ex), ex)
        (source / f"{ex}.ipynb").write_text(json.dumps(nb, indent=1))
    run(["nbgrader", "generate_assignment", ASSIGNMENT, "--create", "--force"], root, env)
    release = root / "release" / ASSIGNMENT
    profiles = {}
    for i, kind in enumerate(kinds or class_kinds(students, mix)):
        sid = f"s{i:04d}"
        profiles[sid] = kind
        folder = root / "submitted" / sid / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2026-11-29 08:00:00.000000 UTC")
        for ex in EXERCISES:
            released = json.loads((release / f"{ex}.ipynb").read_text())
            text = (ROOT / "examples" / "class" / KINDS[kind][ex] / f"{ex}.py").read_text()
            mine = notebook_from(text, None, ex)["cells"]
            # The student's cells in the released notebook's frame (ids, metadata, and the
            # emptied test cells), as if they had typed their work into it.
            cells = released["cells"]
            for k in range(min(len(mine), len(cells))):
                if not cells[k].get("metadata", {}).get("nbgrader", {}).get("grade"):
                    cells[k]["source"] = mine[k]["source"]
            (folder / f"{ex}.ipynb").write_text(json.dumps(released, indent=1))
    return profiles


# --------------------------------------------------------------------------- running


def run(cmd: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc


class CpuGroup:
    """A cgroup v1 ``cpuacct`` group: CPU time of every process started in it, however deep
    (/usr/bin/time sees only the children it waits for, not a pool's workers or their
    sandboxes). None of this where cgroup v1 is not writable: CPU is then not reported."""

    ROOT = Path("/sys/fs/cgroup/cpuacct")

    def __init__(self) -> None:
        self.path = self.ROOT / f"bench-nbgrader-{os.getpid()}-{time.monotonic_ns()}"
        self.path.mkdir()

    @classmethod
    def available(cls) -> bool:
        return cls.ROOT.is_dir() and os.access(cls.ROOT, os.W_OK)

    def join(self) -> None:
        (self.path / "cgroup.procs").write_text("0")

    def seconds(self) -> float:
        return int((self.path / "cpuacct.usage").read_text()) / 1e9

    def remove(self) -> None:
        for _ in range(100):
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.05)


def _pss(pid: int) -> int:
    """Proportional set size in bytes: pages shared by several processes (a fork's copy-on-
    write pages, as in mlmath's workers and zygote children) are split among them."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def descendants_memory(root: int) -> tuple[int, int, int]:
    """(largest process RSS, sum of RSS, sum of PSS) in bytes over ``root`` and its
    descendants. The RSS sum counts a page shared by forked processes once per process; the
    PSS sum counts it once in all."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_bytes()
            fields = stat[stat.rfind(b")") + 2:].split()
            children.setdefault(int(fields[1]), []).append(int(name))
            rss[int(name)] = int(fields[21]) * page
        except (OSError, IndexError, ValueError):
            continue
    largest = total = shared = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        largest = max(largest, rss.get(pid, 0))
        total += rss.get(pid, 0)
        shared += _pss(pid)
        stack += children.get(pid, [])
    return largest, total, shared


def timed(cmd: list[str], cwd: Path, env: dict, progress) -> dict:
    """Run ``cmd``: wall time, CPU of all its processes (cgroup), and peak memory (the
    largest single process, and all processes together, sampled every 0.2 s)."""
    group = CpuGroup() if CpuGroup.available() else None
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=group.join if group else None)
    stop = threading.Event()
    peaks = [0, 0, 0]

    def sample():
        last = time.perf_counter()
        while not stop.wait(0.2):
            now = descendants_memory(proc.pid)
            peaks[:] = [max(a, b) for a, b in zip(peaks, now, strict=True)]
            if time.perf_counter() - last > 15:
                last = time.perf_counter()
                say(f"    ... {last - start:.0f} s, {progress()}")

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    _, stderr = proc.communicate()
    wall = time.perf_counter() - start
    stop.set()
    watcher.join()
    cpu = None
    if group is not None:
        time.sleep(0.2)  # let the last processes of the group be accounted
        cpu = group.seconds()
        group.remove()
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} {cmd[1]} failed ({proc.returncode}):\n{stderr[-3000:]}")
    return {"wall": wall, "cpu": cpu, "peak_mb": peaks[0] / 2**20,
            "total_mb": peaks[1] / 2**20, "pss_mb": peaks[2] / 2**20}


def nbgrader_round(root: Path, env: dict) -> tuple[dict, dict[str, float]]:
    shutil.rmtree(root / "autograded", ignore_errors=True)
    done = lambda: f"{len(list((root / 'autograded').glob('*')))} students"  # noqa: E731
    stats = timed(["nbgrader", "autograde", ASSIGNMENT, "--force"], root, env, done)
    out = root / "nbgrader_grades.csv"
    run(["nbgrader", "export", f"--to={out}"], root, env)
    with open(out) as f:
        totals = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f)}
    return stats, totals


def mlmath_round(root: Path, env: dict) -> tuple[dict, dict[str, float]]:
    out = root / "mlmath_out"
    shutil.rmtree(out, ignore_errors=True)

    def done():
        book = out / "gradebook.sqlite"
        if not book.exists():
            return "starting"
        import sqlite3
        try:
            db = sqlite3.connect(book, timeout=1)
            n = db.execute("SELECT COUNT(*) FROM grades").fetchone()[0]
            db.close()
            return f"{n} students"
        except sqlite3.Error:
            return "starting"

    cmd = [sys.executable, "-m", "grader.cli", "grade", str(root), "--out", str(out),
           "--suites", str(root / "suites"), "--jobs", "2", "--timeout", str(TIMEOUT),
           "--no-similarity"]
    stats = timed(cmd, root, env, done)
    with open(out / "grades.csv") as f:
        totals = {row["student"]: float(row["total"]) for row in csv.DictReader(f)}
    return stats, totals


def summary(name: str, runs: list[dict]) -> str:
    walls = [r["wall"] for r in runs]
    cpus = [r["cpu"] for r in runs if r["cpu"] is not None]
    cpu = f"{statistics.median(cpus):7.1f} s" if cpus else "    n/a"
    largest = max(r["peak_mb"] for r in runs)
    together = max(r["total_mb"] for r in runs)
    pss = max(r["pss_mb"] for r in runs)
    return (f"{name:<20} wall min {min(walls):7.1f} s  median {statistics.median(walls):7.1f} s"
            f"   CPU median {cpu}   peak: largest process {largest:5.0f} MB, all "
            f"{together:5.0f} MB RSS, {pss:5.0f} MB PSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mix", choices=sorted(MIXES), default="class",
                        help="class: the issue's class; stress: one in 20 loops")
    parser.add_argument("--keep", type=Path, help="build the course here and keep it")
    args = parser.parse_args()
    if shutil.which("nbgrader") is None:
        sys.exit("nbgrader is not installed: pip install -e '.[nbgrader]'")
    from grader.sandbox.launcher import detect

    env = {**os.environ, **THREADS, "PYTHONPATH": os.pathsep.join(
        [str(BENCH), str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-nbgrader-"))
    root.mkdir(parents=True, exist_ok=True)
    import nbgrader

    say(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, nbgrader {nbgrader.__version__}")
    say(f"threads pinned: {' '.join(f'{k}={v}' for k, v in THREADS.items())} (both tools; "
        "nbgrader's kernels and mlmath's sandboxes inherit or set them)")
    say(f"mlmath isolation: {detect('auto').name}; 2 workers; nbgrader: one kernel per "
        f"notebook, {TIMEOUT} s per cell")
    say(f"building the course: {args.students} students x {len(EXERCISES)} notebooks "
        f"in {root} ...")
    say(f"class mix: {args.mix}: {MIXES[args.mix]}")
    profiles = build_course(root, args.students, env, args.mix)
    runs: dict[str, list[dict]] = {"nbgrader autograde": [], "mlmath grade": []}
    totals: dict[str, dict[str, float]] = {}
    for rep in range(1, args.repeats + 1):
        order = [("nbgrader autograde", nbgrader_round), ("mlmath grade", mlmath_round)]
        if rep % 2 == 0:
            order.reverse()
        for name, fn in order:
            say(f"repetition {rep}/{args.repeats}: {name} ...")
            stats, got = fn(root, env)
            runs[name].append(stats)
            totals[name] = got
            cpu = "n/a" if stats["cpu"] is None else f"{stats['cpu']:.1f} s"
            say(f"    {stats['wall']:.1f} s wall, {cpu} CPU, largest process "
                f"{stats['peak_mb']:.0f} MB, all processes {stats['total_mb']:.0f} MB RSS "
                f"({stats['pss_mb']:.0f} MB PSS, shared pages counted once)")
    say("")
    for name, rs in runs.items():
        say(summary(name, rs))
    nb, ml = runs["nbgrader autograde"], runs["mlmath grade"]
    wall = statistics.median(r["wall"] for r in nb) / statistics.median(r["wall"] for r in ml)
    cpu = "n/a (no writable cgroup v1 cpuacct)"
    if all(r["cpu"] for r in nb + ml):
        ratio = (statistics.median(r["cpu"] for r in nb)
                 / statistics.median(r["cpu"] for r in ml))
        cpu = f"{ratio:.1f}x"
    say(f"\nratio (nbgrader / mlmath), medians: wall {wall:.1f}x, CPU {cpu}; per "
        f"submission: nbgrader {statistics.median(r['wall'] for r in nb) / args.students:.2f} s,"
        f" mlmath {statistics.median(r['wall'] for r in ml) / args.students:.2f} s")
    a, b = totals["nbgrader autograde"], totals["mlmath grade"]
    differ = {s: (a.get(s), b.get(s)) for s in profiles if a.get(s) != b.get(s)}
    if differ:
        say(f"scores DISAGREE for {len(differ)} of {len(profiles)} students:")
        for s, (x, y) in list(differ.items())[:20]:
            say(f"    {s} ({profiles[s]}): nbgrader {x}, mlmath {y}")
    else:
        by_profile = {p: b[s] for s, p in profiles.items()}
        say(f"scores agree for all {len(profiles)} students: {by_profile}")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
