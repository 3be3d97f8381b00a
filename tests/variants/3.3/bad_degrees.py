"""Returns degrees instead of radians."""
import numpy as np


def angle(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    if not np.any(u) or not np.any(v):
        raise ValueError("zero vector")
    u, v = u / np.max(np.abs(u)), v / np.max(np.abs(v))
    c = np.sum(u * v) / (np.sqrt(np.sum(u * u)) * np.sqrt(np.sum(v * v)))
    return float(np.degrees(np.arccos(np.clip(c, -1.0, 1.0))))
