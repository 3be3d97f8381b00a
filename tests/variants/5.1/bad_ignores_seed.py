"""Always shuffles with seed 0, whatever seed it is given."""
import numpy as np


def train_val_test_split(n, fractions=(0.6, 0.2, 0.2), seed=0):
    f = np.asarray(fractions, dtype=float)
    if f.shape != (3,) or np.any(f < 0) or abs(f.sum() - 1.0) > 1e-9:
        raise ValueError("bad fractions")
    perm = np.random.default_rng(0).permutation(n)
    a, b = round(f[0] * n), round(f[1] * n)
    return perm[:a], perm[a:a + b], perm[a + b:]
