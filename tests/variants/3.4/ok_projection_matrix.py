"""Builds the projection matrix v v^T / (v^T v) and applies it."""
import numpy as np


def project(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    vv = float(v @ v)
    if vv == 0.0:
        raise ValueError("cannot project onto the zero vector")
    return (np.outer(v, v) / vv) @ u
