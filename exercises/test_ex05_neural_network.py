"""Public tests for exercise 5, a small neural network.

Each task's tests call only that task's own function(s), on fixed data made here. Gradients
are checked against central differences computed in float64 inside the tests.
"""

import ex05_neural_network as ex
import numpy as np
import pytest
from _feedback import check_answer, check_close, check_raises, check_true


def _central_grad(f, a, eps=1e-6):
    """Central-difference gradient of the scalar function f at array a (a is restored)."""
    grad = np.zeros_like(a, dtype=np.float64)
    for i in np.ndindex(a.shape):
        old = a[i]
        a[i] = old + eps
        up = f()
        a[i] = old - eps
        down = f()
        a[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def _ce(logits, y):
    """Cross-entropy via scipy-free log-sum-exp, the tests' own reference."""
    m = logits.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(logits - m).sum(axis=1, keepdims=True)))[:, 0]
    return float(np.mean(lse - logits[np.arange(len(y)), y]))


def _blobs(n, seed):
    """Two Gaussian blobs in 2-D, labels 0 and 1."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    X = rng.normal(size=(n, 2)) * 0.6 + np.where(y[:, None] == 1, 1.0, -1.0)
    return X, y


# ---------------------------------------------------------------- 5.1 split


@pytest.mark.task_5_1
@pytest.mark.parametrize("n, fractions", [(100, (0.6, 0.2, 0.2)), (37, (0.5, 0.25, 0.25)),
                                          (10, (0.8, 0.2, 0.0)), (7, (0.7, 0.2, 0.1))])
def test_split_is_a_partition_with_the_right_sizes(n, fractions):
    """Do the three index sets hold every index 0..n-1 exactly once, with the stated sizes?"""
    tr, va, te = ex.train_val_test_split(n, fractions, seed=3)
    allidx = np.concatenate([tr, va, te])
    inputs = {"n": n, "fractions": fractions}
    check_true("5.1", "train_val_test_split: every index exactly once",
               np.array_equal(np.sort(allidx), np.arange(n)), inputs=inputs, got=allidx,
               hint="cut one permutation into three consecutive pieces.")
    sizes = [len(tr), len(va), len(te)]
    n_tr, n_va = round(fractions[0] * n), round(fractions[1] * n)
    check_close("5.1", "train_val_test_split: sizes", sizes, [n_tr, n_va, n - n_tr - n_va],
                inputs=inputs, hint="n_train = round(f0 * n), n_val = round(f1 * n), test: "
                                    "the rest.")


@pytest.mark.task_5_1
def test_split_is_shuffled_and_reproducible():
    """Does the same seed give the same split, a different seed a different one, and is the
    training set shuffled rather than 0, 1, 2, ...?"""
    a = ex.train_val_test_split(50, seed=1)
    b = ex.train_val_test_split(50, seed=1)
    c = ex.train_val_test_split(50, seed=2)
    check_true("5.1", "train_val_test_split: same seed, same split",
               all(np.array_equal(u, v) for u, v in zip(a, b, strict=True)),
               inputs={"n": 50, "seed": 1}, hint="use np.random.default_rng(seed).permutation(n).")
    check_true("5.1", "train_val_test_split: different seed, different split",
               not np.array_equal(a[0], c[0]), inputs={"n": 50, "seeds": (1, 2)},
               hint="use np.random.default_rng(seed).permutation(n).")
    check_true("5.1", "train_val_test_split: shuffled", not np.array_equal(a[0], np.arange(30)),
               inputs={"n": 50}, got=a[0], hint="shuffle before cutting: data often arrives "
                                                 "sorted by class.")


@pytest.mark.task_5_1
def test_split_rejects_bad_fractions():
    """Are fractions that don't sum to 1, or that are negative, refused with a ValueError?"""
    check_raises("5.1", "train_val_test_split: fractions summing to 1.1",
                 ex.train_val_test_split, 10, (0.6, 0.3, 0.2), exc=ValueError,
                 hint="check that the fractions sum to 1 (within 1e-9).")
    check_raises("5.1", "train_val_test_split: a negative fraction",
                 ex.train_val_test_split, 10, (1.2, -0.2, 0.0), exc=ValueError,
                 hint="every fraction must be >= 0.")


# ---------------------------------------------------------------- 5.2 dense backward


