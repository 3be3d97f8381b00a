# %% [markdown]
# # Exercise 5: A small neural network
#
# A neural network is a function with knobs. The knobs (its **parameters**: weight matrices
# and bias vectors) start out random, and **training** turns them, a little at a time, so that
# the network's answers on examples get closer to the right answers. Which way to turn each
# knob? Downhill on the cost: that is the gradient, and exercise 4 showed how the chain rule
# computes it layer by layer.
#
# Here you build the whole thing with numpy matrices:
#
# 1. split the data so you can grade yourself honestly (task 5.1),
# 2. a dense layer's backward pass, ReLU's backward pass (tasks 5.2, 5.3),
# 3. softmax and the cross-entropy cost with its gradient (tasks 5.4, 5.5),
# 4. backpropagation through a two-layer network (task 5.6),
# 5. the SGD step, minibatches, and the training loop (tasks 5.7 to 5.9),
# 6. saving the trained knobs and using them on new data (task 5.10),
# 7. finding the feature a model leans on (task 5.11), and measuring how the batch size
#    sets the noise of a gradient (task 5.12),
#
# with a warning, on the way, about what a network actually learns.
#
# Shapes, once and for all: `X` is `(n, d)` (one example per **row**), labels `y` are
# integers in `0..K-1` of shape `(n,)`, a layer maps `(n, d_in)` to `(n, d_out)`.

# %% [markdown]
# ### How this exercise works
#
# The same in all six exercises:
#
# - Each graded task has a header **Task N.M (P points)** and a function whose docstring says
#   what to return, with shapes. Replace its `raise NotImplementedError("Task N.M: ...")`
#   line with your code.
# - Check yourself in a terminal, in this folder: `pytest test_ex05_neural_network.py` (one task:
#   `pytest -m task_5_1`; every detail: add `-v`), or `mlmath-check ex05`. The table of
#   your tasks comes last. These are the *public* tests; the grader runs more when you hand in.
# - Hand in the file you edit (this notebook, or the `.py` file if you work in an editor): it
#   is what the tests and the grader read. Save it before you check.
# - Cells that start with `if __name__ == "__main__":` are demos and pictures. They run in
#   the notebook, not when the tests import your file.
# - Use numpy, sympy and matplotlib only, and none of the calls a task's text forbids: the
#   grader looks for them in that task's functions.
# - What your functions may return: "one number" is a Python float or int, a numpy scalar
#   or a 0-d array (not an array of shape (1,), not a bool); "a tuple (a, b)" may be a tuple,
#   a list or a 1-d array of exactly that many items; "an array of shape (n, k)" is a numpy
#   array or nested lists of that shape. float32 is fine unless a task asks for float64 (it
#   is compared to about 5 significant digits); a wrong type, dtype or shape is named in the
#   feedback.

# %% [markdown]
# ### In the reference library
#
# The course's reference library, `mlmath`, does the same mathematics; read it after
# you have tried. Where the name or the arguments differ, the line says how.
#
# - Task 5.1 `train_val_test_split(n, fractions, seed)`: `mlmath.training.train_val_test_split(X, y, val_fraction, test_fraction, seed)` (splits the data itself, not indices)
# - Task 5.5 `softmax_cross_entropy(logits, y)`: `mlmath.nn.softmax_cross_entropy(logits, y)`
# - Task 5.8 `minibatch_indices(n, batch_size, seed)`: `mlmath.training.minibatches(X, y, batch_size, rng)` (yields the batches themselves)
# - Task 5.9 `train_mlp(X_train, y_train, X_val, y_val)`: `mlmath.training.train(model, X_train, y_train, X_val, y_val)` (a model object, with momentum)

# %%
import matplotlib.pyplot as plt
import numpy as np


# Two helpers for the demos below (not graded): a demo that needs a task you have not done
# yet says so instead of stopping "Run All", and a figure is saved to a file when there is
# no screen to show it on.
class demo:
    """``with demo("this picture"):`` runs a demo; if it needs a task that is not done yet,
    it says which and Run All goes on (also past a later demo that needs this one's results)."""

    waiting = None  # the task an earlier demo is waiting for

    def __init__(self, what="this demo"):
        self.what = what

    def __enter__(self):
        return self

    def __exit__(self, kind, err, traceback):
        if kind is not None and issubclass(kind, NotImplementedError):
            demo.waiting = str(err).split(":")[0]
        elif not (kind is not None and issubclass(kind, NameError) and demo.waiting):
            return False
        print(f"{demo.waiting} not done yet: {self.what} appears when it is.")
        return True


