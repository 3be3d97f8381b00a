# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Measures each epoch's losses with mlp_loss_and_grads (the same mean cross-entropy)."""
import numpy as np


def train_mlp(X_train, y_train, X_val, y_val, *, hidden=16, epochs=100, batch_size=32,
              lr=0.2, seed=0):
    n_classes = int(max(np.max(y_train), np.max(y_val))) + 1
    params = init_params(X_train.shape[1], hidden, n_classes, seed)
    train_losses = np.zeros(epochs)
    val_losses = np.zeros(epochs)
    for epoch in range(epochs):
        for batch in minibatch_indices(len(X_train), batch_size, seed + epoch):
            _, g = mlp_loss_and_grads(params, X_train[batch], y_train[batch])
            params = sgd_step(params, g, lr)
        train_losses[epoch] = mlp_loss_and_grads(params, X_train, y_train)[0]
        val_losses[epoch] = mlp_loss_and_grads(params, X_val, y_val)[0]
    return params, train_losses, val_losses
