"""Hidden suite for exercise 5, a small neural network (tasks 5.1 to 5.10).

Every test calls only its own task's function(s) through the sandboxed ``student`` proxy, on
seeded data made here. Gradients are checked against central differences computed here in
float64, and against an independent numpy backprop written here; shuffles, cuts and the
training loop are reproduced exactly from the docstrings' seeds. The caller's arrays after a
call, and file round trips, are observed inside the sandbox by probes (``observe`` and the
top-level functions below), which report raw values that the tests compare with their own
(grader/judge/probes.py); files go under /tmp, since the submission folder is read-only there.

Points per task (the ``# ### Task`` headers of solutions/ex05_neural_network.py):
5.1: 2, 5.2: 2, 5.3: 1, 5.4: 2, 5.5: 2, 5.6: 3, 5.7: 1, 5.8: 2, 5.9: 3, 5.10: 1.
"""

import numpy as np
from scipy.special import log_softmax
from scipy.special import softmax as scipy_softmax

from grader.judge.api import task
from grader.judge.policy import AnswerTypeError, array, close
from grader.judge.probes import VALUE_ERROR, observe, raised


def _close(got, expected, rtol=1e-9, atol=1e-12) -> bool:
    """The policy's comparison (grader/judge/policy.py): form, dtype and stated tolerance."""
    return close(got, expected, rtol=rtol, atol=atol)


def _central_grad(f, a, eps=1e-6):
    """Central-difference gradient of the scalar function f() in the array a (restored)."""
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
    """Mean cross-entropy from scipy's log_softmax: the tests' own reference."""
    return float(-np.mean(log_softmax(logits, axis=1)[np.arange(len(y)), y]))


# ---------------------------------------------------------------- 5.1 split


def _split_reference(n, fractions, seed):
    perm = np.random.default_rng(seed).permutation(n)
    n_tr, n_va = round(fractions[0] * n), round(fractions[1] * n)
    return perm[:n_tr], perm[n_tr:n_tr + n_va], perm[n_tr + n_va:]


_HINT_51 = ("shuffle with np.random.default_rng(seed).permutation(n); the first round(f0 * n) "
            "indices train, the next round(f1 * n) validate, the rest test.")


@task("5.1", points=0.75, hint=_HINT_51)
def test_split_reproduces_the_seeded_shuffle(student):
    """For several n, fractions and seeds, are the three sets exactly the documented cut of
    default_rng(seed).permutation(n)?"""
    for n, fractions, seed in [(100, (0.6, 0.2, 0.2), 0), (37, (0.5, 0.25, 0.25), 5),
                               (250, (0.7, 0.15, 0.15), 11), (13, (0.34, 0.33, 0.33), 42),
                               (64, (0.8, 0.1, 0.1), 123)]:
        got = student.train_val_test_split(n, fractions, seed)
        assert len(got) == 3
        for part, ref in zip(got, _split_reference(n, fractions, seed), strict=True):
            assert np.array_equal(np.asarray(part), ref)


@task("5.1", points=0.5, hint="the three sets together hold every index once, also when n is 0 "
      "or 1 or when a fraction is 0 (an empty set is an empty array).")
def test_split_edge_cases(student):
    """For n = 0, n = 1 and fractions with zeros, is the split still a partition with the
    right sizes?"""
    for n, fractions in [(0, (0.6, 0.2, 0.2)), (1, (1.0, 0.0, 0.0)), (9, (0.0, 0.0, 1.0)),
                         (10, (0.0, 1.0, 0.0)), (7, (0.5, 0.5, 0.0))]:
        got = [np.asarray(p) for p in student.train_val_test_split(n, fractions, 3)]
        ref = _split_reference(n, fractions, 3)
        assert [len(p) for p in got] == [len(r) for r in ref]
        allidx = np.concatenate([p.reshape(-1) for p in got]) if n else np.array([])
        assert np.array_equal(np.sort(allidx), np.arange(n))


@task("5.1", points=0.5, hint="raise ValueError unless fractions are three non-negative "
      "numbers whose sum is 1 (within 1e-9).")
def test_split_rejects_bad_fractions(student):
    """Are two fractions, a negative one, or a sum of 0.9 or 1 + 1e-6 refused with
    ValueError?"""
    for bad in [(0.5, 0.5), (1.2, -0.2, 0.0), (0.5, 0.2, 0.2), (0.6, 0.2, 0.200001),
                (0.25, 0.25, 0.25, 0.25)]:
        assert VALUE_ERROR in raised(student, "train_val_test_split", 20, bad, 0)
    assert raised(student, "train_val_test_split", 20, (0.6, 0.2, 0.2), 0) == ()


