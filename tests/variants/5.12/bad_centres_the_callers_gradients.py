"""Centres the caller's array in place (G -= mean): the value is right, the gradients the
caller passed in are changed, and a batch size of 0 is not refused."""
import numpy as np


def minibatch_gradient_noise(per_example_grads, batch_size, n_draws=200, seed=0):
    G = per_example_grads
    G -= G.mean(axis=0)
    rng = np.random.default_rng(seed)
    total = 0.0
    for _ in range(n_draws):
        idx = rng.choice(len(G), size=batch_size, replace=False)
        total += float(np.sum(G[idx].mean(axis=0) ** 2))
    return total / n_draws
