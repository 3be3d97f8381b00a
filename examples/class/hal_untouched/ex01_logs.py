# %% [markdown]
# # Exercise 1: Logarithms and log-likelihood
#
# Machine learning multiplies a lot of probabilities. The likelihood of a data set is the
# product of the probabilities the model gives to each example, and a product of a thousand
# numbers below one is a number your computer cannot hold. Logarithms fix that: they turn
# products into sums. That one rule is why every training loop you will meet maximises a
# *log*-likelihood (or, equivalently, minimises a cross-entropy).
#
# We use numpy and sympy only (no scipy): the point is to build these tools yourself.

# %% [markdown]
# ### How this exercise works
#
# The same in all six exercises:
#
# - Each graded task has a header **Task N.M (P points)** and a function whose docstring says
#   what to return, with shapes. Replace its `raise NotImplementedError("Task N.M: ...")`
#   line with your code.
# - Check yourself in a terminal, in this folder: `pytest test_ex01_logs.py` (one task:
#   `pytest -m task_1_1`; every detail: add `-v`), or `mlmath-check ex01`. The table of
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
# - Task 1.1 `log_product(p)`: `mlmath.logs.log_product(p)`
# - Task 1.2 `log_sum_exp(x, axis)`: `mlmath.logs.log_sum_exp(x, axis)`
# - Task 1.3 `bernoulli_log_likelihood(p, y)`: `mlmath.likelihood.bernoulli_log_likelihood(y, p)` (the arguments in the other order)
# - Task 1.6 `gaussian_mle(x)`: `mlmath.likelihood.gaussian_mle(x)`
# - Task 1.7 `categorical_log_likelihood(logits, labels)`: `mlmath.likelihood.categorical_log_likelihood_from_logits(labels, logits)` (another name, the arguments in the other order)
# - Task 1.8 `dice_loss(p, y, eps)`: `mlmath.likelihood.dice_loss(targets, probs, smooth)` (targets first, and per class)

# %%
import numpy as np
import sympy as sp

if __name__ == "__main__":  # pictures in the notebook; the tests skip them
    import matplotlib.pyplot as plt


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
# ## 1. Products become sums
#
# For positive numbers, $\log(ab) = \log a + \log b$, and more generally
#
# $$\log \prod_{i=1}^n p_i = \sum_{i=1}^n \log p_i .$$
#
# Why should you care? A float64 cannot hold numbers smaller than about $5 \times 10^{-324}$.
# Anything smaller **underflows** to exactly zero. Give a model 1000 independent examples,
# each of probability 0.1, and the likelihood is $0.1^{1000} = 10^{-1000}$: far too small.
# Its log is $1000 \log 0.1 \approx -2302.6$, a perfectly ordinary number.
#
# **Worked example.** The log of a product of two probabilities, the safe way:


# %%
def log_product_of_two(a, b):
    r"""Return :math:`\log(a b)` computed as :math:`\log a + \log b` (a, b > 0)."""
    return np.log(a) + np.log(b)


if __name__ == "__main__":
    with demo("this demo"):
        print("0.1**1000 == 0.0 ?", 0.1**1000 == 0.0)  # True: the product underflowed
        print("1000 * log(0.1)   =", 1000 * np.log(0.1))  # -2302.585..., no trouble at all
        a, b = 1e-200, 1e-200
        with np.errstate(divide="ignore"):
            print("log(a * b)         =", np.log(a * b))  # -inf: a * b underflowed first
        print("log_product_of_two =", log_product_of_two(a, b))  # -921.03..., correct

# %% [markdown]
# ### Task 1.1 (1 point): The log of a long product
#
# Now do the same for a whole array of probabilities. Never form the product itself: it
# underflows long before the sum of logs has any difficulty.


# %%
def log_product(p):
    r"""Return :math:`\log \prod_i p_i` as :math:`\sum_i \log p_i`.

    Args:
        p: array of shape (n,) with entries in (0, 1].
    Returns:
        float, the log of the product. For 1000 entries equal to 0.1 this is
        about -2302.585, not -inf.
    """
    raise NotImplementedError("Task 1.1: The log of a long product - not started yet. Replace this line with your code.")


