# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""arccos of the learner's own clipped cosine_similarity, after checking for zero vectors."""
import numpy as np


def angle(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    if not np.any(u) or not np.any(v):
        raise ValueError("the angle with a zero vector is undefined")
    return float(np.arccos(cosine_similarity(u, v)))