def show(name):
    """Show the current figure, or without a display save it as ``name.png`` and say so."""
    import matplotlib
    import matplotlib.pyplot as plt

    if matplotlib.get_backend().lower() in ("agg", "pdf", "svg", "ps", "cairo", "template"):
        plt.savefig(f"{name}.png", dpi=100, bbox_inches="tight")
        plt.close()
        print(f"(no display here: the figure is saved as {name}.png)")
    else:
        plt.show()

# %% [markdown]
# ## 1. The data: two moons
#
# Two interleaving half circles, one per class, with a little noise. No straight line
# separates them, so a linear model fails and a hidden layer earns its keep. We make the data
# ourselves, so nothing is downloaded.


# %%
def make_moons(n, noise=0.15, seed=0):
    r"""Two interleaving half circles in 2-D.

    Args:
        n: number of points (half per class, the odd one goes to class 1).
        noise: standard deviation of the Gaussian noise added to every coordinate.
        seed: seed for ``np.random.default_rng``.
    Returns:
        ``(X, y)``: float array of shape (n, 2) and int array of shape (n,) with values 0, 1.
    """
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t = rng.uniform(0.0, np.pi, size=n)
    upper = np.column_stack([np.cos(t[:n0]), np.sin(t[:n0])])
    lower = np.column_stack([1.0 - np.cos(t[n0:]), 0.5 - np.sin(t[n0:])])
    X = np.vstack([upper, lower]) + noise * rng.normal(size=(n, 2))
    y = np.concatenate([np.zeros(n0, dtype=int), np.ones(n - n0, dtype=int)])
    order = rng.permutation(n)
    return X[order], y[order]


X_all, y_all = make_moons(600, noise=0.2, seed=1)

if __name__ == "__main__":
    with demo("this picture"):
        fig, ax = plt.subplots(figsize=(5, 3.5))
        ax.scatter(*X_all.T, c=y_all, cmap="coolwarm", s=10)
        ax.set_title("two moons: 600 points, 2 classes")
        show("ex05_figure_1")

# %% [markdown]
# ## 2. Why we split the data
#
# You can't grade yourself on the questions you studied. A network with enough knobs can
# memorise its training examples, noise included, and score perfectly on them while being
# useless on anything new. So we set examples aside **before** training:
#
# - **train**: the network learns from these (the knobs are turned to fit them);
# - **validation**: we look at these to make choices (learning rate, size, when to stop);
#   since our choices are tuned to them, they slowly stop being an honest judge too;
# - **test**: touched **once**, at the very end, to report how well the final model works.
#
# Shuffle before cutting: data often arrives sorted (all class 0, then all class 1), and a
# cut through sorted data gives sets that look nothing alike. A fixed **seed** makes the split
# reproducible, so everyone (and the grader) gets the same sets.
#
# ### Task 5.1 (2 points): A seeded train/validation/test split


# %%
def train_val_test_split(n, fractions=(0.6, 0.2, 0.2), seed=0):
    r"""Shuffle the indices ``0..n-1`` and cut them into train, validation and test sets.

    The shuffle is ``np.random.default_rng(seed).permutation(n)``. The first
    ``n_train = round(fractions[0] * n)`` shuffled indices are the training set, the next
    ``n_val = round(fractions[1] * n)`` the validation set, and the rest the test set.

    Args:
        n: number of examples (int >= 0).
        fractions: three non-negative numbers summing to 1 (within 1e-9).
        seed: the seed of the shuffle.
    Returns:
        ``(train_idx, val_idx, test_idx)``, three int arrays that together hold every index
        in ``0..n-1`` exactly once.
    Raises:
        ValueError: if ``fractions`` has a negative entry, is not of length 3, or does not
            sum to 1.
    """
    fractions = np.asarray(fractions, dtype=float)
    if fractions.shape != (3,) or np.any(fractions < 0) or abs(fractions.sum() - 1.0) > 1e-9:
        raise ValueError(f"fractions must be 3 non-negative numbers summing to 1, got {fractions}")
    perm = np.random.default_rng(seed).permutation(n)
    n_train = round(fractions[0] * n)
    n_val = round(fractions[1] * n)
    return perm[:n_train], perm[n_train:n_train + n_val], perm[n_train + n_val:]


