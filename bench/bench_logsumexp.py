"""Benchmark: mlmath.logs.log_sum_exp against scipy.special.logsumexp.

Run as ``python bench/bench_logsumexp.py [--repeat N]``. Both functions see the same float64
data in the same process; each time is the best of N runs (after a warm-up call), and the
ratio ours / scipy is printed beside the goal (<= 1.5x). The two results are also checked
to agree, so a fast wrong answer cannot pass.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.special import logsumexp

from mlmath.logs import log_sum_exp

GOAL = 1.5


def plain_numpy(a: np.ndarray, axis: int | None) -> np.ndarray:
    """The textbook three lines, no inf handling: a second, simpler peer for context."""
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(a - m), axis=axis))


def best_of(fn, repeat: int) -> float:
    """Best wall-clock time of ``repeat`` calls of ``fn()``, in seconds, after one warm-up."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21, help="runs per timing (best of N)")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(0)
    x = rng.standard_normal(10**6) * 30.0
    cases = [
        ("full reduction, 10^6 elements", x, None),
        ("axis=-1 on (1000, 1000)", x.reshape(1000, 1000), -1),
    ]
    print(f"log-sum-exp, float64, best of {args.repeat} (numpy {np.__version__})")
    worst = 0.0
    for name, a, axis in cases:
        ours_val = log_sum_exp(a, axis=axis)
        peer_val = logsumexp(a, axis=axis)
        np.testing.assert_allclose(ours_val, peer_val, rtol=1e-12)
        ours = best_of(lambda a=a, axis=axis: log_sum_exp(a, axis=axis), args.repeat)
        peer = best_of(lambda a=a, axis=axis: logsumexp(a, axis=axis), args.repeat)
        plain = best_of(lambda a=a, axis=axis: plain_numpy(a, axis), args.repeat)
        ratio = ours / peer
        worst = max(worst, ratio)
        print(
            f"  {name:32s} ours {ours * 1e3:8.3f} ms   scipy {peer * 1e3:8.3f} ms   "
            f"ratio ours/scipy {ratio:5.2f}x   goal: <= {GOAL}x"
        )
        print(
            f"  {'':32s} (context: plain numpy max/exp/sum {plain * 1e3:8.3f} ms, "
            f"ours/plain {ours / plain:4.2f}x)"
        )
    print(f"worst ratio {worst:.2f}x: {'meets' if worst <= GOAL else 'MISSES'} the goal")


if __name__ == "__main__":
    main()
