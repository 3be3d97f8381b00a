# %% [markdown]
# # Exercise 2: Determinants
#
# A square matrix $A$ is a map: it sends each vector $x$ to $Ax$. The determinant answers
# two questions about that map with one number:
#
# - **How much does it scale volume?** The unit square (cube, hypercube) goes to a
#   parallelogram (parallelepiped) of area (volume) $|\det A|$.
# - **Does it keep or flip orientation?** $\det A > 0$ keeps it (counterclockwise stays
#   counterclockwise), $\det A < 0$ flips it like a mirror, and $\det A = 0$ squashes
#   space flat, so the map can't be undone.
#
# Every task here is checked to near float64 precision: return float64 (a Python float, or
# float64 arrays in Task 2.7), not float32.
#
# In machine learning you meet determinants in the Gaussian density (the
# $\det \Sigma$ in its normaliser), in normalising flows (the change of volume of a learned
# map), and every time someone asks "is this matrix invertible?".
#
# Rules of the game: numpy and sympy only (no scipy), and **no `np.linalg.det` or
# `np.linalg.slogdet`** in Tasks 2.1 to 2.6. You are building the determinant; the grader checks your code for
# those calls.

# %% [markdown]
# ### How this exercise works
#
# The same in all six exercises:
#
# - Each graded task has a header **Task N.M (P points)** and a function whose docstring says
#   what to return, with shapes. Replace its `raise NotImplementedError("Task N.M: ...")`
#   line with your code.
# - Check yourself in a terminal, in this folder: `pytest test_ex02_determinants.py` (one task:
#   `pytest -m task_2_1`; every detail: add `-v`), or `mlmath-check ex02`. The table of
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
# - Task 2.1 `det_3x3(A)`: `mlmath.determinants.det3(A)` (another name)
# - Task 2.2 `det_laplace(A)`: `mlmath.determinants.det_laplace(A)`
# - Task 2.3 `det_elimination(A)`: `mlmath.determinants.det_gauss(A)` (another name)
# - Task 2.4 `slogdet(A)`: `mlmath.determinants.sign_and_logabsdet(A)` (another name)
# - Task 2.5 `orientation(a, b, c)`: `mlmath.determinants.orientation(vectors)` (takes the vectors b - a and c - a, in any dimension)
# - Task 2.7 `grad_logabsdet(A)`: `mlmath.determinants.grad_logabsdet(A)`

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
# ## 1. The 2x2 determinant, worked
#
# The columns of $A = \begin{pmatrix} a & b \\ c & d \end{pmatrix}$ are where the basis
# vectors land: $e_1 \mapsto (a, c)$ and $e_2 \mapsto (b, d)$. The unit square becomes the
# parallelogram spanned by those two columns, and its *signed* area is
#
# $$\det A = ad - bc .$$
#
# Positive if turning from the first column to the second is counterclockwise (as from
# $e_1$ to $e_2$), negative if clockwise. Example: $\begin{pmatrix} 2 & 1 \\ 1 & 3
# \end{pmatrix}$ has $\det = 2\cdot 3 - 1\cdot 1 = 5$: areas grow five-fold. Swap its
# columns and you get $1\cdot 1 - 2 \cdot 3 = -5$: same area, orientation flipped.


# %%
def det_2x2(A):
    r"""Return :math:`\det A = a d - b c` for a (2, 2) array A (worked example)."""
    A = np.asarray(A, dtype=float)
    return float(A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0])


if __name__ == "__main__":
    with demo("this demo"):
        print(det_2x2([[2, 1], [1, 3]]), det_2x2([[1, 2], [3, 1]]))  # 5.0 -5.0

# %% [markdown]
# The picture: the unit square (grey) and its image under three matrices. The red arrow is
# where $e_1$ goes, the blue arrow where $e_2$ goes. For the reflection, blue is now
# *clockwise* from red: the orientation flipped, and the determinant is negative.

