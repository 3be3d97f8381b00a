# %% [markdown]
# # Exercise 6: Learning a denoising matrix
#
# Here is learning with nothing hidden. We have small clean images and noisy copies of them,
# and we look for one matrix $W$ that, multiplied with a noisy image, gives back (roughly)
# the clean one:
#
# $$W\,\tilde x \approx x.$$
#
# Nobody tells us $W$. We **learn** it from examples, twice:
#
# 1. the crude way: start somewhere, change one entry at random, keep the change if the error
#    drops (task 6.3);
# 2. the calculus way: compute the gradient of the error and walk downhill (tasks 6.4 to 6.6);
#
# and then count how many error evaluations each one needs. Spoiler: the gradient wins by
# orders of magnitude, and that gap is why all of deep learning runs on gradients.
#
# Shapes: an image of $5 \times 5$ pixels is flattened into a column of $d = 25$ numbers;
# $n$ images side by side make a $(d, n)$ matrix. `clean` and `noisy` are both $(d, n)$ and
# $W$ is $(d, d)$, so `W @ noisy` denoises all images at once.

# %% [markdown]
# ### How this exercise works
#
# The same in all six exercises:
#
# - Each graded task has a header **Task N.M (P points)** and a function whose docstring says
#   what to return, with shapes. Replace its `raise NotImplementedError("Task N.M: ...")`
#   line with your code.
# - Check yourself in a terminal, in this folder: `pytest test_ex06_denoising.py` (one task:
#   `pytest -m task_6_1`; every detail: add `-v`), or `mlmath-check ex06`. The table of
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
# - Task 6.2 `denoising_error(W, noisy, clean)`: `mlmath.denoise.mean_squared_error(W, noisy, clean)` (another name)
# - Task 6.3 `crude_search(noisy, clean, n_steps, step, seed)`: `mlmath.denoise.fit_by_perturbation(noisy, clean, steps, step_size, rng)` (another name)
# - Task 6.4 `mse_gradient(W, noisy, clean)`: `mlmath.denoise.loss_gradient(W, noisy, clean)` (another name)
# - Task 6.5 `max_stable_learning_rate(noisy)`: `mlmath.denoise.suggested_learning_rate(noisy)` (another name; it returns the safe half of the largest rate)
# - Task 6.6 `gradient_descent(noisy, clean, n_steps, lr)`: `mlmath.denoise.fit_by_gradient_descent(noisy, clean, steps, lr)` (another name)

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
# ## 1. Clean images
#
# Our "photos" are tiny: a horizontal bar, a vertical bar, or a cross, on a $5\times5$ grid.
# Real images are far richer, but they share the property that makes denoising possible:
# clean images are **not** arbitrary grids of numbers. They live in a small corner of all
# possible pixel patterns, while noise spreads in every direction. A good $W$ keeps what
# looks like an image and throws away the rest.


# %%
def make_images(n, size=5, seed=0):
    r"""n clean images (bars and crosses, pixels 0 or 1), one flattened image per column.

    Returns:
        float array of shape (size * size, n).
    """
    rng = np.random.default_rng(seed)
    images = np.zeros((n, size, size))
    for k in range(n):
        kind = rng.integers(3)  # 0: horizontal bar, 1: vertical bar, 2: cross
        row, col = rng.integers(size, size=2)
        if kind in (0, 2):
            images[k, row, :] = 1.0
        if kind in (1, 2):
            images[k, :, col] = 1.0
    return images.reshape(n, -1).T


SIZE = 5

if __name__ == "__main__":
    with demo("this picture"):
        X_clean = make_images(200, SIZE, seed=0)
        fig, axes = plt.subplots(1, 8, figsize=(8, 1.4))
        for k, ax in enumerate(axes):
            ax.imshow(X_clean[:, k].reshape(SIZE, SIZE), cmap="gray", vmin=0, vmax=1)
            ax.axis("off")
        fig.suptitle("eight of the 200 clean training images")
        show("ex06_figure_1")

# %% [markdown]
# ## 2. Noise, and how we measure error
#
# We add independent Gaussian noise to every pixel: $\tilde x = x + \sigma \varepsilon$ with
# $\varepsilon \sim \mathcal N(0, 1)$. Use `np.random.default_rng(seed).normal(size=...)` so
# the same seed gives the same noise.
#
# ### Task 6.1 (1 point): Add Gaussian noise