# %% [markdown]
# ## 3. A dense layer, forward and backward
#
# A dense (fully connected) layer computes $Z = XW + b$: each output is a weighted sum of all
# inputs plus a bias. With $X$ of shape $(n, d_{in})$, $W$ of shape $(d_{in}, d_{out})$ and
# $b$ of shape $(d_{out},)$, numpy broadcasting adds $b$ to every row. **Worked example**:

# %%
def dense_forward(X, W, b):
    r"""A dense layer :math:`Z = XW + b`.

    Args:
        X: inputs, shape (n, d_in).
        W: weights, shape (d_in, d_out).
        b: biases, shape (d_out,).
    Returns:
        Z, shape (n, d_out).
    """
    return X @ W + b


# %% [markdown]
# **Backward.** Later layers hand us $G = \partial L / \partial Z$, same shape as $Z$:
# "how much the cost changes per unit change of each output". We need the gradients for the
# layer's knobs ($W$, $b$) and for its input $X$ (to pass further down). One entry at a time:
# $Z_{ij} = \sum_k X_{ik} W_{kj} + b_j$, so
#
# - $W_{kj}$ touches $Z_{ij}$ for every row $i$, with local derivative $X_{ik}$:
#   $\frac{\partial L}{\partial W_{kj}} = \sum_i X_{ik} G_{ij}$, that is $X^\top G$;
# - $b_j$ touches every row with local derivative 1: sum $G$ over the rows;
# - $X_{ik}$ touches $Z_{ij}$ for every $j$, with local derivative $W_{kj}$:
#   $\frac{\partial L}{\partial X_{ik}} = \sum_j G_{ij} W_{kj}$, that is $G W^\top$.
#
# A check that catches most mistakes: **every gradient has the shape of the thing it is the
# gradient of**. $X^\top G$ is $(d_{in}, n)(n, d_{out}) = (d_{in}, d_{out})$, like $W$. Good.
#
# ### Task 5.2 (2 points): The dense layer's backward pass


# %%
def dense_backward(G, X, W):
    r"""Gradients of a dense layer :math:`Z = XW + b`, given :math:`G = \partial L/\partial Z`.

    Args:
        G: upstream gradient, shape (n, d_out).
        X: the layer's input from the forward pass, shape (n, d_in).
        W: the weights, shape (d_in, d_out).
    Returns:
        ``(dX, dW, db)`` with shapes (n, d_in), (d_in, d_out), (d_out,):
        :math:`dX = G W^\top`, :math:`dW = X^\top G`, :math:`db = \sum_i G_{i\cdot}`.
    """
    return G @ W.T, X.T @ G, G.sum(axis=0)


# %% [markdown]
# ## 4. ReLU
#
# Without something non-linear between them, two dense layers collapse into one
# ($XW_1W_2$ is just $X$ times another matrix). The **ReLU** $\max(0, z)$, applied entry by
# entry, is the simplest fix. Worked example, the forward pass:

# %%
def relu_forward(Z):
    r"""ReLU, entry by entry: :math:`\max(0, Z)`. Any shape in, same shape out."""
    return np.maximum(Z, 0.0)


# %% [markdown]
# Its local derivative is 1 where $z > 0$ and 0 where $z < 0$ (at exactly 0 we pick 0, as
# PyTorch does). Entry-wise functions have entry-wise backward passes: multiply the upstream
# gradient by the local derivative, entry by entry.
#
# ### Task 5.3 (1 point): ReLU's backward pass


# %%
def relu_backward(G, Z):
    r"""Gradient of the ReLU with respect to its input.

    Args:
        G: upstream gradient :math:`\partial L / \partial\,\text{relu}(Z)`, any shape.
        Z: the ReLU's input from the forward pass, same shape as ``G``.
    Returns:
        :math:`\partial L/\partial Z`: ``G`` where ``Z > 0``, and 0 elsewhere (same shape).
    """
    return G * (Z > 0)


# %% [markdown]
# ## 5. Softmax and cross-entropy
#
# The last layer gives $K$ raw scores per example, the **logits** $z$. Softmax turns them into
# probabilities: $p_k = e^{z_k} / \sum_j e^{z_j}$. Adding the same number to every logit
# changes nothing (it cancels), so subtract the row's maximum first: then every exponent is
# $\le 0$, nothing overflows, and the largest term is exactly 1, so the sum never underflows
# to 0. Without it, a logit of 1000 gives `inf / inf = nan`.
#
# ### Task 5.4 (2 points): A stable softmax


