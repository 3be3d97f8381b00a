"""Tests for mlmath.training: SGD, minibatches, splits, the training loop, saving a model."""

from __future__ import annotations

import numpy as np
import pytest

from mlmath.data import load_digits, spirals
from mlmath.nn import MLP, Dense, softmax_cross_entropy
from mlmath.training import (
    SGD,
    accuracy,
    load_model,
    minibatches,
    save_model,
    train,
    train_epoch,
    train_val_test_split,
)


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits()
    return train_val_test_split(X, y, val_fraction=0.15, test_fraction=0.15, seed=0)


@pytest.mark.parametrize(("n", "batch_size"), [(10, 3), (10, 5), (10, 32), (1, 1), (97, 32)])
def test_minibatches_cover_every_row_once(n, batch_size):
    """Does every row appear in exactly one batch, with only the last batch smaller?"""
    X = np.arange(n * 2).reshape(n, 2)
    y = np.arange(n)
    batches = list(minibatches(X, y, batch_size, rng=0))
    sizes = [len(yb) for _, yb in batches]
    assert sizes == [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(n))
    assert all(np.array_equal(xb[:, 0], 2 * yb) for xb, yb in batches)  # rows stay paired


def test_minibatches_seeded_shuffle():
    """Does the same seed give the same batches, another seed or shuffle=False a different
    order?"""
    X, y = np.zeros((50, 1)), np.arange(50)
    order = [np.concatenate([b for _, b in minibatches(X, y, 8, rng=s)]) for s in (1, 1, 2)]
    assert np.array_equal(order[0], order[1]) and not np.array_equal(order[0], order[2])
    plain = np.concatenate([b for _, b in minibatches(X, y, 8, shuffle=False)])
    assert np.array_equal(plain, y)


@pytest.mark.parametrize(("batch_size", "error"), [(0, ValueError), (2.5, TypeError)])
def test_minibatches_bad_batch_size(batch_size, error):
    """Does a batch size that is not a positive integer raise a clear error?"""
    with pytest.raises(error, match="batch_size"):
        list(minibatches(np.zeros((4, 1)), np.zeros(4), batch_size))


def test_split_sizes_disjoint_and_seeded():
    """Do the three parts have the promised sizes, share no row, cover all rows, and repeat
    under the same seed?"""
    X = np.arange(200).reshape(100, 2)
    y = np.arange(100)
    parts = train_val_test_split(X, y, val_fraction=0.2, test_fraction=0.1, seed=3)
    _, y_tr, X_val, y_val, _, y_te = parts
    assert (len(y_tr), len(y_val), len(y_te)) == (70, 20, 10)
    assert sorted(np.concatenate([y_tr, y_val, y_te]).tolist()) == list(range(100))
    assert np.array_equal(X_val[:, 0], 2 * y_val)
    again = train_val_test_split(X, y, val_fraction=0.2, test_fraction=0.1, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(parts, again, strict=True))
    other = train_val_test_split(X, y, val_fraction=0.2, test_fraction=0.1, seed=4)
    assert not np.array_equal(y_te, other[5])


def test_split_rejects_empty_training_set():
    """Does asking for 60% validation and 50% test raise a ValueError?"""
    with pytest.raises(ValueError, match="no rows left"):
        train_val_test_split(np.zeros((10, 1)), np.zeros(10), 0.6, 0.5)


def test_sgd_plain_step():
    """Without momentum, is one step exactly p - lr * g, done in place?"""
    p, g = np.array([1.0, -2.0]), np.array([0.5, 4.0])
    original = p
    SGD([p], [g], lr=0.1).step()
    assert p is original and np.allclose(p, [0.95, -2.4])


def test_sgd_momentum_by_hand():
    """With momentum 0.9 and a constant gradient, are the steps g, 1.9 g, 2.71 g times lr?"""
    p, g = np.zeros(1), np.ones(1)
    opt = SGD([p], [g], lr=0.1, momentum=0.9)
    positions = []
    for _ in range(3):
        opt.step()
        positions.append(p[0])
    assert np.allclose(positions, [-0.1, -0.29, -0.561])


def test_sgd_matches_torch_on_an_mlp():
    """Do five momentum-SGD steps on a small MLP end at the same weights as torch.optim.SGD?"""
    torch = pytest.importorskip("torch")
    model = MLP([4, 6, 3], seed=0)
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((16, 4)), rng.integers(0, 3, 16)
    params = [torch.tensor(p.copy(), requires_grad=True) for p in model.parameters()]
    ours = SGD(model.parameters(), model.gradients(), lr=0.1, momentum=0.9)
    theirs = torch.optim.SGD(params, lr=0.1, momentum=0.9)
    for _ in range(5):
        model.backward(softmax_cross_entropy(model.forward(x), y)[1])
        ours.step()
        theirs.zero_grad()
        h = torch.relu(torch.tensor(x) @ params[0] + params[1]) @ params[2] + params[3]
        torch.nn.functional.cross_entropy(h, torch.tensor(y)).backward()
        theirs.step()
    for a, b in zip(model.parameters(), params, strict=True):
        assert np.allclose(a, b.detach().numpy(), rtol=1e-10, atol=1e-13)