@task("5.1", points=0.25, hint="return index arrays of integers (slices of the permutation), "
      "usable as X[train_idx].")
def test_split_returns_integer_arrays(student):
    """Are the three sets integer arrays?"""
    got = student.train_val_test_split(30, (0.6, 0.2, 0.2), 8)
    for part in got:
        part = np.asarray(part)
        assert part.ndim == 1 and np.issubdtype(part.dtype, np.integer)


# ---------------------------------------------------------------- 5.2 dense backward


def _dense_problem(rng, n, d_in, d_out):
    return (rng.normal(size=(n, d_out)), rng.normal(size=(n, d_in)),
            rng.normal(size=(d_in, d_out)), rng.normal(size=d_out))


@task("5.2", points=1, hint="dX = G @ W.T, dW = X.T @ G, db = G summed over the rows "
      "(axis 0): W[k, j] meets X[i, k] in every row i.")
def test_dense_backward_central_differences(student):
    """With L = sum(G * (X W + b)) for seeded random shapes, do dX, dW, db match central
    differences?"""
    rng = np.random.default_rng(502)
    for n, d_in, d_out in [(5, 3, 2), (4, 2, 6)]:
        G, X, W, b = _dense_problem(rng, n, d_in, d_out)

        def L(G=G, X=X, W=W, b=b):
            return float(np.sum(G * (X @ W + b)))

        dX, dW, db = student.dense_backward(G, X, W)
        assert _close(dW, _central_grad(L, W), rtol=1e-6, atol=1e-8)
        assert _close(db, _central_grad(L, b), rtol=1e-6, atol=1e-8)
        assert _close(dX, _central_grad(L, X), rtol=1e-6, atol=1e-8)


@task("5.2", points=0.5, hint="each gradient has the shape of what it is the gradient of: dX "
      "(n, d_in), dW (d_in, d_out), db (d_out,) -- a 1-d vector, also when n = 1.")
def test_dense_backward_shapes_edge_cases(student):
    """With n = 1, d_out = 1 or d_in = 1, are the three gradients shaped like X, W and b?"""
    rng = np.random.default_rng(512)
    for n, d_in, d_out in [(1, 3, 2), (4, 3, 1), (2, 1, 5), (1, 1, 1)]:
        G, X, W, _ = _dense_problem(rng, n, d_in, d_out)
        dX, dW, db = student.dense_backward(G, X, W)
        assert np.shape(dX) == (n, d_in) and np.shape(dW) == (d_in, d_out)
        assert np.shape(db) == (d_out,)
        assert _close(db, G.sum(axis=0), rtol=1e-12)


@task("5.2", points=0.5, hint="transposes matter when the layer is not square: dW = X.T @ G "
      "and dX = G @ W.T.")
def test_dense_backward_exact_on_larger_layers(student):
    """On a seeded (32, 10) -> (32, 7) layer, do the gradients equal the matrix formulas?"""
    rng = np.random.default_rng(522)
    G, X, W, _ = _dense_problem(rng, 32, 10, 7)
    dX, dW, db = student.dense_backward(G, X, W)
    assert _close(dX, G @ W.T, rtol=1e-10)
    assert _close(dW, X.T @ G, rtol=1e-10)
    assert _close(db, G.sum(axis=0), rtol=1e-10)


# ---------------------------------------------------------------- 5.3 relu backward


@task("5.3", points=0.5, hint="multiply G entry by entry by the local derivative: 1 where "
      "Z > 0, else 0.")
def test_relu_backward_central_differences(student):
    """With L = sum(G * relu(Z)) and Z away from 0, does relu_backward match central
    differences?"""
    rng = np.random.default_rng(503)
    Z = rng.normal(size=(6, 5))
    Z[np.abs(Z) < 0.05] = -0.4
    G = rng.normal(size=(6, 5))
    expected = _central_grad(lambda: float(np.sum(G * np.maximum(Z, 0.0))), Z)
    assert _close(student.relu_backward(G, Z), expected, rtol=1e-6, atol=1e-8)


