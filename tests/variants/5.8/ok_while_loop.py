"""A while loop taking batch_size indices at a time."""
import numpy as np


def minibatch_indices(n, batch_size, seed):
    perm = np.random.default_rng(seed).permutation(n)
    batches, start = [], 0
    while start < n:
        batches.append(perm[start:start + batch_size])
        start += batch_size
    return batches