@pytest.mark.task_5_2
def test_dense_backward_shapes():
    """For G (4, 2), X (4, 3), W (3, 2), are dX, dW, db shaped (4, 3), (3, 2), (2,)?"""
    rng = np.random.default_rng(0)
    G, X, W = rng.normal(size=(4, 2)), rng.normal(size=(4, 3)), rng.normal(size=(3, 2))
    dX, dW, db = ex.dense_backward(G, X, W)
    got = (np.shape(dX), np.shape(dW), np.shape(db))
    check_true("5.2", "dense_backward: shapes", got == ((4, 3), (3, 2), (2,)), got=got,
               inputs={"G": G.shape, "X": X.shape, "W": W.shape},
               hint="each gradient has the shape of the thing it is the gradient of.")


@pytest.mark.task_5_2
def test_dense_backward_matches_central_differences():
    """With L = sum(G * (X @ W + b)), do dX, dW, db match central differences of L?"""
    rng = np.random.default_rng(1)
    G, X = rng.normal(size=(5, 2)), rng.normal(size=(5, 3))
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)

    def L():
        return float(np.sum(G * (X @ W + b)))

    dX, dW, db = ex.dense_backward(G, X, W)
    inputs = {"G": G, "X": X, "W": W}
    check_close("5.2", "dense_backward: dW", dW, _central_grad(L, W), inputs=inputs, rtol=1e-6,
                atol=1e-8, hint="dW = X.T @ G: W[k, j] meets X[i, k] in every row i.")
    check_close("5.2", "dense_backward: db", db, _central_grad(L, b), inputs=inputs, rtol=1e-6,
                atol=1e-8, hint="b is added to every row, so sum G over the rows (axis 0).")
    check_close("5.2", "dense_backward: dX", dX, _central_grad(L, X), inputs=inputs, rtol=1e-6,
                atol=1e-8, hint="dX = G @ W.T.")


# ---------------------------------------------------------------- 5.3 relu backward


@pytest.mark.task_5_3
def test_relu_backward_values_including_zero():
    """Does relu_backward pass G where Z > 0 and give 0 where Z <= 0 (including Z = 0)?"""
    Z = np.array([[-2.0, 0.0, 3.0], [0.5, -0.1, 0.0]])
    G = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    check_close("5.3", "relu_backward", ex.relu_backward(G, Z), [[0, 0, 3.0], [4.0, 0, 0]],
                inputs={"G": G, "Z": Z},
                hint="multiply G by the local derivative (Z > 0), entry by entry; at 0 use 0.")


@pytest.mark.task_5_3
def test_relu_backward_matches_central_differences():
    """With L = sum(G * relu(Z)), does relu_backward match central differences (Z away from 0)?"""
    rng = np.random.default_rng(2)
    Z = rng.normal(size=(4, 5))
    Z[np.abs(Z) < 0.05] = 0.3
    G = rng.normal(size=(4, 5))
    got = ex.relu_backward(G, Z)
    expected = _central_grad(lambda: float(np.sum(G * np.maximum(Z, 0))), Z)
    check_close("5.3", "relu_backward", got, expected, inputs={"G": G, "Z": Z}, rtol=1e-6,
                atol=1e-8, hint="the result has the shape of Z; keep G where Z > 0.")


# ---------------------------------------------------------------- 5.4 softmax


@pytest.mark.task_5_4
def test_softmax_small_logits():
    """On logits [[1, 2, 3], [0, 0, 0]], does softmax give exp(z) / sum(exp(z)) per row?"""
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    check_close("5.4", "softmax", ex.softmax(z), expected, inputs={"logits": z},
                hint="normalise each row (axis=1, keepdims=True), not the whole array.")


@pytest.mark.task_5_4
def test_softmax_huge_logits_stay_finite():
    """On logits [[1000, 1000], [-1000, 0]], is softmax finite: [[0.5, 0.5], [0, 1]]?"""
    z = np.array([[1000.0, 1000.0], [-1000.0, 0.0]])
    check_close("5.4", "softmax: huge logits", ex.softmax(z), [[0.5, 0.5], [0.0, 1.0]],
                inputs={"logits": z},
                hint="exp(1000) overflows; subtract each row's max first (it cancels).")


@pytest.mark.task_5_4
def test_softmax_rows_sum_to_one():
    """For random logits of shape (6, 4), is every row non-negative and summing to 1?"""
    z = np.random.default_rng(3).normal(size=(6, 4)) * 5
    p = ex.softmax(z)
    check_close("5.4", "softmax: row sums", np.sum(p, axis=1), np.ones(6), inputs={"logits": z},
                hint="divide by the sum over each row.")
    check_true("5.4", "softmax: non-negative", bool(np.all(p >= 0)), inputs={"logits": z},
               got=p, hint="exp is never negative.")


