"""Uses the pseudo-inverse: a singular matrix gets a gradient instead of a ValueError."""
import numpy as np


def grad_logabsdet(A):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be square")
    return np.linalg.pinv(A).T
