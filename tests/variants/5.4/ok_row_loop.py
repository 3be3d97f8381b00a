"""One row at a time, each shifted by its own maximum."""
import numpy as np


def softmax(logits):
    out = np.empty(np.shape(logits))
    for i, row in enumerate(np.asarray(logits, dtype=float)):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out
