"""np.lexsort with the index as the tie-breaking key."""
import numpy as np


def nearest_neighbours(query, vectors, k):
    query, vectors = np.asarray(query, dtype=float), np.asarray(vectors, dtype=float)
    n = len(vectors)
    if not 1 <= k <= n:
        raise ValueError("bad k")
    norms = np.sqrt((vectors**2).sum(axis=1)) * np.sqrt(query @ query)
    sim = np.zeros(n)
    np.divide(vectors @ query, norms, out=sim, where=norms > 0)
    return np.lexsort((np.arange(n), -sim))[:k]
