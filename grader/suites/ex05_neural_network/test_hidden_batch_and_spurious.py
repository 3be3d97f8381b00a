"""Hidden suite for exercise 5's two newer tasks: 5.11 (which feature a model leans on,
by scrambling each column) and 5.12 (how noisy a minibatch gradient is, against the
batch size).

Every reference is computed here, in numpy, from the docstrings' recipes (one permutation
``default_rng(seed).permutation(n)`` for every column; ``rng.choice(n, size=b,
replace=False)`` per draw); the model's predictions are this file's own forward pass. The
caller's arrays after a call are observed in the sandbox (``observe``) and compared here.

Points per task (the ``# ### Task`` headers of solutions/ex05_neural_network.py):
5.11: 2, 5.12: 2.
"""

import numpy as np

from grader.judge.api import task
from grader.judge.policy import close
from grader.judge.probes import VALUE_ERROR, observe, raised


def _predict(params, X):
    hidden = np.maximum(X @ params["W1"] + params["b1"], 0.0)
    return np.argmax(hidden @ params["W2"] + params["b2"], axis=1)


def _drops(params, X, y, seed):
    perm = np.random.default_rng(seed).permutation(len(X))
    base = np.mean(_predict(params, X) == y)
    out = []
    for j in range(X.shape[1]):
        scrambled = X.copy()
        scrambled[:, j] = X[perm, j]
        out.append(base - np.mean(_predict(params, scrambled) == y))
    return np.array(out)


def _model(rng, d, hidden, classes):
    return {"W1": rng.normal(size=(d, hidden)), "b1": rng.normal(size=hidden) * 0.1,
            "W2": rng.normal(size=(hidden, classes)), "b2": rng.normal(size=classes) * 0.1}


_HINT_511 = ("drop for column j: accuracy on X minus accuracy on a copy whose column j is "
             "X[perm, j], with ONE perm = np.random.default_rng(seed).permutation(n) for all "
             "columns.")


@task("5.11", points=1, hint=_HINT_511)
def test_drops_on_random_models(student):
    """For random networks, data and labels from the model itself (so base accuracy is 1),
    are the drops exactly the documented ones, for several seeds?"""
    for seed, (n, d, hidden, classes) in enumerate([(120, 4, 6, 3), (200, 5, 8, 2),
                                                    (77, 3, 5, 4)]):
        rng = np.random.default_rng(1100 + seed)
        params = _model(rng, d, hidden, classes)
        X = rng.normal(size=(n, d))
        y = _predict(params, X)
        got = student.permutation_drops(params, X, y, 40 + seed)
        assert close(got, _drops(params, X, y, 40 + seed), rtol=1e-12, atol=1e-12)


@task("5.11", points=0.5, hint="a model that never reads a column loses nothing when that "
      "column is scrambled; the drop is measured against the labels y, not the model's own "
      "predictions.")
def test_drops_expose_the_background_channel(student):
    """A model that reads only a 'background' column, on a validation set where that column
    matches the label: is its drop large and every other drop 0?"""
    rng = np.random.default_rng(1200)
    n = 300
    y = rng.integers(0, 2, size=n)
    X = np.column_stack([rng.normal(size=n), rng.normal(size=n),
                         np.where(y == 1, 1.0, -1.0) + 0.1 * rng.normal(size=n)])
    params = {"W1": np.array([[0.0, 0.0], [0.0, 0.0], [1.0, -1.0]]), "b1": np.zeros(2),
              "W2": np.array([[0.0, 1.0], [1.0, 0.0]]), "b2": np.zeros(2)}
    got = np.asarray(student.permutation_drops(params, X, y, 7), dtype=float)
    expected = _drops(params, X, y, 7)
    assert got.shape == (3,)
    assert close(got, expected, rtol=1e-12, atol=1e-12)
    assert expected[2] > 0.3


@task("5.11", points=0.5, hint="scramble a copy of X (X.copy()), never X itself, and return "
      "the drops.")
def test_drops_leave_X_untouched(student):
    """Are the caller's X and y unchanged after permutation_drops, and the drops right?"""
    rng = np.random.default_rng(1300)
    params = _model(rng, 3, 4, 2)
    X = rng.normal(size=(40, 3))
    y = _predict(params, X)
    call = observe(student, "permutation_drops", params, X, y, 2)
    assert not call.raised
    assert np.array_equal(np.asarray(call.args[1]), X)
    assert np.array_equal(np.asarray(call.args[2]), y)
    assert close(call.returned, _drops(params, X, y, 2), rtol=1e-12, atol=1e-12)


def _noise(G, b, n_draws, seed):
    rng = np.random.default_rng(seed)
    g = G.mean(axis=0)
    return float(np.mean([np.sum((G[rng.choice(len(G), size=b, replace=False)].mean(axis=0)
                                  - g) ** 2) for _ in range(n_draws)]))


_HINT_512 = ("rng = np.random.default_rng(seed) once; for each draw idx = rng.choice(n, "
             "size=batch_size, replace=False); average ||mean of G[idx] - mean of G||^2.")


@task("5.12", points=1, hint=_HINT_512)
def test_noise_exact_for_several_sizes(student):
    """For seeded gradients and several (batch size, draws, seed), is the value exactly the
    documented average?"""
    rng = np.random.default_rng(1400)
    G = rng.normal(size=(40, 5)) + rng.normal(size=5)
    for b, n_draws, seed in [(1, 30, 0), (3, 17, 5), (10, 25, 9), (39, 8, 2)]:
        got = student.minibatch_gradient_noise(G, b, n_draws, seed)
        assert close(got, _noise(G, b, n_draws, seed), rtol=1e-10, atol=1e-14)


@task("5.12", points=0.5, hint="raise ValueError unless 1 <= batch_size <= n; a batch of all "
      "n rows has no noise (0.0).")
def test_noise_edges(student):
    """Are batch sizes 0, -1 and n + 1 refused with ValueError, and is the full batch 0?"""
    G = np.random.default_rng(1500).normal(size=(9, 2))
    for bad in (0, -1, 10):
        assert VALUE_ERROR in raised(student, "minibatch_gradient_noise", G, bad, 5, 0)
    assert close(student.minibatch_gradient_noise(G, 9, 5, 0), 0.0, rtol=0, atol=1e-20)


@task("5.12", points=0.5, hint="read the rows of per_example_grads; never change them.")
def test_noise_leaves_the_gradients_untouched(student):
    """Is the caller's array of gradients unchanged after the call, and the value right?"""
    G = np.random.default_rng(1600).normal(size=(12, 3))
    call = observe(student, "minibatch_gradient_noise", G, 4, 6, 1)
    assert not call.raised
    assert np.array_equal(np.asarray(call.args[0]), G)
    assert close(call.returned, _noise(G, 4, 6, 1), rtol=1e-10, atol=1e-14)
