# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Records the error after each step only: errors has n_steps entries, no start."""
import numpy as np


def gradient_descent(noisy, clean, n_steps, lr):
    W = np.ones((clean.shape[0], noisy.shape[0]))
    errors = []
    for _ in range(n_steps):
        W = W - lr * mse_gradient(W, noisy, clean)
        errors.append(denoising_error(W, noisy, clean))
    return W, np.array(errors)
