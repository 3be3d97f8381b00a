r"""Benchmark: our symbolic check against ``simplify(a - b) == 0`` and ``a.equals(b)``.

Runs every case of ``tests/symbolic_cases.py`` (sigmoid, softplus, log-sum-exp, softmax,
Bernoulli and Gaussian log-likelihoods, log|det|, chain rule through two and three layers,
|x|, relu, exp(-40)-sized differences) through three checks in the same run and prints,
for each, how many verdicts are right and the median and maximum time per case.

* ours: ``grader.symbolic.check_equivalent`` (text answers parsed by our safe parser;
  timing includes parsing). Per-case time is reported both for the first call (cold SymPy
  caches) and as the best of `--repeat` runs; the goal must hold for both.
* peers: ``simplify(a - b) == 0`` and ``a.equals(b)`` on the same SymPy expressions (text
  parsed by our parser, symbols matched by name, so the peers see exactly what we see). A
  peer runs in a forked child killed after `--peer-timeout` seconds; a timeout counts as a
  wrong verdict and as `--peer-timeout` seconds. ``equals`` returning None is "undetermined",
  which is wrong for every case here (each has a definite answer). ``equals`` tests at
  random points internally, so its count can move by one or two between runs.

Goal for ours: every verdict right, median <= 30 ms, max < 1 s.

Then the reading attacks of the same file (issue 10: answers that made SymPy factor or
compute for seconds while *parsing*): each typed one through ``check_equivalent`` and each
tree through the judge's own decoder (``grader.judge.proxy._sympy_builder``) and then the
check, with a 1 s limit. Goal: every verdict within 1.5 s, none "equivalent". For scale,
SymPy's own evaluation of the issue's 55-character product of four radicals is timed in a
forked child (killed after `--peer-timeout`).

    python bench/bench_symbolic.py [--peer-timeout 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import select
import signal
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import sympy as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from symbolic_cases import CASES, TREE_ATTACKS, TYPED_ATTACKS, Case  # noqa: E402

from grader import wire  # noqa: E402
from grader.symbolic import check_equivalent, parse_answer  # noqa: E402


def _as_sympy(obj, names, like):
    if isinstance(obj, str):
        obj = parse_answer(obj, names)
    if isinstance(obj, (list, tuple)):
        obj = sp.Matrix(obj)
        if isinstance(like, sp.MatrixBase) and like.rows == 1:
            obj = obj.T
    return obj


def prepare(case: Case):
    """The answer and reference as SymPy objects with symbols matched by name."""
    ref = _as_sympy(case.reference, set(case.variables), None)
    entries = list(ref) if isinstance(ref, sp.MatrixBase) else [ref]
    by_name = {s.name: s for e in entries for s in e.free_symbols}
    ans = _as_sympy(case.answer, set(by_name), ref)
    ans_entries = list(ans) if isinstance(ans, sp.MatrixBase) else [ans]
    swap = {s: by_name[s.name] for e in ans_entries for s in e.free_symbols
            if s.name in by_name}
    return ans.xreplace(swap), ref


def peer_simplify(a, r) -> str:
    if isinstance(a, sp.MatrixBase) != isinstance(r, sp.MatrixBase) or (
            isinstance(a, sp.MatrixBase) and a.shape != r.shape):
        return "not_equivalent"
    pairs = zip(a, r, strict=True) if isinstance(a, sp.MatrixBase) else [(a, r)]
    ok = all(sp.simplify(x - y) == 0 for x, y in pairs)
    return "equivalent" if ok else "not_equivalent"


def peer_equals(a, r) -> str:
    if isinstance(a, sp.MatrixBase) != isinstance(r, sp.MatrixBase) or (
            isinstance(a, sp.MatrixBase) and a.shape != r.shape):
        return "not_equivalent"
    pairs = zip(a, r, strict=True) if isinstance(a, sp.MatrixBase) else [(a, r)]
    results = [x.equals(y) for x, y in pairs]
    if any(v is False for v in results):
        return "not_equivalent"
    return "equivalent" if all(v is True for v in results) else "undetermined"


def run_forked(func, a, r, timeout: float) -> tuple[str, float]:
    """Run a peer in a child process; (verdict, seconds), ("timeout", timeout) if killed."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            start = time.perf_counter()
            try:
                verdict = func(a, r)
            except Exception as err:  # a peer crashing is a wrong verdict, not a crash
                verdict = f"error: {type(err).__name__}"
            payload = json.dumps([verdict, time.perf_counter() - start]).encode()
            os.write(write_end, payload)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], timeout)
        if not ready:
            return "timeout", timeout
        data = b""
        while chunk := os.read(read_end, 4096):
            data += chunk
        if not data:
            return "crashed", timeout
        verdict, seconds = json.loads(data)
        return verdict, seconds
    finally:
        os.close(read_end)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def run_ours(case: Case, repeat: int) -> tuple[str, float, float]:
    """(verdict, first-call seconds, best-of-`repeat` seconds); SymPy's caches warm up."""
    times = []
    verdict = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        verdict = check_equivalent(case.answer, case.reference, case.variables)
        times.append(time.perf_counter() - start)
    return verdict.status, times[0], min(times)


