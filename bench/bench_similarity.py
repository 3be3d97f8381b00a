"""Benchmark: `similarity_report` on a generated class of 1,000 students x 6 exercises.

Run as ``python bench/bench_similarity.py [--students N] [--jobs J]``. Each student's file
per exercise is assembled from the reference solutions: every function is either left as
the handout's stub (15 %) or replaced by one of 40 variants of the solution (operands of
+ and * swapped, constants changed, extra statements inserted, names changed), so pairs of
students share a function now and then, as real classes do; and each file gets 2-5 helper
functions of random structure, the learner's own code, unlike anyone else's (this is what
makes the vocabulary of n-grams large). Five students are planted as copies of five others
(comments added, functions reordered).

Goal: the whole report (normalising every file, tf-idf, all pairs of every exercise) in
under 60 s wall-clock on 2 cores for 1,000 students. Printed beside it, the step that
compares all pairs against two peers measured in the same run on the same vectors:
scipy.sparse's X X^T (if scipy is installed) and a plain-Python loop over sparse dict
vectors (timed on a subsample, scaled by the number of pairs).
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.grading import fingerprints as fp  # noqa: E402
from grader.grading import similarity as sim  # noqa: E402

EXERCISES = ["ex01_logs", "ex02_determinants", "ex03_inner_products", "ex04_chain_rule",
             "ex05_neural_network", "ex06_denoising"]
VARIANTS = 40


class _Mutate(ast.NodeTransformer):
    def __init__(self, rng: random.Random):
        self.rng = rng

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Add | ast.Mult) and self.rng.random() < 0.3:
            node.left, node.right = node.right, node.left
        return node

    def visit_Constant(self, node):
        if isinstance(node.value, float) and self.rng.random() < 0.3:
            node.value = node.value * 10
        return node

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Store) and self.rng.random() < 0.2:
            node.id = node.id + "_"
        return node

    def visit_FunctionDef(self, node):
        self.generic_visit(node)
        for _ in range(self.rng.randrange(0, 3)):
            k = self.rng.randrange(1000)
            extra = ast.parse(f"tmp{k} = ({k} + len(str({k}))) * {self.rng.random():.3f}").body[0]
            node.body.insert(self.rng.randrange(len(node.body) + 1), extra)
        return node


def variants(solution: str, rng: random.Random) -> dict[str, list[str]]:
    """Per top-level function of the solution: VARIANTS mutated copies, as source text."""
    out = {}
    for node in ast.parse(solution).body:
        if isinstance(node, ast.FunctionDef):
            out[node.name] = [
                ast.unparse(ast.fix_missing_locations(_Mutate(rng).visit(
                    ast.parse(ast.get_source_segment(solution, node)))))
                for _ in range(VARIANTS)]
    return out


OPS = ["+", "-", "*", "/", "**", "@"]
CALLS = ["np.sum", "np.exp", "np.log", "np.sqrt", "abs", "max", "min", "len", "np.mean",
         "np.dot", "float", "np.maximum", "np.clip", "np.outer", "sorted"]


def random_expr(rng: random.Random, depth: int) -> str:
    """A random expression: the learner's own idea of a helper, different for everyone."""
    if depth == 0 or rng.random() < 0.2:
        return rng.choice(["x", "y", "z", "1.0", "2", "x[0]", "y[-1]", "z.T", "x.shape[0]"])
    r = rng.random()
    if r < 0.5:
        return (f"({random_expr(rng, depth - 1)} {rng.choice(OPS)} "
                f"{random_expr(rng, depth - 1)})")
    if r < 0.8:
        return f"{rng.choice(CALLS)}({random_expr(rng, depth - 1)})"
    return (f"({random_expr(rng, depth - 1)} if {random_expr(rng, depth - 1)} > 0 "
            f"else {random_expr(rng, depth - 1)})")


def own_helpers(rng: random.Random, count: int) -> str:
    return "\n\n".join(
        f"def my_helper_{k}(x, y, z):\n    w = {random_expr(rng, 4)}\n"
        f"    return {random_expr(rng, 4)}\n" for k in range(count))


def stub_functions(stub: str) -> dict[str, str]:
    return {n.name: ast.get_source_segment(stub, n) for n in ast.parse(stub).body
            if isinstance(n, ast.FunctionDef)}