@task("5.3", points=0.5, hint="at exactly Z = 0 the gradient is 0 (as in PyTorch); the result "
      "has the shape of Z, whatever the number of dimensions.")
def test_relu_backward_zeros_and_any_shape(student):
    """Is the gradient 0 at Z = 0 and -0.0, right on tiny and huge Z, and for 1-d and 3-d
    arrays?"""
    Z = np.array([0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300, 2.0])
    G = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    assert _close(student.relu_backward(G, Z), [0, 0, 3.0, 0, 5.0, 0, 7.0], rtol=0, atol=0)
    rng = np.random.default_rng(513)
    Z = rng.normal(size=(2, 3, 4))
    Z[0, 1, 2] = 0.0
    G = rng.normal(size=(2, 3, 4))
    assert _close(student.relu_backward(G, Z), np.where(Z > 0, G, 0.0), rtol=0, atol=0)


# ---------------------------------------------------------------- 5.4 softmax


@task("5.4", points=0.5, hint="exponentiate and divide by each row's sum (axis=1, "
      "keepdims=True), not the sum of the whole array.")
def test_softmax_random_logits(student):
    """On seeded random logits of several shapes, does softmax match scipy.special.softmax
    row by row?"""
    rng = np.random.default_rng(504)
    for shape in [(1, 3), (6, 4), (10, 2), (3, 7)]:
        z = rng.normal(scale=4.0, size=shape)
        assert _close(student.softmax(z), scipy_softmax(z, axis=1), rtol=1e-10, atol=1e-15)


@task("5.4", points=0.5, hint="exp(1000) overflows to inf and inf/inf = nan: subtract each "
      "row's maximum before exponentiating (it cancels in the ratio).")
def test_softmax_huge_logits(student):
    """On logits like 1000, -1000 and 1e4, is softmax finite and right?"""
    z = np.array([[1000.0, 1000.0, 999.0], [-1000.0, -1000.0, -2000.0],
                  [1e4, 0.0, -1e4], [800.0, -800.0, 0.0]])
    got = array(student.softmax(z), z.shape, "an (n, K) array")  # its own dtype (the policy)
    assert np.all(np.isfinite(got))
    assert _close(got, scipy_softmax(z, axis=1), rtol=1e-12, atol=1e-300)


@task("5.4", points=0.5, hint="adding the same number to every logit of a row changes nothing; "
      "with the max shift that holds even for shifts of many hundreds.")
def test_softmax_shift_invariance(student):
    """Is softmax(z + c) = softmax(z) for per-row shifts c up to +-800, with rows summing to
    1?"""
    rng = np.random.default_rng(514)
    z = rng.normal(size=(5, 4))
    c = np.array([[0.0], [800.0], [-800.0], [300.0], [-50.0]])
    base = array(student.softmax(z), z.shape, "an (n, K) array")
    shifted = array(student.softmax(z + c), z.shape, "an (n, K) array")
    assert _close(shifted, base.astype(float), rtol=1e-9, atol=1e-15)
    assert _close(shifted.sum(axis=1), np.ones(5), rtol=1e-12)
    assert np.all(shifted >= 0)


@task("5.4", points=0.5, hint="with one class every probability is 1; ties share equally; "
      "keep the shape (n, K).")
def test_softmax_edge_shapes_and_ties(student):
    """For one class, ties and a single row, are the shapes and values right?"""
    assert _close(student.softmax(np.array([[3.0], [-500.0], [0.0]])), np.ones((3, 1)))
    assert _close(student.softmax(np.full((2, 5), 7.5)), np.full((2, 5), 0.2), rtol=1e-12)
    z = np.array([[-1.0, 4.0, 4.0, 2.0]])
    assert _close(student.softmax(z), scipy_softmax(z, axis=1), rtol=1e-12)


# ---------------------------------------------------------------- 5.5 cross-entropy


def _ce_grad(z, y):
    p = scipy_softmax(z, axis=1)
    p[np.arange(len(y)), y] -= 1.0
    return p / len(y)


def _loss_and_grad(got):
    assert isinstance(got, (tuple, list)) and len(got) == 2
    loss, dz = got
    assert np.ndim(loss) == 0
    return float(loss), np.asarray(dz, dtype=float)


@task("5.5", points=0.5, hint="loss = mean over rows of log(sum_j exp(z_ij)) - z_i,y_i; return "
      "(loss, dlogits) with loss a single number.")
