"""Says the empty 0x0 matrix has determinant 0 and accepts non-square input."""
import numpy as np


def det_laplace(A):
    A = np.asarray(A, dtype=float)
    n = A.shape[0]
    if n == 0:
        return 0.0
    if n == 1:
        return float(A[0, 0])
    return float(sum((-1) ** j * A[0, j] * det_laplace(np.delete(A[1:], j, axis=1))
                     for j in range(n)))
