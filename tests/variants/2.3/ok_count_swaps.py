"""Counts the swaps and multiplies the diagonal at the end."""
import numpy as np


def det_elimination(A):
    U = np.asarray(A, dtype=float).copy()
    if U.ndim != 2 or U.shape[0] != U.shape[1]:
        raise ValueError("A must be square")
    n, swaps = U.shape[0], 0
    for k in range(n):
        p = k + np.argmax(np.abs(U[k:, k]))
        if U[p, k] == 0:
            return 0.0
        if p != k:
            U[[k, p]] = U[[p, k]]
            swaps += 1
        U[k + 1:] -= np.outer(U[k + 1:, k] / U[k, k], U[k])
    return float((-1) ** swaps * np.prod(np.diag(U)))
