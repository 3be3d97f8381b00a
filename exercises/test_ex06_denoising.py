"""Public tests for exercise 6, learning a denoising matrix.

Each task's tests call only that task's own function, on small fixed data made here. The
gradient is checked against central differences computed in float64 inside the tests.
"""

import ex06_denoising as ex
import numpy as np
import pytest
from _feedback import check_answer, check_close, check_not_used, check_true


def _problem(d_in=4, d_out=4, n=20, seed=0):
    """A small fixed problem: noisy (d_in, n), clean (d_out, n)."""
    rng = np.random.default_rng(seed)
    clean = (rng.random(size=(d_out, n)) > 0.6).astype(float)
    noisy = np.vstack([clean, np.zeros((max(d_in - d_out, 0), n))])[:d_in]
    noisy = noisy + 0.3 * rng.normal(size=(d_in, n))
    return noisy, clean


def _mse(W, noisy, clean):
    return float(np.mean((W @ noisy - clean) ** 2))


# ---------------------------------------------------------------- 6.1 noise


@pytest.mark.task_6_1
def test_add_noise_uses_the_seeded_generator():
    """Is add_noise(images, 0.5, seed=3) equal to images + 0.5 * default_rng(3).normal(...)?"""
    images = np.arange(12.0).reshape(3, 4) / 12
    got = ex.add_noise(images, 0.5, seed=3)
    expected = images + 0.5 * np.random.default_rng(3).normal(size=(3, 4))
    check_close("6.1", "add_noise", got, expected, inputs={"images": images, "sigma": 0.5},
                hint="rng = np.random.default_rng(seed); images + sigma * rng.normal(size=...).")


@pytest.mark.task_6_1
def test_add_noise_leaves_input_alone_and_scales():
    """Is the input unchanged, and is the noise's standard deviation about sigma = 0.2?"""
    images = np.zeros((50, 40))
    got = ex.add_noise(images, 0.2, seed=0)
    check_close("6.1", "add_noise must not modify its input", images, np.zeros((50, 40)),
                hint="return images + noise, a new array; avoid += on the argument.")
    check_close("6.1", "add_noise: std of the noise", np.std(got), 0.2, rtol=0.05,
                inputs={"images": "zeros (50, 40)", "sigma": 0.2},
                hint="multiply standard normal noise by sigma.")


# ---------------------------------------------------------------- 6.2 error


@pytest.mark.task_6_2
def test_denoising_error_small_example():
    """For W = [[2, 0], [0, 1]], noisy = [[1, 0], [0, 1]], clean = [[1, 1], [0, 0]], is the
    error mean([1, -1, 0, 1]^2) = 0.75?"""
    W = np.array([[2.0, 0.0], [0.0, 1.0]])
    noisy = np.eye(2)
    clean = np.array([[1.0, 1.0], [0.0, 0.0]])
    check_close("6.2", "denoising_error", ex.denoising_error(W, noisy, clean), 0.75,
                inputs={"W": W, "noisy": noisy, "clean": clean},
                hint="average (W @ noisy - clean)**2 over all d*n entries.")


@pytest.mark.task_6_2
def test_denoising_error_identity_is_noise_power():
    """With W = I, is the error the mean squared difference between noisy and clean?"""
    noisy, clean = _problem()
    check_close("6.2", "denoising_error with W = I", ex.denoising_error(np.eye(4), noisy, clean),
                np.mean((noisy - clean) ** 2), inputs={"W": "identity (4, 4)"},
                hint="use a matrix product W @ noisy, not an element-wise product.")


# ---------------------------------------------------------------- 6.3 crude search


@pytest.mark.task_6_3
def test_crude_search_errors_bookkeeping():
    """Are there n_steps + 1 errors, starting at E(ones), never increasing, and ending at the
    error of the returned W?"""
    noisy, clean = _problem()
    W, errors = ex.crude_search(noisy, clean, n_steps=300, step=0.1, seed=0)
    inputs = {"n_steps": 300, "step": 0.1}
    check_true("6.3", "crude_search: errors has shape (n_steps + 1,)",
               np.shape(errors) == (301,), got=np.shape(errors), inputs=inputs,
               hint="record the starting error, then one error per try.")
    check_close("6.3", "crude_search: errors[0] is the error of the all-ones start", errors[0],
                _mse(np.ones((4, 4)), noisy, clean), inputs=inputs,
                hint="start from W = np.ones((d_out, d_in)).")
    check_true("6.3", "crude_search: errors never increase", bool(np.all(np.diff(errors) <= 0)),
               got=errors, inputs=inputs,
               hint="when a try does not lower the error, undo it and record the old error.")
    check_close("6.3", "crude_search: errors[-1] is the error of the returned W", errors[-1],
                _mse(W, noisy, clean), inputs=inputs,
                hint="undo a rejected change exactly (subtract the same delta you added).")


