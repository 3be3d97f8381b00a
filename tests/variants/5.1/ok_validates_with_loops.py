"""Checks the fractions one by one, then slices the permutation."""
import numpy as np


def train_val_test_split(n, fractions=(0.6, 0.2, 0.2), seed=0):
    fractions = tuple(float(x) for x in fractions)
    if len(fractions) != 3 or min(fractions) < 0 or abs(sum(fractions) - 1.0) > 1e-9:
        raise ValueError(f"bad fractions {fractions}")
    order = np.random.default_rng(seed).permutation(n)
    n_train, n_val = round(fractions[0] * n), round(fractions[1] * n)
    return (order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:])