# %%
def softmax(logits):
    r"""Row-wise softmax :math:`p_{ik} = e^{z_{ik}} / \sum_j e^{z_{ij}}`, stable for huge logits.

    Args:
        logits: shape (n, K).
    Returns:
        probabilities, shape (n, K); every row is non-negative and sums to 1.
    """
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


# %% [markdown]
# The **cross-entropy** cost is the average surprise at the right answers,
# $L = -\frac1n \sum_i \log p_{i, y_i}$ (exercise 1 met it as a negative log-likelihood).
# Written with logits, $-\log p_{i,y_i} = \log\sum_j e^{z_{ij}} - z_{i,y_i}$, which with the
# max shift stays finite even when $p_{i,y_i}$ would round to 0.
#
# Its gradient is the nicest formula in deep learning:
#
# $$\frac{\partial L}{\partial z_{ik}} = \frac1n\bigl(p_{ik} - [k = y_i]\bigr),$$
#
# "predicted minus true", averaged. (Derive it: $\partial \log\sum_j e^{z_j} / \partial z_k =
# p_k$, and $\partial z_{y} / \partial z_k$ is 1 when $k = y$.)
#
# ### Task 5.5 (2 points): Softmax cross-entropy and its gradient


# %%
def softmax_cross_entropy(logits, y):
    r"""Mean cross-entropy of integer labels under softmax(logits), and its gradient.

    Args:
        logits: shape (n, K).
        y: int labels in ``0..K-1``, shape (n,).
    Returns:
        ``(loss, dlogits)``: loss is a float,
        :math:`L = \frac1n \sum_i (\log\sum_j e^{z_{ij}} - z_{i,y_i})`, finite even for
        logits like 1e4; dlogits has shape (n, K),
        :math:`\partial L/\partial z_{ik} = (p_{ik} - [k = y_i]) / n`.
    """
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_p = shifted - log_norm
    rows = np.arange(n)
    loss = -log_p[rows, y].mean()
    dlogits = np.exp(log_p)
    dlogits[rows, y] -= 1.0
    return float(loss), dlogits / n


# %% [markdown]
# ## 6. The whole network
#
# Our network: dense $(2 \to H)$, ReLU, dense $(H \to K)$, softmax cross-entropy. The knobs
# live in a dict, `{"W1": (d, H), "b1": (H,), "W2": (H, K), "b2": (K,)}`. Initial weights are
# random (if all were equal, every hidden unit would compute the same thing and get the same
# gradient forever), scaled by $\sqrt{2/d_{in}}$ so signals neither blow up nor die out as
# they pass through ReLU layers ("He initialisation"). Worked example: the forward pass.

# %%
def init_params(n_in, n_hidden, n_out, seed=0):
    r"""Random initial parameters (He scaling, zero biases) for a 2-layer network."""
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_hidden)),
        "b1": np.zeros(n_hidden),
        "W2": rng.normal(0.0, np.sqrt(1.0 / n_hidden), size=(n_hidden, n_out)),
        "b2": np.zeros(n_out),
    }


def mlp_logits(params, X):
    r"""Forward pass: logits :math:`\mathrm{relu}(X W_1 + b_1) W_2 + b_2`, shape (n, K)."""
    H = relu_forward(dense_forward(X, params["W1"], params["b1"]))
    return dense_forward(H, params["W2"], params["b2"])


def predict(params, X):
    r"""Predicted class per row of X: the index of the largest logit, shape (n,)."""
    return np.argmax(mlp_logits(params, X), axis=1)


# %% [markdown]
# **Backward**, the chain rule from the cost down, exactly as in exercise 4 but with
# matrices: cross-entropy gives $\partial L/\partial\,\text{logits}$; the second dense layer
# turns that into gradients for $W_2, b_2$ and for its input $H$; ReLU's backward gives
# $\partial L / \partial Z_1$; the first dense layer gives $W_1, b_1$. Keep the forward
# intermediates ($Z_1$, $H$): the backward pass needs them.
#
# ### Task 5.6 (3 points): Backpropagation through the network