# %% [markdown]
# Here is the picture. The running product of probabilities 0.1 (left, log scale) falls
# off the bottom of the float64 range after about 323 factors and becomes exactly 0; the
# running sum of logs (right) just keeps going down in a straight line.

# %%
if __name__ == "__main__":
    with demo("this picture"):
        n = np.arange(1, 401)
        running_product = np.cumprod(np.full(n.size, 0.1))
        running_log = np.cumsum(np.log(np.full(n.size, 0.1)))
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2))
        ax1.semilogy(n, np.where(running_product > 0, running_product, np.nan))
        first_zero = n[np.argmax(running_product == 0.0)]
        ax1.axvline(first_zero, color="red", linestyle="--", label=f"== 0.0 from n = {first_zero}")
        ax1.set(title="product of n probabilities 0.1", xlabel="n")
        ax1.legend()
        ax2.plot(n, running_log)
        ax2.set(title="sum of their logs", xlabel="n")
        fig.tight_layout()
        show("ex01_figure_1")

# %% [markdown]
# ## 2. Adding up exponentials: log-sum-exp
#
# The reverse trip comes up just as often: you hold *logs* $x_i$ and need the log of the
# sum of the numbers, $\log \sum_i e^{x_i}$ (a softmax's denominator, a mixture's
# likelihood). Done naively, $e^{1000}$ overflows to `inf` and $e^{-1000}$ underflows to 0.
#
# The trick: for any constant $m$,
# $$\log \sum_i e^{x_i} = m + \log \sum_i e^{x_i - m}.$$
# Pick $m = \max_i x_i$. Then every exponent is $\le 0$ (nothing overflows) and one term is
# exactly $e^0 = 1$ (the sum is at least 1, so its log is never $\log 0$).
#
# ### Task 1.2 (2 points): A stable log-sum-exp
#
# Edge cases worth a thought: if every entry is $-\infty$ the answer is $-\infty$ (the log
# of a sum of zeros), and $\infty - \infty$ is `nan`, so don't subtract an infinite max.


# %%
def log_sum_exp(x, axis=None):
    r"""Compute :math:`\log \sum_i e^{x_i}` without overflow or underflow.

    Args:
        x: array of any shape.
        axis: the axis to reduce over; None reduces over all entries.
    Returns:
        float when axis is None, otherwise an array of x's shape with `axis` removed.
        For x = [1000, 1000] the answer is 1000 + log 2.
    """
    raise NotImplementedError("Task 1.2: A stable log-sum-exp - not started yet. Replace this line with your code.")


# %% [markdown]
# ## 3. The Bernoulli log-likelihood
#
# A classifier outputs $p_i = P(y_i = 1)$ for each example. If the labels are
# $y_i \in \{0, 1\}$, the probability of label $y_i$ is $p_i^{y_i}(1-p_i)^{1-y_i}$, so the
# log-likelihood of all the labels is
#
# $$\ell(p; y) = \sum_i \big[\, y_i \log p_i + (1 - y_i) \log(1 - p_i) \,\big].$$
#
# Minus this, divided by $n$, is the **binary cross-entropy** loss.
#
# ### Task 1.3 (2 points): Bernoulli log-likelihood
#
# Careful at the edges: with $p_i = 0$ and $y_i = 0$ the formula says $0 \cdot \log 0$,
# which numpy computes as `0 * -inf = nan`. The true value of that term is
# $\log(1 - 0) = 0$. Pick the term you need instead of multiplying by zero.
# (`np.log1p(-p)` computes $\log(1-p)$ accurately when $p$ is tiny.)


