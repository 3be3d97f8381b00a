"""Returns three Python lists of ints."""
import numpy as np


def train_val_test_split(n, fractions=(0.6, 0.2, 0.2), seed=0):
    f = [float(x) for x in fractions]
    if len(f) != 3 or min(f) < 0 or abs(sum(f) - 1.0) > 1e-9:
        raise ValueError("bad fractions")
    perm = [int(i) for i in np.random.default_rng(seed).permutation(n)]
    a, b = round(f[0] * n), round(f[1] * n)
    return perm[:a], perm[a:a + b], perm[a + b:]