def test_cross_entropy_random_loss(student):
    """On seeded random logits and labels, is the loss the mean cross-entropy?"""
    rng = np.random.default_rng(505)
    for n, K in [(1, 2), (8, 3), (20, 5)]:
        z = rng.normal(scale=3.0, size=(n, K))
        y = rng.integers(0, K, size=n)
        loss, _ = _loss_and_grad(student.softmax_cross_entropy(z, y))
        assert np.isclose(loss, _ce(z, y), rtol=1e-10, atol=0.0)


@task("5.5", points=0.5, hint="dlogits = (softmax(z) - one_hot(y)) / n, shape (n, K).")
def test_cross_entropy_gradient_central_differences(student):
    """Does dlogits match central differences of the loss on seeded random logits?"""
    rng = np.random.default_rng(515)
    z = rng.normal(scale=2.0, size=(6, 4))
    y = rng.integers(0, 4, size=6)
    _, dz = _loss_and_grad(student.softmax_cross_entropy(z, y))
    assert _close(dz, _central_grad(lambda: _ce(z, y), z), rtol=1e-5, atol=1e-8)


@task("5.5", points=0.5, hint="compute log p with the max shift (log-sum-exp), not "
      "log(softmax(z)): a tiny probability rounds to 0 and log(0) = -inf.")
def test_cross_entropy_huge_logits(student):
    """For logits of size 1e4 whose right class gets a tiny probability, are the loss and its
    gradient finite and right?"""
    z = np.array([[1e4, 0.0, -1e4], [1000.0, 1000.0, -1000.0]])
    y = np.array([2, 0])
    loss, dz = _loss_and_grad(student.softmax_cross_entropy(z, y))
    assert np.isfinite(loss) and np.all(np.isfinite(dz))
    assert np.isclose(loss, (2e4 + np.log(2.0)) / 2, rtol=1e-12, atol=0.0)
    assert _close(dz, [[0.5, 0.0, -0.5], [-0.25, 0.25, 0.0]], rtol=1e-12, atol=1e-15)


@task("5.5", points=0.5, hint="the loss and its gradient are averages over the n rows: each "
      "row of dlogits sums to 0, and repeating the data leaves both unchanged.")
def test_cross_entropy_mean_over_rows(student):
    """Does stacking the same batch twice leave loss and gradient (per row) consistent, with
    rows of dlogits summing to 0?"""
    rng = np.random.default_rng(525)
    z = rng.normal(size=(4, 3))
    y = np.array([0, 2, 1, 2])
    loss1, dz1 = _loss_and_grad(student.softmax_cross_entropy(z, y))
    loss2, dz2 = _loss_and_grad(student.softmax_cross_entropy(np.vstack([z, z]),
                                                              np.concatenate([y, y])))
    assert np.isclose(loss1, loss2, rtol=1e-12, atol=0.0)
    assert _close(dz2, np.vstack([dz1, dz1]) / 2, rtol=1e-12, atol=1e-15)
    assert _close(dz1, _ce_grad(z, y), rtol=1e-10, atol=1e-15)
    assert _close(dz1.sum(axis=1), np.zeros(4), atol=1e-15)


# ---------------------------------------------------------------- 5.6 mlp backprop

_KEYS = ("W1", "b1", "W2", "b2")


def _small_net(seed, d=3, hidden=5, K=4, n=7, scale2=1.0):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(size=(d, hidden)), "b1": rng.normal(size=hidden) * 0.1,
              "W2": rng.normal(size=(hidden, K)) * scale2, "b2": rng.normal(size=K) * 0.1}
    X = rng.normal(size=(n, d))
    y = rng.integers(0, K, size=n)
    Z1 = X @ params["W1"] + params["b1"]
    params["b1"] = params["b1"] + np.where(np.abs(Z1).min(axis=0) < 1e-3, 0.01, 0.0)
    return params, X, y


def _net_loss(params, X, y):
    H = np.maximum(X @ params["W1"] + params["b1"], 0.0)
    return _ce(H @ params["W2"] + params["b2"], y)


