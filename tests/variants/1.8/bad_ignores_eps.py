"""Uses a hard-coded 1e-6 instead of the eps it is given."""
import numpy as np


def dice_loss(p, y, eps=1e-6):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return float(1.0 - (2.0 * np.sum(p * y) + 1e-6) / (np.sum(p) + np.sum(y) + 1e-6))
