"""Always shuffles with seed 0."""
import numpy as np


def minibatch_indices(n, batch_size, seed):
    perm = np.random.default_rng(0).permutation(n)
    return [perm[s:s + batch_size] for s in range(0, n, batch_size)]