def _net_grads(params, X, y):
    """An independent numpy backprop (the tests' own)."""
    Z1 = X @ params["W1"] + params["b1"]
    H = np.maximum(Z1, 0.0)
    dlog = _ce_grad(H @ params["W2"] + params["b2"], y)
    dH = dlog @ params["W2"].T
    dZ1 = dH * (Z1 > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": H.T @ dlog, "b2": dlog.sum(axis=0)}


def _mlp_answer(student, params, X, y):
    got = student.mlp_loss_and_grads(params, X, y)
    assert isinstance(got, (tuple, list)) and len(got) == 2
    loss, grads = got
    assert np.ndim(loss) == 0 and isinstance(grads, dict)
    assert sorted(grads) == sorted(_KEYS)
    return float(loss), {k: np.asarray(v, dtype=float) for k, v in grads.items()}


_HINT_56 = ("go backwards, keeping the forward values: dlogits from softmax cross-entropy -> "
            "dense_backward with H and W2 (gives dW2, db2, dH) -> relu_backward with Z1 -> "
            "dense_backward with X and W1 (gives dW1, db1).")


@task("5.6", points=0.5, hint="logits = relu(X @ W1 + b1) @ W2 + b2, then the mean softmax "
      "cross-entropy; return (loss, grads) with grads a dict keyed W1, b1, W2, b2, each shaped "
      "like its parameter.")
def test_mlp_loss_value_and_grad_shapes(student):
    """Is the loss the network's mean cross-entropy, with each gradient shaped like its
    parameter?"""
    for seed in (506, 516):
        params, X, y = _small_net(seed)
        loss, grads = _mlp_answer(student, params, X, y)
        assert np.isclose(loss, _net_loss(params, X, y), rtol=1e-10, atol=0.0)
        assert all(grads[k].shape == params[k].shape for k in _KEYS)


def _check_grad_of(student, key):
    params, X, y = _small_net(526)
    _, grads = _mlp_answer(student, params, X, y)
    expected = _central_grad(lambda: _net_loss(params, X, y), params[key])
    assert _close(grads[key], expected, rtol=1e-5, atol=1e-8)
    params, X, y = _small_net(536, d=2, hidden=8, K=2, n=12)
    _, grads = _mlp_answer(student, params, X, y)
    assert _close(grads[key], _net_grads(params, X, y)[key], rtol=1e-8, atol=1e-12)


@task("5.6", points=0.5, hint=_HINT_56)
def test_mlp_grad_W1_central_differences(student):
    """Does dL/dW1 match central differences of the loss (and an independent backprop)?"""
    _check_grad_of(student, "W1")


@task("5.6", points=0.5, hint=_HINT_56)
def test_mlp_grad_b1_central_differences(student):
    """Does dL/db1 match central differences of the loss (and an independent backprop)?"""
    _check_grad_of(student, "b1")


@task("5.6", points=0.5, hint=_HINT_56)
def test_mlp_grad_W2_central_differences(student):
    """Does dL/dW2 match central differences of the loss (and an independent backprop)?"""
    _check_grad_of(student, "W2")


@task("5.6", points=0.5, hint=_HINT_56)
def test_mlp_grad_b2_central_differences(student):
    """Does dL/db2 match central differences of the loss (and an independent backprop)?"""
    _check_grad_of(student, "b2")


@task("5.6", points=0.5, hint="with very confident logits the loss must stay finite: use the "
      "stable softmax cross-entropy (max shift) for the loss and for dlogits.")
def test_mlp_huge_logits_stay_finite(student):
    """With second-layer weights 1000 times larger (logits in the thousands), are loss and
    gradients finite and right?"""
    params, X, y = _small_net(546, scale2=1000.0)
    loss, grads = _mlp_answer(student, params, X, y)
    assert np.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads.values())
    assert np.isclose(loss, _net_loss(params, X, y), rtol=1e-10, atol=0.0)
    ref = _net_grads(params, X, y)
    for k in _KEYS:
        assert _close(grads[k], ref[k], rtol=1e-8, atol=1e-10)


# ---------------------------------------------------------------- 5.7 sgd step


def _random_params(rng):
    return {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4),
            "W2": rng.normal(size=(4, 2)), "b2": rng.normal(size=2)}


@task("5.7", points=0.5, hint="step against the gradient, for every key: params[k] - lr * "
      "grads[k].")
def test_sgd_step_random_values(student):
    """On seeded random parameters, gradients and learning rates, is every new parameter
    theta - lr * g?"""
    rng = np.random.default_rng(507)
    for lr in (0.1, 0.75, 1e-3):
        params, grads = _random_params(rng), _random_params(rng)
        new = student.sgd_step(params, grads, lr)
        assert sorted(new) == sorted(params)
        for k in params:
            assert _close(new[k], params[k] - lr * grads[k], rtol=1e-12, atol=1e-15)


