"""Partial pivoting with an explicit row copy for the swap and Python loops for the update."""
import numpy as np


def det_elimination(A):
    U = np.array(A, dtype=float)
    if U.ndim != 2 or U.shape[0] != U.shape[1]:
        raise ValueError("A must be square")
    n = len(U)
    det = 1.0
    for k in range(n):
        p = max(range(k, n), key=lambda r: abs(U[r, k]))
        if U[p, k] == 0.0:
            return 0.0
        if p != k:
            row = U[k].copy()
            U[k] = U[p]
            U[p] = row
            det = -det
        for r in range(k + 1, n):
            U[r, k:] -= (U[r, k] / U[k, k]) * U[k, k:]
        det *= U[k, k]
    return float(det)