# %%
def add_noise(images, sigma, seed=0):
    r"""Return ``images + sigma * noise`` with noise drawn from ``default_rng(seed).normal``.

    Args:
        images: float array of any shape, e.g. (d, n).
        sigma: noise standard deviation (>= 0).
        seed: seed of the noise.
    Returns:
        a new float array of the same shape (``images`` is not modified).
    """
    rng = np.random.default_rng(seed)
    return images + sigma * rng.normal(size=np.shape(images))


# %% [markdown]
# How good is a given $W$? Apply it to every noisy image and compare with the clean ones,
# pixel by pixel. The **mean squared error** averages the squared differences over all
# $d \cdot n$ pixels:
#
# $$E(W) = \frac{1}{dn} \sum_{i=1}^{d}\sum_{j=1}^{n} \bigl((W\tilde X)_{ij} - X_{ij}\bigr)^2
#        = \frac{1}{dn}\,\lVert W\tilde X - X\rVert_F^2 .$$
#
# The identity matrix "does nothing", so $E(I)$ is the error of the noisy images themselves,
# about $\sigma^2$: the bar to beat.
#
# ### Task 6.2 (1 point): The mean squared error


# %%
def denoising_error(W, noisy, clean):
    r"""Mean squared error :math:`\frac{1}{dn}\lVert W\tilde X - X\rVert_F^2`.

    Args:
        W: shape (d, d).
        noisy: :math:`\tilde X`, shape (d, n).
        clean: :math:`X`, shape (d, n).
    Returns:
        a float64 number (a Python float or np.float64): Tasks 6.3 and 6.6 follow it
        exactly, so float32 is not accepted here.
    """
    return float(np.mean((W @ noisy - clean) ** 2))


# %%
SIGMA = 0.3

if __name__ == "__main__":
    with demo("this demo"):
        X_noisy = add_noise(X_clean, SIGMA, seed=1)
        E_identity = denoising_error(np.eye(SIZE**2), X_noisy, X_clean)
        print(f"error of the noisy images, E(I) = {E_identity:.4f}")
        print(f"error of the all-ones start, E(ones) = "
              f"{denoising_error(np.ones((SIZE**2, SIZE**2)), X_noisy, X_clean):.4f}")

# %% [markdown]
# ## 3. The crude way: keep it if it helps
#
# Imagine $W$ as a panel of $d^2 = 625$ knobs. Without calculus you can still learn:
#
# 1. start from a $W$ of all ones (a terrible guess: every output pixel is the sum of all
#    input pixels);
# 2. pick one knob at random and turn it by a small random amount;
# 3. if the error dropped, keep the change; otherwise turn the knob back;
# 4. repeat.
#
# It works, eventually. But each try costs a full error evaluation, tells you about one knob
# only, and most tries are wasted. Keep the bookkeeping exact, so your run is reproducible:
# make one `rng = np.random.default_rng(seed)` and in each step draw, in this order,
# `i = rng.integers(d_out)`, `j = rng.integers(d_in)`, `delta = step * rng.normal()`.
#
# ### Task 6.3 (3 points): Keep-it-if-it-helps search


# %%
def crude_search(noisy, clean, n_steps, step=0.1, seed=0):
    r"""Learn W by random single-entry changes, keeping a change only if the error drops.

    Start from ``W = np.ones((d_out, d_in))`` with ``d_out = clean.shape[0]`` and
    ``d_in = noisy.shape[0]``. Each step draws ``i``, ``j``, ``delta`` as described above,
    tries ``W[i, j] + delta``, and keeps it only if the error is strictly lower.

    Args:
        noisy: shape (d_in, n).  clean: shape (d_out, n).
        n_steps: number of tries (each costs one error evaluation).
        step: scale of the random change.  seed: seed of the search.
    Returns:
        ``(W, errors)``: the final W, shape (d_out, d_in), and a float array of shape
        (n_steps + 1,) with ``errors[0]`` the error of the all-ones start and ``errors[k]``
        the error of the W kept after k tries (so errors never increase).
    """
    rng = np.random.default_rng(seed)
    W = np.ones((clean.shape[0], noisy.shape[0]))
    err = denoising_error(W, noisy, clean)
    errors = [err]
    for _ in range(n_steps):
        i = rng.integers(W.shape[0])
        j = rng.integers(W.shape[1])
        delta = step * rng.normal()
        W[i, j] += delta
        new_err = denoising_error(W, noisy, clean)
        if new_err < err:
            err = new_err
        else:
            W[i, j] -= delta
        errors.append(err)
    return W, np.array(errors)


