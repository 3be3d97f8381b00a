# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Scrambles X itself: the caller's data is left shuffled, and each later column is measured
on data whose earlier columns are already scrambled."""
import numpy as np


def permutation_drops(params, X, y, seed=0):
    perm = np.random.default_rng(seed).permutation(len(X))
    base = np.mean(predict(params, X) == y)
    drops = np.empty(X.shape[1])
    for j in range(X.shape[1]):
        X[:, j] = X[perm, j]
        drops[j] = base - np.mean(predict(params, X) == y)
    return drops