# %%
if __name__ == "__main__":
    with demo("this picture"):
        square = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], dtype=float).T
        examples = {
            "stretch + shear": np.array([[2.0, 1.0], [0.5, 1.5]]),
            "reflection": np.array([[0.5, 1.5], [2.0, 0.5]]),
            "squash (singular)": np.array([[1.0, 2.0], [0.5, 1.0]]),
        }
        fig, axes = plt.subplots(1, 3, figsize=(11, 3.8))
        for ax, (name, A) in zip(axes, examples.items(), strict=True):
            image = A @ square
            ax.fill(square[0], square[1], color="lightgrey", label="unit square, area 1")
            ax.fill(image[0], image[1], alpha=0.35, label="image")
            ax.arrow(0, 0, *A[:, 0], color="red", width=0.03, length_includes_head=True)
            ax.arrow(0, 0, *A[:, 1], color="blue", width=0.03, length_includes_head=True)
            ax.set_title(f"{name}\nsigned area = det = {det_2x2(A):+.2f}")
            ax.set_aspect("equal")
            ax.set_xlim(-0.5, 3.5)
            ax.set_ylim(-0.5, 3.5)
            ax.grid(alpha=0.3)
        axes[0].legend(loc="upper left", fontsize=8)
        fig.tight_layout()
        show("ex02_figure_1")

# %% [markdown]
# ## 2. Three by three
#
# Expand along the first row. Each entry $a_{1j}$ multiplies the determinant of the
# $2\times 2$ **minor** left after deleting row 1 and column $j$, with alternating signs
# $+, -, +$:
#
# $$\det\begin{pmatrix} a & b & c \\ d & e & f \\ g & h & i \end{pmatrix}
# = a(ei - fh) - b(di - fg) + c(dh - eg).$$
#
# Geometrically it is the signed volume of the parallelepiped spanned by the columns.
#
# ### Task 2.1 (1 point): The 3x3 determinant
#
# A near copy of `det_2x2`. Don't use `np.linalg.det` (the grader checks).


# %%
def det_3x3(A):
    r"""Return the determinant of a (3, 3) array by expansion along the first row.

    Args:
        A: array of shape (3, 3).
    Returns:
        float, :math:`a(ei - fh) - b(di - fg) + c(dh - eg)`.
    """
    A = np.asarray(A, dtype=float)
    (a, b, c), (d, e, f), (g, h, i) = A
    return float(a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g))


# %% [markdown]
# ## 3. Any size: Laplace (cofactor) expansion
#
# The same rule works for every $n$: expanding along the first row,
#
# $$\det A = \sum_{j=1}^{n} (-1)^{1+j}\, a_{1j}\, \det M_{1j},$$
#
# where $M_{1j}$ is $A$ without row 1 and column $j$. Each minor is again a determinant, so
# the natural code is **recursive**: the determinant of a $1 \times 1$ matrix is its entry
# (and, by convention, an empty $0 \times 0$ matrix has determinant 1). `np.delete` builds a
# minor.
#
# ### Task 2.2 (2 points): Laplace expansion
#
# On your own now. Raise a `ValueError` if `A` is not square. Don't use `np.linalg.det`.
# (Count the work: $n$ minors of size $n-1$, each with $n-1$ of size $n-2$, ... that is
# about $n!$ products. Fine for $n = 6$, hopeless for $n = 20$. Section 4 fixes that.)


# %%
def det_laplace(A):
    r"""Return :math:`\det A` by recursive cofactor expansion along the first row.

    Args:
        A: array of shape (n, n), n >= 0 (a (0, 0) array has determinant 1.0).
    Returns:
        float.
    Raises:
        ValueError: A is not a square 2-d array.
    """
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {A.shape}")
    n = A.shape[0]
    if n == 0:
        return 1.0
    if n == 1:
        return float(A[0, 0])
    total = 0.0
    for j in range(n):
        if A[0, j] == 0.0:
            continue  # a zero entry contributes nothing: skip its whole subtree
        minor = np.delete(A[1:], j, axis=1)
        total += (-1) ** j * A[0, j] * det_laplace(minor)
    return float(total)