# %% [markdown]
# ## 4. The calculus way: the gradient of the error
#
# **The crude step is a finite difference in disguise.** Turning knob $(i, j)$ by $\delta$
# and comparing errors measures
#
# $$\frac{E(W + \delta\,e_{ij}) - E(W)}{\delta} \approx \frac{\partial E}{\partial W_{ij}},$$
#
# a one-sided finite difference of *one* entry of the gradient. Keeping the change when the
# error drops is a step downhill along that one coordinate, of a size you did not choose
# by the slope. So the crude search is gradient descent that pays a full error evaluation
# for each single partial derivative, and throws half of them away. The cell below checks it:
# the sign of the crude difference agrees with the sign of that entry of the gradient.
#
# One gradient tells us, in one go, which way to turn **every** knob. Let
# $R = W\tilde X - X$ (the residual, shape $(d, n)$), so $E = \frac{1}{dn}\sum_{i,j} R_{ij}^2$.
# Which residuals does the knob $W_{kl}$ touch? $R_{ij} = \sum_m W_{im}\tilde X_{mj} - X_{ij}$
# depends on $W_{kl}$ only when $i = k$, with $\partial R_{kj} / \partial W_{kl} =
# \tilde X_{lj}$. Chain rule, summing over every residual that $W_{kl}$ touches:
#
# $$\frac{\partial E}{\partial W_{kl}}
#   = \frac{1}{dn}\sum_j 2 R_{kj}\,\tilde X_{lj}.$$
#
# Now recognise the sum over $j$ as a matrix product and write the whole $(d, d)$ gradient in
# one line. Shape check: the gradient must be $(d, d)$ like $W$; $R$ is $(d, n)$ and
# $\tilde X$ is $(d, n)$, so which one needs the transpose?
#
# ### Task 6.4 (2 points): The gradient of the mean squared error


# %%
def mse_gradient(W, noisy, clean):
    r"""Gradient of :math:`E(W) = \frac{1}{dn}\lVert W\tilde X - X\rVert_F^2` with respect to W.

    Args:
        W: shape (d_out, d_in).  noisy: shape (d_in, n).  clean: shape (d_out, n).
    Returns:
        :math:`\frac{2}{d_{out} n} (W\tilde X - X)\tilde X^\top`, shape (d_out, d_in).
    """
    R = W @ noisy - clean
    return (2.0 / R.size) * R @ noisy.T


# %% [markdown]
# The crude step as a finite difference: one knob, turned by $\delta = 10^{-4}$, against the
# matching entry of your gradient.

# %%
if __name__ == "__main__":
    with demo("this demo"):
        W0 = np.ones((X_clean.shape[0], X_noisy.shape[0]))
        G0 = mse_gradient(W0, X_noisy, X_clean)
        for i, j in [(0, 0), (3, 7), (12, 24)]:
            nudged = W0.copy()
            nudged[i, j] += 1e-4
            slope = (denoising_error(nudged, X_noisy, X_clean) - denoising_error(W0, X_noisy, X_clean)) / 1e-4
            print(f"knob ({i:2d}, {j:2d}): finite difference {slope:+.5f}, gradient {G0[i, j]:+.5f}")

# %% [markdown]
# **How big a step?** Gradient descent repeats $W \leftarrow W - \eta\,\nabla E(W)$. Our error
# is a quadratic bowl, and along its steepest direction its curvature is
# $\lambda_{\max}$, the largest eigenvalue of the Hessian $\frac{2}{dn}\tilde X\tilde X^\top$
# (the same for every row of $W$). Along that direction each step multiplies the distance to
# the bottom by $(1 - \eta\lambda_{\max})$. That shrinks only if
# $|1 - \eta\lambda_{\max}| < 1$, that is
#
# $$\eta < \frac{2}{\lambda_{\max}} = \frac{dn}{\lambda_{\max}(\tilde X\tilde X^\top)}.$$
#
# Above that, every step overshoots further than the last and the error explodes. A safe and
# fast choice is half of it, $\eta = 1/\lambda_{\max}$. (`np.linalg.eigvalsh` returns the
# eigenvalues of a symmetric matrix in ascending order.)
#
# ### Task 6.5 (2 points): The largest stable learning rate


