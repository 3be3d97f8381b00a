# ruff: noqa: F821 (it uses names of the exercise file it is spliced into)
"""Returns the loss histories as Python lists of floats."""


def train_mlp(X_train, y_train, X_val, y_val, *, hidden=16, epochs=100, batch_size=32,
              lr=0.2, seed=0):
    K = int(max(y_train.max(), y_val.max())) + 1
    params = init_params(X_train.shape[1], hidden, K, seed)
    tl, vl = [], []
    for e in range(epochs):
        for idx in minibatch_indices(X_train.shape[0], batch_size, seed + e):
            params = sgd_step(params, mlp_loss_and_grads(params, X_train[idx], y_train[idx])[1],
                              lr)
        tl.append(float(softmax_cross_entropy(mlp_logits(params, X_train), y_train)[0]))
        vl.append(float(softmax_cross_entropy(mlp_logits(params, X_val), y_val)[0]))
    return params, tl, vl