def test_float32_epoch_matches_torch_epoch():
    """Is one float32 epoch of train_epoch (shuffled minibatches, flat momentum SGD, two
    hidden ReLU layers) the epoch the MLP benchmark's PyTorch loop runs: same mean loss,
    same weights, when torch sees the batches in the same order?"""
    torch = pytest.importorskip("torch")
    sizes, n, batch = [12, 16, 16, 4], 70, 32  # the last batch is short (6 rows)
    model = MLP(sizes, seed=3, dtype=np.float32)
    rng = np.random.default_rng(4)
    X = rng.standard_normal((n, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], n)
    net = torch.nn.Sequential(torch.nn.Linear(12, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16),
                              torch.nn.ReLU(), torch.nn.Linear(16, 4))
    linear = [m for m in net if isinstance(m, torch.nn.Linear)]
    dense = [d for d in model.layers if isinstance(d, Dense)]
    with torch.no_grad():
        for lin, d in zip(linear, dense, strict=True):
            lin.weight.copy_(torch.from_numpy(d.W.T.copy()))
            lin.bias.copy_(torch.from_numpy(d.b.copy()))
    ours = SGD([model.flat_parameters], [model.flat_gradients], lr=0.05, momentum=0.9)
    theirs = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    for epoch in range(2):
        ours_loss = train_epoch(model, ours, X, y, batch, np.random.default_rng(epoch))
        order = np.random.default_rng(epoch).permutation(n)  # the order minibatches uses
        Xs, ys = torch.from_numpy(X[order]), torch.from_numpy(y[order])
        total = 0.0
        for start in range(0, n, batch):
            theirs.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(Xs[start : start + batch]),
                                                     ys[start : start + batch])
            loss.backward()
            theirs.step()
            total += loss.item() * len(ys[start : start + batch])
        assert ours_loss == pytest.approx(total / n, rel=1e-5)
    for lin, d in zip(linear, dense, strict=True):
        assert np.allclose(d.W, lin.weight.detach().numpy().T, rtol=1e-4, atol=1e-5)
        assert np.allclose(d.b, lin.bias.detach().numpy(), rtol=1e-4, atol=1e-5)
        assert d.W.dtype == np.float32


def test_flat_parameter_step_equals_per_array_steps():
    """Is one SGD step on the flat parameter vector the same as steps on every array, and are
    the layers' arrays views into that vector?"""
    x, y = np.random.default_rng(0).standard_normal((8, 3)), np.arange(8) % 4
    models = [MLP([3, 5, 4], seed=2) for _ in range(2)]
    flat = SGD([models[0].flat_parameters], [models[0].flat_gradients], lr=0.1, momentum=0.9)
    per_array = SGD(models[1].parameters(), models[1].gradients(), lr=0.1, momentum=0.9)
    for _ in range(3):
        for model, opt in zip(models, (flat, per_array), strict=True):
            model.backward(softmax_cross_entropy(model.forward(x), y)[1])
            opt.step()
    assert all(np.array_equal(a, b) for a, b in
               zip(models[0].parameters(), models[1].parameters(), strict=True))
    assert all(np.shares_memory(p, models[0].flat_parameters) for p in models[0].parameters())
    assert models[0].flat_parameters.size == 3 * 5 + 5 + 5 * 4 + 4


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"lr": 0.0}, "lr"), ({"lr": float("nan")}, "lr"), ({"momentum": 1.0}, "momentum"),
])
def test_sgd_bad_hyperparameters(kwargs, message):
    """Does a non-positive learning rate or momentum >= 1 raise a ValueError?"""
    with pytest.raises(ValueError, match=message):
        SGD([np.zeros(2)], [np.zeros(2)], **kwargs)


def test_accuracy_known_values():
    """Is accuracy the fraction correct, from labels or from scores?"""
    assert accuracy([0, 1, 2, 2], [0, 1, 1, 2]) == 0.75
    assert accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), [1, 1]) == 0.5
    with pytest.raises(ValueError, match="predictions and labels"):
        accuracy([0, 1], [0, 1, 1])


def test_digits_test_accuracy_at_least_95_percent(digits_split):
    """Does a 64-128-10 ReLU MLP trained 30 epochs with momentum SGD reach 95% on the held-out
    digits test set?"""
    X_tr, y_tr, X_val, y_val, X_te, y_te = digits_split
    model = MLP([64, 128, 10], activation="relu", seed=0)
    history = train(model, X_tr, y_tr, X_val, y_val, epochs=30, batch_size=32, lr=0.05,
                    momentum=0.9, seed=0)
    assert accuracy(model.predict(X_te), y_te) >= 0.95
    assert len(history["train_loss"]) == len(history["val_loss"]) == 30
    assert history["train_loss"][-1] < 0.2 * history["train_loss"][0]
    assert history["val_accuracy"][-1] >= 0.95


