"""Sums the cross-entropy over the batch instead of averaging it (the gradient too)."""
import numpy as np


def softmax_cross_entropy(logits, y):
    n = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(n), y] -= 1.0
    return float(-log_p[np.arange(n), y].sum()), d
