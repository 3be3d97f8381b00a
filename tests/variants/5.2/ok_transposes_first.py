"""Transposes written with np.transpose, the bias gradient by np.sum over axis 0."""
import numpy as np


def dense_backward(G, X, W):
    dX = np.dot(G, np.transpose(W))
    dW = np.dot(np.transpose(X), G)
    db = np.sum(G, axis=0)
    return dX, dW, db
