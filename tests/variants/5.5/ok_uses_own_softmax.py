# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""The gradient from the learner's own softmax (Task 5.4), the loss from log-sum-exp."""
import numpy as np


def softmax_cross_entropy(logits, y):
    n = logits.shape[0]
    m = logits.max(axis=1)
    lse = m + np.log(np.exp(logits - m[:, None]).sum(axis=1))
    loss = float(np.mean(lse - logits[np.arange(n), y]))
    d = softmax(logits)
    d[np.arange(n), y] -= 1.0
    return loss, d / n
