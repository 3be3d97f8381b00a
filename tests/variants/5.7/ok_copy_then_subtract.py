"""Copies every array first, then subtracts in place on the copies."""
import numpy as np


def sgd_step(params, grads, lr):
    out = {k: np.array(v, dtype=float, copy=True) for k, v in params.items()}
    for k in out:
        out[k] -= lr * grads[k]
    return out
