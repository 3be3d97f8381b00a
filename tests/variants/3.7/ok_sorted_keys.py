"""Python's sorted with key (-similarity, index); returns a list of ints."""
import numpy as np


def nearest_neighbours(query, vectors, k):
    query, vectors = np.asarray(query, dtype=float), np.asarray(vectors, dtype=float)
    if not 1 <= k <= len(vectors):
        raise ValueError("k out of range")
    lengths = np.sqrt(np.sum(vectors * vectors, axis=1)) * np.sqrt(np.sum(query * query))
    dots = vectors @ query
    sim = [dots[i] / lengths[i] if lengths[i] > 0 else 0.0 for i in range(len(vectors))]
    return sorted(range(len(vectors)), key=lambda i: (-sim[i], i))[:k]