# ---------------------------------------------------------------- 5.5 cross-entropy


@pytest.mark.task_5_5
def test_cross_entropy_loss_value():
    """Is the loss the mean of -log softmax(z)[i, y_i] on a small example?"""
    z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [0.0, 0.0, 0.0]])
    y = np.array([0, 2, 1])
    loss, _ = ex.softmax_cross_entropy(z, y)
    check_close("5.5", "softmax_cross_entropy: loss", loss, _ce(z, y),
                inputs={"logits": z, "y": y},
                hint="loss = mean over rows of log(sum_j exp(z_ij)) - z_i,y_i.")


@pytest.mark.task_5_5
def test_cross_entropy_gradient_matches_central_differences():
    """Does dlogits match central differences of the loss, with shape (n, K)?"""
    rng = np.random.default_rng(4)
    z = rng.normal(size=(5, 3))
    y = np.array([0, 1, 2, 1, 0])
    _, dz = ex.softmax_cross_entropy(z, y)
    check_close("5.5", "softmax_cross_entropy: dlogits", dz, _central_grad(lambda: _ce(z, y), z),
                inputs={"logits": z, "y": y}, rtol=1e-5, atol=1e-8,
                hint="(softmax(z) - one_hot(y)) / n: don't forget to divide by n.")


@pytest.mark.task_5_5
def test_cross_entropy_huge_logits():
    """For logits [[1000, 0]] and y = [1], is the loss 1000 (finite) and the gradient [1, -1]?"""
    z = np.array([[1000.0, 0.0]])
    y = np.array([1])
    loss, dz = ex.softmax_cross_entropy(z, y)
    check_close("5.5", "softmax_cross_entropy: huge logits, loss", loss, 1000.0,
                inputs={"logits": z, "y": y},
                hint="compute log p with the max shift (log-sum-exp), not log(softmax(z)): "
                     "p = exp(-1000) rounds to 0 and log(0) = -inf.")
    check_close("5.5", "softmax_cross_entropy: huge logits, gradient", dz, [[1.0, -1.0]],
                inputs={"logits": z, "y": y}, hint="predicted minus true: [1, 0] - [0, 1].")


# ---------------------------------------------------------------- 5.6 mlp backprop


def _small_net(seed=5):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4) * 0.1,
              "W2": rng.normal(size=(4, 3)), "b2": rng.normal(size=3) * 0.1}
    X = rng.normal(size=(6, 3))
    y = np.array([0, 1, 2, 2, 1, 0])
    return params, X, y


def _net_loss(params, X, y):
    H = np.maximum(X @ params["W1"] + params["b1"], 0.0)
    return _ce(H @ params["W2"] + params["b2"], y)


@pytest.mark.task_5_6
def test_mlp_loss_value_and_grad_shapes():
    """Is the loss the network's mean cross-entropy, and is each gradient shaped like its
    parameter?"""
    params, X, y = _small_net()
    loss, grads = ex.mlp_loss_and_grads(params, X, y)
    check_close("5.6", "mlp_loss_and_grads: loss", loss, _net_loss(params, X, y),
                inputs={"X": X, "y": y},
                hint="logits = relu(X @ W1 + b1) @ W2 + b2, then softmax cross-entropy.")
    shapes = {k: np.shape(v) for k, v in grads.items()}
    check_true("5.6", "mlp_loss_and_grads: gradient keys and shapes",
               shapes == {k: v.shape for k, v in params.items()}, got=shapes,
               hint='return a dict with keys "W1", "b1", "W2", "b2", shaped like the params.')


@pytest.mark.task_5_6
@pytest.mark.parametrize("key", ["W1", "b1", "W2", "b2"])
def test_mlp_grads_match_central_differences(key):
    """Does the gradient for each parameter match central differences of the loss?"""
    params, X, y = _small_net()
    _, grads = ex.mlp_loss_and_grads(params, X, y)
    expected = _central_grad(lambda: _net_loss(params, X, y), params[key])
    check_close("5.6", f"mlp_loss_and_grads: d loss / d {key}", grads[key], expected,
                inputs={"X shape": X.shape, "y": y}, rtol=1e-5, atol=1e-7,
                hint="go backwards: dlogits -> dense_backward (W2, b2, dH) -> relu_backward "
                     "with Z1 -> dense_backward (W1, b1).")


# ---------------------------------------------------------------- 5.7 sgd step


