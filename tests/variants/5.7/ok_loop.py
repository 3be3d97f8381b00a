"""A loop over the keys building a new dict."""
import numpy as np


def sgd_step(params, grads, lr):
    new = {}
    for key, value in params.items():
        new[key] = value - lr * np.asarray(grads[key])
    return new
