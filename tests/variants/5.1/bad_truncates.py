"""Uses int() (truncation) instead of round() for the set sizes."""
import numpy as np


def train_val_test_split(n, fractions=(0.6, 0.2, 0.2), seed=0):
    f = np.asarray(fractions, dtype=float)
    if f.shape != (3,) or np.any(f < 0) or abs(f.sum() - 1.0) > 1e-9:
        raise ValueError("bad fractions")
    perm = np.random.default_rng(seed).permutation(n)
    a, b = int(f[0] * n), int(f[1] * n)
    return perm[:a], perm[a:a + b], perm[a + b:]
