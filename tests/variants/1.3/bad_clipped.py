"""Clips p into [1e-12, 1 - 1e-12] 'to be safe': certain predictions are no longer 0, and an
impossible label is no longer -inf."""
import numpy as np


def bernoulli_log_likelihood(p, y):
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    y = np.asarray(y)
    return float(np.sum(np.where(y == 1, np.log(p), np.log(1 - p))))
