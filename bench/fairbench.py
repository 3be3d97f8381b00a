"""Shared harness for the library benchmarks: pinned threads, machine facts, interleaved timing.

Import this module before numpy, scipy or torch (``import fairbench`` sorts before them): at
import it sets ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS`` and friends
to :data:`THREADS`, so every BLAS and OpenMP pool starts with one thread. Environment
variables are read only when a library loads, so :func:`pin_threads` also limits the pools
at run time (threadpoolctl for BLAS/OpenMP, ``torch.set_num_threads`` for torch) and
:func:`describe` prints what is actually in effect, not what was asked for.

Timing is interleaved: every round runs each contender once, in an order shuffled afresh
each round (seeded, so runs repeat), so a burst of load from another process, a CPU
frequency change or a warm cache hits every contender alike, and no contender always runs
right after the same other one (whose freed memory or evicted cache it would inherit).
Each case reports the min (the cost with the least interference) and the median (the
typical cost) per contender, and the ratios ours / peer of both.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

THREADS = 1
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
# Libraries loaded before this module was imported have already read the environment.
LOADED_TOO_EARLY = [name for name in ("numpy", "scipy", "torch") if sys.modules.get(name)]
for _variable in THREAD_VARIABLES:
    os.environ[_variable] = str(THREADS)

_limits = None  # keeps threadpoolctl's limits alive for the life of the process


def pin_threads() -> None:
    """Limit every loaded BLAS/OpenMP pool and torch to :data:`THREADS` threads, now.

    Call it after importing numpy (and torch, if used). Harmless to call more than once.
    """
    global _limits
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        pass  # the environment variables set at import are then all we have; describe() says so
    else:
        _limits = threadpool_limits(limits=THREADS)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(THREADS)
        try:
            torch.set_num_interop_threads(THREADS)
        except RuntimeError:  # only allowed once, before any inter-op work; already 1 then
            pass


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _simd() -> str:
    try:  # private, but the same source numpy.show_runtime() prints from
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:
        return "unknown"
    names = ("AVX2", "FMA3", "AVX512F", "AVX512_SKX", "NEON")
    found = [name for name in names if features.get(name)]
    return ",".join(found) or "none of AVX2/AVX512/NEON"


def _thread_pools() -> list[str]:
    """What each loaded BLAS/OpenMP library reports, from threadpoolctl (or a fallback)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["threadpoolctl not installed (pip install threadpoolctl): pool sizes unknown, "
                "only the environment variables above are known"]
    lines = []
    for pool in threadpool_info():
        version = pool.get("version") or ""
        lines.append(f"{pool['internal_api']} {version} ({os.path.basename(pool['filepath'])}): "
                     f"{pool['num_threads']} thread(s)")
    return lines or ["no BLAS/OpenMP pool loaded"]


def describe(title: str) -> None:
    """Print the benchmark's title, the machine, the library versions and the thread counts."""
    import numpy as np

    print(f"=== {title}")
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"machine: {_cpu_model()}, {os.cpu_count()} logical CPUs ({affinity} usable), "
          f"SIMD {_simd()}, load average {load}, {platform.system()} {platform.release()}")
    versions = [f"python {platform.python_version()}", f"numpy {np.__version__}"]
    for name in ("scipy", "torch"):
        module = sys.modules.get(name)
        if module is not None:
            versions.append(f"{name} {module.__version__}")
    print("versions: " + ", ".join(versions))
    env = ", ".join(f"{v}={os.environ.get(v, 'unset')}" for v in THREAD_VARIABLES[:3])
    print(f"threads requested: {THREADS} ({env}, ...)")
    if LOADED_TOO_EARLY:
        print(f"  note: {', '.join(LOADED_TOO_EARLY)} loaded before fairbench; limited at run "
              "time instead")
    for line in _thread_pools():
        print(f"  in effect: {line}")
    torch = sys.modules.get("torch")
    if torch is not None:
        print(f"  in effect: torch.get_num_threads() = {torch.get_num_threads()}, "
              f"get_num_interop_threads() = {torch.get_num_interop_threads()}")


@dataclass
class Timing:
    """Per-call wall times in seconds of one contender in one case."""

    times: list[float]

    @property
    def min(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def interleave(contenders: dict[str, Callable[[], object]], rounds: int, number: int = 1,
               warmup: int = 1) -> dict[str, Timing]:
    """Time each contender ``rounds`` times, interleaved, in a freshly shuffled order per round.

    Each sample is the mean over ``number`` back-to-back calls (use it when one call is too
    short to time well). ``warmup`` untimed calls each come first (caches, lazy loading).
    """
    names = list(contenders)
    for _ in range(warmup):
        for name in names:
            contenders[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    shuffler = random.Random(0)
    for _ in range(rounds):
        for name in shuffler.sample(names, len(names)):
            fn = contenders[name]
            start = time.perf_counter()
            for _ in range(number):
                fn()
            times[name].append((time.perf_counter() - start) / number)
    return {name: Timing(t) for name, t in times.items()}


def ratio_line(ours: Timing, peer: Timing) -> tuple[float, float, str]:
    """(min ratio, median ratio, printable text) for ours / peer."""
    by_min, by_median = ours.min / peer.min, ours.median / peer.median
    return by_min, by_median, f"ratio min {by_min:5.2f}x  median {by_median:5.2f}x"


def ms(t: Timing) -> str:
    """'min / median' in milliseconds."""
    return f"{t.min * 1e3:8.3f} / {t.median * 1e3:8.3f} ms"
