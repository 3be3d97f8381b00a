"""Updates the caller's arrays in place (-=) and returns them."""


def sgd_step(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[k]
    return params
