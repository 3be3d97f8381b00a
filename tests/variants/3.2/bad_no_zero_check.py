"""Divides by a zero length: nan for a zero vector."""
import numpy as np


def cosine_similarity(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    su, sv = np.max(np.abs(u)), np.max(np.abs(v))
    with np.errstate(invalid="ignore", divide="ignore"):
        u, v = u / su, v / sv
        c = np.sum(u * v) / (np.sqrt(np.sum(u * u)) * np.sqrt(np.sum(v * v)))
    return float(np.clip(c, -1.0, 1.0))
