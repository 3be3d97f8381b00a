"""Benchmark: mlmath's Gaussian-elimination determinant against numpy.linalg.det.

Run as ``python bench/bench_det.py``. Both are timed in the same run on the same
well-conditioned random matrices (3 I + G / sqrt(n), G standard normal), best of N
repeats. numpy calls LAPACK's blocked LU; ours is one Python loop over the pivots with one
vectorised rank-1 update each, so the ratio mostly measures Python overhead (small n) and
BLAS-2 against BLAS-3 memory traffic (large n). There is no pass/fail goal: the ratio is
reported.
"""

from __future__ import annotations

import time

import numpy as np

from mlmath.determinants import det_gauss

SIZES = (64, 256)
REPEATS = 20
GOAL = "none (report only)"


def best_of(f, A: np.ndarray, repeats: int) -> float:
    """Best wall-clock time of ``repeats`` calls f(A), in seconds."""
    f(A)  # warm up (thread pools, caches)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        f(A)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'n':>5} {'ours (ms)':>10} {'numpy (ms)':>11} {'ours/numpy':>11}  goal")
    for n in SIZES:
        A = 3.0 * np.eye(n) + rng.normal(size=(n, n)) / np.sqrt(n)  # singular values in ~[1, 5]
        ours, ref = det_gauss(A), np.linalg.det(A)
        assert ref != 0.0 and np.isfinite(ref) and abs(ours - ref) <= 1e-9 * abs(ref), (ours, ref)
        t_ours = best_of(det_gauss, A, REPEATS)
        t_numpy = best_of(np.linalg.det, A, REPEATS)
        print(f"{n:>5} {1e3 * t_ours:>10.3f} {1e3 * t_numpy:>11.3f} {t_ours / t_numpy:>11.1f}  "
              f"{GOAL}")


if __name__ == "__main__":
    main()
