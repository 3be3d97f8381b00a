# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""A helper for the accuracy and a list of drops: the task documents an array, and a list
of that shape is the same answer under the return-type policy."""
import numpy as np


def _accuracy(params, X, y):
    return float(np.mean(predict(params, X) == y))


def permutation_drops(params, X, y, seed=0):
    perm = np.random.default_rng(seed).permutation(len(X))
    base = _accuracy(params, X, y)
    drops = []
    for j in range(np.shape(X)[1]):
        scrambled = np.array(X, dtype=float)  # a fresh copy each time
        scrambled[:, j] = np.asarray(X)[perm, j]
        drops.append(base - _accuracy(params, scrambled, y))
    return drops
