"""np.log(p).sum() returned as a numpy float64 (a numpy scalar is one number)."""
import numpy as np


def log_product(p):
    return np.log(np.asarray(p)).sum()
