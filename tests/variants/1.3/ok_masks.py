"""Adds log p over the ones and log(1 - p) over the zeros, by boolean masks."""
import numpy as np


def bernoulli_log_likelihood(p, y):
    p = np.asarray(p, dtype=float)
    ones = np.asarray(y) == 1
    with np.errstate(divide="ignore"):
        return float(np.sum(np.log(p[ones])) + np.sum(np.log(1.0 - p[~ones])))
