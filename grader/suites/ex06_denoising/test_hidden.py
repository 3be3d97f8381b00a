"""Hidden suite for exercise 6, learning a denoising matrix (tasks 6.1 to 6.7).

Every test calls only its own task's function through the sandboxed ``student`` proxy, on
small seeded problems made here (columns of 25 pixels, or smaller). The random search and
gradient descent are reproduced exactly from the documented draws; the gradient is checked
against central differences computed here in float64; least squares against numpy's lstsq.

Points per task (the ``# ### Task`` headers of solutions/ex06_denoising.py):
6.1: 1, 6.2: 1, 6.3: 3, 6.4: 2, 6.5: 2, 6.6: 2, 6.7: 2.
"""

import numpy as np

from grader.judge.api import task
from grader.judge.policy import array, close, fixed, scalar
from grader.judge.probes import observe


def _close(got, expected, rtol=1e-9, atol=1e-12) -> bool:
    """The policy's comparison (grader/judge/policy.py): form, dtype and stated tolerance."""
    return close(got, expected, rtol=rtol, atol=atol)


def _mse(W, noisy, clean):
    return float(np.mean((W @ noisy - clean) ** 2))


def _problem(d_in=25, d_out=None, n=30, sigma=0.3, seed=0):
    """Bars-like clean images (d_out, n) and noisy inputs (d_in, n)."""
    d_out = d_in if d_out is None else d_out
    rng = np.random.default_rng(seed)
    clean = (rng.random(size=(d_out, n)) > 0.6).astype(float)
    base = np.vstack([clean, np.zeros((max(d_in - d_out, 0), n))])[:d_in]
    return base + sigma * rng.normal(size=(d_in, n)), clean


def _pair(got):
    W, errors = fixed(got, ("W", "errors"))
    return array(W, what="an array W").astype(float), array(
        errors, what="an array of errors").astype(float)


# ---------------------------------------------------------------- 6.1 noise


@task("6.1", points=0.5, hint="rng = np.random.default_rng(seed); return images + sigma * "
      "rng.normal(size=images.shape) -- one draw of the whole shape.")
def test_add_noise_reproduces_the_seeded_draw(student):
    """For several shapes, sigmas and seeds, is the result images + sigma * default_rng(seed)
    .normal(size=shape)?"""
    rng = np.random.default_rng(601)
    for shape, sigma, seed in [((25, 7), 0.3, 0), ((3,), 1.5, 11), ((2, 3, 4), 0.05, 99),
                               ((25, 1), 2.0, 7)]:
        images = rng.random(size=shape)
        expected = images + sigma * np.random.default_rng(seed).normal(size=shape)
        assert _close(student.add_noise(images, sigma, seed), expected, rtol=1e-12,
                      atol=1e-15)


@task("6.1", points=0.5, hint="return a new array (images + noise); never add in place to the "
      "argument. sigma = 0 gives back the images themselves, and integer images become "
      "floats.")
def test_add_noise_new_array_and_edge_cases(student):
    """Is the input left unchanged, is sigma = 0 the identity, and do integer images work?"""
    images = np.arange(20.0).reshape(4, 5) / 20
    call = observe(student, "add_noise", images, 0.4, 3)
    assert np.array_equal(call.args[0], images)  # compared here, with the test's own images
    assert _close(call.returned, images + 0.4 * np.random.default_rng(3).normal(size=(4, 5)),
                  rtol=1e-12)
    assert _close(student.add_noise(images, 0.0, 5), images, rtol=0, atol=0)
    ints = np.array([[0, 1, 1], [1, 0, 0]])
    got = np.asarray(student.add_noise(ints, 0.1, 8))
    assert np.issubdtype(got.dtype, np.floating)
    assert _close(got, ints + 0.1 * np.random.default_rng(8).normal(size=(2, 3)), rtol=1e-12)


# ---------------------------------------------------------------- 6.2 error


# Task 6.2 demands float64: Tasks 6.3 and 6.6 call the learner's denoising_error and are
# checked against the exact float64 trajectory of the documented search (a float32 error
# would make other, equally right choices). A float32 answer is named as such.


@task("6.2", points=0.5, hint="average (W @ noisy - clean)**2 over all d*n entries (np.mean "
      "of the squared residual matrix) in float64; W acts by a matrix product.")
