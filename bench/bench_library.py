"""Run every reference-library benchmark: log-sum-exp, determinant, MLP training.

    python bench/bench_library.py

Each part measures its peer (scipy, numpy, PyTorch CPU) in the same run and prints the
ratio ours / peer beside its goal.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_det
import bench_logsumexp
import bench_mlp


def main() -> None:
    for title, run in [("log-sum-exp vs scipy.special.logsumexp", lambda: bench_logsumexp.main([])),
                       ("Gaussian-elimination det vs numpy.linalg.det", bench_det.main),
                       ("MLP epoch vs PyTorch CPU", bench_mlp.main)]:
        print(f"\n=== {title}")
        run()


if __name__ == "__main__":
    main()
