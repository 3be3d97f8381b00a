"""Pivots on the largest SIGNED entry (np.argmax without np.abs)."""
import numpy as np


def det_elimination(A):
    U = np.array(A, dtype=float)
    if U.ndim != 2 or U.shape[0] != U.shape[1]:
        raise ValueError("A must be square")
    n = U.shape[0]
    det = 1.0
    for k in range(n):
        pivot_row = k + int(np.argmax(U[k:, k]))
        if U[pivot_row, k] == 0.0:
            return 0.0
        if pivot_row != k:
            U[[k, pivot_row]] = U[[pivot_row, k]]
            det = -det
        det *= U[k, k]
        factors = U[k + 1:, k] / U[k, k]
        U[k + 1:, k:] -= np.outer(factors, U[k, k:])
    return float(det)
