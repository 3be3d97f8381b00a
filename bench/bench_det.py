"""Benchmark: mlmath's Gaussian-elimination determinant against numpy.linalg.det.

Run as ``python bench/bench_det.py [--rounds N]``. Both see the same well-conditioned random
matrices (3 I + G / sqrt(n), G standard normal), threads pinned to 1 (see fairbench), timed
interleaved, N rounds each. numpy calls LAPACK's blocked LU (getrf, compiled); ours is
readable Python elimination, one Python step per pivot inside a panel and one matrix
product per panel of pivots for the trailing matrix, so the ratio mostly measures
Python's per-pivot overhead (small n) and the panel work LAPACK does in compiled loops
(large n). There is no pass/fail goal: the ratio is reported.
"""

from __future__ import annotations

import argparse

import fairbench
import numpy as np

from mlmath.determinants import det_gauss

SIZES = (16, 64, 256, 512)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="interleaved rounds per size")
    args = parser.parse_args(argv)
    fairbench.pin_threads()
    fairbench.describe("determinant: mlmath.determinants.det_gauss vs numpy.linalg.det")
    print(f"{args.rounds} interleaved rounds per size, times min / median per call; "
          "goal: none (report only)")
    print(f"{'n':>5} {'ours':>21s} {'numpy':>21s}  ours/numpy")
    rng = np.random.default_rng(0)
    for n in SIZES:
        A = 3.0 * np.eye(n) + rng.normal(size=(n, n)) / np.sqrt(n)  # singular values ~[1, 5]
        ours, ref = det_gauss(A), np.linalg.det(A)
        assert ref != 0.0 and np.isfinite(ref) and abs(ours - ref) <= 1e-9 * abs(ref), (ours, ref)
        number = 20 if n <= 64 else 1
        t = fairbench.interleave({"ours": lambda A=A: det_gauss(A),
                                  "numpy": lambda A=A: np.linalg.det(A)},
                                 rounds=args.rounds, number=number)
        print(f"{n:>5} {fairbench.ms(t['ours'])} {fairbench.ms(t['numpy'])}  "
              f"{fairbench.ratio_line(t['ours'], t['numpy'])[2]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