@pytest.mark.task_5_7
def test_sgd_step_values():
    """Is each new parameter theta - lr * grad?"""
    params = {"W": np.array([[1.0, 2.0]]), "b": np.array([0.5])}
    grads = {"W": np.array([[0.5, -1.0]]), "b": np.array([2.0])}
    new = ex.sgd_step(params, grads, 0.1)
    check_close("5.7", "sgd_step: W", new["W"], [[0.95, 2.1]], inputs={"lr": 0.1},
                hint="step against the gradient: params[k] - lr * grads[k].")
    check_close("5.7", "sgd_step: b", new["b"], [0.3], inputs={"lr": 0.1},
                hint="update every key in the dict.")


@pytest.mark.task_5_7
def test_sgd_step_leaves_inputs_alone():
    """Are the caller's params and grads unchanged after sgd_step?"""
    params = {"W": np.array([1.0, 2.0])}
    grads = {"W": np.array([1.0, 1.0])}
    ex.sgd_step(params, grads, 0.5)
    check_close("5.7", "sgd_step must not modify params", params["W"], [1.0, 2.0],
                inputs={"lr": 0.5}, hint="build a new dict; avoid -= on the caller's arrays.")


# ---------------------------------------------------------------- 5.8 minibatches


@pytest.mark.task_5_8
@pytest.mark.parametrize("n, batch_size", [(10, 3), (12, 4), (5, 8)])
def test_minibatches_cover_everything_once(n, batch_size):
    """Do the batches hold every index once, with ceil(n / batch_size) batches of the right
    sizes?"""
    batches = ex.minibatch_indices(n, batch_size, seed=0)
    sizes = [len(b) for b in batches]
    full, rest = divmod(n, batch_size)
    expected = [batch_size] * full + ([rest] if rest else [])
    inputs = {"n": n, "batch_size": batch_size}
    check_true("5.8", "minibatch_indices: batch sizes", sizes == expected, inputs=inputs,
               got=sizes, hint="cut consecutive slices perm[k*bs:(k+1)*bs]; the last may be "
                               "smaller.")
    check_true("5.8", "minibatch_indices: every index once",
               np.array_equal(np.sort(np.concatenate(batches)), np.arange(n)), inputs=inputs,
               got=batches, hint="slice one permutation of 0..n-1.")


@pytest.mark.task_5_8
def test_minibatches_are_shuffled_per_seed():
    """Does the same seed repeat the batches, and does another seed shuffle differently?"""
    a = np.concatenate(ex.minibatch_indices(40, 8, seed=1))
    b = np.concatenate(ex.minibatch_indices(40, 8, seed=1))
    c = np.concatenate(ex.minibatch_indices(40, 8, seed=2))
    check_true("5.8", "minibatch_indices: reproducible and shuffled",
               np.array_equal(a, b) and not np.array_equal(a, c)
               and not np.array_equal(a, np.arange(40)), inputs={"n": 40, "seeds": (1, 2)},
               got=a, hint="use np.random.default_rng(seed).permutation(n).")


# ---------------------------------------------------------------- 5.9 training


@pytest.mark.task_5_9
def test_train_mlp_learns_blobs():
    """Trained on two blobs, does the training loss fall and validation accuracy exceed 90%?"""
    X, y = _blobs(200, seed=0)
    params, tl, vl = ex.train_mlp(X[:150], y[:150], X[150:], y[150:], hidden=8, epochs=20,
                                  batch_size=16, lr=0.2, seed=0)
    check_true("5.9", "train_mlp: loss curves of shape (epochs,)",
               np.shape(tl) == (20,) and np.shape(vl) == (20,), got=(np.shape(tl), np.shape(vl)),
               inputs={"epochs": 20}, hint="record one training and one validation loss per "
                                           "epoch.")
    check_true("5.9", "train_mlp: the training loss falls", tl[-1] < 0.5 * tl[0], got=tl,
               inputs={"epochs": 20, "lr": 0.2},
               hint="per batch: mlp_loss_and_grads on that batch, then params = sgd_step(...).")
    H = np.maximum(X[150:] @ params["W1"] + params["b1"], 0.0)
    acc = np.mean(np.argmax(H @ params["W2"] + params["b2"], axis=1) == y[150:])
    check_true("5.9", "train_mlp: validation accuracy on two blobs", acc > 0.9, got=acc,
               hint="return the trained params (the ones after the last step).")