# %%
def max_stable_learning_rate(noisy, d_out=None):
    r"""The learning rate :math:`2/\lambda_{\max}` above which gradient descent on E diverges.

    Args:
        noisy: :math:`\tilde X`, shape (d_in, n).
        d_out: rows of W (the number of pixels averaged in E); None means ``d_in``.
    Returns:
        :math:`d_{out}\,n / \lambda_{\max}(\tilde X\tilde X^\top)`, a float.
    """
    d_in, n = noisy.shape
    d_out = d_in if d_out is None else d_out
    lam_max = np.linalg.eigvalsh(noisy @ noisy.T)[-1]
    return float(d_out * n / lam_max)


# %% [markdown]
# ### Task 6.6 (2 points): Gradient descent
#
# Start from the same all-ones $W$ as the crude search, and take `n_steps` steps
# $W \leftarrow W - \eta\,\nabla E(W)$. Record the error before the first step and after
# every step.


# %%
def gradient_descent(noisy, clean, n_steps, lr):
    r"""Learn W by gradient descent on the mean squared error, from the all-ones start.

    Args:
        noisy: shape (d_in, n).  clean: shape (d_out, n).
        n_steps: number of gradient steps.  lr: the learning rate :math:`\eta`.
    Returns:
        ``(W, errors)``: the final W, shape (d_out, d_in), and a float array of shape
        (n_steps + 1,) with ``errors[0]`` the error of the all-ones start and ``errors[k]``
        the error after k steps.
    """
    W = np.ones((clean.shape[0], noisy.shape[0]))
    errors = [denoising_error(W, noisy, clean)]
    for _ in range(n_steps):
        W = W - lr * mse_gradient(W, noisy, clean)
        errors.append(denoising_error(W, noisy, clean))
    return W, np.array(errors)


# %% [markdown]
# ## 5. Where the gradient is zero
#
# At the bottom of the bowl the gradient vanishes: $(W\tilde X - X)\tilde X^\top = 0$, that
# is $W\,(\tilde X\tilde X^\top) = X\tilde X^\top$. These are the **normal equations** of
# least squares, and for a quadratic error we can solve them directly. (For a neural network
# we can't, which is why we learnt gradient descent.)
#
# ### Task 6.7 (2 points): The best W, in closed form
#
# Don't form an inverse and don't let numpy do the least squares for you: no `np.linalg.inv`,
# `np.linalg.pinv` or `np.linalg.lstsq` (the grader checks). Transpose both sides to
# $(\tilde X\tilde X^\top) W^\top = \tilde X X^\top$ and call `np.linalg.solve`.


# %%
def least_squares_W(noisy, clean):
    r"""The W minimising :math:`\lVert W\tilde X - X\rVert_F^2`: solves
    :math:`W\,\tilde X\tilde X^\top = X\tilde X^\top`.

    Args:
        noisy: shape (d_in, n), with :math:`\tilde X\tilde X^\top` invertible.
        clean: shape (d_out, n).
    Returns:
        W, shape (d_out, d_in).
    """
    return np.linalg.solve(noisy @ noisy.T, noisy @ clean.T).T


# %% [markdown]
# ## 6. The race
#
# Both methods start from all ones. We count cost in **error evaluations**: one crude try
# costs one (a product $W\tilde X$ and a sum of squares). A gradient step costs about two: one
# product for the residual $R$, one more for $R\tilde X^\top$. So on the plot, gradient step
# $k$ sits at $2k$ evaluations.

