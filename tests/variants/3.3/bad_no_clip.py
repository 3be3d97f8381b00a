"""arccos of an unclipped cosine: 1.0000000000000002 gives nan."""
import numpy as np


def angle(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    if not np.any(u) or not np.any(v):
        raise ValueError("zero vector")
    u, v = u / np.max(np.abs(u)), v / np.max(np.abs(v))
    with np.errstate(invalid="ignore"):
        return float(np.arccos(np.sum(u * v) / np.sqrt(np.sum(u * u) * np.sum(v * v))))
