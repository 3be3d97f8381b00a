"""Takes the log of the softmax probabilities: -log(0) = inf for confident wrong logits."""
import numpy as np


def softmax_cross_entropy(logits, y):
    n = logits.shape[0]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore"):
        loss = float(-np.log(p[np.arange(n), y]).mean())
    d = p.copy()
    d[np.arange(n), y] -= 1.0
    return loss, d / n
