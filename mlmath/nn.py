r"""A small neural network: dense layers, activations, softmax cross-entropy, an MLP.

Every layer is an object with two methods, and the chain rule is the contract between them:

- ``forward(x)`` computes the output and caches what the backward pass will need;
- ``backward(grad)`` receives :math:`\partial L / \partial \text{output}`, stores the gradients
  of the layer's own parameters, and returns :math:`\partial L / \partial x`.

A batch is a matrix with one example per row: ``x`` has shape (N, d). The multilayer perceptron
:class:`MLP` is a list of such layers ending in a linear layer that produces logits (N, K); the
loss :func:`softmax_cross_entropy` turns logits and integer labels into a number and the
gradient that starts the backward pass. Training (SGD, minibatches, splits, saving) lives in
:mod:`mlmath.training`.

Everything is float64 by default; pass ``dtype=np.float32`` for speed. An MLP converts its
input to its own dtype, so inside it every array, gradient and parameter has that dtype.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from mlmath._checks import as_float_array
from mlmath.logs import log_softmax, sigmoid, softmax

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "Dense",
    "ReLU",
    "Sigmoid",
    "SoftmaxCrossEntropy",
    "Tanh",
    "check_labels",
    "cross_entropy_from_logits",
    "softmax_cross_entropy",
]


class Dense:
    r"""A fully connected layer :math:`Y = X W + b`.

    Shapes: X (N, d_in), W (d_in, d_out), b (d_out,), Y (N, d_out). Backward, given
    :math:`G = \partial L / \partial Y` (N, d_out):

    .. math::

        \frac{\partial L}{\partial W} = X^\top G, \qquad
        \frac{\partial L}{\partial b} = \sum_n G_{n,:}, \qquad
        \frac{\partial L}{\partial X} = G W^\top.

    Initialisation draws :math:`W_{ij} \sim N(0, \sigma^2)` with :math:`\sigma^2 = 2/d_{in}`
    (``"he"``, keeps the variance of ReLU activations steady from layer to layer) or
    :math:`\sigma^2 = 2/(d_{in} + d_{out})` (``"xavier"``, for tanh, sigmoid and the output);
    the bias starts at 0.

    Attributes:
        W, b: the parameters; dW, db: their gradients, overwritten (not accumulated) by
        every ``backward`` call; the optimiser updates W and b in place.
    """

    def __init__(
        self, d_in: int, d_out: int, init: str = "he", rng=None, dtype=np.float64
    ) -> None:
        for name, value in (("d_in", d_in), ("d_out", d_out)):
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        scales = {"he": 2.0 / d_in, "xavier": 2.0 / (d_in + d_out)}
        if init not in scales:
            raise ValueError(f"init must be one of {sorted(scales)}, got {init!r}")
        rng = np.random.default_rng(rng)
        self.dtype = np.dtype(dtype)
        self.W = (np.sqrt(scales[init]) * rng.standard_normal((d_in, d_out))).astype(self.dtype)
        self.b = np.zeros(d_out, dtype=self.dtype)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self._x: np.ndarray | None = None

    @property
    def params(self) -> tuple[np.ndarray, np.ndarray]:
        """(W, b): the arrays an optimiser updates in place."""
        return self.W, self.b

    @property
    def grads(self) -> tuple[np.ndarray, np.ndarray]:
        """(dW, db), in the same order as :attr:`params`."""
        return self.dW, self.db

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``x @ W + b`` (N, d_out) and cache ``x`` (N, d_in) for the backward pass."""
        self._x = x
        out = x @ self.W
        out += self.b
        return out

    def backward(self, grad: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """Store dW = x.T @ grad and db = grad summed over the batch; return grad @ W.T.

        ``input_grad=False`` skips dL/dx (the first layer of a network does not need it)
        and returns None.
        """
        if self._x is None:
            raise RuntimeError("Dense.backward called before forward")
        np.matmul(self._x.T, grad, out=self.dW)
        np.sum(grad, axis=0, out=self.db)
        return grad @ self.W.T if input_grad else None


class ReLU:
    r"""The rectifier :math:`\max(x, 0)`; its derivative is 1 where :math:`x > 0`, else 0.

    At exactly :math:`x = 0` the derivative is taken as 0 (PyTorch does the same).
    """

    params: tuple = ()
    grads: tuple = ()

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return max(x, 0) elementwise, same shape; caches where x > 0."""
        self._positive = x > 0
        return np.maximum(x, 0)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Return grad where the input was positive, 0 elsewhere."""
        return grad * self._positive


class Tanh:
    r"""The hyperbolic tangent; :math:`\tanh'(x) = 1 - \tanh^2(x)`, computed from the output."""

    params: tuple = ()
    grads: tuple = ()

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return tanh(x) elementwise (never overflows: it saturates at +-1)."""
        self._out = np.tanh(x)
        return self._out

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Return grad * (1 - tanh(x)**2)."""
        return grad * (1 - self._out * self._out)


class Sigmoid:
    r"""The logistic function as a layer; :math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))`.

    Forward uses the stable :func:`mlmath.logs.sigmoid`, which only ever evaluates
    :math:`e^{-|x|} \le 1`: no overflow at :math:`x = -1000`, and full relative precision for
    tiny outputs (:math:`\sigma(-40) \approx 4.2 \times 10^{-18}`, not 0).
    """

    params: tuple = ()
    grads: tuple = ()

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return sigmoid(x) elementwise, same shape and dtype as x."""
        self._out = np.asarray(sigmoid(x), dtype=x.dtype)
        return self._out

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Return grad * s * (1 - s) with s the cached output."""
        return grad * self._out * (1 - self._out)


ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}