# %% [markdown]
# ## 4. Fast and stable: Gaussian elimination
#
# Three facts about determinants give an $O(n^3)$ algorithm:
#
# 1. Adding a multiple of one row to another doesn't change $\det$ (it is a shear: it
#    slides the parallelepiped without changing its volume).
# 2. Swapping two rows flips the sign (a reflection).
# 3. The determinant of a triangular matrix is the product of its diagonal.
#
# So: eliminate below each pivot to reach upper triangular form, multiply the pivots, and
# flip the sign once per row swap. **Partial pivoting**: in column $k$, swap up the row with
# the largest $|a_{ik}|$ ($i \ge k$). That avoids dividing by zero when a pivot happens to
# be 0, and keeps rounding errors small when it is merely tiny. If the whole column below
# the diagonal is zero, the matrix is singular and $\det A = 0$.
#
# ### Task 2.3 (3 points): Determinant by elimination with partial pivoting
#
# Work on a float copy (`np.array(A, dtype=float)`), never on the caller's array.
# Raise a `ValueError` if `A` is not square. Don't use `np.linalg.det`. Pivot on the entry of
# largest *absolute* value in the column; only an exactly zero column means singular, with no
# absolute threshold (entries from 1e-12 to 1e8 are checked).


# %%
def det_elimination(A):
    r"""Return :math:`\det A` by Gaussian elimination with partial pivoting, in O(n^3).

    Args:
        A: array of shape (n, n). Not modified.
    Returns:
        float: (-1)^(number of row swaps) times the product of the pivots;
        0.0 for a singular matrix.
    Raises:
        ValueError: A is not a square 2-d array.
    """
    U = np.array(A, dtype=float)
    if U.ndim != 2 or U.shape[0] != U.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {U.shape}")
    n = U.shape[0]
    det = 1.0
    for k in range(n):
        pivot_row = k + int(np.argmax(np.abs(U[k:, k])))
        if U[pivot_row, k] == 0.0:
            return 0.0
        if pivot_row != k:
            U[[k, pivot_row]] = U[[pivot_row, k]]
            det = -det
        det *= U[k, k]
        factors = U[k + 1 :, k] / U[k, k]
        U[k + 1 :, k:] -= np.outer(factors, U[k, k:])
    return float(det)


# %% [markdown]
# ## 5. Sign and log-determinant
#
# The product of pivots has the same problem as the likelihoods of Exercise 1: for a
# $400\times 400$ matrix $10 I$ the determinant is $10^{400}$, which overflows to `inf`;
# for $0.1 I$ it is $10^{-400}$, which underflows to 0. The cure is the same too: add logs
# instead of multiplying. Keep the sign separately:
#
# $$\det A = \text{sign} \cdot e^{\text{logabsdet}}, \qquad
# \text{logabsdet} = \sum_k \log |u_{kk}| .$$
#
# The Gaussian log-likelihood needs exactly $\log\det\Sigma$, and so do normalising flows.
#
# ### Task 2.4 (2 points): Sign and log |det A|
#
# For a singular matrix return `(0.0, -inf)`. Don't use `np.linalg.det` or
# `np.linalg.slogdet`.


