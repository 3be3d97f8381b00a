"""Eliminates first, then sums log|diag| and multiplies the signs of the diagonal."""
import numpy as np


def slogdet(A):
    U = np.array(A, dtype=float)
    if U.ndim != 2 or U.shape[0] != U.shape[1]:
        raise ValueError("A must be square")
    n, swaps = U.shape[0], 0
    for k in range(n):
        p = k + int(np.argmax(np.abs(U[k:, k])))
        if U[p, k] == 0.0:
            return (0.0, -np.inf)
        if p != k:
            U[[k, p]] = U[[p, k]]
            swaps += 1
        U[k + 1:, k:] -= np.outer(U[k + 1:, k] / U[k, k], U[k, k:])
    d = np.diag(U)
    return (float((-1) ** swaps * np.prod(np.sign(d))), float(np.sum(np.log(np.abs(d)))))
