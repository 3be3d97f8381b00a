"""Expands (W X - Y) X^T into W X X^T - Y X^T."""


def mse_gradient(W, noisy, clean):
    d_out, n = clean.shape
    return 2.0 / (d_out * n) * (W @ (noisy @ noisy.T) - clean @ noisy.T)
