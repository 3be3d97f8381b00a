"""One row at a time, with its own stable log-sum-exp."""
import numpy as np


def categorical_log_likelihood(logits, labels):
    total = 0.0
    for row, label in zip(np.asarray(logits, dtype=float), labels, strict=True):
        m = row.max()
        total += row[int(label)] - (m + np.log(np.sum(np.exp(row - m))))
    return float(total)