# %%
def bernoulli_log_likelihood(p, y):
    r"""Return :math:`\sum_i [y_i \log p_i + (1-y_i)\log(1-p_i)]`.

    Args:
        p: array of shape (n,), predicted probabilities P(y_i = 1), in [0, 1].
        y: array of shape (n,), labels, each 0 or 1.
    Returns:
        float (<= 0). Exactly 0.0 for p = [1, 0], y = [1, 0]; -inf if a label has
        probability 0 (p_i = 0 with y_i = 1); never nan.
    """
    raise NotImplementedError("Task 1.3: Bernoulli log-likelihood - not started yet. Replace this line with your code.")


# %% [markdown]
# ## 4. Why we *maximise* the log-likelihood
#
# Training means choosing parameters that make the observed data most probable. Because
# $\log$ is increasing, the parameters that maximise the likelihood also maximise the
# log-likelihood, and the log version is a *sum* over examples: easy to differentiate term
# by term, and no underflow. So we set its derivative to zero.
#
# **Worked example.** Waiting times $x$ from an exponential distribution have density
# $\lambda e^{-\lambda x}$. One observation's log-likelihood is $\log\lambda - \lambda x$.
# By hand: $\frac{d}{d\lambda}(\log\lambda - \lambda x) = \frac{1}{\lambda} - x$. In SymPy we
# type that answer, and check it against `sp.diff`:


# %%
def exponential_loglik_derivative(lam, x):
    r"""Return :math:`\frac{d}{d\lambda}[\log\lambda - \lambda x] = 1/\lambda - x` (SymPy)."""
    return 1 / lam - x


if __name__ == "__main__":
    with demo("this picture"):
        lam, x = sp.symbols("lambda x", positive=True)
        mine = exponential_loglik_derivative(lam, x)
        print("d/dlambda:", mine, "  matches sp.diff:", sp.simplify(mine - sp.diff(sp.log(lam) - lam * x, lam)) == 0)
        # Summed over n observations, the derivative is n/lambda - sum(x). Setting it to zero:
        n, total = sp.symbols("n S", positive=True)
        print("maximum likelihood:", sp.solve(sp.Eq(n / lam - total, 0), lam))  # [n/S] = 1/mean(x)

# %% [markdown]
# ### Task 1.4 (2 points): Derivative of the Bernoulli log-likelihood
#
# Same steps for one Bernoulli observation: return
# $\frac{d}{dp}\big[y \log p + (1 - y) \log(1 - p)\big]$ as a SymPy expression in the symbols
# `p` and `y` you are given. Derive it by hand and type your answer (use `sp.log` if you
# need a log). No SymPy differentiation inside this function: no `sp.diff`, `expr.diff(...)`, `sp.Derivative` or `sp.idiff`
# (the grader checks). Use them in a scratch cell afterwards to convince yourself.
#
# Bonus thought: sum your answer over $n$ observations, set it to zero, and you find that
# the best $p$ is the fraction of ones, $\hat p = \bar y$.


# %%
def bernoulli_loglik_derivative(p, y):
    r"""Return :math:`\frac{d}{dp}[y \log p + (1-y)\log(1-p)]` as a SymPy expression.

    Args:
        p: SymPy symbol, the probability (0 < p < 1).
        y: SymPy symbol, the label.
    Returns:
        SymPy expression in p and y.
    """
    raise NotImplementedError("Task 1.4: Derivative of the Bernoulli log-likelihood - not started yet. Replace this line with your code.")


# %% [markdown]
# ### Task 1.5 (2 points): Derivative of the Gaussian log-likelihood in mu
#
# Now on your own. One observation $x$ from a normal distribution with mean $\mu$ and
# standard deviation $\sigma$ has log-likelihood
#
# $$\log \mathcal N(x; \mu, \sigma^2) = -\tfrac12 \log(2\pi\sigma^2) - \frac{(x-\mu)^2}{2\sigma^2}.$$
#
# Return its derivative with respect to $\mu$ as a SymPy expression (again with no
# `sp.diff`, `expr.diff(...)`, `sp.Derivative` or `sp.idiff` in the function). Notice which term disappears, and the
# sign.


