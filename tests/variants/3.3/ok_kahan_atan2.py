"""Kahan's formula 2 atan2(| u|v| - v|u| |, | u|v| + v|u| |): accurate at every angle."""
import numpy as np


def angle(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    su, sv = np.abs(u).max(), np.abs(v).max()
    if su == 0 or sv == 0:
        raise ValueError("zero vector")
    u, v = u / su, v / sv
    a = u * np.sqrt(v @ v)
    b = v * np.sqrt(u @ u)
    return float(2.0 * np.arctan2(np.sqrt(np.sum((a - b) ** 2)), np.sqrt(np.sum((a + b) ** 2))))
