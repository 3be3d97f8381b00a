"""Computes in float32 and returns a float32: the task does not demand float64."""
import numpy as np


def dice_loss(p, y, eps=1e-6):
    p = np.asarray(p, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    eps = np.float32(eps)
    return np.float32(1) - (np.float32(2) * np.sum(p * y) + eps) / (np.sum(p) + np.sum(y) + eps)
