r"""Training a :class:`mlmath.nn.MLP`: SGD, minibatches, data splits, accuracy, saving.

One step of minibatch stochastic gradient descent takes a batch of B examples, runs the
network forward, computes the mean loss over the batch and its gradient, backpropagates,
and moves every parameter a little against its gradient. An epoch is one pass over the
shuffled training set in batches. Small batches give noisy but cheap steps; large batches give
smoother steps but fewer of them per epoch.

Typical use::

    X, y = load_digits()
    X_tr, y_tr, X_val, y_val, X_te, y_te = train_val_test_split(X, y, seed=0)
    model = MLP([64, 128, 10], seed=0)
    history = train(model, X_tr, y_tr, X_val, y_val, epochs=30, batch_size=32)
    accuracy(model.predict(X_te), y_te)
    save_model(model, "digits.npz"); load_model("digits.npz").predict(X_te)
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import numpy as np

from mlmath._checks import as_float_array
from mlmath.nn import MLP, Dense, check_labels, cross_entropy_from_logits, softmax_cross_entropy

__all__ = [
    "SGD",
    "accuracy",
    "load_model",
    "minibatches",
    "save_model",
    "train",
    "train_epoch",
    "train_val_test_split",
]

FORMAT = "mlmath.MLP/1"


class SGD:
    r"""Stochastic gradient descent with optional (heavy-ball) momentum, updating in place.

    With learning rate :math:`\eta` and momentum :math:`\mu`, for every parameter :math:`p`
    with gradient :math:`g` and velocity :math:`v` (starting at 0):

    .. math::

        v \leftarrow \mu v + g, \qquad p \leftarrow p - \eta v.

    With :math:`\mu = 0` this is plain :math:`p \leftarrow p - \eta g`. This is PyTorch's
    ``torch.optim.SGD`` convention (no dampening, no Nesterov), so the two take identical steps.

    Args:
        params: parameter arrays, updated in place (e.g. ``model.parameters()``).
        grads: gradient arrays in the same order and shapes (``model.gradients()``); they
            are read at every :meth:`step`, so they must be the live arrays backward fills.
        lr: learning rate, > 0.
        momentum: in [0, 1).
    """

    def __init__(self, params, grads, lr: float = 0.05, momentum: float = 0.0) -> None:
        self.params, self.grads = list(params), list(grads)
        if len(self.params) != len(self.grads) or any(
            p.shape != g.shape for p, g in zip(self.params, self.grads, strict=True)
        ):
            raise ValueError("params and grads must be lists of arrays with matching shapes")
        if not (np.isfinite(lr) and lr > 0):
            raise ValueError(f"lr must be positive and finite, got {lr}")
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.lr, self.momentum = lr, momentum
        self._velocity = [np.zeros_like(p) for p in self.params]
        self._scratch = [np.empty_like(p) for p in self.params]  # holds lr * v, no new arrays

    def step(self) -> None:
        """Apply one update to every parameter, in place."""
        for p, g, v, s in zip(self.params, self.grads, self._velocity, self._scratch, strict=True):
            if self.momentum:
                v *= self.momentum
                v += g
                g = v
            np.multiply(g, self.lr, out=s)
            p -= s


def minibatches(
    X: np.ndarray, y: np.ndarray, batch_size: int, rng=None, shuffle: bool = True
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    r"""Yield (X_batch, y_batch) pairs covering every row of X exactly once.

    The rows are permuted once (a single copy of the data) and the batches are consecutive
    slices of the permuted arrays, so each batch is a cheap view. The last batch holds the
    remaining ``N mod batch_size`` rows when that is not 0: no example is dropped.

    Args:
        X: array (N, ...); y: array (N,).
        batch_size: rows per batch, >= 1.
        rng: a ``numpy.random.Generator`` or a seed; the same seed gives the same batches.
        shuffle: False keeps the original order.
    Yields:
        X_batch (B, ...) and y_batch (B,), B = batch_size except possibly for the last batch.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
        raise TypeError(f"batch_size must be an integer, got {type(batch_size).__name__}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of rows, got {len(X)} and {len(y)}")
    if shuffle:
        order = np.random.default_rng(rng).permutation(len(y))
        X, y = X[order], y[order]
    for start in range(0, len(y), batch_size):
        yield X[start : start + batch_size], y[start : start + batch_size]


