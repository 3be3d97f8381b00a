"""Draws every batch first (same generator calls, same order), then averages in one go."""
import numpy as np


def minibatch_gradient_noise(per_example_grads, batch_size, n_draws=200, seed=0):
    G = np.asarray(per_example_grads, dtype=float)
    n = len(G)
    if batch_size < 1 or batch_size > n:
        raise ValueError("batch_size must be between 1 and n")
    rng = np.random.default_rng(seed)
    batches = np.stack([rng.choice(n, size=batch_size, replace=False)
                        for _ in range(n_draws)])
    diffs = G[batches].mean(axis=1) - G.mean(axis=0)  # (n_draws, p)
    return float(np.mean(np.sum(diffs**2, axis=1)))
