"""Divides by the number of images n, not by d_out * n (the mean is over every entry)."""


def mse_gradient(W, noisy, clean):
    R = W @ noisy - clean
    return 2.0 * R @ noisy.T / noisy.shape[1]
