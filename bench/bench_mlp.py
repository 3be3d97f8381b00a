"""Benchmark: seconds per training epoch of mlmath's MLP against PyTorch CPU.

Same architecture (64-128-128-10, ReLU), same data, same batch size, same dtype (float32 for
both), same optimiser (SGD, lr 0.05, momentum 0.9), same epoch (shuffle once, slice
consecutive batches, add up the loss as a Python float). PyTorch runs without a DataLoader:
indexing tensors directly is its fastest plain loop. Threads are left at each library's
default and printed. One warm-up epoch each, then REPEATS epochs each, alternating ours and
theirs so both see the same machine load; the medians are compared.

Run: python bench/bench_mlp.py

On a busy machine two libraries' spinning thread pools (OpenBLAS and torch's OpenMP) in one
process slow both sides down many times over; for quieter numbers run with
``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1`` (the header line shows the thread counts used).
"""

from __future__ import annotations

import ctypes
import glob
import os
import statistics
import sys
import time

import numpy as np

from mlmath.data import blobs, load_digits
from mlmath.nn import MLP
from mlmath.training import SGD, train_epoch

SIZES = [64, 128, 128, 10]
BATCH_SIZES = [32, 128]
LR, MOMENTUM = 0.05, 0.9
REPEATS = 7
GOAL = 1.5


def openblas_threads() -> str:
    """numpy's OpenBLAS thread count, asked from the library itself when possible."""
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*"))
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
            for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                         "openblas_get_num_threads"):
                if hasattr(lib, name):
                    return str(getattr(lib, name)())
        except OSError:
            continue
    return f"unknown (OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')})"


def datasets() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The digits, and a bigger synthetic 64-d, 10-class set."""
    X, y = load_digits()
    Xb, yb = blobs(20000, centers=10, std=4.0, seed=0, dim=64)
    Xb /= np.abs(Xb).max()
    return {"digits 1797x64": (X, y), "blobs 20000x64": (Xb, yb)}


def median_epochs(run_ours, run_theirs) -> tuple[float, float]:
    """One warm-up epoch each, then REPEATS epochs each, alternating ours and theirs so that
    both see the same machine load; returns the two median wall times in seconds."""
    run_ours()
    run_theirs()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEATS):
        for run, bucket in ((run_ours, times[0]), (run_theirs, times[1])):
            start = time.perf_counter()
            run()
            bucket.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def ours(X: np.ndarray, y: np.ndarray, batch_size: int):
    """An epoch function for our float32 MLP; SGD updates the flat parameter vector."""
    model = MLP(SIZES, activation="relu", seed=0, dtype=np.float32)
    X32 = np.ascontiguousarray(X, dtype=np.float32)
    optimizer = SGD([model.flat_parameters], [model.flat_gradients], lr=LR, momentum=MOMENTUM)
    rng = np.random.default_rng(0)
    return lambda: train_epoch(model, optimizer, X32, y, batch_size, rng)


def theirs(torch, X: np.ndarray, y: np.ndarray, batch_size: int):
    """An epoch function for the same network in PyTorch (float32, CPU)."""
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                          nn.Linear(128, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    yt = torch.from_numpy(y)
    generator = torch.Generator().manual_seed(0)

    def epoch() -> float:
        order = torch.randperm(len(yt), generator=generator)
        Xs, ys = Xt[order], yt[order]
        total = 0.0
        for start in range(0, len(ys), batch_size):
            xb, yb = Xs[start : start + batch_size], ys[start : start + batch_size]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
        return total / len(ys)

    return epoch


def main() -> int:
    try:
        import torch
    except ImportError:
        print("PyTorch not installed: pip install torch==2.13.0 "
              "(any other version pulls gigabytes of CUDA packages)")
        return 0
    print(f"MLP {'-'.join(map(str, SIZES))} ReLU, float32, SGD lr={LR} momentum={MOMENTUM}; "
          f"median of {REPEATS} alternating epochs after 1 warm-up")
    print(f"numpy {np.__version__} (OpenBLAS threads: {openblas_threads()}), "
          f"torch {torch.__version__} (torch.get_num_threads() = {torch.get_num_threads()}), "
          f"os.cpu_count() = {os.cpu_count()}, python {sys.version.split()[0]}")
    print(f"{'data':<16} {'batch':>5} {'ours s/epoch':>13} {'torch s/epoch':>14} "
          f"{'ours/torch':>10}  goal")
    for name, (X, y) in datasets().items():
        for batch_size in BATCH_SIZES:
            a, b = median_epochs(ours(X, y, batch_size), theirs(torch, X, y, batch_size))
            print(f"{name:<16} {batch_size:>5} {a:>13.4f} {b:>14.4f} {a / b:>9.2f}x  "
                  f"goal: <= {GOAL}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