def test_denoising_error_random(student):
    """On random W, noisy and clean images of 25 pixels and several batch sizes, is the error
    the mean squared residual, in float64?"""
    rng = np.random.default_rng(602)
    for n in (1, 7, 40):
        W = rng.normal(scale=0.3, size=(25, 25))
        noisy, clean = _problem(n=n, seed=int(rng.integers(1000)))
        got = student.denoising_error(W, noisy, clean)
        assert close(got, _mse(W, noisy, clean), rtol=1e-12, float64=True)


@task("6.2", points=0.5, hint="the error is a mean over d*n entries, not a sum and not a mean "
      "over the n images only; a perfect W gives exactly 0.")
def test_denoising_error_properties(student):
    """Is the error 0 at a perfect fit, unchanged when the data are repeated, and right for
    the identity?"""
    rng = np.random.default_rng(612)
    noisy = rng.normal(size=(4, 6))
    W = rng.normal(size=(4, 4))
    assert scalar(student.denoising_error(W, noisy, W @ noisy), float64=True) == 0.0
    noisy, clean = _problem(d_in=9, n=12, seed=3)
    expected = np.mean((noisy - clean) ** 2)
    assert close(student.denoising_error(np.eye(9), noisy, clean), expected, rtol=1e-12,
                 float64=True)
    assert close(student.denoising_error(np.eye(9), np.hstack([noisy, noisy]),
                                         np.hstack([clean, clean])), expected, rtol=1e-12,
                 float64=True)


# ---------------------------------------------------------------- 6.3 crude search


def _crude_reference(noisy, clean, n_steps, step, seed):
    rng = np.random.default_rng(seed)
    W = np.ones((clean.shape[0], noisy.shape[0]))
    err = _mse(W, noisy, clean)
    errors = [err]
    for _ in range(n_steps):
        i = rng.integers(W.shape[0])
        j = rng.integers(W.shape[1])
        delta = step * rng.normal()
        W[i, j] += delta
        new_err = _mse(W, noisy, clean)
        if new_err < err:
            err = new_err
        else:
            W[i, j] -= delta
        errors.append(err)
    return W, np.array(errors)


_HINT_63 = ("one rng = np.random.default_rng(seed); per try draw i = rng.integers(d_out), then "
            "j = rng.integers(d_in), then delta = step * rng.normal(), in that order; keep "
            "W[i, j] + delta only if the error is strictly lower, else restore W[i, j].")


@task("6.3", points=1, hint=_HINT_63)
def test_crude_search_reproduces_the_documented_W(student):
    """On a seeded 25-pixel problem, is the returned W exactly that of the documented
    search?"""
    noisy, clean = _problem(n=20, seed=603)
    W, _ = _pair(student.crude_search(noisy, clean, 300, 0.1, 4))
    W_ref, _ = _crude_reference(noisy, clean, 300, 0.1, 4)
    assert _close(W, W_ref, rtol=1e-10)


@task("6.3", points=0.5, hint="errors has n_steps + 1 entries: the mean squared error of the "
      "all-ones start, then after each try the error of the W kept so far (the old error when "
      "the try is undone).")
def test_crude_search_reproduces_the_documented_errors(student):
    """On the same problem, is every recorded error exactly that of the documented search?"""
    noisy, clean = _problem(n=20, seed=603)
    _, errors = _pair(student.crude_search(noisy, clean, 300, 0.1, 4))
    _, err_ref = _crude_reference(noisy, clean, 300, 0.1, 4)
    assert errors.shape == (301,)
    assert _close(errors, err_ref, rtol=1e-10)


@task("6.3", points=0.5, hint="W has shape (d_out, d_in) = (clean rows, noisy rows): draw i "
      "from d_out and j from d_in.")
def test_crude_search_non_square(student):
    """With 6 noisy rows and 4 clean rows, does the search run on a (4, 6) W, exactly as
    documented?"""
    noisy, clean = _problem(d_in=6, d_out=4, n=15, seed=613)
    W, errors = _pair(student.crude_search(noisy, clean, 200, 0.3, 1))
    W_ref, _ = _crude_reference(noisy, clean, 200, 0.3, 1)
    assert W.shape == (4, 6) and errors.shape == (201,)
    assert _close(W, W_ref, rtol=1e-10)


@task("6.3", points=0.5, hint="errors[0] is the error of the all-ones start and errors[k] the "
      "error of the W kept after k tries: never increasing, the last one the returned W's.")