@pytest.mark.task_6_3
def test_crude_search_changes_one_entry_per_try():
    """After a single try, does W differ from all ones in at most one entry?"""
    noisy, clean = _problem()
    for seed in range(5):
        W, _ = ex.crude_search(noisy, clean, n_steps=1, step=0.5, seed=seed)
        changed = int(np.sum(W != 1.0))
        check_true("6.3", "crude_search: one try changes at most one entry", changed <= 1,
                   got=W, inputs={"n_steps": 1, "seed": seed},
                   hint="each try picks one (i, j) and changes only W[i, j].")


@pytest.mark.task_6_3
def test_crude_search_makes_progress():
    """After 3000 tries on a 4x4 problem, is the error well below the all-ones start?"""
    noisy, clean = _problem()
    _, errors = ex.crude_search(noisy, clean, n_steps=3000, step=0.1, seed=1)
    check_true("6.3", "crude_search: the error drops", errors[-1] < 0.2 * errors[0],
               got=(errors[0], errors[-1]), inputs={"n_steps": 3000, "step": 0.1},
               hint="keep a change only if the new error is strictly lower than the current.")


# ---------------------------------------------------------------- 6.4 gradient


@pytest.mark.task_6_4
@pytest.mark.parametrize("d_in, d_out", [(4, 4), (5, 3)])
def test_mse_gradient_matches_central_differences(d_in, d_out):
    """Does the gradient match central differences of the mean squared error, with W's shape?"""
    noisy, clean = _problem(d_in=d_in, d_out=d_out, n=7, seed=2)
    W = np.random.default_rng(3).normal(size=(d_out, d_in))
    got = ex.mse_gradient(W, noisy, clean)
    expected = np.zeros_like(W)
    eps = 1e-6
    for i in np.ndindex(W.shape):
        Wp, Wm = W.copy(), W.copy()
        Wp[i] += eps
        Wm[i] -= eps
        expected[i] = (_mse(Wp, noisy, clean) - _mse(Wm, noisy, clean)) / (2 * eps)
    check_close("6.4", "mse_gradient", got, expected, rtol=1e-6, atol=1e-9,
                inputs={"W shape": W.shape, "noisy shape": noisy.shape},
                hint="(2 / (d_out * n)) * (W @ noisy - clean) @ noisy.T; mind the factor 2 and "
                     "the average over d_out * n entries.")


@pytest.mark.task_6_4
def test_mse_gradient_zero_at_perfect_fit():
    """If W @ noisy equals clean exactly, is the gradient zero?"""
    noisy = np.random.default_rng(4).normal(size=(3, 6))
    W = np.random.default_rng(5).normal(size=(3, 3))
    clean = W @ noisy
    check_close("6.4", "mse_gradient at a perfect fit", ex.mse_gradient(W, noisy, clean),
                np.zeros((3, 3)), atol=1e-12, inputs={"clean": "W @ noisy"},
                hint="the gradient is proportional to the residual W @ noisy - clean.")


# ---------------------------------------------------------------- 6.5 learning rate


@pytest.mark.task_6_5
def test_max_stable_learning_rate_value():
    """Is the rate d*n / (largest squared singular value of noisy)?"""
    noisy, _ = _problem(n=30)
    s_max = np.linalg.svd(noisy, compute_uv=False)[0]
    check_close("6.5", "max_stable_learning_rate", ex.max_stable_learning_rate(noisy),
                4 * 30 / s_max**2, rtol=1e-9, inputs={"noisy shape": noisy.shape},
                hint="lam_max = np.linalg.eigvalsh(noisy @ noisy.T)[-1]; return d * n / lam_max.")


@pytest.mark.task_6_5
def test_max_stable_learning_rate_is_the_edge():
    """Does gradient descent converge at 0.95x the rate and blow up at 1.05x?"""
    noisy, clean = _problem(n=30)
    rate = ex.max_stable_learning_rate(noisy)

    def run(lr):
        W = np.ones((4, 4))
        for _ in range(400):
            W = W - lr * (2 / (4 * 30)) * (W @ noisy - clean) @ noisy.T
        return _mse(W, noisy, clean)

    start = _mse(np.ones((4, 4)), noisy, clean)
    below, above = run(0.95 * rate), run(1.05 * rate)
    check_true("6.5", "max_stable_learning_rate: converges just below, diverges just above",
               below < start and above > 100 * start, got=rate,
               inputs={"errors (start, 0.95x, 1.05x)": (start, below, above)},
               hint="the step multiplies the steepest direction by (1 - lr * lam), with lam the "
                    "largest eigenvalue of (2 / (d n)) noisy @ noisy.T.")


