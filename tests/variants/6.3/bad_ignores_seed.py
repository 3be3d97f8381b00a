# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Always searches with seed 0."""
import numpy as np


def crude_search(noisy, clean, n_steps, step=0.1, seed=0):
    rng = np.random.default_rng(0)
    W = np.ones((clean.shape[0], noisy.shape[0]))
    err = denoising_error(W, noisy, clean)
    errors = [err]
    for _ in range(n_steps):
        i = rng.integers(W.shape[0])
        j = rng.integers(W.shape[1])
        delta = step * rng.normal()
        W[i, j] += delta
        new_err = denoising_error(W, noisy, clean)
        if new_err < err:
            err = new_err
        else:
            W[i, j] -= delta
        errors.append(err)
    return W, np.array(errors)
