"""The three gradients with einsum; a list instead of a tuple."""
import numpy as np


def dense_backward(G, X, W):
    return [np.einsum("nk,jk->nj", G, W), np.einsum("ni,nk->ik", X, G), np.einsum("nk->k", G)]