# %%
def gaussian_loglik_derivative_mu(x, mu, sigma):
    r"""Return :math:`\frac{\partial}{\partial\mu} \log \mathcal N(x; \mu, \sigma^2)` (SymPy).

    Args:
        x, mu: SymPy symbols (real).
        sigma: SymPy symbol (positive), the standard deviation.
    Returns:
        SymPy expression in x, mu and sigma.
    """
    raise NotImplementedError("Task 1.5: Derivative of the Gaussian log-likelihood in mu - not started yet. Replace this line with your code.")


# %% [markdown]
# ### Task 1.6 (1 point): Fitting a Gaussian by maximum likelihood
#
# Sum your Task 1.5 derivative over data $x_1, \dots, x_n$ and set it to zero: that gives
# $\hat\mu$. Doing the same in $\sigma$ gives
# $\hat\sigma^2 = \frac1n \sum_i (x_i - \hat\mu)^2$. Note the $\frac1n$: the maximum
# likelihood estimate divides by $n$, not $n - 1$.


# %%
def gaussian_mle(x):
    r"""Return the maximum likelihood estimates :math:`(\hat\mu, \hat\sigma)` for data x.

    Args:
        x: array of shape (n,), n >= 1.
    Returns:
        tuple (mu_hat, sigma_hat) of two floats; sigma_hat is a standard deviation
        (the square root of the mean squared deviation, dividing by n).
    """
    raise NotImplementedError("Task 1.6: Fitting a Gaussian by maximum likelihood - not started yet. Replace this line with your code.")


# %%
if __name__ == "__main__":
    with demo("this demo"):
        rng = np.random.default_rng(0)
        sample = rng.normal(3.0, 2.0, size=500)
        mu_hat, sigma_hat = gaussian_mle(sample)
        print(f"true mu = 3, sigma = 2;  fitted mu = {mu_hat:.3f}, sigma = {sigma_hat:.3f}")

# %% [markdown]
# ## 5. Many classes: the categorical log-likelihood
#
# With $K$ classes a network outputs $K$ scores $z_{i1}, \dots, z_{iK}$ (the *logits*) per
# example, and the softmax turns them into probabilities
# $P(y_i = k) = e^{z_{ik}} / \sum_j e^{z_{ij}}$. Take the log and the division becomes a
# subtraction:
#
# $$\log P(y_i = k) = z_{ik} - \log \sum_j e^{z_{ij}} .$$
#
# That second term is a log-sum-exp, so it can be done stably. Compute log-probabilities
# this way, never as `np.log(softmax(z))`: a softmax output that underflows to 0 gives
# `log(0) = -inf`.
#
# ### Task 1.7 (2 points): Categorical log-likelihood from logits
#
# Make this function work on its own (write the max-subtraction here, or call your
# `log_sum_exp` with `axis=1`).


# %%
def categorical_log_likelihood(logits, labels):
    r"""Return :math:`\sum_i \log \mathrm{softmax}(z_i)_{y_i}` computed stably.

    Args:
        logits: array of shape (n, K), one row of class scores per example.
        labels: integer array of shape (n,), each in {0, ..., K-1}.
    Returns:
        float (<= 0). Finite even for logits like [[1000, 0]].
        Minus this, divided by n, is the cross-entropy loss.
    """
    raise NotImplementedError("Task 1.7: Categorical log-likelihood from logits - not started yet. Replace this line with your code.")


# %% [markdown]
# ## 6. When the likelihood rewards the wrong thing: class imbalance
#
# Picture a segmentation task: for each pixel of a scan, predict 1 for "tumour" and 0 for
# "background". In a typical mask 98% of the pixels are background. Pixel-wise binary
# cross-entropy averages over pixels, so the background pixels have 49 votes for every
# tumour pixel's one. A lazy model that predicts "2% chance of tumour" everywhere, and
# finds nothing, gets a cross-entropy of about 0.098, which looks excellent, and can even
# beat an honest model that actually finds the tumour but is a little noisy on the
# background.
#
# The **Dice loss** measures overlap with the positive class only:
#
# $$\mathrm{Dice}(p, y) = 1 - \frac{2\sum_i p_i y_i + \varepsilon}{\sum_i p_i + \sum_i y_i + \varepsilon}.$$
#
# It is 0 for a perfect mask and close to 1 when the predicted and true foreground don't
# overlap, however many background pixels were "right". The tiny $\varepsilon$ keeps
# $0/0$ away when both masks are empty (then the loss is 0: nothing to find, nothing found).
#
# A cousin of this trap: **spurious features**. If every bunny photo in your training set
# was taken on grass, a classifier can score very well by detecting grass. The likelihood
# is high; the model learned the wrong thing; it fails on the first bunny in the snow. A
# good number on the training loss is evidence, not proof: always ask what the loss can be
# satisfied by.
#
# ### Task 1.8 (3 points): The Dice loss