def train_val_test_split(
    X, y, val_fraction: float = 0.15, test_fraction: float = 0.15, seed: int | None = 0
) -> tuple[np.ndarray, ...]:
    r"""Shuffle the rows with ``seed`` and cut them into train, validation and test sets.

    The validation set chooses hyperparameters and the epoch to stop at; the test set is
    looked at once, at the end, so its accuracy is an honest estimate on unseen data.
    Sizes: ``round(N * test_fraction)`` test rows, ``round(N * val_fraction)`` validation
    rows, the rest for training (at least one).

    Returns:
        X_train, y_train, X_val, y_val, X_test, y_test (rows of X and y, copied).
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of rows, got {len(X)} and {len(y)}")
    for name, fraction in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0 <= fraction < 1:
            raise ValueError(f"{name} must be in [0, 1), got {fraction}")
    n = len(y)
    n_test, n_val = round(n * test_fraction), round(n * val_fraction)
    if n - n_test - n_val < 1:
        raise ValueError(f"no rows left for training: N={n}, {n_val} val, {n_test} test")
    order = np.random.default_rng(seed).permutation(n)
    test, val, tr = order[:n_test], order[n_test : n_test + n_val], order[n_test + n_val :]
    return X[tr], y[tr], X[val], y[val], X[test], y[test]


def accuracy(predictions, labels) -> float:
    """Fraction of predictions equal to the labels: class indices (N,) or scores (N, K),
    whose argmax is then the prediction."""
    pred, labels = np.asarray(predictions), np.asarray(labels)
    if pred.ndim == 2:
        pred = np.argmax(pred, axis=1)
    if pred.shape != labels.shape or pred.ndim != 1 or pred.size == 0:
        raise ValueError(f"predictions and labels must be non-empty (N,), got {pred.shape} "
                         f"and {labels.shape}")
    return float(np.mean(pred == labels))


def train_epoch(model: MLP, optimizer: SGD, X: np.ndarray, y: np.ndarray, batch_size: int,
                rng=None) -> float:
    """One pass of minibatch SGD over (X (N, d_in), y (N,)); returns the epoch's mean loss.

    The inputs and labels are checked once here, not once per batch. Pass X already in the
    model's dtype to avoid a conversion per epoch.
    """
    X = model.check_input(X)
    y = check_labels(y, len(X), model.sizes[-1])
    total = 0.0
    for xb, yb in minibatches(X, y, batch_size, rng):
        loss, dlogits = cross_entropy_from_logits(model.forward(xb), yb)
        model.backward(dlogits)
        optimizer.step()
        total += loss * len(yb)
    return total / len(y)


def train(
    model: MLP,
    X_train,
    y_train,
    X_val=None,
    y_val=None,
    *,
    epochs: int = 30,
    batch_size: int = 32,
    lr: float = 0.05,
    momentum: float = 0.9,
    seed: int | None = 0,
) -> dict[str, list[float]]:
    r"""Train ``model`` in place with minibatch SGD and return its learning curves.

    Args:
        model: the network; its parameters change.
        X_train (N, d_in), y_train (N,): training data and integer labels.
        X_val, y_val: optional validation data, evaluated after every epoch.
        epochs, batch_size, lr, momentum: the usual; see :class:`SGD`.
        seed: seeds the shuffling, so the same call gives the same model.
    Returns:
        ``{"train_loss": [...], "val_loss": [...], "val_accuracy": [...]}``, one float per
        epoch (the validation lists stay empty without validation data). ``train_loss`` is
        the mean loss over the epoch's batches, measured while the model was still moving.
    """
    X = model.check_input(X_train)
    y = check_labels(y_train, len(X), model.sizes[-1], "y_train")
    if (X_val is None) != (y_val is None):
        raise ValueError("give both X_val and y_val, or neither")
    if X_val is not None:
        X_val = model.check_input(X_val)
        y_val = check_labels(y_val, len(X_val), model.sizes[-1], "y_val")
    # one update over the flat parameter vector = the same update on every array, faster
    optimizer = SGD([model.flat_parameters], [model.flat_gradients], lr=lr, momentum=momentum)
    rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for _ in range(int(epochs)):
        history["train_loss"].append(train_epoch(model, optimizer, X, y, batch_size, rng))
        if X_val is not None:
            logits = model.forward(X_val)
            history["val_loss"].append(softmax_cross_entropy(logits, y_val)[0])
            history["val_accuracy"].append(accuracy(logits, y_val))
    return history


def save_model(model: MLP, path: str | os.PathLike) -> None:
    r"""Write the architecture and weights of ``model`` to an ``.npz`` file at ``path``.

    The file holds plain arrays only (no pickles): ``format``, ``sizes`` (int64),
    ``activations`` (strings), ``dtype`` (string) and ``W0, b0, W1, b1, ...``, one pair per
    Dense layer. The path is used as given (numpy would otherwise append ``.npz``).
    """
    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    arrays = {f"{kind}{i}": p for i, d in enumerate(dense) for kind, p in zip("Wb", d.params,
                                                                              strict=True)}
    with open(path, "wb") as f:
        np.savez(
            f,
            format=np.array(FORMAT),
            sizes=np.array(model.sizes, dtype=np.int64),
            activations=np.array(model.activations, dtype=np.str_),
            dtype=np.array(str(model.dtype)),
            **arrays,
        )


def load_model(path: str | os.PathLike) -> MLP:
    """Read a model written by :func:`save_model`; it predicts exactly as the saved one did.

    Loads with ``allow_pickle=False``, so a file cannot run code. Raises a ValueError naming
    the file if it is not a valid mlmath MLP file (missing keys, wrong shapes, non-finite
    weights).
    """
    with np.load(path, allow_pickle=False) as data:
        try:
            if str(data["format"]) != FORMAT:
                raise ValueError(f"format is {data['format']}, expected {FORMAT}")
            sizes = [int(s) for s in data["sizes"]]
            model = MLP(sizes, [str(a) for a in data["activations"]], seed=None,
                        dtype=str(data["dtype"]))
            for i, layer in enumerate(d for d in model.layers if isinstance(d, Dense)):
                for name, target in (("W", layer.W), ("b", layer.b)):
                    stored = as_float_array(data[f"{name}{i}"], f"{name}{i}")
                    if stored.shape != target.shape or not np.all(np.isfinite(stored)):
                        raise ValueError(f"{name}{i} must be finite with shape {target.shape}")
                    target[...] = stored
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{os.fspath(path)} is not a valid mlmath MLP file: {err}") from None
    return model
