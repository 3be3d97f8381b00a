# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Tries a candidate copy of W and keeps the copy when the error drops."""
import numpy as np


def crude_search(noisy, clean, n_steps, step=0.1, seed=0):
    rng = np.random.default_rng(seed)
    W = np.ones((clean.shape[0], noisy.shape[0]))
    best = denoising_error(W, noisy, clean)
    errors = np.empty(n_steps + 1)
    errors[0] = best
    for k in range(1, n_steps + 1):
        i = rng.integers(W.shape[0])
        j = rng.integers(W.shape[1])
        delta = step * rng.normal()
        candidate = W.copy()
        candidate[i, j] += delta
        err = denoising_error(candidate, noisy, clean)
        if err < best:
            W, best = candidate, err
        errors[k] = best
    return W, errors