def test_training_is_deterministic_under_seed():
    """Do two runs with the same seeds give bit-identical weights and histories?"""
    X, y = spirals(150, 3, seed=0)
    runs = []
    for _ in range(2):
        model = MLP([2, 16, 3], activation="tanh", seed=5)
        runs.append((train(model, X, y, X, y, epochs=3, batch_size=16, seed=9), model))
    assert runs[0][0] == runs[1][0]
    assert all(np.array_equal(a, b) for a, b in
               zip(runs[0][1].parameters(), runs[1][1].parameters(), strict=True))


def test_float32_training_stays_float32():
    """Does a float32 model train to a finite, falling loss with float32 weights throughout?"""
    X, y = spirals(300, 3, noise=0.1, seed=1)
    model = MLP([2, 32, 32, 3], seed=0, dtype=np.float32)
    history = train(model, X, y, epochs=40, batch_size=32, lr=0.1, seed=0)
    assert history["val_loss"] == [] and np.all(np.isfinite(history["train_loss"]))
    assert history["train_loss"][-1] < 0.5 * history["train_loss"][0]
    assert all(p.dtype == np.float32 for p in model.parameters())


def test_train_rejects_bad_labels():
    """Does training with a label outside 0..K-1 raise a ValueError before any step?"""
    model = MLP([2, 3], seed=0)
    before = [p.copy() for p in model.parameters()]
    with pytest.raises(ValueError, match=r"y_train must hold labels in 0\.\.2"):
        train(model, np.zeros((4, 2)), [0, 1, 2, 3], epochs=1)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


@pytest.mark.parametrize(("dtype", "activation"), [
    (np.float64, "relu"), (np.float32, "relu"), (np.float64, ["tanh", "sigmoid"]),
])
def test_save_load_round_trip(tmp_path, dtype, activation, digits_split):
    """Does a loaded model have the same architecture and give bit-identical logits on new
    data?"""
    X_tr, y_tr, *_, X_te, _ = digits_split
    model = MLP([64, 20, 12, 10], activation=activation, seed=1, dtype=dtype)
    train(model, X_tr[:300], y_tr[:300], epochs=2, seed=0)
    path = tmp_path / "model.npz"
    save_model(model, path)
    loaded = load_model(path)
    assert (loaded.sizes, loaded.activations, loaded.dtype) == (
        model.sizes, model.activations, model.dtype)
    assert np.array_equal(loaded.forward(X_te), model.forward(X_te))
    assert np.array_equal(loaded.predict(X_te), model.predict(X_te))
    with np.load(path, allow_pickle=False) as data:
        assert {"format", "sizes", "activations", "dtype", "W0", "b2"} <= set(data.files)


def test_save_uses_the_path_as_given(tmp_path):
    """Does saving to 'model.weights' write that file, not 'model.weights.npz'?"""
    path = tmp_path / "model.weights"
    save_model(MLP([3, 2]), path)
    assert path.exists() and not (tmp_path / "model.weights.npz").exists()


def _write(path, **arrays):
    with open(path, "wb") as f:
        np.savez(f, **arrays)


BAD_FILES = {
    "missing weights": {"format": np.array("mlmath.MLP/1"), "sizes": np.array([3, 2]),
                        "activations": np.array([], dtype=str), "dtype": np.array("float64")},
    "wrong format": {"format": np.array("other/9"), "sizes": np.array([3, 2])},
    "wrong shape": {"format": np.array("mlmath.MLP/1"), "sizes": np.array([3, 2]),
                    "activations": np.array([], dtype=str), "dtype": np.array("float64"),
                    "W0": np.zeros((2, 3)), "b0": np.zeros(2)},
    "nan weights": {"format": np.array("mlmath.MLP/1"), "sizes": np.array([3, 2]),
                    "activations": np.array([], dtype=str), "dtype": np.array("float64"),
                    "W0": np.full((3, 2), np.nan), "b0": np.zeros(2)},
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_load_rejects_bad_files(tmp_path, case):
    """Does loading a broken model file raise a ValueError naming the file?"""
    path = tmp_path / "bad.npz"
    _write(path, **BAD_FILES[case])
    with pytest.raises(ValueError, match=r"bad\.npz is not a valid mlmath MLP file"):
        load_model(path)


def test_load_refuses_pickled_objects(tmp_path):
    """Is a file holding a pickled object array refused rather than unpickled?"""
    path = tmp_path / "evil.npz"
    _write(path, format=np.array(["mlmath.MLP/1", None], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle"):
        load_model(path)
