"""Returns a list of Python lists of ints."""
import numpy as np


def minibatch_indices(n, batch_size, seed):
    perm = np.random.default_rng(seed).permutation(n).tolist()
    return [perm[s:s + batch_size] for s in range(0, n, batch_size)]
