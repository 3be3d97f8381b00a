"""The squared length written as norm(...)**2, and a running mean."""
import numpy as np


def minibatch_gradient_noise(per_example_grads, batch_size, n_draws=200, seed=0):
    G = np.asarray(per_example_grads, dtype=float)
    n = G.shape[0]
    if not (1 <= batch_size <= n):
        raise ValueError(f"batch_size {batch_size} is not in 1..{n}")
    full = G.mean(axis=0)
    rng = np.random.default_rng(seed)
    mean = 0.0
    for k in range(1, n_draws + 1):
        idx = rng.choice(n, size=batch_size, replace=False)
        mean += (np.linalg.norm(G[idx].mean(axis=0) - full) ** 2 - mean) / k
    return float(mean)