def check_labels(y, n: int, classes: int, name: str = "y") -> np.ndarray:
    """Return ``y`` as an int64 (n,) array, or raise a ValueError if it is not n labels in
    0..classes-1 (floats are accepted only when they are whole numbers)."""
    arr = np.asarray(y)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"{name} must be a 1-D array of {n} labels, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        if not (np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr))):
            raise ValueError(f"{name} must hold integer class labels, got dtype {arr.dtype}")
    if n and (arr.min() < 0 or arr.max() >= classes):
        raise ValueError(
            f"{name} must hold labels in 0..{classes - 1}, got values from {arr.min()} to "
            f"{arr.max()}"
        )
    return arr.astype(np.int64, copy=False)


def softmax_cross_entropy(logits: np.ndarray, y) -> tuple[float, np.ndarray]:
    r"""Mean cross-entropy of softmax(logits) against integer labels, and its gradient.

    .. math::

        L = -\frac{1}{N} \sum_{n=1}^{N} \log \operatorname{softmax}(z_n)_{y_n}, \qquad
        \frac{\partial L}{\partial z_n} = \frac{\operatorname{softmax}(z_n) - e_{y_n}}{N},

    where :math:`e_{y}` is the one-hot vector of class :math:`y`. The log-probabilities come
    from :func:`mlmath.logs.log_softmax`, which subtracts each row's maximum, so logits of
    :math:`\pm 10^4` give a finite loss and gradient; the probabilities are
    :math:`\exp(\log \operatorname{softmax})`, never :math:`\exp(z)` itself.

    Args:
        logits: array (N, K) of unnormalised scores, N >= 1.
        y: integer labels (N,) in 0..K-1.
    Returns:
        loss: a float, >= 0.
        grad: array (N, K) with the dtype of ``logits``; each row sums to 0.
    Raises:
        ValueError: logits is not 2-D with N >= 1, or y is not N labels in 0..K-1.
    """
    z = logits
    if not (isinstance(z, np.ndarray) and z.dtype in (np.float32, np.float64)):
        z = as_float_array(logits, "logits")  # lists, ints, bools become float64
    if z.ndim != 2 or z.shape[0] < 1 or z.shape[1] < 1:
        raise ValueError(f"logits must have shape (N, K) with N, K >= 1, got {z.shape}")
    return cross_entropy_from_logits(z, check_labels(y, z.shape[0], z.shape[1]))


