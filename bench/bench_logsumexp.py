"""Benchmark: mlmath.logs.log_sum_exp against plain numpy's max-shift formula.

Run as ``python bench/bench_logsumexp.py [--rounds N]``. The peer is the textbook formula in
plain numpy, in the input's own dtype and with no inf handling,

    m = x.max(axis, keepdims=True);  m + log(sum(exp(x - m), axis))

and the goal is ours <= 1.0x of it: the stability (infinities, the exact log1p term) must
cost nothing. Cases: float32 and float64; a 10^6 vector (axis None and 0) and a
(1000, 1000) matrix (axis None, 0 and -1). Threads are pinned to 1 (see fairbench); ours
and plain numpy run interleaved, N rounds each, and the goal is judged on both the min
and the median ratio. scipy.special.logsumexp is timed for context in a separate
interleaving with ours (its large temporaries, freed between calls, would otherwise change
what the next contender pays for its own allocations). Before timing, each case checks
that ours agrees with scipy and keeps the dtype plain numpy gives, so a fast wrong answer
cannot pass.
"""

from __future__ import annotations

import argparse
from functools import partial

import fairbench
import numpy as np
from scipy.special import logsumexp

from mlmath.logs import log_sum_exp

GOAL = 1.0


def plain_numpy(x: np.ndarray, axis: int | None) -> np.ndarray:
    """The max-shift formula in plain numpy: no inf handling, no log1p, dtype kept."""
    m = x.max(axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(x - m), axis=axis))


def cases() -> list[tuple[str, np.ndarray, int | None]]:
    """(name, array, axis) for both dtypes, both shapes and every axis."""
    rng = np.random.default_rng(0)
    x64 = rng.standard_normal(10**6) * 30.0
    out = []
    for dtype in (np.float32, np.float64):
        x = x64.astype(dtype)
        m = x.reshape(1000, 1000)
        out += [(f"{np.dtype(dtype).name} 10^6 axis=None", x, None),
                (f"{np.dtype(dtype).name} 10^6 axis=0", x, 0),
                (f"{np.dtype(dtype).name} (1000,1000) axis=None", m, None),
                (f"{np.dtype(dtype).name} (1000,1000) axis=0", m, 0),
                (f"{np.dtype(dtype).name} (1000,1000) axis=-1", m, -1)]
    return out


def check(name: str, a: np.ndarray, axis: int | None) -> str:
    """Ours must match scipy (to the dtype's precision); returns a note if ours does not
    keep the dtype plain numpy gives (then ours does different, slower work)."""
    ours, ref = log_sum_exp(a, axis=axis), logsumexp(a, axis=axis)
    rtol = 1e-5 if a.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(ours, ref, rtol=rtol, err_msg=name)
    ours_dtype = np.asarray(ours).dtype if axis is not None else a.dtype  # None: a Python float
    want = plain_numpy(a, axis).dtype
    return "" if ours_dtype == want else f"  DTYPE: ours gives {ours_dtype}, plain {want}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31, help="interleaved rounds per case")
    args = parser.parse_args(argv)
    fairbench.pin_threads()
    fairbench.describe("log-sum-exp: mlmath.logs.log_sum_exp vs plain numpy max-shift")
    print(f"{args.rounds} interleaved rounds per case, times min / median per call")
    print(f"{'case':30s} {'ours':>21s} {'plain numpy':>21s}  {'ours/plain':36s}"
          f"{'context: scipy':>21s} ours/scipy (median)")
    worst, problems = 0.0, 0
    for name, a, axis in cases():
        note = check(name, a, axis)
        problems += bool(note)
        ours = partial(log_sum_exp, a, axis=axis)
        t = fairbench.interleave({"ours": ours, "plain": partial(plain_numpy, a, axis)},
                                 rounds=args.rounds)
        by_min, by_median, text = fairbench.ratio_line(t["ours"], t["plain"])
        worst = max(worst, by_min, by_median)
        c = fairbench.interleave({"ours": ours, "scipy": partial(logsumexp, a, axis=axis)},
                                 rounds=args.rounds)
        print(f"{name:30s} {fairbench.ms(t['ours'])} {fairbench.ms(t['plain'])}  {text}  "
              f"{fairbench.ms(c['scipy'])} {c['ours'].median / c['scipy'].median:5.2f}x{note}")
    verdict = "meets" if worst <= GOAL and not problems else "MISSES"
    print(f"worst ratio ours/plain (min or median, any case) {worst:.2f}x: {verdict} the goal "
          f"<= {GOAL}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