def make_class(students: int, seed: int = 0) -> tuple[dict, dict, list[tuple[str, str]]]:
    rng = random.Random(seed)
    stubs = {ex: (ROOT / "exercises" / f"{ex}.py").read_text() for ex in EXERCISES}
    pools = {ex: variants((ROOT / "solutions" / f"{ex}.py").read_text(), rng)
             for ex in EXERCISES}
    stub_fns = {ex: stub_functions(stubs[ex]) for ex in EXERCISES}
    sources: dict[str, dict[str, str]] = {}
    for i in range(students):
        files = {}
        for ex in EXERCISES:
            if rng.random() < 0.05:  # did not hand this one in
                continue
            head = stubs[ex].split("\ndef ", 1)[0]
            parts = [head]
            names = list(pools[ex])
            for name in names:
                if rng.random() < 0.15 and name in stub_fns[ex]:
                    parts.append(stub_fns[ex][name])
                else:
                    parts.append(rng.choice(pools[ex][name]))
                parts.append(f"# student {i} was here\n")
            parts.append(own_helpers(rng, rng.randrange(2, 6)))
            files[ex] = "\n\n".join(parts) + "\n"
        sources[f"student{i:04d}"] = files
    planted = []
    for k in range(5):
        original = f"student{k * 7:04d}"
        copy = f"student{students - 1 - k:04d}"
        files = {}
        for ex, text in sources[original].items():
            tree = ast.parse(text)
            tree.body = tree.body[::-1]
            files[ex] = "# all my own work\n" + ast.unparse(tree)
        sources[copy] = files
        planted.append((original, copy))
    return sources, stubs, planted


def python_loop_peer(ids: list[np.ndarray], weights: list[np.ndarray], sample: int) -> float:
    """Seconds per pair of the obvious loop: every pair, dict-of-weights inner product."""
    vecs = [dict(zip(u.tolist(), w.tolist(), strict=True)) for u, w in zip(ids, weights,
                                                                          strict=True)][:sample]
    start = time.perf_counter()
    pairs = 0
    for i in range(len(vecs)):
        a = vecs[i]
        for j in range(i + 1, len(vecs)):
            b = vecs[j]
            small, large = (a, b) if len(a) < len(b) else (b, a)
            sum(v * large.get(k, 0.0) for k, v in small.items())
            pairs += 1
    return (time.perf_counter() - start) / max(pairs, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    print(f"cpu cores: {os.cpu_count()}, jobs: {args.jobs}, numpy {np.__version__}")
    t0 = time.perf_counter()
    sources, stubs, planted = make_class(args.students)
    files = sum(len(f) for f in sources.values())
    chars = sum(len(s) for f in sources.values() for s in f.values())
    print(f"generated {args.students} students, {files} files, {chars / 1e6:.1f} M characters "
          f"in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    report = sim.similarity_report(sources, stubs, jobs=args.jobs)
    total = time.perf_counter() - t0
    found = {frozenset((p["a"], p["b"])) for p in report["pairs"]}
    caught = sum(frozenset(p) in found for p in planted)
    print(f"similarity_report: {total:.1f} s wall-clock for {args.students} students "
          f"(goal: < 60 s); planted copies found: {caught}/{len(planted)}; "
          f"pairs listed: {len(report['pairs']) + report['more_pairs']}")
    for ex in report["exercises"]:
        print(f"  {ex['exercise']}: {ex['compared']} compared, median pair {ex['median']}, "
              f"99th percentile {ex['p99']}, {len(ex['pairs']) + ex['more_pairs']} above "
              f"{report['threshold']}")

    # The all-pairs step alone, against its peers, on the largest exercise's vectors.
    ex = EXERCISES[4]
    handout = fp.Handout.of(stubs[ex])
    docs = [fp.document(f[ex], handout) for f in sources.values() if ex in f]
    docs = [d for d in docs if not d.error and d.tokens >= fp.MIN_TOKENS]
    ids, weights, vocab, _ = sim._tf_idf(docs)
    n = len(docs)
    t0 = time.perf_counter()
    ours = sim.cosine_matrix(ids, weights, len(vocab))
    t_ours = time.perf_counter() - t0
    print(f"all pairs of {ex} ({n} vectors, {len(vocab)} distinct n-grams):")
    print(f"  ours (numpy, dense blocks of shared columns): {t_ours * 1e3:8.1f} ms")
    try:
        import scipy.sparse as sp
    except ImportError:
        print("  scipy.sparse: not installed")
    else:
        rows = np.concatenate([np.full(len(u), i) for i, u in enumerate(ids)])
        X = sp.csr_matrix((np.concatenate(weights).astype(np.float32),
                           (rows, np.concatenate(ids))), shape=(n, len(vocab)))
        t0 = time.perf_counter()
        theirs = (X @ X.T).toarray()
        t_sp = time.perf_counter() - t0
        np.fill_diagonal(theirs, 0)
        check = ours.copy()
        np.fill_diagonal(check, 0)
        assert np.allclose(check, theirs, atol=1e-4)
        print(f"  scipy.sparse X @ X.T:                         {t_sp * 1e3:8.1f} ms  "
              f"ours/scipy = {t_ours / t_sp:.2f}")
    per_pair = python_loop_peer(ids, weights, sample=min(n, 150))
    t_loop = per_pair * n * (n - 1) / 2
    print(f"  Python loop over dict vectors (scaled):       {t_loop * 1e3:8.1f} ms  "
          f"ours/loop = {t_ours / t_loop:.3f}")
    return 0 if total < 60 and caught == len(planted) else 1


if __name__ == "__main__":
    raise SystemExit(main())
