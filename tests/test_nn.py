"""Tests for mlmath.nn: layer gradients against central differences and PyTorch, the loss."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from mlmath.gradcheck import numerical_gradient, relative_error
from mlmath.nn import MLP, Dense, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh, softmax_cross_entropy

TOL = 1e-7


def _upstream(shape, seed=1):
    """A fixed random upstream gradient dL/dout, so L = sum(out * R) is a generic scalar."""
    return np.random.default_rng(seed).standard_normal(shape)


def _away_from_zero(shape, seed=0):
    """Inputs with |x| >= 0.1, so a finite difference never straddles ReLU's kink."""
    x = np.random.default_rng(seed).standard_normal(shape)
    return np.where(x >= 0, x + 0.1, x - 0.1)


ACTIVATION_LAYERS = [("relu", ReLU), ("tanh", Tanh), ("sigmoid", Sigmoid)]


@pytest.mark.parametrize(("name", "cls"), ACTIVATION_LAYERS, ids=[a[0] for a in ACTIVATION_LAYERS])
def test_activation_input_gradient(name, cls):
    """Does each activation's backward match central differences of sum(forward(x) * R)?"""
    layer = cls()
    x = _away_from_zero((5, 4))
    R = _upstream((5, 4))
    layer.forward(x)
    analytic = layer.backward(R)
    numeric = numerical_gradient(lambda z: np.sum(cls().forward(z) * R), x)
    assert relative_error(analytic, numeric) < TOL


@pytest.mark.parametrize("init", ["he", "xavier"])
def test_dense_gradients(init):
    """Do Dense's dW, db and dx match central differences of sum((xW + b) * R)?"""
    layer = Dense(4, 3, init=init, rng=0)
    x = _away_from_zero((6, 4))
    R = _upstream((6, 3))
    layer.forward(x)
    dx = layer.backward(R)
    W, b = layer.W.copy(), layer.b.copy()
    assert relative_error(dx, numerical_gradient(lambda z: np.sum((z @ W + b) * R), x)) < TOL
    assert relative_error(layer.dW,
                          numerical_gradient(lambda w: np.sum((x @ w + b) * R), W)) < TOL
    assert relative_error(layer.db,
                          numerical_gradient(lambda c: np.sum((x @ W + c) * R), b)) < TOL


def test_dense_init_scales():
    """Do He and Xavier give weight variances near 2/d_in and 2/(d_in + d_out), zero bias?"""
    he = Dense(400, 300, init="he", rng=0)
    xavier = Dense(400, 300, init="xavier", rng=0)
    assert he.W.var() == pytest.approx(2 / 400, rel=0.02)
    assert xavier.W.var() == pytest.approx(2 / 700, rel=0.02)
    assert not he.b.any()
    assert np.array_equal(Dense(5, 3, rng=42).W, Dense(5, 3, rng=42).W)


def test_dense_backward_skips_input_gradient():
    """Does input_grad=False still fill dW and db but return None?"""
    layer = Dense(3, 2, rng=0)
    x = np.ones((4, 3))
    layer.forward(x)
    assert layer.backward(np.ones((4, 2)), input_grad=False) is None
    assert np.array_equal(layer.dW, np.full((3, 2), 4.0)) and np.array_equal(layer.db, [4, 4])


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", ["tanh", "relu"]],
                         ids=str)
def test_mlp_gradients_match_central_differences(activation):
    """Does backprop through a whole MLP match central differences for every parameter and
    for the input?"""
    sizes = [5, 4, 3, 3] if isinstance(activation, list) else [5, 4, 3]
    model = MLP(sizes, activation=activation, seed=0)
    x = _away_from_zero((7, 5), seed=2) * 0.5
    y = np.array([0, 1, 2, 2, 1, 0, 1])
    loss, dlogits = softmax_cross_entropy(model.forward(x), y)
    dx = model.backward(dlogits, input_grad=True)
    for p, g in zip(model.parameters(), model.gradients(), strict=True):
        def f(v, p=p):
            saved = p.copy()
            p[...] = v
            value = model.loss(x, y)
            p[...] = saved
            return value
        assert relative_error(g, numerical_gradient(f, p.copy())) < 1e-6
    assert relative_error(dx, numerical_gradient(lambda z: model.loss(z, y), x)) < 1e-6
    assert model.loss(x, y) == loss


