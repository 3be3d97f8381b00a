"""Steps along the gradient (+) instead of against it."""


def sgd_step(params, grads, lr):
    return {k: params[k] + lr * grads[k] for k in params}
