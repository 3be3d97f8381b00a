"""Puts eps only in the denominator: two empty masks give a loss of 1, not 0."""
import numpy as np


def dice_loss(p, y, eps=1e-6):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return float(1.0 - 2.0 * np.sum(p * y) / (np.sum(p) + np.sum(y) + eps))