LOSS_CASES = {
    "ordinary": (np.random.default_rng(0).standard_normal((6, 4)), [0, 1, 2, 3, 0, 1]),
    "huge logits": (np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3]]), [1, 0]),
    "confident and right": (np.array([[50.0, 0.0], [0.0, 50.0]]), [0, 1]),
    "one example": (np.array([[0.3, -0.2, 1.5]]), [2]),
    "equal logits": (np.zeros((3, 5)), [4, 0, 2]),
}


@pytest.mark.parametrize("case", LOSS_CASES)
def test_softmax_cross_entropy_matches_torch(case):
    """Do the loss and its gradient match torch's cross_entropy and autograd?"""
    torch = pytest.importorskip("torch")
    logits, y = LOSS_CASES[case]
    loss, grad = softmax_cross_entropy(logits, y)
    z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(z, torch.tensor(y))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12, abs=1e-300)
    assert np.allclose(grad, z.grad.numpy(), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("case", LOSS_CASES)
def test_softmax_cross_entropy_stable(case):
    """Are the loss and gradient finite, loss >= 0, gradient rows summing to 0, no warnings?"""
    logits, y = LOSS_CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grad = softmax_cross_entropy(logits, y)
    assert np.isfinite(loss) and loss >= 0 and np.all(np.isfinite(grad))
    assert np.allclose(grad.sum(axis=1), 0.0, atol=1e-15)


def test_softmax_cross_entropy_huge_logit_values():
    """Is a wrong answer at logit gap 1e4 charged exactly the gap, as the maths says?"""
    loss, _ = softmax_cross_entropy(np.array([[1e4, 0.0]]), [1])
    assert loss == pytest.approx(1e4, rel=1e-12)


def test_softmax_cross_entropy_integer_logits():
    """Are integer logits (or a list) treated as the same float64 numbers, not truncated?"""
    loss, grad = softmax_cross_entropy(np.array([[1, 2, 3]]), [0])
    ref_loss, ref_grad = softmax_cross_entropy(np.array([[1.0, 2.0, 3.0]]), [0])
    assert loss == ref_loss and grad.dtype == np.float64 and np.array_equal(grad, ref_grad)
    assert softmax_cross_entropy([[1, 2, 3]], [0])[0] == ref_loss


def test_softmax_cross_entropy_gradient_numeric():
    """Is the loss gradient (softmax - onehot) / N equal to central differences?"""
    logits, y = LOSS_CASES["ordinary"]
    _, grad = softmax_cross_entropy(logits, y)
    numeric = numerical_gradient(lambda z: softmax_cross_entropy(z, y)[0], logits)
    assert relative_error(grad, numeric) < TOL


def test_loss_layer_matches_function():
    """Does the SoftmaxCrossEntropy layer return the function's loss and gradient?"""
    logits, y = LOSS_CASES["ordinary"]
    layer = SoftmaxCrossEntropy()
    loss, grad = softmax_cross_entropy(logits, y)
    assert layer.forward(logits, y) == loss and np.array_equal(layer.backward(), grad)


def test_mlp_matches_torch_forward_and_backward():
    """With the same weights, do our logits and parameter gradients equal PyTorch's?"""
    torch = pytest.importorskip("torch")
    model = MLP([6, 8, 5, 3], activation=["relu", "tanh"], seed=3)
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((10, 6)), rng.integers(0, 3, 10)
    loss, dlogits = softmax_cross_entropy(model.forward(x), y)
    model.backward(dlogits)
    params = [torch.tensor(p, requires_grad=True) for p in model.parameters()]
    h = torch.tensor(x)
    h = torch.relu(h @ params[0] + params[1])
    h = torch.tanh(h @ params[2] + params[3])
    ref = torch.nn.functional.cross_entropy(h @ params[4] + params[5], torch.tensor(y))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    for ours, theirs in zip(model.gradients(), params, strict=True):
        assert np.allclose(ours, theirs.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_sigmoid_layer_extreme_inputs():
    """Does the sigmoid layer stay finite and warning-free at x = +-1000, keeping tiny outputs?"""
    layer = Sigmoid()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = layer.forward(np.array([[-1000.0, -40.0, 0.0, 40.0, 1000.0]]))
        grad = layer.backward(np.ones((1, 5)))
    assert out[0, 0] == 0.0 and out[0, -1] == 1.0 and out[0, 2] == 0.5
    assert out[0, 1] == pytest.approx(np.exp(-40.0), rel=1e-12)
    assert np.all(np.isfinite(grad)) and grad[0, 2] == 0.25


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_dtype_kept_end_to_end(dtype, activation):
    """Do the logits, the gradients and the parameters all keep the model's dtype?"""
    model = MLP([4, 6, 3], activation=activation, seed=0, dtype=dtype)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(dtype)
    logits = model.forward(x)
    _, dlogits = softmax_cross_entropy(logits, [0, 1, 2, 0, 1])
    dx = model.backward(dlogits, input_grad=True)
    assert logits.dtype == dlogits.dtype == dx.dtype == dtype
    assert all(a.dtype == dtype for a in model.parameters() + model.gradients())


def test_mlp_predict_and_proba():
    """Are predictions the argmax of the probabilities, and do the probabilities sum to 1?"""
    model = MLP([3, 5, 4], seed=1)
    x = np.random.default_rng(2).standard_normal((8, 3))
    proba = model.predict_proba(x)
    assert proba.shape == (8, 4) and np.allclose(proba.sum(axis=1), 1.0)
    assert np.array_equal(model.predict(x), proba.argmax(axis=1))
    assert model.predict(x.tolist()).dtype == np.int64  # lists are accepted


BAD_INPUTS = {
    "too narrow": (np.ones((2, 3)), [0, 1], "shape \\(N, 4\\)"),
    "too wide": (np.ones((2, 5)), [0, 1], "shape \\(N, 4\\)"),
    "1-D input": (np.ones(4), [0], "shape \\(N, 4\\)"),
    "label too big": (np.ones((2, 4)), [0, 3], "labels in 0..2"),
    "negative label": (np.ones((2, 4)), [-1, 0], "labels in 0..2"),
    "fractional label": (np.ones((2, 4)), [0.5, 1.0], "integer class labels"),
    "too few labels": (np.ones((2, 4)), [0], "1-D array of 2 labels"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_raises_value_error(case):
    """Does a wrong input width or a bad label raise a ValueError saying what is wrong?"""
    x, y, message = BAD_INPUTS[case]
    with pytest.raises(ValueError, match=message):
        MLP([4, 5, 3], seed=0).loss(x, y)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"sizes": [4]}, "at least two"),
    ({"sizes": [4, 0, 3]}, "at least two positive"),
    ({"sizes": [4, 5, 3], "activation": "softsign"}, "activation must be one of"),
    ({"sizes": [4, 5, 3], "activation": ["relu", "relu"]}, "need 1 activation"),
    ({"sizes": [4, 3], "dtype": np.int64}, "float32 or float64"),
])
def test_bad_architecture_raises(kwargs, message):
    """Does an impossible architecture raise a ValueError naming the problem?"""
    with pytest.raises(ValueError, match=message):
        MLP(**kwargs)


def test_non_numeric_input_raises_type_error():
    """Does a string input raise a TypeError rather than a numpy traceback?"""
    with pytest.raises(TypeError, match="x must be a numeric array"):
        MLP([2, 3]).forward([["a", "b"]])
