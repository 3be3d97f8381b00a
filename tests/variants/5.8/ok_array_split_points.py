"""np.split of the permutation at multiples of batch_size."""
import numpy as np


def minibatch_indices(n, batch_size, seed):
    perm = np.random.default_rng(seed).permutation(n)
    return np.split(perm, np.arange(batch_size, n, batch_size))