@pytest.mark.task_5_9
def test_train_mlp_val_loss_is_measured_on_val():
    """Is val_losses[-1] the cross-entropy of the returned params on the validation set?"""
    X, y = _blobs(120, seed=1)
    params, tl, vl = ex.train_mlp(X[:80], y[:80], X[80:], y[80:], hidden=4, epochs=3,
                                  batch_size=20, lr=0.1, seed=2)
    H = np.maximum(X[80:] @ params["W1"] + params["b1"], 0.0)
    check_close("5.9", "train_mlp: last validation loss", vl[-1],
                _ce(H @ params["W2"] + params["b2"], y[80:]), inputs={"epochs": 3},
                hint="after each epoch, compute the loss of the current params on X_val, y_val.")
    H = np.maximum(X[:80] @ params["W1"] + params["b1"], 0.0)
    check_close("5.9", "train_mlp: last training loss (whole training set)", tl[-1],
                _ce(H @ params["W2"] + params["b2"], y[:80]), inputs={"epochs": 3},
                hint="after each epoch, compute the loss on the whole training set, not the "
                     "average over batches.")


@pytest.mark.task_5_9
def test_train_mlp_shuffles_anew_each_epoch(monkeypatch):
    """Does epoch e ask minibatch_indices for seed + e (a new shuffle each epoch, as the text
    says), with the training set's size and the batch size?"""
    asked = []

    def spy(n, batch_size, seed):
        asked.append((n, batch_size, seed))
        order = np.random.default_rng(seed).permutation(n)
        return [order[k:k + batch_size] for k in range(0, n, batch_size)]

    monkeypatch.setattr(ex, "minibatch_indices", spy)
    X, y = _blobs(60, seed=4)
    ex.train_mlp(X[:40], y[:40], X[40:], y[40:], hidden=4, epochs=3, batch_size=16, lr=0.1,
                 seed=7)
    check_true("5.9", "train_mlp: one new shuffle per epoch", asked == [(40, 16, 7), (40, 16, 8),
                                                                      (40, 16, 9)],
               inputs={"n_train": 40, "batch_size": 16, "epochs": 3, "seed": 7},
               got=asked, hint="in epoch e call minibatch_indices(len(X_train), batch_size, "
                               "seed + e): the same seed every epoch repeats the same batches.")


# ---------------------------------------------------------------- 5.10 save and load


@pytest.mark.task_5_10
def test_save_then_numpy_load(tmp_path):
    """Can np.load read back every array save_params wrote?"""
    params = {"W1": np.arange(6.0).reshape(2, 3), "b1": np.array([0.5, -1.0, 2.0])}
    path = tmp_path / "model.npz"
    ex.save_params(str(path), params)
    with np.load(path) as data:
        got = {k: data[k] for k in data.files}
    check_true("5.10", "save_params: keys", sorted(got) == ["W1", "b1"], got=sorted(got),
               hint="np.savez(path, **params) stores one array per key.")
    check_close("5.10", "save_params: W1 round trip", got["W1"], params["W1"],
                hint="np.savez(path, **params).")


@pytest.mark.task_5_10
def test_load_params_reads_npz(tmp_path):
    """Does load_params return a dict with the arrays np.savez wrote?"""
    path = tmp_path / "model.npz"
    W = np.array([[1.5, -2.0], [0.0, 3.0]])
    np.savez(path, W2=W, b2=np.array([1.0, 2.0]))
    got = ex.load_params(str(path))
    check_true("5.10", "load_params: returns a dict with the saved keys",
               isinstance(got, dict) and sorted(got) == ["W2", "b2"], got=got,
               hint="with np.load(path) as data: return {k: data[k] for k in data.files}.")
    check_close("5.10", "load_params: values", got["W2"], W,
                hint="copy each array out of the file.")


# ---------------------------------------------------------------- 5.11 spurious features


def _column_reader():
    """A hand-made network that looks only at column 2: class 1 exactly when x2 > 0."""
    return {"W1": np.array([[0.0, 0.0], [0.0, 0.0], [1.0, -1.0]]), "b1": np.zeros(2),
            "W2": np.array([[0.0, 1.0], [1.0, 0.0]]), "b2": np.zeros(2)}


