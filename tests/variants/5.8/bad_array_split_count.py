"""np.array_split into n // batch_size pieces: sizes spread evenly, not batch_size each."""
import numpy as np


def minibatch_indices(n, batch_size, seed):
    perm = np.random.default_rng(seed).permutation(n)
    return np.array_split(perm, max(1, n // batch_size))
