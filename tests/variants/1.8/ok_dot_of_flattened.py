"""The intersection as a dot product of the flattened masks."""
import numpy as np


def dice_loss(p, y, eps=1e-6):
    p = np.ravel(np.asarray(p, dtype=float))
    y = np.ravel(np.asarray(y, dtype=float))
    return float(1.0 - (2.0 * p.dot(y) + eps) / (p.sum() + y.sum() + eps))