@pytest.mark.task_5_11
def test_permutation_drops_find_the_column_the_model_reads():
    """For a network that reads only column 2, are the drops 0, 0 and exactly the accuracy
    lost by scrambling column 2 with default_rng(seed).permutation(n)?"""
    X = np.random.default_rng(21).normal(size=(200, 3))
    y = (X[:, 2] > 0).astype(int)
    perm = np.random.default_rng(5).permutation(200)
    expected = [0.0, 0.0, 1.0 - np.mean((X[perm, 2] > 0) == y)]
    check_close("5.11", "permutation_drops: a model that reads only column 2",
                ex.permutation_drops(_column_reader(), X, y, seed=5), expected,
                inputs={"n": 200, "seed": 5},
                hint="accuracy on X minus accuracy on a copy whose column j is X[perm, j], "
                     "one perm = np.random.default_rng(seed).permutation(n) for every column.")


@pytest.mark.task_5_11
def test_permutation_drops_leave_X_untouched():
    """Is the caller's X the same after permutation_drops (the scrambling is done on a copy)?"""
    X = np.random.default_rng(22).normal(size=(50, 3))
    before = X.copy()
    ex.permutation_drops(_column_reader(), X, (X[:, 2] > 0).astype(int), seed=1)
    check_true("5.11", "permutation_drops: X left untouched", np.array_equal(X, before),
               got=X, hint="scramble a copy: scrambled = X.copy(), then change scrambled.")


# ---------------------------------------------------------------- 5.12 gradient noise


def _noise_reference(G, b, n_draws, seed):
    rng = np.random.default_rng(seed)
    g = G.mean(axis=0)
    return np.mean([np.sum((G[rng.choice(len(G), size=b, replace=False)].mean(axis=0) - g)
                            ** 2) for _ in range(n_draws)])


@pytest.mark.task_5_12
def test_gradient_noise_exact_small_case():
    """On 6 gradients of length 2, batch size 2, 5 draws, seed 3: is it the documented
    average of ||g_B - g||^2, and is the input left untouched?"""
    G = np.random.default_rng(31).normal(size=(6, 2))
    before = G.copy()
    check_close("5.12", "minibatch_gradient_noise: 6 gradients, batch size 2",
                ex.minibatch_gradient_noise(G, 2, n_draws=5, seed=3),
                _noise_reference(G, 2, 5, 3), inputs={"G": G, "n_draws": 5, "seed": 3},
                hint="rng = np.random.default_rng(seed); each draw rng.choice(n, size=b, "
                     "replace=False); average the squared length of (batch mean - full mean).")
    check_true("5.12", "minibatch_gradient_noise: the gradients left untouched",
               np.array_equal(G, before), got=G, hint="read the rows; never change them.")


@pytest.mark.task_5_12
def test_gradient_noise_falls_like_one_over_b():
    """Over 3000 seeded draws, is the noise within 10% of sigma^2 / b * (n - b) / (n - 1) for
    b = 1, 4, 16, and 0 for the full batch?"""
    G = np.random.default_rng(32).normal(size=(64, 3))
    sigma2 = np.mean(np.sum((G - G.mean(axis=0)) ** 2, axis=1))
    for b in (1, 4, 16):
        formula = sigma2 / b * (64 - b) / 63
        check_close("5.12", f"minibatch_gradient_noise: batch size {b}",
                    ex.minibatch_gradient_noise(G, b, n_draws=3000, seed=1), formula,
                    rtol=0.1, inputs={"n": 64, "b": b},
                    hint="the noise of a mean of b rows falls like 1/b; compare each batch "
                         "mean with the mean of ALL rows.")
    check_close("5.12", "minibatch_gradient_noise: the full batch", ex.minibatch_gradient_noise(
        G, 64, n_draws=3, seed=1), 0.0, atol=1e-20, inputs={"n": 64, "b": 64},
        hint="a batch of all n rows is the full gradient: no noise.")


@pytest.mark.task_5_12
@pytest.mark.parametrize("b", [0, 7])
def test_gradient_noise_rejects_bad_batch_sizes(b):
    """Is a batch size of 0, or more than the n = 6 gradients, refused with ValueError?"""
    check_raises("5.12", f"minibatch_gradient_noise: batch size {b} of 6",
                 ex.minibatch_gradient_noise, np.ones((6, 2)), b, exc=ValueError,
                 hint="raise ValueError unless 1 <= batch_size <= n.")


# ---------------------------------------------------------------- think it over

# Fingerprints of the answers (sha256 of 'question:answer'), so this file does not give
# them away. Not graded; an unanswered question is skipped.
QUESTIONS = {
    "5a": "1b48c943752b282e",
    "5b": "43fa9da332d25ec5",
}


@pytest.mark.reflection
@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_think_it_over(question):
    """Is your answer to this question right (not graded)?"""
    check_answer(question, getattr(ex, f"answer_{question}", ...), QUESTIONS[question])
