"""Multiplies the pivots and takes the log at the end: 10^400 overflows."""
import numpy as np


def slogdet(A):
    U = np.array(A, dtype=float)
    if U.ndim != 2 or U.shape[0] != U.shape[1]:
        raise ValueError("A must be square")
    det = 1.0
    for k in range(U.shape[0]):
        p = k + int(np.argmax(np.abs(U[k:, k])))
        if U[p, k] == 0.0:
            return 0.0, float("-inf")
        if p != k:
            U[[k, p]] = U[[p, k]]
            det = -det
        det *= U[k, k]
        U[k + 1:, k:] -= np.outer(U[k + 1:, k] / U[k, k], U[k, k:])
    with np.errstate(divide="ignore", over="ignore"):
        return float(np.sign(det)), float(np.log(abs(det)))
