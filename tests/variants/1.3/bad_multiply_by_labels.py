"""y log p + (1 - y) log(1 - p) as written: 0 * log(0) is nan at certain predictions."""
import numpy as np


def bernoulli_log_likelihood(p, y):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
