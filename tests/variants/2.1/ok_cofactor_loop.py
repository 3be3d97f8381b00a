"""First-row expansion in a loop over columns with 2x2 minors."""
import numpy as np


def det_3x3(A):
    A = np.asarray(A, dtype=float)
    total = 0.0
    for j in range(3):
        M = np.delete(A[1:], j, axis=1)
        total += (-1) ** j * A[0, j] * (M[0, 0] * M[1, 1] - M[0, 1] * M[1, 0])
    return float(total)
