"""Run every reference-library benchmark: log-sum-exp, determinant, MLP training.

    python bench/bench_library.py

Each part pins BLAS, OpenMP and torch threads to 1, prints the machine and the thread
counts in effect, times ours and its peer (plain numpy, numpy.linalg.det, PyTorch CPU)
interleaved in the same run, and prints min / median per side and the ratio ours / peer
beside its goal. The MLP part needs PyTorch and says so when it is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Each benchmark imports fairbench before numpy, so the first import below pins the threads.
import bench_det
import bench_logsumexp
import bench_mlp


def main() -> int:
    for run in (bench_logsumexp.main, bench_det.main, bench_mlp.main):
        run([])
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