# %%
def slogdet(A):
    r"""Return (sign, logabsdet) with :math:`\det A = \mathrm{sign} \cdot e^{\mathrm{logabsdet}}`.

    Args:
        A: array of shape (n, n). Not modified.
    Returns:
        tuple of two floats: sign in {-1.0, 0.0, 1.0} and logabsdet = log|det A|
        (-inf when A is singular). Finite for 10 * np.eye(400).
    Raises:
        ValueError: A is not a square 2-d array.
    """
    U = np.array(A, dtype=float)
    if U.ndim != 2 or U.shape[0] != U.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {U.shape}")
    n = U.shape[0]
    sign, logabsdet = 1.0, 0.0
    for k in range(n):
        pivot_row = k + int(np.argmax(np.abs(U[k:, k])))
        pivot = U[pivot_row, k]
        if pivot == 0.0:
            return 0.0, float("-inf")
        if pivot_row != k:
            U[[k, pivot_row]] = U[[pivot_row, k]]
            sign = -sign
        if pivot < 0:
            sign = -sign
        logabsdet += np.log(abs(pivot))
        factors = U[k + 1 :, k] / pivot
        U[k + 1 :, k:] -= np.outer(factors, U[k, k:])
    return sign, float(logabsdet)


# %% [markdown]
# ## 6. Orientation: which way does a triangle turn?
#
# Three points $a, b, c$ in the plane. Go from $a$ to $b$ to $c$: do you turn left
# (counterclockwise) or right (clockwise)? Put the two edge vectors $b - a$ and $c - a$
# into the columns of a $2\times 2$ matrix. Its determinant is twice the triangle's signed
# area: positive for a left turn, negative for a right turn, zero if the points are on one
# line. Computational geometry (convex hulls, "is this point inside?") is built on this
# single test.
#
# ### Task 2.5 (2 points): The orientation test
#
# Floating point rarely gives an exact zero, so call the points collinear when
# $|\det| \le \text{tol} \cdot \|b-a\| \, \|c-a\|$ (a *relative* test: it doesn't change if
# you measure in metres or millimetres).


# %%
def orientation(a, b, c, tol=1e-12):
    r"""Return +1 if a -> b -> c turns counterclockwise, -1 if clockwise, 0 if collinear.

    Args:
        a, b, c: arrays of shape (2,), points in the plane.
        tol: relative tolerance for collinearity (see the text above).
    Returns:
        int, one of 1, -1, 0: the sign of det [b - a, c - a] (edge vectors as columns).
    """
    a, b, c = (np.asarray(v, dtype=float) for v in (a, b, c))
    u, v = b - a, c - a
    det = u[0] * v[1] - u[1] * v[0]
    if abs(det) <= tol * np.hypot(*u) * np.hypot(*v):
        return 0
    return 1 if det > 0 else -1


# %% [markdown]
# ## 7. Area of any polygon, and the volume a matrix scales
#
# Cut a polygon with vertices $p_0, \dots, p_{n-1}$ (in order) into triangles fanning out
# from the origin: triangle $(0, p_i, p_{i+1})$ has signed area
# $\tfrac12 \det[p_i, p_{i+1}]$. Triangles that stick out beyond the polygon are
# subtracted again by their negative signs, so the sum is exact (the "shoelace formula"):
#
# $$\text{area} = \tfrac12 \sum_{i=0}^{n-1} \big(x_i y_{i+1} - x_{i+1} y_i\big),
# \qquad p_n = p_0 .$$
#
# Positive when the vertices go counterclockwise. Now the promise of the title: map every
# vertex through a matrix $A$ and the area is multiplied by exactly $\det A$, sign included.
# This holds for *every* shape, not just the unit square.
#
# ### Task 2.6 (2 points): Signed area of a polygon
#
# Hint: `np.roll(P, -1, axis=0)` lines up each vertex with the next one, wrapping around.


# %%
def polygon_signed_area(P):
    r"""Return the signed area of the polygon with vertices P (shoelace formula).

    Args:
        P: array of shape (n, 2), the vertices in order, n >= 3 (not repeated at the end).
    Returns:
        float: positive if the vertices run counterclockwise, negative if clockwise.
    """
    P = np.asarray(P, dtype=float)
    Q = np.roll(P, -1, axis=0)
    return float(0.5 * np.sum(P[:, 0] * Q[:, 1] - Q[:, 0] * P[:, 1]))