# %%
if __name__ == "__main__":
    with demo("this picture"):
        d = SIZE**2
        W_crude, crude_errors = crude_search(X_noisy, X_clean, n_steps=30_000, step=0.1, seed=0)
        lr_max = max_stable_learning_rate(X_noisy)
        W_gd, gd_errors = gradient_descent(X_noisy, X_clean, n_steps=200, lr=0.5 * lr_max)
        _, too_big = gradient_descent(X_noisy, X_clean, n_steps=40, lr=1.05 * lr_max)
        W_best = least_squares_W(X_noisy, X_clean)
        best = denoising_error(W_best, X_noisy, X_clean)
        print(f"noisy images        E = {denoising_error(np.eye(d), X_noisy, X_clean):.4f}")
        print(f"crude, 30000 tries  E = {crude_errors[-1]:.4f}")
        print(f"gradient, 200 steps E = {gd_errors[-1]:.4f}  (learning rate {0.5 * lr_max:.2f})")
        print(f"least squares       E = {best:.4f}")
        first = np.argmax(gd_errors < 1.1 * best)
        print(f"within 10% of the best: gradient descent after {first} steps "
              f"(~{2 * first} evaluations); crude search after "
              f"{np.argmax(crude_errors < 1.1 * best) or 'more than 30000'} tries")

        fig, ax = plt.subplots(figsize=(7, 4))
        ax.loglog(np.arange(1, len(crude_errors) + 1), crude_errors, label="keep it if it helps")
        ax.loglog(2 * np.arange(1, len(gd_errors) + 1), gd_errors,
                  label=r"gradient descent, $\eta = 1/\lambda_{\max}$")
        ax.loglog(2 * np.arange(1, len(too_big) + 1), too_big, ":",
                  label=r"gradient descent, $\eta = 1.05 \cdot 2/\lambda_{\max}$ (diverges)")
        ax.axhline(best, color="k", lw=0.8, ls="--", label="least squares (the bottom)")
        ax.axhline(SIGMA**2, color="0.5", lw=0.8, ls="-.", label=r"noisy images, $\approx\sigma^2$")
        ax.set_ylim(best / 2, 100)
        ax.set_xlabel("error evaluations")
        ax.set_ylabel("mean squared error")
        ax.legend(fontsize=8)
        ax.set_title("Same problem, same start: how much work each method needs")
        show("ex06_figure_2")

# %% [markdown]
# And the point of it all: new images the matrices have never seen, before and after.

# %%
if __name__ == "__main__":
    with demo("this picture"):
        clean_new = make_images(6, SIZE, seed=42)
        noisy_new = add_noise(clean_new, SIGMA, seed=43)
        rows = [("clean", clean_new), ("noisy", noisy_new), ("crude W", W_crude @ noisy_new),
                ("gradient W", W_gd @ noisy_new)]
        fig, axes = plt.subplots(len(rows), 6, figsize=(7, 5))
        for r, (name, imgs) in enumerate(rows):
            for c in range(6):
                axes[r, c].imshow(imgs[:, c].reshape(SIZE, SIZE), cmap="gray", vmin=-0.3, vmax=1.3)
                axes[r, c].set_xticks([])
                axes[r, c].set_yticks([])
            axes[r, 0].set_ylabel(name, fontsize=9)
        fig.suptitle("Denoising new images with the learned W")
        show("ex06_figure_3")
        for name, Wm in [("identity", np.eye(SIZE**2)), ("crude", W_crude), ("gradient", W_gd)]:
            print(f"{name:>9}: error on the new images {denoising_error(Wm, noisy_new, clean_new):.4f}")

# %% [markdown]
# What to take away:
#
# - The crude search does learn, but every try explores one knob out of 625, so it needs tens
#   of thousands of evaluations. With a million knobs (a small network) it would never finish.
# - The gradient gives the best direction for all knobs at the cost of about two evaluations.
#   That is the whole reason backpropagation (exercise 4) matters.
# - The learning rate has a hard ceiling set by the curvature; a hair above it and gradient
#   descent explodes instead of converging.


# %% [markdown]
# ## Think it over
#
# Not graded: a few questions to check your picture of this exercise. Answer with a
# number or the letter of your choice in the cell below; `pytest` tells you whether each
# answer is right (the tests hold only a fingerprint of it, not the answer).
#
# - **6a.** $W$ is $25 \times 25$. How many error evaluations does a one-entry-at-a-time finite-difference estimate of the whole gradient need (one per entry, besides $E(W)$ itself)?
# - **6b.** The keep-it-if-it-helps step is (a) a step along the full gradient, (b) a finite-difference step along one coordinate, (c) a random restart.

# %%
answer_6a = ...
answer_6b = ...
