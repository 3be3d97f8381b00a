"""Cuts the permutation with np.split at the two rounded boundaries; returns a list."""
import numpy as np


def train_val_test_split(n, fractions=(0.6, 0.2, 0.2), seed=0):
    f = np.asarray(fractions, dtype=float)
    if f.shape != (3,) or (f < 0).any() or not np.isclose(f.sum(), 1.0, rtol=0, atol=1e-9):
        raise ValueError("fractions must be three non-negative numbers summing to 1")
    perm = np.random.default_rng(seed).permutation(n)
    a = round(f[0] * n)
    b = a + round(f[1] * n)
    return list(np.split(perm, [a, b]))
