"""Swaps rows only when the pivot is exactly zero (no partial pivoting): a tiny pivot ruins
the result."""
import numpy as np


def det_elimination(A):
    U = np.array(A, dtype=float)
    if U.ndim != 2 or U.shape[0] != U.shape[1]:
        raise ValueError("A must be square")
    n = U.shape[0]
    det = 1.0
    for k in range(n):
        if U[k, k] == 0.0:
            nonzero = np.nonzero(U[k:, k])[0]
            if len(nonzero) == 0:
                return 0.0
            p = k + nonzero[0]
            U[[k, p]] = U[[p, k]]
            det = -det
        det *= U[k, k]
        U[k + 1:, k:] -= np.outer(U[k + 1:, k] / U[k, k], U[k, k:])
    return float(det)
