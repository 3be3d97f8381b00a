"""Returns the sign as np.float64 and an int sign for a singular matrix: (0, -inf)."""
import numpy as np


def slogdet(A):
    U = np.array(A, dtype=float)
    if U.ndim != 2 or U.shape[0] != U.shape[1]:
        raise ValueError("A must be square")
    sign, logabs = np.float64(1.0), np.float64(0.0)
    for k in range(U.shape[0]):
        p = k + int(np.argmax(np.abs(U[k:, k])))
        if U[p, k] == 0.0:
            return 0, -np.inf
        if p != k:
            U[[k, p]] = U[[p, k]]
            sign = -sign
        sign *= np.sign(U[k, k])
        logabs += np.log(np.abs(U[k, k]))
        U[k + 1:, k:] -= np.outer(U[k + 1:, k] / U[k, k], U[k, k:])
    return sign, logabs