# %%
def mlp_loss_and_grads(params, X, y):
    r"""Mean cross-entropy of the 2-layer network on (X, y), and its gradient for every knob.

    Args:
        params: dict with "W1" (d, H), "b1" (H,), "W2" (H, K), "b2" (K,).
        X: inputs, shape (n, d).
        y: int labels in ``0..K-1``, shape (n,).
    Returns:
        ``(loss, grads)``: loss a float; grads a dict with the same keys as ``params`` and
        each gradient shaped like its parameter.
    """
    Z1 = dense_forward(X, params["W1"], params["b1"])
    H = relu_forward(Z1)
    logits = dense_forward(H, params["W2"], params["b2"])
    loss, dlogits = softmax_cross_entropy(logits, y)
    dH, dW2, db2 = dense_backward(dlogits, H, params["W2"])
    dZ1 = relu_backward(dH, Z1)
    _, dW1, db1 = dense_backward(dZ1, X, params["W1"])
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


# %% [markdown]
# ## 7. Turning the knobs: SGD and minibatches
#
# **Gradient descent** takes a small step against the gradient:
# $\theta \leftarrow \theta - \eta\, \partial L / \partial\theta$ for every knob $\theta$, with
# learning rate $\eta$.
#
# ### Task 5.7 (1 point): One SGD step
#
# Return a **new** dict; leave the caller's arrays alone (handy when you want to compare
# before and after).


# %%
def sgd_step(params, grads, lr):
    r"""One gradient-descent step :math:`\theta - \eta\,g` for every parameter.

    Args:
        params: dict of arrays.
        grads: dict with the same keys, each array shaped like its parameter.
        lr: the learning rate :math:`\eta` (float > 0).
    Returns:
        a new dict with the same keys; ``params`` and ``grads`` are not modified.
    """
    return {k: params[k] - lr * grads[k] for k in params}


# %% [markdown]
# The exact gradient averages over **all** training examples. With a million examples that is
# a million forward and backward passes per step. A **minibatch** of, say, 32 random examples
# gives a noisy but unbiased estimate of the same gradient at a tiny fraction of the cost.
#
# What the batch size changes:
#
# - **small batches**: many cheap steps per pass over the data (an **epoch**), each one noisy.
#   The noise is not all bad: it jiggles the knobs out of poor spots. But each step has fixed
#   overhead, and hardware is fastest on large matrices.
# - **large batches**: few, accurate, expensive steps per epoch; smooth loss curves, but less
#   progress per epoch, and often a larger learning rate is needed.
#
# Each epoch we shuffle and cut the indices into consecutive batches, so every example is used
# exactly once per epoch.
#
# ### Task 5.8 (2 points): Minibatch indices for one epoch


# %%
def minibatch_indices(n, batch_size, seed):
    r"""Shuffle ``0..n-1`` and cut it into consecutive batches.

    The shuffle is ``np.random.default_rng(seed).permutation(n)``; batch k is
    ``perm[k * batch_size : (k + 1) * batch_size]``.

    Args:
        n: number of examples.
        batch_size: examples per batch (int >= 1); the last batch may be smaller.
        seed: seed of the shuffle (use a different one each epoch).
    Returns:
        a list of ``ceil(n / batch_size)`` int arrays that together hold every index once.
    """
    perm = np.random.default_rng(seed).permutation(n)
    return [perm[start:start + batch_size] for start in range(0, n, batch_size)]


# %% [markdown]
# ## 8. Training
#
# Put it together. For each epoch: cut the training set into minibatches, and for each batch
# compute the loss and gradients on that batch and take an SGD step. At the end of the epoch
# record the loss on the **whole** training set and on the validation set (loss only, no
# gradients: `softmax_cross_entropy(mlp_logits(params, X), y)[0]`). The validation curve is
# the honest one: when it starts to rise while the training curve keeps falling, the network
# has begun to memorise.
#
# ### Task 5.9 (3 points): The training loop


