"""Uses the base-10 logarithm instead of the natural log."""
import numpy as np


def log_product(p):
    return float(np.sum(np.log10(p)))
