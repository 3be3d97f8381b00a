"""The gradient written inline; the errors a list of floats."""
import numpy as np


def gradient_descent(noisy, clean, n_steps, lr):
    W = np.ones((clean.shape[0], noisy.shape[0]))
    errs = [float(np.mean((W @ noisy - clean) ** 2))]
    for _ in range(n_steps):
        R = W @ noisy - clean
        W = W - lr * (2.0 / R.size) * (R @ noisy.T)
        errs.append(float(np.mean((W @ noisy - clean) ** 2)))
    return W, errs