# %%
def train_mlp(X_train, y_train, X_val, y_val, *, hidden=16, epochs=100, batch_size=32,
              lr=0.2, seed=0):
    r"""Train the 2-layer network with minibatch SGD.

    Start from ``init_params(d, hidden, K, seed)`` with ``K = max(y_train.max(), y_val.max())
    + 1``. Epoch e (0, 1, ...) uses the batches ``minibatch_indices(n_train, batch_size,
    seed + e)``, one ``sgd_step`` per batch.

    Args:
        X_train, y_train: shapes (n_train, d) and (n_train,).
        X_val, y_val: shapes (n_val, d) and (n_val,).
        hidden: hidden units H.  epochs: passes over the training set.
        batch_size: examples per SGD step.  lr: learning rate.  seed: seeds everything.
    Returns:
        ``(params, train_losses, val_losses)``: the trained parameter dict, and two float
        arrays of shape (epochs,) holding the mean cross-entropy on the whole training set and
        on the validation set after each epoch.
    """
    n_classes = int(max(y_train.max(), y_val.max())) + 1
    params = init_params(X_train.shape[1], hidden, n_classes, seed)
    train_losses, val_losses = [], []
    for epoch in range(epochs):
        for idx in minibatch_indices(len(X_train), batch_size, seed + epoch):
            _, grads = mlp_loss_and_grads(params, X_train[idx], y_train[idx])
            params = sgd_step(params, grads, lr)
        train_losses.append(softmax_cross_entropy(mlp_logits(params, X_train), y_train)[0])
        val_losses.append(softmax_cross_entropy(mlp_logits(params, X_val), y_val)[0])
    return params, np.array(train_losses), np.array(val_losses)


# %% [markdown]
# Let's train on the moons: split, train, then look at the loss curves and at the **decision
# boundary**, the line where the network switches its answer.

