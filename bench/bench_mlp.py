"""Benchmark: seconds per training epoch of mlmath's MLP against PyTorch CPU.

Run as ``python bench/bench_mlp.py [--rounds N]`` (needs PyTorch; without it the benchmark
says so and exits cleanly). Both sides train the same network, 784-256-256-10 with ReLU, on
the same synthetic data (N = 10000 rows of 784 features, 10 Gaussian classes, float32), with
the same batch size, the same optimiser (SGD, lr 0.05, momentum 0.9) and the same epoch:
shuffle once, slice consecutive batches, add up the loss as a Python float. PyTorch runs
without a DataLoader: indexing tensors directly is its fastest plain loop.

Threads are pinned to 1 on both sides (numpy's OpenBLAS, torch's intra- and inter-op pools,
MKL and OpenMP; see fairbench), so neither library's thread pool spins against the other's.
One warm-up epoch each, then N interleaved epochs each; min and median are compared.
Before timing, one SGD step from identical weights on an identical batch must give the same
loss and parameters on both sides, so a fast wrong step cannot pass.
"""

from __future__ import annotations

import argparse
from itertools import pairwise

import fairbench
import numpy as np

from mlmath.data import blobs
from mlmath.nn import MLP, Dense
from mlmath.training import SGD, train_epoch

SIZES = [784, 256, 256, 10]
N_ROWS = 10000
BATCH_SIZES = [32, 128]
LR, MOMENTUM = 0.05, 0.9
GOAL = 1.1


def synthetic_data() -> tuple[np.ndarray, np.ndarray]:
    """10 Gaussian classes in 784 dimensions, scaled into [-1, 1], float32."""
    X, y = blobs(N_ROWS, centers=10, std=4.0, seed=0, dim=SIZES[0])
    X /= np.abs(X).max()
    return X.astype(np.float32), y


def ours(X: np.ndarray, y: np.ndarray, batch_size: int):
    """An epoch function for our float32 MLP; SGD updates the flat parameter vector."""
    model = MLP(SIZES, activation="relu", seed=0, dtype=np.float32)
    optimizer = SGD([model.flat_parameters], [model.flat_gradients], lr=LR, momentum=MOMENTUM)
    rng = np.random.default_rng(0)
    return lambda: train_epoch(model, optimizer, X, y, batch_size, rng)


def torch_model(torch):
    nn = torch.nn
    layers = []
    for i, (d_in, d_out) in enumerate(pairwise(SIZES)):
        layers.append(nn.Linear(d_in, d_out))
        if i < len(SIZES) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def theirs(torch, X: np.ndarray, y: np.ndarray, batch_size: int):
    """An epoch function for the same network in PyTorch (float32, CPU)."""
    torch.manual_seed(0)
    model = torch_model(torch)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    generator = torch.Generator().manual_seed(0)

    def epoch() -> float:
        order = torch.randperm(len(yt), generator=generator)
        Xs, ys = Xt[order], yt[order]
        total = 0.0
        for start in range(0, len(ys), batch_size):
            xb, yb = Xs[start : start + batch_size], ys[start : start + batch_size]
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
        return total / len(ys)

    return epoch


def same_step(torch, X: np.ndarray, y: np.ndarray) -> None:
    """Two SGD steps from identical weights on one batch: same losses, same parameters."""
    model = MLP(SIZES, activation="relu", seed=1, dtype=np.float32)
    reference = torch_model(torch)
    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    linear = [m for m in reference if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for d, lin in zip(dense, linear, strict=True):
            lin.weight.copy_(torch.from_numpy(d.W.T.copy()))
            lin.bias.copy_(torch.from_numpy(d.b))
    optimizer = SGD([model.flat_parameters], [model.flat_gradients], lr=LR, momentum=MOMENTUM)
    reference_optimizer = torch.optim.SGD(reference.parameters(), lr=LR, momentum=MOMENTUM)
    xb, yb = X[:128], y[:128]
    for _ in range(2):
        ours_loss = train_epoch(model, optimizer, xb, yb, 128, None)
        reference_optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(reference(torch.from_numpy(xb)),
                                                 torch.from_numpy(yb))
        loss.backward()
        reference_optimizer.step()
        assert abs(ours_loss - loss.item()) <= 1e-4 * abs(loss.item()), (ours_loss, loss.item())
    for d, lin in zip(dense, linear, strict=True):
        np.testing.assert_allclose(d.W, lin.weight.detach().numpy().T, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(d.b, lin.bias.detach().numpy(), rtol=1e-4, atol=1e-5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="interleaved epochs per side")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("MLP benchmark skipped: it needs PyTorch CPU as its peer. Install it with "
              "`pip install torch==2.13.0` (any other version pulls gigabytes of CUDA packages)")
        return 0
    fairbench.pin_threads()
    fairbench.describe("MLP epoch: mlmath.nn + mlmath.training vs PyTorch CPU")
    X, y = synthetic_data()
    same_step(torch, X, y)
    print(f"MLP {'-'.join(map(str, SIZES))} ReLU, float32, SGD lr={LR} momentum={MOMENTUM}, "
          f"synthetic {N_ROWS}x{SIZES[0]}; 1 warm-up + {args.rounds} interleaved epochs each, "
          f"ms per epoch min / median")
    print(f"{'batch':>5} {'ours':>21s} {'torch':>21s}  ours/torch")
    worst = 0.0
    for batch_size in BATCH_SIZES:
        t = fairbench.interleave({"ours": ours(X, y, batch_size),
                                  "torch": theirs(torch, X, y, batch_size)}, rounds=args.rounds)
        by_min, by_median, text = fairbench.ratio_line(t["ours"], t["torch"])
        worst = max(worst, by_min, by_median)
        print(f"{batch_size:>5} {fairbench.ms(t['ours'])} {fairbench.ms(t['torch'])}  {text}")
    verdict = "meets" if worst <= GOAL else "MISSES"
    print(f"worst ratio ours/torch (min or median) {worst:.2f}x: {verdict} the goal <= {GOAL}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
