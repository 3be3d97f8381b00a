"""Solves A^T X = I instead of inverting and transposing."""
import numpy as np


def grad_logabsdet(A):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be square")
    return np.linalg.solve(A.T, np.eye(A.shape[0]))
