"""Sorts ascending and reverses: ties come out larger index first."""
import numpy as np


def nearest_neighbours(query, vectors, k):
    query, vectors = np.asarray(query, dtype=float), np.asarray(vectors, dtype=float)
    n = vectors.shape[0]
    if not 1 <= k <= n:
        raise ValueError("bad k")
    denominator = np.sqrt(np.sum(vectors * vectors, axis=1)) * np.sqrt(np.sum(query * query))
    sim = np.divide(vectors @ query, denominator, out=np.zeros(n), where=denominator > 0)
    return np.argsort(sim, kind="stable")[::-1][:k]