@task("5.7", points=0.5, hint="build and return a new dict of new arrays ({k: params[k] - lr * "
      "grads[k] for k in params}); don't use -= on the caller's arrays.")
def test_sgd_step_leaves_inputs_alone(student):
    """Are the caller's params and grads unchanged, and is the result a new dict of new
    arrays?"""
    rng = np.random.default_rng(517)
    params, grads = _random_params(rng), _random_params(rng)
    call = observe(student, "sgd_step", params, grads, 0.3)
    # The caller's dicts as they were after the call, compared with the test's own: a step
    # done in place (-=) changes them, and so would handing back the caller's arrays.
    for sent, after in zip((params, grads), call.args[:2], strict=True):
        assert isinstance(after, dict) and sorted(after) == sorted(sent)
        assert all(np.array_equal(after[k], sent[k]) for k in sent)
    new = call.returned
    assert isinstance(new, dict) and sorted(new) == sorted(params)
    for k in params:
        assert _close(new[k], params[k] - 0.3 * grads[k], rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------- 5.8 minibatches


def _batches_reference(n, batch_size, seed):
    perm = np.random.default_rng(seed).permutation(n)
    return [perm[s:s + batch_size] for s in range(0, n, batch_size)]


@task("5.8", points=1, hint="perm = np.random.default_rng(seed).permutation(n); batch k is "
      "perm[k * batch_size:(k + 1) * batch_size], in order.")
def test_minibatches_reproduce_the_seeded_shuffle(student):
    """For several n, batch sizes and seeds, are the batches exactly the documented cuts?"""
    for n, bs, seed in [(100, 32, 0), (57, 8, 3), (12, 4, 19), (200, 64, 7), (33, 10, 1000)]:
        got = student.minibatch_indices(n, bs, seed)
        ref = _batches_reference(n, bs, seed)
        assert isinstance(got, list) and len(got) == len(ref)
        for b, r in zip(got, ref, strict=True):
            assert np.array_equal(np.asarray(b), r)


@task("5.8", points=0.5, hint="ceil(n / batch_size) batches: one batch when batch_size >= n, n "
      "batches of one when batch_size = 1; only the last batch may be smaller.")
def test_minibatches_edge_sizes(student):
    """With batch size 1, batch size equal to or above n, and n = 1, are the batch sizes
    right?"""
    for n, bs in [(7, 1), (10, 10), (5, 50), (1, 3), (9, 4)]:
        got = student.minibatch_indices(n, bs, 2)
        sizes = [len(np.asarray(b)) for b in got]
        full, rest = divmod(n, bs)
        assert sizes == [bs] * full + ([rest] if rest else [])
        assert np.array_equal(np.sort(np.concatenate([np.asarray(b) for b in got])),
                              np.arange(n))


@task("5.8", points=0.5, hint="return a list of integer index arrays; different seeds give "
      "different orders (use a fresh default_rng(seed) each call).")
def test_minibatches_types_and_seeds(student):
    """Is the result a list of integer arrays, the same for the same seed and different for
    another?"""
    a = student.minibatch_indices(60, 16, 5)
    b = student.minibatch_indices(60, 16, 5)
    c = student.minibatch_indices(60, 16, 6)
    assert isinstance(a, list)
    assert all(np.issubdtype(np.asarray(x).dtype, np.integer) for x in a)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(np.concatenate(a), np.concatenate(c))


# ---------------------------------------------------------------- 5.9 training


def _init_params(n_in, n_hidden, n_out, seed):
    """The exercise's given initialisation (He scaling, zero biases), reproduced here."""
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_hidden)),
            "b1": np.zeros(n_hidden),
            "W2": rng.normal(0.0, np.sqrt(1.0 / n_hidden), size=(n_hidden, n_out)),
            "b2": np.zeros(n_out)}


def _train_reference(X_tr, y_tr, X_va, y_va, hidden, epochs, batch_size, lr, seed):
    K = int(max(y_tr.max(), y_va.max())) + 1
    params = _init_params(X_tr.shape[1], hidden, K, seed)
    tl, vl = [], []
    for epoch in range(epochs):
        for idx in _batches_reference(len(X_tr), batch_size, seed + epoch):
            grads = _net_grads(params, X_tr[idx], y_tr[idx])
            params = {k: params[k] - lr * grads[k] for k in params}
        tl.append(_net_loss(params, X_tr, y_tr))
        vl.append(_net_loss(params, X_va, y_va))
    return params, np.array(tl), np.array(vl)