def test_crude_search_bookkeeping(student):
    """Are there n_steps + 1 errors, from E(ones), never increasing, ending at E(W)? And
    does n_steps = 0 give the start alone?"""
    noisy, clean = _problem(d_in=9, n=25, seed=623)
    W, errors = _pair(student.crude_search(noisy, clean, 150, 0.2, 8))
    assert errors.shape == (151,)
    assert np.isclose(errors[0], _mse(np.ones((9, 9)), noisy, clean), rtol=1e-12, atol=0.0)
    assert np.all(np.diff(errors) <= 0)
    assert np.isclose(errors[-1], _mse(W, noisy, clean), rtol=1e-10, atol=0.0)
    W0, errors0 = _pair(student.crude_search(noisy, clean, 0, 0.2, 8))
    assert errors0.shape == (1,) and np.array_equal(W0, np.ones((9, 9)))


@task("6.3", points=0.5, hint="keep a change only if the new error is STRICTLY lower; an equal "
      "error means the change is undone.")
def test_crude_search_rejects_ties(student):
    """When the noisy images are all zero, so that no change of W ever changes the error, is
    every try undone (W stays all ones)?"""
    _, clean = _problem(d_in=5, n=12, seed=633)
    W, errors = _pair(student.crude_search(np.zeros((5, 12)), clean, 200, 0.5, 2))
    assert np.allclose(W, 1.0, rtol=0, atol=1e-12)  # undone, up to (1 + delta) - delta
    assert errors.shape == (201,) and np.all(errors == errors[0])


# ---------------------------------------------------------------- 6.4 gradient


def _fd_gradient(W, noisy, clean, eps=1e-6):
    grad = np.zeros_like(W)
    for i in np.ndindex(W.shape):
        Wp, Wm = W.copy(), W.copy()
        Wp[i] += eps
        Wm[i] -= eps
        grad[i] = (_mse(Wp, noisy, clean) - _mse(Wm, noisy, clean)) / (2 * eps)
    return grad


@task("6.4", points=1, hint="dE/dW = (2 / (d_out n)) (W noisy - clean) noisy^T: the factor 2 "
      "from the square, the average over all d_out * n entries, and the transpose on noisy.")
def test_mse_gradient_central_differences(student):
    """On seeded random square and non-square problems, does the gradient match central
    differences of the error?"""
    rng = np.random.default_rng(604)
    for d_in, d_out, n in [(5, 5, 8), (6, 3, 11), (2, 4, 5)]:
        noisy, clean = _problem(d_in=d_in, d_out=d_out, n=n, seed=int(rng.integers(1000)))
        W = rng.normal(size=(d_out, d_in))
        got = student.mse_gradient(W, noisy, clean)
        assert _close(got, _fd_gradient(W, noisy, clean), rtol=1e-6, atol=1e-9)


@task("6.4", points=0.5, hint="write it as one matrix product, R @ noisy.T with R = W @ noisy - "
      "clean, scaled by 2 / R.size.")
def test_mse_gradient_exact_on_25_pixels(student):
    """On a seeded 25-pixel problem with 40 images, is the gradient exactly the formula?"""
    noisy, clean = _problem(n=40, seed=614)
    W = np.random.default_rng(624).normal(scale=0.2, size=(25, 25))
    expected = (2.0 / (25 * 40)) * (W @ noisy - clean) @ noisy.T
    assert _close(student.mse_gradient(W, noisy, clean), expected, rtol=1e-10, atol=1e-14)


@task("6.4", points=0.5, hint="the gradient is proportional to the residual, and E is an "
      "average: a perfect fit gives 0, and repeating the images leaves it unchanged.")