def cross_entropy_from_logits(z: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """The unchecked core of :func:`softmax_cross_entropy`, for a training loop that has
    validated its labels once (int64 (N,) in 0..K-1, N >= 1) instead of once per batch."""
    n = z.shape[0]
    rows = np.arange(n)
    logp = np.asarray(log_softmax(z, axis=-1), dtype=z.dtype)
    loss = -float(logp[rows, labels].sum()) / n
    grad = np.exp(logp, out=logp)
    grad[rows, labels] -= 1
    grad /= n
    return loss, grad


class SoftmaxCrossEntropy:
    """:func:`softmax_cross_entropy` as a layer: ``forward`` returns the loss, ``backward``
    returns dL/dlogits (N, K) from the same call."""

    def forward(self, logits: np.ndarray, y) -> float:
        """Return the mean cross-entropy (a float); caches the gradient."""
        loss, self._grad = softmax_cross_entropy(logits, y)
        return loss

    def backward(self) -> np.ndarray:
        """Return (softmax(logits) - onehot(y)) / N from the last forward call."""
        return self._grad


class MLP:
    r"""A multilayer perceptron: Dense, activation, Dense, activation, ..., Dense -> logits.

    ``MLP([64, 128, 10])`` maps (N, 64) inputs through 128 hidden ReLU units to (N, 10)
    logits. The last layer has no activation: the loss applies the softmax.

    Args:
        sizes: layer widths [d_in, h_1, ..., K], at least two entries, all >= 1.
        activation: ``"relu"``, ``"tanh"`` or ``"sigmoid"`` for every hidden layer, or a
            sequence with one name per hidden layer (``len(sizes) - 2`` names).
        seed: seeds the weight initialisation (He for ReLU, Xavier otherwise and for the
            output layer).
        dtype: float64 (default) or float32, for parameters and computations alike.
    Attributes:
        layers: the list of layer objects, in forward order.
        sizes, activations, dtype: the architecture, as given.
        flat_parameters, flat_gradients: every parameter (gradient) in one contiguous
            vector, in the order of :meth:`parameters`; the layers' W, b, dW, db are views
            into them, so update them in place (``W[...] = ...``), never rebind them.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Sequence[str] = "relu",
        seed: int | None = 0,
        dtype=np.float64,
    ) -> None:
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must be at least two positive widths, got {sizes}")
        hidden = len(sizes) - 2
        names = [activation] * hidden if isinstance(activation, str) else list(activation)
        if len(names) != hidden:
            raise ValueError(f"need {hidden} activation names for sizes {sizes}, got {names}")
        for name in names:
            if name not in ACTIVATIONS:
                raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        self.sizes, self.activations = sizes, names
        rng = np.random.default_rng(seed)
        self.layers: list = []
        for i, (d_in, d_out) in enumerate(pairwise(sizes)):
            init = "he" if i < hidden and names[i] == "relu" else "xavier"
            self.layers.append(Dense(d_in, d_out, init=init, rng=rng, dtype=self.dtype))
            if i < hidden:
                self.layers.append(ACTIVATIONS[names[i]]())
        self._pack_parameters()

    def _pack_parameters(self) -> None:
        """Move every W, b into one contiguous vector and every dW, db into another.

        Each layer's arrays become views into :attr:`flat_parameters` and
        :attr:`flat_gradients`, so an optimiser can update the whole network with a handful
        of vector operations instead of a few per array. The views stay C-contiguous.
        """
        dense = [layer for layer in self.layers if isinstance(layer, Dense)]
        total = sum(layer.W.size + layer.b.size for layer in dense)
        self.flat_parameters = np.empty(total, dtype=self.dtype)
        self.flat_gradients = np.zeros(total, dtype=self.dtype)
        offset = 0
        for layer in dense:
            for name in ("W", "b"):
                value = getattr(layer, name)
                end = offset + value.size
                view = self.flat_parameters[offset:end].reshape(value.shape)
                view[...] = value
                setattr(layer, name, view)
                setattr(layer, "d" + name, self.flat_gradients[offset:end].reshape(value.shape))
                offset = end

    def check_input(self, x) -> np.ndarray:
        """Return x as an (N, d_in) array of the model's dtype, or raise a clear error."""
        if not (isinstance(x, np.ndarray) and x.dtype == self.dtype):
            x = as_float_array(x, "x").astype(self.dtype, copy=False)
        if x.ndim != 2 or x.shape[1] != self.sizes[0]:
            raise ValueError(
                f"x must have shape (N, {self.sizes[0]}) for this network, got {x.shape}"
            )
        return x

    def forward(self, x) -> np.ndarray:
        """Return the logits (N, K) for a batch x (N, d_in); caches what backward needs."""
        out = self.check_input(x)
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def backward(self, dlogits: np.ndarray, input_grad: bool = False) -> np.ndarray | None:
        r"""Backpropagate :math:`\partial L / \partial \text{logits}` (N, K) through every layer.

        Overwrites every layer's gradients. Returns dL/dx (N, d_in) if ``input_grad``, else
        None (skipping the first layer's input gradient saves a matrix product).
        """
        grad = dlogits
        for layer in reversed(self.layers[1:]):
            grad = layer.backward(grad)
        return self.layers[0].backward(grad, input_grad=input_grad)

    def parameters(self) -> list[np.ndarray]:
        """The parameter arrays [W_1, b_1, W_2, b_2, ...], live (update them in place)."""
        return [p for layer in self.layers for p in layer.params]

    def gradients(self) -> list[np.ndarray]:
        """The gradient arrays, in the same order as :meth:`parameters`."""
        return [g for layer in self.layers for g in layer.grads]

    def loss(self, x, y) -> float:
        """Mean softmax cross-entropy of the network on inputs x (N, d_in), labels y (N,)."""
        return softmax_cross_entropy(self.forward(x), y)[0]

    def predict_proba(self, x) -> np.ndarray:
        """Class probabilities softmax(logits), shape (N, K), rows summing to 1."""
        return np.asarray(softmax(self.forward(x), axis=-1), dtype=self.dtype)

    def predict(self, x) -> np.ndarray:
        """Predicted classes argmax(logits), int64 (N,)."""
        return np.argmax(self.forward(x), axis=1).astype(np.int64)