def summary(name: str, rows: list[tuple[Case, str, float]]) -> tuple[int, float, float]:
    right = sum(v == c.expected for c, v, _ in rows)
    times = [t for _, _, t in rows]
    med, worst = statistics.median(times), max(times)
    print(f"{name:24s} {right:3d}/{len(rows):<3d} right   median {med * 1e3:9.1f} ms   "
          f"max {worst * 1e3:9.1f} ms")
    return right, med, worst


def _mark(verdict: str, seconds: float, expected: str) -> str:
    return f"{'ok ' if verdict == expected else 'BAD'} {seconds * 1e3:9.1f}ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-timeout", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    ours, cold, simp, eq = [], [], [], []
    print(f"{len(CASES)} cases; peers killed after {args.peer_timeout:g} s\n")
    print(f"{'case':32s} {'expected':15s} {'ours':>16s} {'simplify':>16s} {'equals':>16s}")
    for case in CASES:
        v_ours, t_cold, t_ours = run_ours(case, args.repeat)
        cold.append((case, v_ours, t_cold))
        a, r = prepare(case)
        v_simp, t_simp = run_forked(peer_simplify, a, r, args.peer_timeout)
        v_eq, t_eq = run_forked(peer_equals, a, r, args.peer_timeout)
        ours.append((case, v_ours, t_ours))
        simp.append((case, v_simp, t_simp))
        eq.append((case, v_eq, t_eq))

        marks = [_mark(v, t, case.expected) for v, t in
                 ((v_ours, t_ours), (v_simp, t_simp), (v_eq, t_eq))]
        print(f"{case.id:32s} {case.expected:15s} {marks[0]:>16s} {marks[1]:>16s} "
              f"{marks[2]:>16s}")

    print()
    r_o, m_o, x_o = summary(f"ours (best of {args.repeat})", ours)
    _, m_c, x_c = summary("ours (first call)", cold)
    _, m_s, x_s = summary("simplify(a-b)==0", simp)
    _, m_e, x_e = summary("a.equals(b)", eq)
    print()
    print(f"median time ours/simplify = {m_o / m_s:.3f}   ours/equals = {m_o / m_e:.3f}")
    print(f"max time    ours/simplify = {x_o / x_s:.3f}   ours/equals = {x_o / x_e:.3f}")
    goal = r_o == len(CASES) and max(m_o, m_c) <= 0.030 and max(x_o, x_c) < 1.0
    print(f"goal for ours: all {len(CASES)} right, median <= 30 ms, max < 1 s -> "
          f"{'met' if goal else 'NOT met'}")
    for name, rows in (("simplify", simp), ("equals", eq)):
        wrong = [f"{c.id} ({v})" for c, v, _ in rows if v != c.expected]
        print(f"{name} wrong on: {', '.join(wrong) or 'none'}")
    ok = attacks(args.peer_timeout)
    print(f"goal for reading attacks: every verdict within 1.5 s, none accepted -> "
          f"{'met' if ok else 'NOT met'}")


def _sympy_radical_product(_a, _r) -> str:
    """SymPy's own evaluation of the issue's four-radical product (what parsing used to do)."""
    sp.Mul(*[sp.sqrt(sp.Integer(7) ** 999 + k) for k in (1, 3, 5, 7)])
    return "done"


def attacks(peer_timeout: float, limit: float = 1.0) -> bool:
    """Time every reading attack; True if all got a verdict in limit + 0.5 s, none accepted."""
    from grader.judge.proxy import _sympy_builder

    x = sp.Symbol("x", real=True)
    rows = []
    for name, text in TYPED_ATTACKS:
        start = time.perf_counter()
        status = check_equivalent(text, x, time_limit=limit).status
        rows.append((f"typed {name}", status, time.perf_counter() - start))
    for name, tree in TREE_ATTACKS:
        start = time.perf_counter()
        try:
            expr = wire.from_json({"$sym": tree}, sympy_builder=_sympy_builder)
            ref = sp.Matrix([x, x]) if isinstance(expr, sp.MatrixBase) else x
            status = check_equivalent(expr, ref, time_limit=limit).status
        except wire.WireError:
            status = "refused: too large"
        rows.append((f"tree  {name}", status, time.perf_counter() - start))
    print(f"\n{len(rows)} reading attacks, checker limit {limit:g} s")
    for label, status, seconds in sorted(rows, key=lambda r: -r[2])[:5]:
        print(f"  slowest: {label:32s} {status:20s} {seconds * 1e3:8.1f} ms")
    counts = Counter(status for _, status, _ in rows)
    worst = max(seconds for _, _, seconds in rows)
    print("  verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"  median {statistics.median(s for _, _, s in rows) * 1e3:.1f} ms, "
          f"max {worst * 1e3:.1f} ms")
    verdict, seconds = run_forked(_sympy_radical_product, None, None, peer_timeout)
    shown = f"killed after {peer_timeout:g} s" if verdict == "timeout" else f"{seconds:.2f} s"
    print(f"  SymPy evaluating the issue's 55-character product of 4 radicals: {shown}")
    return worst < limit + 0.5 and "equivalent" not in counts


if __name__ == "__main__":
    main()
