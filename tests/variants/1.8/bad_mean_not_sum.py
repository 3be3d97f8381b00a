"""Uses means instead of sums: with eps the ratio changes (and eps matters far more)."""
import numpy as np


def dice_loss(p, y, eps=1e-6):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return float(1.0 - (2.0 * np.mean(p * y) + eps) / (np.mean(p) + np.mean(y) + eps))
