"""d log|det A| / dA taken as 1 / A entry by entry, like d log a / da = 1 / a."""
import numpy as np


def grad_logabsdet(A):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or np.linalg.det(A) == 0:
        raise ValueError("bad input")
    with np.errstate(divide="ignore"):
        return 1.0 / A.T