# %%
if __name__ == "__main__":
    with demo("this demo"):
        star = np.array([[np.cos(t), np.sin(t)] for t in np.linspace(0, 2 * np.pi, 10, endpoint=False)])
        star *= np.where(np.arange(10) % 2 == 0, 1.0, 0.45)[:, None]
        A = np.array([[1.5, 0.7], [-0.4, 1.2]])
        before = polygon_signed_area(star)
        after = polygon_signed_area(star @ A.T)
        print(f"area before {before:.4f}, after {after:.4f}, ratio {after / before:.4f}, det A {det_2x2(A):.4f}")

# %% [markdown]
# ## 8. The gradient of log |det A|
#
# In one dimension, $\frac{d}{da}\log|a| = \frac1a$. For a diagonal matrix,
# $\log|\det A| = \sum_i \log|a_{ii}|$, so the gradient is the diagonal matrix of the
# $1/a_{ii}$, which is $A^{-1}$. For every invertible matrix (Jacobi's formula):
#
# $$\frac{\partial \log|\det A|}{\partial a_{ij}} = \big(A^{-1}\big)_{ji},
# \qquad \text{so} \qquad \nabla_A \log|\det A| = A^{-\top}.$$
#
# Mind the transpose: the $(i, j)$ entry of the gradient is the $(j, i)$ entry of the
# inverse. This is the gradient a normalising flow or a Gaussian with a learned covariance
# uses in training.
#
# ### Task 2.7 (2 points): Gradient of log |det A|
#
# `np.linalg.inv` or `np.linalg.solve` are allowed here. Raise a `ValueError` for a
# singular matrix (where $\log|\det A| = -\infty$ has no gradient). numpy's own
# `np.linalg.LinAlgError` is a `ValueError`, so letting it through is fine.


# %%
def grad_logabsdet(A):
    r"""Return the gradient of :math:`\log|\det A|` with respect to A, i.e. :math:`A^{-\top}`.

    Args:
        A: invertible array of shape (n, n).
    Returns:
        array of shape (n, n) whose (i, j) entry is d log|det A| / d A[i, j].
    Raises:
        ValueError: A is not square, or is singular.
    """
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {A.shape}")
    return np.linalg.inv(A).T


# %%
if __name__ == "__main__":
    with demo("this demo"):
        rng = np.random.default_rng(2)
        A = rng.normal(size=(4, 4))
        print("det: Laplace", det_laplace(A), " elimination", det_elimination(A))
        print("slogdet of 10 * I_400:", slogdet(10 * np.eye(400)), " = 400 log 10 =", 400 * np.log(10))
        G = grad_logabsdet(A)
        E = np.zeros_like(A)
        E[1, 2] = 1e-6
        numeric = (slogdet(A + E)[1] - slogdet(A - E)[1]) / 2e-6
        print(f"d log|det A| / dA[1, 2]: formula {G[1, 2]:.6f}, central difference {numeric:.6f}")

# %% [markdown]
# ## What you've built
#
# - The determinant as the factor by which a matrix scales areas and volumes, with a sign
#   for orientation, from the $2\times 2$ formula up to $n\times n$.
# - Two algorithms: Laplace ($n!$, a definition) and elimination ($n^3$, what libraries do).
# - A log-determinant that survives $10^{\pm 400}$, the orientation test of computational
#   geometry, the shoelace area, and the gradient $A^{-\top}$ of $\log|\det A|$.


# %% [markdown]
# ## Think it over
#
# Not graded: a few questions to check your picture of this exercise. Answer with a
# number or the letter of your choice in the cell below; `pytest` tells you whether each
# answer is right (the tests hold only a fingerprint of it, not the answer).
#
# - **2a.** For a 3x3 matrix $A$, $\det(2A)$ is how many times $\det A$?
# - **2b.** A matrix maps the unit square onto a segment (a flat parallelogram). Its determinant is (a) negative, (b) 1, (c) 0.

# %%
answer_2a = ...
answer_2b = ...