# %%
def dice_loss(p, y, eps=1e-6):
    r"""Return the soft Dice loss :math:`1 - (2\sum p_i y_i + \varepsilon)/(\sum p_i + \sum y_i + \varepsilon)`.

    Args:
        p: array of any shape, predicted foreground probabilities in [0, 1].
        y: array of the same shape, the true mask (0 or 1).
        eps: small smoothing constant, > 0.
    Returns:
        float in [0, 1]: 0.0 for a perfect prediction (and for two empty masks),
        close to 1.0 when the predicted and true foregrounds don't overlap.
    """
    raise NotImplementedError("Task 1.8: The Dice loss - not started yet. Replace this line with your code.")


# %% [markdown]
# Now compare the two losses on a 50x50 mask with a small square "tumour" (2% of the
# pixels): a lazy model that predicts the base rate 0.02 everywhere, and an honest model
# that says 0.8 on the tumour but is noisy (0.1) on the background.

# %%
if __name__ == "__main__":
    with demo("this picture"):
        mask = np.zeros((50, 50))
        mask[20:25, 20:30] = 1.0  # 50 of 2500 pixels: 2% foreground
        lazy = np.full(mask.shape, 0.02)
        honest = np.where(mask == 1, 0.8, 0.1)
        rows = []
        for name, pred in [("lazy", lazy), ("honest", honest)]:
            bce = -bernoulli_log_likelihood(pred.ravel(), mask.ravel()) / mask.size
            rows.append((name, pred, bce, dice_loss(pred, mask)))
            print(f"{name:6s}  cross-entropy = {bce:.4f}   Dice loss = {rows[-1][3]:.4f}")
        fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
        axes[0].imshow(mask, cmap="gray", vmin=0, vmax=1)
        axes[0].set_title("true mask (2% foreground)")
        for ax, (name, pred, bce, dice) in zip(axes[1:], rows, strict=True):
            ax.imshow(pred, cmap="gray", vmin=0, vmax=1)
            ax.set_title(f"{name}: CE {bce:.3f}, Dice {dice:.3f}")
        for ax in axes:
            ax.set_xticks([])
            ax.set_yticks([])
        fig.tight_layout()
        show("ex01_figure_2")
        # Cross-entropy prefers the lazy model (lower is "better"); Dice clearly does not.

# %% [markdown]
# ## What you've built
#
# - Sums of logs instead of products of probabilities: no underflow.
# - A stable log-sum-exp, and with it log-softmax and the categorical log-likelihood.
# - Derivatives of log-likelihoods, and maximum likelihood by setting them to zero.
# - A loss (Dice) that can't be fooled by predicting the majority class everywhere, and a
#   healthy suspicion of any loss that looks good too easily.


# %% [markdown]
# ## Think it over
#
# Not graded: a few questions to check your picture of this exercise. Answer with a
# number or the letter of your choice in the cell below; `pytest` tells you whether each
# answer is right (the tests hold only a fingerprint of it, not the answer).
#
# - **1a.** Multiply probabilities of 0.5 together. Roughly after how many factors does a float64 product underflow to exactly 0? (a) about 50, (b) about 1075, (c) about a million.
# - **1b.** `log_sum_exp([1000.0, 1000.0]) - 1000` is the log of which whole number?

# %%
answer_1a = ...
answer_1b = ...