def test_mse_gradient_properties(student):
    """Is the gradient 0 at a perfect fit, and unchanged when the data are repeated?"""
    rng = np.random.default_rng(634)
    noisy = rng.normal(size=(4, 7))
    W = rng.normal(size=(3, 4))
    assert _close(student.mse_gradient(W, noisy, W @ noisy), np.zeros((3, 4)), atol=1e-13)
    noisy, clean = _problem(d_in=5, n=9, seed=644)
    W = rng.normal(size=(5, 5))
    once = student.mse_gradient(W, noisy, clean)
    twice = student.mse_gradient(W, np.hstack([noisy, noisy]), np.hstack([clean, clean]))
    assert _close(once, twice, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------- 6.5 learning rate


def _rate_reference(noisy, d_out=None):
    d_in, n = noisy.shape
    d_out = d_in if d_out is None else d_out
    return d_out * n / np.linalg.svd(noisy, compute_uv=False)[0] ** 2


@task("6.5", points=1, hint="lam_max = largest eigenvalue of noisy @ noisy.T (np.linalg."
      "eigvalsh gives them in ascending order, so take the last); return d_out * n / lam_max "
      "as a float, with d_out = d_in when it is None.")
def test_max_stable_learning_rate_values(student):
    """On seeded random inputs of several shapes, with and without d_out, is the rate
    d_out n / lambda_max?"""
    rng = np.random.default_rng(605)
    for d_in, n, d_out in [(25, 30, None), (5, 40, None), (6, 9, 3), (25, 60, 10)]:
        noisy = rng.normal(size=(d_in, n)) + 0.5
        got = (student.max_stable_learning_rate(noisy) if d_out is None
               else student.max_stable_learning_rate(noisy, d_out))
        assert np.ndim(got) == 0
        assert np.isclose(float(got), _rate_reference(noisy, d_out), rtol=1e-9, atol=0.0)


@task("6.5", points=0.5, hint="the rate is d_out * n / lam_max: it grows in proportion to d_out "
      "and to the number of images when the images are repeated.")
def test_max_stable_learning_rate_scaling(student):
    """Does the rate scale linearly with d_out, and stay the same when the images are
    repeated?"""
    noisy, _ = _problem(d_in=8, n=20, seed=615)
    base = scalar(student.max_stable_learning_rate(noisy))
    assert close(student.max_stable_learning_rate(noisy, 24), 3 * base, rtol=1e-10)
    assert close(student.max_stable_learning_rate(np.hstack([noisy, noisy])), base, rtol=1e-10)


@task("6.5", points=0.5, hint="along the steepest direction each step multiplies the distance "
      "by (1 - lr * lam) with lam the largest eigenvalue of (2 / (d n)) noisy noisy^T; the "
      "edge is where that factor is -1.")
def test_max_stable_learning_rate_is_the_edge(student):
    """Does gradient descent (run here) converge at 0.97x the rate and blow up at 1.03x?"""
    noisy, clean = _problem(d_in=6, n=25, seed=625)
    rate = scalar(student.max_stable_learning_rate(noisy))

    def run(lr):
        W = np.ones((6, 6))
        for _ in range(600):
            W = W - lr * (2 / (6 * 25)) * (W @ noisy - clean) @ noisy.T
        return _mse(W, noisy, clean)

    start = _mse(np.ones((6, 6)), noisy, clean)
    assert run(0.97 * rate) < start and run(1.03 * rate) > 100 * start


# ---------------------------------------------------------------- 6.6 gradient descent


def _gd_reference(noisy, clean, n_steps, lr):
    W = np.ones((clean.shape[0], noisy.shape[0]))
    errors = [_mse(W, noisy, clean)]
    for _ in range(n_steps):
        W = W - lr * (2.0 / (clean.shape[0] * noisy.shape[1])) * (W @ noisy - clean) @ noisy.T
        errors.append(_mse(W, noisy, clean))
    return W, np.array(errors)


@task("6.6", points=0.5, hint="start from np.ones((d_out, d_in)) and take n_steps steps "
      "W = W - lr * gradient; return the W after the last step.")
def test_gradient_descent_reproduces_W(student):
    """On a seeded 25-pixel problem, is W after 8 steps exactly that of W - lr * gradient?"""
    noisy, clean = _problem(n=30, seed=606)
    lr = 0.5 * _rate_reference(noisy)
    W, _ = _pair(student.gradient_descent(noisy, clean, 8, lr))
    W_ref, _ = _gd_reference(noisy, clean, 8, lr)
    assert _close(W, W_ref, rtol=1e-9, atol=1e-12)


@task("6.6", points=0.5, hint="errors[0] is the error of the all-ones start, then record the "
      "error after every step: n_steps + 1 numbers.")
def test_gradient_descent_reproduces_errors(student):
    """On the same problem, are the errors after 0..8 steps exactly those of the update
    rule?"""
    noisy, clean = _problem(n=30, seed=606)
    lr = 0.5 * _rate_reference(noisy)
    _, errors = _pair(student.gradient_descent(noisy, clean, 8, lr))
    _, err_ref = _gd_reference(noisy, clean, 8, lr)
    assert errors.shape == (9,)
    assert _close(errors, err_ref, rtol=1e-9)


@task("6.6", points=0.5, hint="W may be non-square: take d_out from clean and d_in from noisy; "
      "with a safe learning rate W approaches the least-squares solution.")
def test_gradient_descent_converges_non_square(student):
    """With (d_in, d_out) = (6, 3) and half the largest stable rate, does W reach the
    least-squares error within 400 steps?"""
    noisy, clean = _problem(d_in=6, d_out=3, n=40, seed=616)
    lr = 0.5 * _rate_reference(noisy, 3)
    W, errors = _pair(student.gradient_descent(noisy, clean, 400, lr))
    W_best = np.linalg.lstsq(noisy.T, clean.T, rcond=None)[0].T
    assert W.shape == (3, 6) and errors.shape == (401,)
    assert np.isclose(_mse(W, noisy, clean), _mse(W_best, noisy, clean), rtol=1e-4, atol=0.0)
    assert np.all(np.diff(errors) <= 1e-12 * np.abs(errors[:-1]))


@task("6.6", points=0.5, hint="n_steps = 0 returns the start; a learning rate of 0 never moves "
      "W; a rate above the stable limit must be applied as given (W then blows up).")
def test_gradient_descent_edge_cases(student):
    """Do n_steps = 0, lr = 0 and a too-large rate behave as the update rule says?"""
    noisy, clean = _problem(d_in=5, n=20, seed=626)
    W, errors = _pair(student.gradient_descent(noisy, clean, 0, 0.3))
    assert np.array_equal(W, np.ones((5, 5))) and errors.shape == (1,)
    W, errors = _pair(student.gradient_descent(noisy, clean, 5, 0.0))
    assert np.array_equal(W, np.ones((5, 5)))
    assert errors.shape == (6,) and np.all(errors == errors[0])
    lr = 1.2 * _rate_reference(noisy)
    W, errors = _pair(student.gradient_descent(noisy, clean, 30, lr))
    W_ref, _ = _gd_reference(noisy, clean, 30, lr)
    assert errors.shape == (31,)
    assert _close(W, W_ref, rtol=1e-8)
    assert _mse(W, noisy, clean) > 100 * _mse(np.ones((5, 5)), noisy, clean)


# ---------------------------------------------------------------- 6.7 least squares

# Checked in the code of least_squares_W and what it calls (grader/judge/api.py).
NO_INVERSE = {"forbid": ("numpy.linalg.inv", "numpy.linalg.lstsq", "numpy.linalg.pinv"),
              "functions": ("least_squares_W",)}


@task("6.7", points=1, hint="solve (noisy @ noisy.T) W.T = noisy @ clean.T with np.linalg.solve, "
      "then transpose: W has shape (d_out, d_in).", **NO_INVERSE)
def test_least_squares_matches_lstsq(student):
    """On seeded square and non-square problems, does W match numpy's least-squares
    solution?"""
    for d_in, d_out, n, seed in [(25, 25, 60, 607), (6, 3, 20, 617), (3, 5, 12, 627)]:
        noisy, clean = _problem(d_in=d_in, d_out=d_out, n=n, seed=seed)
        expected = np.linalg.lstsq(noisy.T, clean.T, rcond=None)[0].T
        assert _close(student.least_squares_W(noisy, clean), expected, rtol=1e-8, atol=1e-10)


@task("6.7", points=0.5, hint="at the best W the gradient vanishes: W (noisy noisy^T) = clean "
      "noisy^T, the normal equations.", **NO_INVERSE)
def test_least_squares_normal_equations(student):
    """At the answer, is the gradient (W noisy - clean) noisy^T zero on a 25-pixel problem?"""
    noisy, clean = _problem(n=50, seed=637)
    W = np.asarray(student.least_squares_W(noisy, clean), dtype=float)
    assert W.shape == (25, 25)
    scale = np.abs(clean @ noisy.T).max()
    assert np.abs((W @ noisy - clean) @ noisy.T).max() < 1e-9 * scale


@task("6.7", points=0.5, hint="the closed form is the bottom of the bowl: no other W has a "
      "lower error.", **NO_INVERSE)
def test_least_squares_is_the_minimum(student):
    """Is the error at the answer no larger than at seeded random perturbations of it?"""
    noisy, clean = _problem(d_in=8, n=30, seed=647)
    W = np.asarray(student.least_squares_W(noisy, clean), dtype=float)
    best = _mse(W, noisy, clean)
    rng = np.random.default_rng(657)
    for _ in range(10):
        assert best <= _mse(W + 1e-3 * rng.normal(size=W.shape), noisy, clean)
    ref = np.linalg.lstsq(noisy.T, clean.T, rcond=None)[0].T
    assert np.isclose(best, _mse(ref, noisy, clean), rtol=1e-10, atol=0.0)