# %%
if __name__ == "__main__":
    with demo("this picture"):
        tr, va, te = train_val_test_split(len(X_all), seed=0)
        params, train_curve, val_curve = train_mlp(X_all[tr], y_all[tr], X_all[va], y_all[va],
                                                   hidden=16, epochs=100, batch_size=32, lr=0.2)
        print(f"train accuracy {np.mean(predict(params, X_all[tr]) == y_all[tr]):.3f}, "
              f"validation accuracy {np.mean(predict(params, X_all[va]) == y_all[va]):.3f}")

        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
        ax1.plot(train_curve, label="train")
        ax1.plot(val_curve, label="validation")
        ax1.set_xlabel("epoch")
        ax1.set_ylabel("cross-entropy")
        ax1.set_title("loss curves")
        ax1.legend()
        gx, gy = np.meshgrid(np.linspace(-1.8, 2.8, 200), np.linspace(-1.3, 1.8, 160))
        grid_pred = predict(params, np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
        ax2.contourf(gx, gy, grid_pred, alpha=0.25, cmap="coolwarm")
        ax2.scatter(*X_all[tr].T, c=y_all[tr], cmap="coolwarm", s=8)
        ax2.set_title("decision boundary (training points)")
        show("ex05_figure_2")

# %% [markdown]
# **Batch size.** Same number of epochs, three batch sizes. Batch size 4 makes 90 steps per
# epoch and wiggles; the full batch (360 examples) makes one smooth step per epoch and, with
# the same learning rate, is still far from done when the others have converged.

# %%
if __name__ == "__main__":
    with demo("this picture"):
        fig, ax = plt.subplots(figsize=(6, 3.5))
        for bs in (4, 32, len(tr)):
            _, curve, _ = train_mlp(X_all[tr], y_all[tr], X_all[va], y_all[va], hidden=16,
                                    epochs=40, batch_size=bs, lr=0.2)
            ax.plot(curve, label=f"batch size {bs} ({int(np.ceil(len(tr) / bs))} steps/epoch)")
        ax.set_xlabel("epoch")
        ax.set_ylabel("training cross-entropy")
        ax.set_yscale("log")
        ax.legend()
        ax.set_title("what the batch size changes")
        show("ex05_figure_3")

# %% [markdown]
# Only now, with every choice made, do we look at the test set, once:

# %%
if __name__ == "__main__":
    with demo("this demo"):
        print(f"test accuracy {np.mean(predict(params, X_all[te]) == y_all[te]):.3f}")

# %% [markdown]
# ## 9. Keep the knobs: saving and loading
#
# A trained network is just its parameters. `np.savez` writes a dict of arrays into one
# `.npz` file (one array per key); `np.load` reads it back. Use `np.load` as a context manager
# (`with np.load(path) as data:`) so the file is closed, and copy the arrays out. `np.load`
# refuses to unpickle Python objects by default; keep it that way: a pickle from a stranger can
# run any code on your machine.
#
# ### Task 5.10 (1 point): Save and load the parameters


# %%
def save_params(path, params):
    r"""Write a dict of arrays to ``path`` (a ``.npz`` file), one array per key."""
    np.savez(path, **params)


def load_params(path):
    r"""Read a ``.npz`` file written by ``save_params``.

    Returns:
        a dict of arrays with the same keys, shapes and values as the saved one.
    """
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


# %% [markdown]
# Save the trained network, load it into a fresh dict (as another program would), and run it
# on moons it has never seen. (This writes `ex05_model.npz` into the current folder.)

# %%
if __name__ == "__main__":
    with demo("this demo"):
        save_params("ex05_model.npz", params)
        loaded = load_params("ex05_model.npz")
        X_new, y_new = make_moons(200, noise=0.2, seed=123)
        print(f"accuracy of the loaded model on 200 new points: "
              f"{np.mean(predict(loaded, X_new) == y_new):.3f}")

# %% [markdown]
# ## 10. What did it learn? Spurious features
#
# A classifier of bunny photos can score beautifully and have learned "grass": every training
# bunny sat on a lawn. The network takes whatever feature predicts the label most easily; it
# has no idea which feature you *meant*. A validation set drawn from the same photos won't
# notice (the grass is there too). Only data from a different setting (a bunny on a sofa)
# reveals it.
#
# A tiny demo: add a third feature, "grass", that equals the label (plus a little noise) in
# the training data but is random in the test data.

# %%
if __name__ == "__main__":
    with demo("this demo"):
        rng = np.random.default_rng(7)
        grass_tr = y_all[tr] + 0.1 * rng.normal(size=len(tr))
        grass_va = y_all[va] + 0.1 * rng.normal(size=len(va))
        grass_te = rng.integers(0, 2, size=len(te)) + 0.1 * rng.normal(size=len(te))
        Xs_tr = np.column_stack([X_all[tr], grass_tr])
        Xs_va = np.column_stack([X_all[va], grass_va])
        Xs_te = np.column_stack([X_all[te], grass_te])
        p_s, _, _ = train_mlp(Xs_tr, y_all[tr], Xs_va, y_all[va], hidden=16, epochs=30, lr=0.2)
        for name, Xs, ys in [("train", Xs_tr, y_all[tr]), ("validation", Xs_va, y_all[va]),
                             ("test (no grass)", Xs_te, y_all[te])]:
            print(f"{name:>16}: accuracy {np.mean(predict(p_s, Xs) == ys):.3f}")

# %% [markdown]
# Train and validation look perfect; the test set, where grass no longer tells you anything,
# exposes the shortcut. The defence is not a better optimiser: it is data that breaks the
# coincidence, and a test set that resembles the world the model will really meet.
#
# ### Task 5.11 (2 points): Which feature does the model lean on?
#
# Without a grass-free test set you can still ask the model. Scramble one feature: shuffle
# column $j$ across the examples, so it keeps its values but loses its link with the label,
# and measure how much accuracy drops. A model that ignores the feature loses nothing; a
# model that leans on it falls towards guessing. Use one permutation,
# `np.random.default_rng(seed).permutation(n)`, for every column, and leave `X` untouched
# (scramble a copy).


# %%
def permutation_drops(params, X, y, seed=0):
    r"""The accuracy lost when each feature is scrambled.

    With ``perm = np.random.default_rng(seed).permutation(n)``, column j of a copy of ``X``
    is replaced by ``X[perm, j]``; the drop for j is the accuracy of ``predict(params, X)``
    minus the accuracy on that copy (accuracy: the fraction of predictions equal to ``y``).

    Args:
        params: the network's parameter dict (``W1``, ``b1``, ``W2``, ``b2``).
        X: shape (n, d).  y: integer labels, shape (n,).  seed: seed of the permutation.
    Returns:
        float array of shape (d,): the drop for each column. ``X`` is left untouched.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    perm = np.random.default_rng(seed).permutation(len(X))
    base = np.mean(predict(params, X) == y)
    drops = np.empty(X.shape[1])
    for j in range(X.shape[1]):
        scrambled = X.copy()
        scrambled[:, j] = X[perm, j]
        drops[j] = base - np.mean(predict(params, scrambled) == y)
    return drops


# %% [markdown]
# Ask the grass model on its own *validation* set, which has the grass too: the drop for
# the grass column gives the shortcut away before any grass-free data exists.

# %%
if __name__ == "__main__":
    with demo("this demo"):
        drops = permutation_drops(p_s, Xs_va, y_all[va], seed=0)
        for name, drop in zip(("x", "y", "grass"), drops, strict=True):
            print(f"scramble {name:>5}: accuracy drops by {drop:.3f}")

# %% [markdown]
# ## 11. Batch size and the noise of a gradient
#
# A minibatch gradient is an *estimate* of the full gradient $g = \frac1n\sum_i g_i$ (the
# mean of the per-example gradients $g_i$). How far off is it? For a batch $B$ of $b$
# examples drawn without replacement,
#
# $$\mathbb E\,\lVert g_B - g\rVert^2 = \frac{\sigma^2}{b}\cdot\frac{n-b}{n-1},
# \qquad \sigma^2 = \frac1n\sum_i \lVert g_i - g\rVert^2 .$$
#
# Four times the batch, half the noise (in length): the noise falls like $1/\sqrt b$, while
# the cost of a step grows like $b$. The full batch has no noise at all, and pays for it.
#
# ### Task 5.12 (2 points): How noisy is a minibatch gradient?
#
# Measure it. With `rng = np.random.default_rng(seed)`, draw `n_draws` batches, each
# `rng.choice(n, size=batch_size, replace=False)`, and average $\lVert g_B - g\rVert^2$
# over them. Refuse a batch size below 1 or above n with a `ValueError`, and leave the
# gradients you are given untouched.


# %%
def minibatch_gradient_noise(per_example_grads, batch_size, n_draws=200, seed=0):
    r"""The mean squared distance between a minibatch gradient and the full gradient.

    Args:
        per_example_grads: shape (n, p); row i is the gradient of example i's loss.
        batch_size: b, from 1 to n.
        n_draws: how many batches to draw.  seed: seed of ``np.random.default_rng``.
    Returns:
        the mean over the draws of :math:`\lVert g_B - g\rVert^2` (a float), where g is the
        mean of all rows and :math:`g_B` the mean of the batch's rows.
    Raises:
        ValueError: if batch_size is not between 1 and n.
    """
    G = np.asarray(per_example_grads, dtype=float)
    n = G.shape[0]
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be between 1 and {n}, got {batch_size}")
    g = G.mean(axis=0)
    rng = np.random.default_rng(seed)
    total = 0.0
    for _ in range(n_draws):
        idx = rng.choice(n, size=batch_size, replace=False)
        total += float(np.sum((G[idx].mean(axis=0) - g) ** 2))
    return total / n_draws


# %% [markdown]
# The per-example gradients of the network trained above, and the noise for batch sizes
# from 1 to the whole training set, against the formula. On log-log axes the line has slope
# $-1$ until $b$ nears $n$, where the correction $\frac{n-b}{n-1}$ pulls it down to zero.

# %%
if __name__ == "__main__":
    with demo("this picture"):
        rows = []
        for i in range(len(tr)):
            _, grads = mlp_loss_and_grads(params, X_all[tr][i:i + 1], y_all[tr][i:i + 1])
            rows.append(np.concatenate([grads[k].ravel() for k in sorted(grads)]))
        G = np.array(rows)
        n = len(G)
        sigma2 = np.mean(np.sum((G - G.mean(axis=0)) ** 2, axis=1))
        sizes = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        measured = [minibatch_gradient_noise(G, b, n_draws=100) for b in sizes]
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.loglog(sizes, measured, "o", label="measured")
        b = np.array(sizes, dtype=float)
        ax.loglog(b, sigma2 / b * (n - b) / (n - 1), label=r"$\sigma^2/b \cdot (n-b)/(n-1)$")
        ax.set_xlabel("batch size b")
        ax.set_ylabel(r"$E\,\|g_B - g\|^2$")
        ax.legend()
        ax.set_title("gradient noise against batch size")
        show("ex05_figure_4")


# %% [markdown]
# ## Think it over
#
# Not graded: a few questions to check your picture of this exercise. Answer with a
# number or the letter of your choice in the cell below; `pytest` tells you whether each
# answer is right (the tests hold only a fingerprint of it, not the answer).
#
# - **5a.** With 360 training examples and batch size 32, how many SGD steps make one epoch?
# - **5b.** To halve the typical length of the gradient noise, multiply the batch size by what?

# %%
answer_5a = ...
answer_5b = ...
