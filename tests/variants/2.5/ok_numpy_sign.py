"""The 2x2 determinant of the stacked edges, np.sign of it as a numpy int."""
import numpy as np


def orientation(a, b, c, tol=1e-12):
    M = np.column_stack([np.asarray(b, float) - a, np.asarray(c, float) - a])
    d = M[0, 0] * M[1, 1] - M[0, 1] * M[1, 0]
    scale = np.sqrt(np.sum(M[:, 0] ** 2)) * np.sqrt(np.sum(M[:, 1] ** 2))
    if abs(d) <= tol * scale:
        return np.int64(0)
    return np.int64(np.sign(d))