# ---------------------------------------------------------------- 6.6 gradient descent


@pytest.mark.task_6_6
def test_gradient_descent_first_steps():
    """Do three steps from all ones match W - lr * gradient, step by step, with their errors?"""
    noisy, clean = _problem()
    W_got, errors = ex.gradient_descent(noisy, clean, n_steps=3, lr=0.5)
    W = np.ones((4, 4))
    expected = [_mse(W, noisy, clean)]
    for _ in range(3):
        W = W - 0.5 * (2 / (4 * 20)) * (W @ noisy - clean) @ noisy.T
        expected.append(_mse(W, noisy, clean))
    check_close("6.6", "gradient_descent: errors after 0..3 steps", errors, expected,
                inputs={"n_steps": 3, "lr": 0.5},
                hint="errors[0] is the all-ones error; then step W = W - lr * gradient and "
                     "record the new error.")
    check_close("6.6", "gradient_descent: final W", W_got, W, inputs={"n_steps": 3, "lr": 0.5},
                hint="start from np.ones((d_out, d_in)).")


@pytest.mark.task_6_6
def test_gradient_descent_converges_to_least_squares():
    """With a safe learning rate and 500 steps, does the error reach the least-squares minimum?"""
    noisy, clean = _problem(d_in=5, d_out=3, n=40, seed=6)
    lam = np.linalg.eigvalsh(noisy @ noisy.T)[-1]
    lr = 0.5 * 3 * 40 / lam  # half the largest stable rate
    _, errors = ex.gradient_descent(noisy, clean, n_steps=500, lr=lr)
    W_best = np.linalg.lstsq(noisy.T, clean.T, rcond=None)[0].T
    check_close("6.6", "gradient_descent: final error", errors[-1], _mse(W_best, noisy, clean),
                rtol=1e-4, inputs={"n_steps": 500, "lr": lr},
                hint="W (d_out, d_in) may be non-square here: take its shape from clean and noisy.")


# ---------------------------------------------------------------- 6.7 least squares


@pytest.mark.task_6_7
@pytest.mark.parametrize("d_in, d_out", [(4, 4), (5, 3)])
def test_least_squares_matches_lstsq(d_in, d_out):
    """Does your W match numpy's least-squares solution, with shape (d_out, d_in)?"""
    noisy, clean = _problem(d_in=d_in, d_out=d_out, n=25, seed=7)
    expected = np.linalg.lstsq(noisy.T, clean.T, rcond=None)[0].T
    check_close("6.7", "least_squares_W", ex.least_squares_W(noisy, clean), expected,
                rtol=1e-8, atol=1e-10, inputs={"noisy shape": noisy.shape,
                                               "clean shape": clean.shape},
                hint="solve (noisy @ noisy.T) W.T = noisy @ clean.T, then transpose.")


@pytest.mark.task_6_7
def test_least_squares_gradient_vanishes():
    """At your W, is the gradient (W noisy - clean) noisy^T zero?"""
    noisy, clean = _problem(n=25, seed=8)
    W = ex.least_squares_W(noisy, clean)
    check_close("6.7", "least_squares_W: gradient at the solution",
                (W @ noisy - clean) @ noisy.T, np.zeros((4, 4)), atol=1e-9,
                inputs={"noisy shape": noisy.shape},
                hint="the normal equations are W (noisy noisy^T) = clean noisy^T.")


# ---------------------------------------------------------------- calls the text forbids

# The same declarations as the hidden tests (a course test compares them): the calls each
# task's text forbids, looked for in the task's functions and what they call.

NO_INVERSE = ("numpy.linalg.inv", "numpy.linalg.lstsq", "numpy.linalg.pinv")
FORBIDDEN = {
    "6.7": (NO_INVERSE, ("least_squares_W",)),
}


@pytest.mark.parametrize("task", [pytest.param(t, marks=getattr(pytest.mark, "task_" + t.replace(".", "_")))
                                  for t in FORBIDDEN])
def test_no_forbidden_calls(task):
    """Does the task's code (and what it calls in your file) avoid the calls its text forbids?"""
    forbid, functions = FORBIDDEN[task]
    check_not_used(task, ex, forbid=forbid, functions=functions)


# ---------------------------------------------------------------- think it over

# Fingerprints of the answers (sha256 of 'question:answer'), so this file does not give
# them away. Not graded; an unanswered question is skipped.
QUESTIONS = {
    "6a": "c3e903637f40bc1d",
    "6b": "bc8251cb87120d17",
}


@pytest.mark.reflection
@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_think_it_over(question):
    """Is your answer to this question right (not graded)?"""
    check_answer(question, getattr(ex, f"answer_{question}", ...), QUESTIONS[question])
