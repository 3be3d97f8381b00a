"""Never checks the fractions: negative ones or ones that do not sum to 1 are accepted."""
import numpy as np


def train_val_test_split(n, fractions=(0.6, 0.2, 0.2), seed=0):
    perm = np.random.default_rng(seed).permutation(n)
    a, b = round(fractions[0] * n), round(fractions[1] * n)
    return perm[:a], perm[a:a + b], perm[a + b:]
