# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Uses the same seed for the batches of every epoch."""
import numpy as np


def train_mlp(X_train, y_train, X_val, y_val, *, hidden=16, epochs=100, batch_size=32,
              lr=0.2, seed=0):
    n_classes = int(max(y_train.max(), y_val.max())) + 1
    params = init_params(X_train.shape[1], hidden, n_classes, seed)
    train_losses, val_losses = [], []
    for _epoch in range(epochs):
        for idx in minibatch_indices(len(X_train), batch_size, seed):
            _, grads = mlp_loss_and_grads(params, X_train[idx], y_train[idx])
            params = sgd_step(params, grads, lr)
        train_losses.append(softmax_cross_entropy(mlp_logits(params, X_train), y_train)[0])
        val_losses.append(softmax_cross_entropy(mlp_logits(params, X_val), y_val)[0])
    return params, np.array(train_losses), np.array(val_losses)
