"""Eliminates in float32, where the determinant tasks ask for float64 (their checks are to
near float64 precision): named as a dtype problem, not a wrong answer."""
import numpy as np


def det_elimination(A):
    U = np.array(A, dtype=np.float32)
    n, m = U.shape
    if n != m:
        raise ValueError("A must be square")
    sign, det = np.float32(1.0), np.float32(1.0)
    for k in range(n):
        p = k + int(np.argmax(np.abs(U[k:, k])))
        if U[p, k] == 0:
            return np.float32(0.0)
        if p != k:
            U[[k, p]] = U[[p, k]]
            sign = -sign
        det = det * U[k, k]
        U[k + 1:] -= np.outer(U[k + 1:, k] / U[k, k], U[k])
    return sign * det
