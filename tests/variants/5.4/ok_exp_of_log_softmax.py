"""exp of a stable log-softmax."""
import numpy as np


def softmax(logits):
    z = logits - np.max(logits, axis=1, keepdims=True)
    return np.exp(z - np.log(np.sum(np.exp(z), axis=1, keepdims=True)))
