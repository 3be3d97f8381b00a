# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Calls the learner's own norm (Task 3.1) for the lengths."""
import numpy as np


def cosine_similarity(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    nu, nv = norm(u), norm(v)
    if nu == 0.0 or nv == 0.0:
        return 0.0
    return float(np.clip(np.dot(u / nu, v / nv), -1.0, 1.0))