def _three_blobs(n, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    centres = np.array([[-1.5, 0.0], [1.5, 0.5], [0.0, 2.0]])
    return centres[y] + 0.5 * rng.normal(size=(n, 2)), y


def _train_answer(student, *args, **kwargs):
    got = student.train_mlp(*args, **kwargs)
    assert isinstance(got, (tuple, list)) and len(got) == 3
    params, tl, vl = got
    assert isinstance(params, dict) and sorted(params) == sorted(_KEYS)
    return ({k: np.asarray(v, dtype=float) for k, v in params.items()},
            np.asarray(tl, dtype=float), np.asarray(vl, dtype=float))


_TRAIN_ARGS = {"hidden": 6, "epochs": 4, "batch_size": 8, "lr": 0.3, "seed": 9}


@task("5.9", points=0.75, hint="start from init_params(d, hidden, K, seed); epoch e uses "
      "minibatch_indices(n_train, batch_size, seed + e), with one sgd_step per batch on "
      "mlp_loss_and_grads of that batch; return the params after the last step.")
def test_train_mlp_reproduces_parameters(student):
    """On a small seeded 3-class problem, are the trained parameters exactly those of the
    documented loop?"""
    X, y = _three_blobs(60, seed=509)
    X_tr, y_tr, X_va, y_va = X[:44], y[:44], X[44:], y[44:]
    params, _, _ = _train_answer(student, X_tr, y_tr, X_va, y_va, **_TRAIN_ARGS)
    ref, _, _ = _train_reference(X_tr, y_tr, X_va, y_va, **_TRAIN_ARGS)
    for k in _KEYS:
        assert _close(params[k], ref[k], rtol=1e-7, atol=1e-10)


@task("5.9", points=0.75, hint="after each epoch record the loss of the current params on the "
      "WHOLE training set and on the validation set (not an average over batches): arrays of "
      "shape (epochs,).")
def test_train_mlp_reproduces_loss_curves(student):
    """Are the training and validation curves exactly the per-epoch losses of the documented
    loop?"""
    X, y = _three_blobs(60, seed=509)
    X_tr, y_tr, X_va, y_va = X[:44], y[:44], X[44:], y[44:]
    _, tl, vl = _train_answer(student, X_tr, y_tr, X_va, y_va, **_TRAIN_ARGS)
    _, rtl, rvl = _train_reference(X_tr, y_tr, X_va, y_va, **_TRAIN_ARGS)
    assert tl.shape == (4,) and vl.shape == (4,)
    assert _close(tl, rtl, rtol=1e-7, atol=1e-10)
    assert _close(vl, rvl, rtol=1e-7, atol=1e-10)


@task("5.9", points=0.5, hint="the number of classes is K = max(y_train.max(), y_val.max()) + 1: "
      "the validation set may hold a class the training set lacks.")
def test_train_mlp_classes_from_both_sets(student):
    """When only the validation set holds the highest class, does the network still get an
    output for it?"""
    X, y = _three_blobs(50, seed=519)
    keep = y < 2
    X_tr, y_tr = X[keep][:30], y[keep][:30]
    X_va, y_va = X[:12], y[:12]
    assert y_va.max() == 2 and y_tr.max() == 1
    params, _, vl = _train_answer(student, X_tr, y_tr, X_va, y_va, hidden=4, epochs=2,
                                  batch_size=10, lr=0.1, seed=3)
    assert params["W2"].shape == (4, 3) and params["b2"].shape == (3,)
    _, _, rvl = _train_reference(X_tr, y_tr, X_va, y_va, hidden=4, epochs=2, batch_size=10,
                                 lr=0.1, seed=3)
    assert _close(vl, rvl, rtol=1e-7, atol=1e-10)


@task("5.9", points=1, hint="per batch: loss and gradients on that batch, then params = "
      "sgd_step(params, grads, lr) (downhill); the training loss should fall epoch after "
      "epoch.")
def test_train_mlp_learns(student):
    """Trained on 3 seeded blobs, does the training loss fall and validation accuracy exceed
    90%?"""
    X, y = _three_blobs(300, seed=529)
    X_tr, y_tr, X_va, y_va = X[:200], y[:200], X[200:], y[200:]
    params, tl, vl = _train_answer(student, X_tr, y_tr, X_va, y_va, hidden=8, epochs=15,
                                   batch_size=20, lr=0.2, seed=1)
    assert tl.shape == (15,) and np.all(np.isfinite(tl)) and np.all(np.isfinite(vl))
    assert tl[-1] < 0.6 * tl[0] and vl[-1] < vl[0]
    H = np.maximum(X_va @ params["W1"] + params["b1"], 0.0)
    acc = np.mean(np.argmax(H @ params["W2"] + params["b2"], axis=1) == y_va)
    assert acc > 0.9


# ---------------------------------------------------------------- 5.10 save and load


def _save_probe(mod, params):
    """save_params to a file under /tmp, read it back with numpy."""
    import os

    import numpy as np

    path = f"/tmp/mlmath_ex05_save_{os.getpid()}.npz"
    if os.path.exists(path):
        os.remove(path)
    try:
        mod.save_params(path, params)
        try:  # the check's own read-back: its error is reported as such, not as the learner's
            with np.load(path) as data:
                return {"keys": sorted(data.files),
                        "arrays": {k: data[k] for k in data.files}}
        except Exception as exc:
            return {"unreadable": [type(exc).__name__]}
    finally:
        if os.path.exists(path):
            os.remove(path)


def _load_probe(mod, params, with_object):
    """np.savez a file under /tmp (with an object array: a pickle), read it with load_params;
    report what it returned, or the classes of what it raised."""
    import os

    import numpy as np

    path = f"/tmp/mlmath_ex05_load_{os.getpid()}.npz"
    returned, raised = [], []
    try:
        if with_object:
            np.savez(path, W=np.ones(2), evil=np.array([{"a": 1}, None], dtype=object))
        else:
            np.savez(path, **params)
        try:
            returned = [mod.load_params(path)]
        except Exception as exc:
            if isinstance(exc, NotImplementedError):
                raise
            raised = [f"{c.__module__}.{c.__qualname__}" for c in type(exc).__mro__]
    finally:
        if os.path.exists(path):
            os.remove(path)
    return {"returned": returned, "raised": raised}


def _params_to_save():
    rng = np.random.default_rng(510)
    return {"W1": rng.normal(size=(2, 5)), "b1": rng.normal(size=5),
            "W2": rng.normal(size=(5, 3)), "b2": np.array([1e-300, -1e300, 0.0]),
            "steps": np.arange(4)}


@task("5.10", points=0.5, hint="np.savez(path, **params) writes one array per key, under its "
      "own name, to the path you are given.")
def test_save_params_round_trip_with_numpy(student):
    """Does np.load read back exactly the keys, values and dtypes that save_params wrote?"""
    params = _params_to_save()
    got = student.probe(_save_probe, params)
    if "unreadable" in got:
        raise AnswerTypeError("saved a file that np.load cannot read back as an .npz of "
                              "arrays (no file at the path given, another format, or "
                              "pickled objects)")
    assert got["keys"] == sorted(params)
    for k, v in params.items():
        assert got["arrays"][k].dtype == v.dtype and np.array_equal(got["arrays"][k], v)


@task("5.10", points=0.25, hint="with np.load(path) as data: return {k: data[k] for k in "
      "data.files} -- a plain dict of arrays, copied out before the file closes.")
def test_load_params_reads_npz(student):
    """Does load_params return a dict with exactly the arrays np.savez wrote?"""
    params = _params_to_save()
    got = student.probe(_load_probe, params, False)
    assert got["raised"] == [] and len(got["returned"]) == 1
    loaded = got["returned"][0]
    assert isinstance(loaded, dict) and sorted(loaded) == sorted(params)
    for k, v in params.items():
        got_k = np.asarray(loaded[k])
        assert got_k.dtype == v.dtype and np.array_equal(got_k, v)


@task("5.10", points=0.25, hint="keep np.load's default allow_pickle=False: a file holding "
      "pickled Python objects must be refused (np.load raises ValueError), never unpickled.")
def test_load_params_refuses_pickles(student):
    """Is a .npz holding a pickled object array refused with ValueError?"""
    got = student.probe(_load_probe, {}, True)  # an unpickled object could not come back
    assert VALUE_ERROR in got["raised"]
