# %% [markdown]
# # Exercise 4: The chain rule
#
# A neural network is a long composition of small functions: multiply, add, squash, repeat.
# Training it means asking "if I nudge this weight, how much does the cost change?" for every
# weight at once. The chain rule answers that question, and backpropagation is nothing more
# than the chain rule applied carefully, one layer at a time, starting from the cost.
#
# In this exercise you will
#
# 1. differentiate compositions by hand and let SymPy check you (tasks 4.1, 4.2),
# 2. backpropagate through a two-layer scalar network by hand (task 4.3),
# 3. build a tiny reverse-mode autodiff engine, `Value`, where every operation keeps its
#    local derivative right beside its forward code (tasks 4.4 to 4.6),
# 4. write the finite-difference gradient check that catches the bugs (task 4.7).

# %% [markdown]
# ### How this exercise works
#
# The same in all six exercises:
#
# - Each graded task has a header **Task N.M (P points)** and a function whose docstring says
#   what to return, with shapes. Replace its `raise NotImplementedError("Task N.M: ...")`
#   line with your code.
# - Check yourself in a terminal, in this folder: `pytest test_ex04_chain_rule.py` (one task:
#   `pytest -m task_4_1`; every detail: add `-v`), or `mlmath-check ex04`. The table of
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
# - Task 4.4 `Value.__mul__(self, other)`: `mlmath.autodiff.Value.__mul__(self, other)`
# - Task 4.5 `Value.tanh(self)`: `mlmath.autodiff.Value.tanh(self)`
# - Task 4.6 `Value.backward(self)`: `mlmath.autodiff.Value.backward(self)`
# - Task 4.7 `numerical_gradient(f, x, eps)`: `mlmath.gradcheck.numerical_gradient(f, x, eps)`

# %%
import matplotlib.pyplot as plt
import numpy as np
import sympy as sp


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
# ## 1. Derivatives of compositions
#
# If $y = f(g(x))$, then a small change $\Delta x$ moves $g$ by about $g'(x)\,\Delta x$, and
# that moves $f$ by about $f'(g(x))$ times *that*. So
#
# $$\frac{dy}{dx} = f'(g(x)) \cdot g'(x).$$
#
# Rates multiply along the chain. With names for the intermediate values, $u = g(x)$,
# $y = f(u)$, it reads like fractions cancelling: $\frac{dy}{dx} = \frac{dy}{du}\frac{du}{dx}$.
#
# **Worked example.** $y = \tanh(3x^2)$. Inner: $u = 3x^2$, $\frac{du}{dx} = 6x$.
# Outer: $y = \tanh u$, $\frac{dy}{du} = 1 - \tanh^2 u$. Multiply:
#
# $$\frac{dy}{dx} = \bigl(1 - \tanh^2(3x^2)\bigr)\cdot 6x.$$
#
# The cell below builds exactly that product from the two local derivatives and lets SymPy
# confirm it. Note the pattern: *outer derivative evaluated at the inner value, times inner
# derivative*.

# %%
x = sp.Symbol("x", real=True)


def worked_tanh_of_square(x):
    r"""Return :math:`\frac{d}{dx}\tanh(3x^2)`, built by the chain rule (a SymPy expression)."""
    u = 3 * x**2
    du_dx = 6 * x
    dy_du = 1 - sp.tanh(u) ** 2
    return dy_du * du_dx


if __name__ == "__main__":
    with demo("this demo"):
        mine = worked_tanh_of_square(x)
        sympys = sp.diff(sp.tanh(3 * x**2), x)
        print("chain rule:", mine)
        print("difference from sp.diff, simplified:", sp.simplify(mine - sympys))

# %% [markdown]
# The **sigmoid** $\sigma(z) = \frac{1}{1 + e^{-z}}$ squashes any number into $(0, 1)$.
# Its derivative has a famous shape: it can be written using only the sigmoid's own output
# $s = \sigma(z)$. That is why frameworks keep the forward output around: the backward pass
# gets the derivative almost for free.
#
# Hint for the derivation: $\sigma(z) = (1 + e^{-z})^{-1}$; differentiate with the chain
# rule, then notice that $\frac{e^{-z}}{1+e^{-z}} = 1 - \sigma(z)$.
#
# ### Task 4.1 (1 point): The sigmoid's derivative from its output
#
# Return $\sigma'(z)$ as a SymPy expression in the symbol `s`, where `s` stands for
# $\sigma(z)$. No $z$ and no `exp` may appear: only `s`. No SymPy differentiation in the
# function either: no `sp.diff`, `expr.diff(...)`, `sp.Derivative` or `sp.idiff` (the grader checks).


# %%
def sigmoid(z):
    r"""The logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})` as a SymPy expression."""
    return 1 / (1 + sp.exp(-z))


def sigmoid_derivative_from_output(s):
    r"""Return :math:`\sigma'(z)` written in terms of :math:`s = \sigma(z)` only.

    Args:
        s: a SymPy Symbol standing for the sigmoid's output, a number in (0, 1).
    Returns:
        a SymPy expression in ``s`` alone (no ``z``, no ``exp``).
    """
    return s * (1 - s)


# %% [markdown]
# A picture helps: the derivative is largest (1/4) where $\sigma = 1/2$, and almost zero
# when the sigmoid saturates near 0 or 1. That flatness is the "vanishing gradient": a
# saturated unit barely passes any gradient back.

# %%
if __name__ == "__main__":
    with demo("this picture"):
        s = sp.Symbol("s")
        ds = sp.lambdify(s, sigmoid_derivative_from_output(s), "numpy")
        zs = np.linspace(-6, 6, 301)
        sig = 1 / (1 + np.exp(-zs))
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.plot(zs, sig, label=r"$\sigma(z)$")
        ax.plot(zs, ds(sig), label=r"$\sigma'(z) = s(1-s)$ from task 4.1")
        ax.plot(zs[1:-1], (sig[2:] - sig[:-2]) / (zs[2] - zs[0]), "k:", label="finite differences")
        ax.set_xlabel("z")
        ax.legend()
        ax.set_title("The sigmoid and its derivative")
        show("ex04_figure_1")

# %% [markdown]
# ### Task 4.2 (2 points): A derivative through two layers
#
# Now two layers, the smallest network there is: input $x$, hidden value
# $h = \tanh(w_1 x)$, output $y = \sigma(w_2 h)$. Find $\frac{\partial y}{\partial w_1}$.
#
# Name the intermediate values and multiply the local derivatives along the path from
# $y$ back to $w_1$:
#
# $$\frac{\partial y}{\partial w_1} =
#   \underbrace{\frac{\partial y}{\partial z_2}}_{\sigma'(z_2)}\;
#   \underbrace{\frac{\partial z_2}{\partial h}}_{?}\;
#   \underbrace{\frac{\partial h}{\partial z_1}}_{?}\;
#   \underbrace{\frac{\partial z_1}{\partial w_1}}_{?},
# \qquad z_1 = w_1 x,\; z_2 = w_2 h.$$
#
# Build the answer from those four factors, with no `sp.diff`, `expr.diff(...)`, `sp.Derivative` or `sp.idiff` in
# the function (the grader checks): the point is to see the chain. Use `sp.diff` afterwards
# to check yourself.


# %%
def two_layer_derivative(x, w1, w2):
    r"""Return :math:`\partial y / \partial w_1` for :math:`y = \sigma(w_2 \tanh(w_1 x))`.

    Args:
        x, w1, w2: SymPy Symbols (real).
    Returns:
        a SymPy expression in ``x``, ``w1``, ``w2``.
    """
    z1 = w1 * x
    h = sp.tanh(z1)
    z2 = w2 * h
    y = sigmoid(z2)
    dy_dz2 = y * (1 - y)
    dz2_dh = w2
    dh_dz1 = 1 - h**2
    dz1_dw1 = x
    return dy_dz2 * dz2_dh * dh_dz1 * dz1_dw1


# %% [markdown]
# ## 2. Backpropagation: the chain rule, layer by layer, from the cost down
#
# In task 4.2 you multiplied four factors. With many weights, many of those products share
# factors: every weight in layer 1 needs $\partial y / \partial h$. Backpropagation computes
# each shared factor **once**, walking backwards from the cost:
#
# 1. **Forward**: compute and keep every intermediate value.
# 2. **Backward**: start with $\frac{\partial L}{\partial L} = 1$. At each step, take the
#    gradient arriving from above ("upstream") and multiply by the local derivative to get the
#    gradient one step further down.
#
# Our scalar network with a squared-error cost against a target $t$:
#
# $$z_1 = w_1 x,\quad h = \tanh z_1,\quad z_2 = w_2 h,\quad y = \sigma(z_2),\quad
#   L = \tfrac12 (y - t)^2.$$
#
# Walking down: $\frac{\partial L}{\partial y} = y - t$, then
# $\frac{\partial L}{\partial z_2} = \frac{\partial L}{\partial y}\, y(1-y)$, then you can
# branch off to $w_2$ (multiply by $h$) or continue to $h$ (multiply by $w_2$), and so on.
#
# ### Task 4.3 (2 points): Backpropagate through a two-layer scalar network
#
# Use plain floats and numpy (no SymPy, no finite differences). Do the forward pass, then one
# backward line per layer.


# %%
def backprop_scalar_net(x, t, w1, w2):
    r"""Loss and gradients of :math:`L = \frac12(\sigma(w_2 \tanh(w_1 x)) - t)^2`.

    Args:
        x: the input (float).
        t: the target (float).
        w1, w2: the two weights (floats).
    Returns:
        a tuple ``(L, dL_dw1, dL_dw2)`` of three floats.
    """
    z1 = w1 * x
    h = np.tanh(z1)
    z2 = w2 * h
    y = 1.0 / (1.0 + np.exp(-z2))
    L = 0.5 * (y - t) ** 2
    dL_dy = y - t
    dL_dz2 = dL_dy * y * (1.0 - y)
    dL_dw2 = dL_dz2 * h
    dL_dh = dL_dz2 * w2
    dL_dz1 = dL_dh * (1.0 - h**2)
    dL_dw1 = dL_dz1 * x
    return float(L), float(dL_dw1), float(dL_dw2)


# %% [markdown]
# ## 3. A tiny autodiff engine
#
# Writing the backward pass by hand for every new network gets old fast. Reverse-mode
# automatic differentiation does it for you: every arithmetic operation records
#
# - its **inputs** (the children in the computation graph), and
# - its **local derivative rule**: given the upstream gradient `out.grad`, how much gradient
#   each input receives.
#
# Then `backward()` visits the graph from the output down and calls each rule once. That is
# all PyTorch's `loss.backward()` does, on tensors instead of scalars.
#
# **The gradient rules of our engine** (the same as PyTorch within one backward pass):
#
# - `v.grad` holds $\partial\,\text{root} / \partial v$ after `root.backward()`.
# - `backward()` first **resets** `grad` to 0 on every node of the graph, then sets the
#   root's grad to 1, then calls each node's `_backward` in reverse topological order.
# - Each `_backward` **adds** (`+=`) to its inputs' grads, never overwrites. If a value is
#   used twice, as in `x * x`, both uses contribute, which is exactly the multivariable chain
#   rule: the total derivative is the sum over all paths.
# - Calling `backward()` twice gives the same grads, not doubled ones (because of the reset).
#
# **Worked example: addition.** For $out = a + b$: $\frac{\partial out}{\partial a} = 1$ and
# $\frac{\partial out}{\partial b} = 1$, so each input receives the upstream gradient
# unchanged. Read `__add__` below: forward on top, the local derivative in `_backward` right
# underneath.


# %%
class Value:
    r"""A scalar that remembers how it was computed, so gradients can flow back through it.

    Attributes:
        data: the number (float).
        grad: :math:`\partial\,\text{root}/\partial\,\text{self}` after ``root.backward()``.
        label: an optional name, handy in pictures.
        _children: the Values this one was computed from (empty for leaves).
        _op: the operation's name, e.g. ``"+"``.
        _backward: a function of no arguments that adds this node's contribution to its
            children's grads, using ``self.grad`` as the upstream gradient.
    """

    def __init__(self, data, label="", _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._children = tuple(_children)
        self._op = _op
        self._backward = lambda: None  # leaves have nothing to pass on

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}, label={self.label!r})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, _children=(self, other), _op="+")

        def _backward():
            # local derivatives: d(out)/d(self) = 1, d(out)/d(other) = 1
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __radd__(self, other):  # makes `2 + v` work
        return self + other

    def __rmul__(self, other):  # makes `2 * v` work, once task 4.4 gives us __mul__
        return self * other


# Run this cell again later and the new class keeps the methods your cells below gave the old
# one (Value.__mul__ = _value_mul, ...), so you need not run those cells again.
for _name, _method in (("__mul__", "_value_mul"), ("tanh", "_value_tanh"),
                       ("backward", "_value_backward")):
    if _method in globals():
        setattr(Value, _name, globals()[_method])


# %% [markdown]
# You can already drive one local rule by hand: set the output's grad, call its `_backward`,
# and look at the inputs. That is exactly how the tests check each rule on its own.

# %%
if __name__ == "__main__":
    with demo("this demo"):
        a, b = Value(2.0, "a"), Value(-3.0, "b")
        c = a + b
        c.grad = 1.0
        c._backward()
        print(c, a, b, sep="\n")

# %% [markdown]
# ### Task 4.4 (2 points): Multiplication, a near copy of addition
#
# For $out = a \cdot b$: $\frac{\partial out}{\partial a} = b$ and
# $\frac{\partial out}{\partial b} = a$. Copy the shape of `__add__`: wrap plain numbers into
# `Value`, compute the forward value, and write a `_backward` that **adds** each input's share
# of `out.grad`. (A Python note: we define the method as a function and then attach it to the
# class, so that each method sits right under its explanation. If you re-run the `Value`
# cell, re-run the task cells after it too.)


# %%
def _value_mul(self, other):
    r"""``self * other`` for Values (plain numbers are wrapped into Values first).

    Returns:
        a new Value with ``data = self.data * other.data``, children self and other (in
        either order),
        ``_op = "*"`` and a ``_backward`` that adds ``other.data * out.grad`` to ``self.grad``
        and ``self.data * out.grad`` to ``other.grad``.
    """
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, _children=(self, other), _op="*")

    def _backward():
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad

    out._backward = _backward
    return out


Value.__mul__ = _value_mul

# %% [markdown]
# ### Task 4.5 (2 points): tanh, on your own
#
# Now a rule with no template: $out = \tanh(a)$, with
# $\frac{d}{da}\tanh a = 1 - \tanh^2 a$. Tip: you already have $\tanh a$ once the forward
# value is computed, so the backward rule needs no second call to `tanh` (the same trick as
# the sigmoid in task 4.1). Use `np.tanh` on the float and store a plain float.


# %%
def _value_tanh(self):
    r"""``tanh(self)`` as a Value.

    Returns:
        a new Value with ``data = tanh(self.data)``, children ``(self,)``, ``_op = "tanh"``
        and a ``_backward`` that adds :math:`(1 - \tanh^2(\text{self.data}))` times
        ``out.grad`` to ``self.grad``.
    """
    t = float(np.tanh(self.data))
    out = Value(t, _children=(self,), _op="tanh")

    def _backward():
        self.grad += (1.0 - t * t) * out.grad

    out._backward = _backward
    return out


Value.tanh = _value_tanh

# %% [markdown]
# ### Task 4.6 (3 points): backward(), in topological order
#
# A node's `_backward` may only run once its own `grad` is complete, that is, after every
# node that *uses* it has passed its gradient down. A **topological order** lists each node
# after all of its children; walking that list in **reverse** visits users before the values
# they use.
#
# Build the order with a depth-first search: visit a node's children first, then append the
# node, and keep a set of nodes already seen so shared nodes appear once. Then follow the
# rules stated above: reset every grad to 0, set the root's grad to 1, call `_backward` in
# reverse order.


# %%
def _value_backward(self):
    r"""Fill ``v.grad`` with :math:`\partial\,\text{self} / \partial v` for every ``v`` in the graph.

    Resets every node's grad to 0, sets ``self.grad = 1``, then calls each node's
    ``_backward`` exactly once, users before the values they use. Returns None.
    """
    order, seen = [], set()

    def visit(v):
        if v not in seen:
            seen.add(v)
            for child in v._children:
                visit(child)
            order.append(v)

    visit(self)
    for v in order:
        v.grad = 0.0
    self.grad = 1.0
    for v in reversed(order):
        v._backward()


Value.backward = _value_backward

# %% [markdown]
# Here is a neuron, $o = \tanh(x_1 w_1 + x_2 w_2 + b)$, with its computation graph. Each box
# shows a value's data and, after `backward()`, its grad. Check one by hand: the grad arriving
# at the `+` just below `tanh` is $1 - o^2$, and addition passes it unchanged to both inputs.


# %%
def draw_graph(root, ax):
    r"""Draw the computation graph below ``root`` on a matplotlib Axes (leaves on the left)."""
    depth, order = {}, []

    def visit(v):
        if v not in depth:
            depth[v] = 0
            for child in v._children:
                visit(child)
            depth[v] = 1 + max((depth[c] for c in v._children), default=-1)
            order.append(v)

    visit(root)
    rows = {}
    pos = {}
    for v in order:
        d = depth[v]
        pos[v] = (d, -rows.get(d, 0))
        rows[d] = rows.get(d, 0) + 1
    for v in order:
        for child in v._children:
            ax.annotate("", xy=pos[v], xytext=pos[child],
                        arrowprops={"arrowstyle": "->", "color": "0.6", "shrinkA": 28, "shrinkB": 28})
    for v in order:
        name = v.label or v._op
        ax.text(*pos[v], f"{name}\ndata {v.data:.3f}\ngrad {v.grad:.3f}", ha="center",
                va="center", fontsize=8,
                bbox={"boxstyle": "round", "fc": "lightyellow" if v._op else "lightblue"})
    ax.set_xlim(-0.6, max(depth.values()) + 0.6)
    ax.set_ylim(-max(rows.values()) + 0.4, 0.6)
    ax.axis("off")


if __name__ == "__main__":
    with demo("this picture"):
        x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
        w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
        b = Value(6.8813735870195432, "b")
        o = (x1 * w1 + x2 * w2 + b).tanh()
        o.label = "o"
        o.backward()
        fig, ax = plt.subplots(figsize=(9, 4))
        draw_graph(o, ax)
        ax.set_title("o = tanh(x1*w1 + x2*w2 + b) after o.backward()")
        show("ex04_figure_2")

# %% [markdown]
# ## 4. Trust, but check: finite differences
#
# A wrong backward rule does not crash. It silently produces wrong gradients, and training
# just goes badly. The cure is a **gradient check**: compare against the derivative's
# definition, evaluated numerically. The **central difference**
#
# $$\frac{\partial f}{\partial x_i} \approx \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon}$$
#
# has error of order $\varepsilon^2$ (the one-sided version only $\varepsilon$), where $e_i$
# is the $i$-th unit vector. Don't make $\varepsilon$ tiny: the two $f$ values then agree in
# almost all digits and subtracting them loses the rest to rounding. Around $10^{-6}$ is a
# good compromise in float64 (see the picture below).
#
# ### Task 4.7 (2 points): A central-difference gradient
#
# Work on a copy of `x` (a caller does not expect their array to change) in float64.


# %%
def numerical_gradient(f, x, eps=1e-6):
    r"""Central-difference estimate of the gradient of a scalar function.

    Args:
        f: a function taking a float64 array shaped like ``x`` and returning a float.
        x: array of shape (n,) (any shape works: every entry gets its own difference).
        eps: the step :math:`\varepsilon`.
    Returns:
        float64 array shaped like ``x`` whose entry i is
        :math:`(f(x + \varepsilon e_i) - f(x - \varepsilon e_i)) / (2\varepsilon)`.
        ``x`` itself is left unchanged.
    """
    x = np.array(x, dtype=np.float64)  # a copy
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


# %% [markdown]
# Now the payoff: check the engine against finite differences on the neuron, and see why
# $\varepsilon \approx 10^{-6}$. Too large a step and the truncation error ($\propto
# \varepsilon^2$) dominates; too small and rounding error ($\propto 10^{-16}/\varepsilon$) does.

# %%
if __name__ == "__main__":
    with demo("this picture"):

        def neuron(p):
            x1, x2, w1, w2, b = (Value(v) for v in p)
            return (x1 * w1 + x2 * w2 + b).tanh()

        p0 = np.array([2.0, 0.5, -3.0, 1.0, 6.5])
        leaves = [Value(v) for v in p0]
        out = (leaves[0] * leaves[2] + leaves[1] * leaves[3] + leaves[4]).tanh()
        out.backward()
        autodiff = np.array([v.grad for v in leaves])
        numeric = numerical_gradient(lambda p: neuron(p).data, p0)
        print("autodiff:", autodiff)
        print("numeric: ", numeric)
        print("max abs difference:", np.max(np.abs(autodiff - numeric)))

        epss = np.logspace(-14, -1, 40)
        errs = [abs(numerical_gradient(lambda p: float(np.sin(p[0])), np.array([1.0]), e)[0]
                    - np.cos(1.0)) for e in epss]
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.loglog(epss, np.maximum(errs, 1e-18), "o-")
        ax.set_xlabel(r"step $\varepsilon$")
        ax.set_ylabel("error in d/dx sin(x) at x=1")
        ax.set_title("Central differences: rounding (left) vs truncation (right)")
        show("ex04_figure_3")

# %% [markdown]
# That is the whole idea behind every deep-learning framework: local derivatives beside the
# forward code, a topological walk from the cost down, and a numerical check to keep
# everyone honest. In exercise 5 you will do the same with whole matrices at once.


# %% [markdown]
# ## Think it over
#
# Not graded: a few questions to check your picture of this exercise. Answer with a
# number or the letter of your choice in the cell below; `pytest` tells you whether each
# answer is right (the tests hold only a fingerprint of it, not the answer).
#
# - **4a.** If $f'(g(x)) = 3$ and $g'(x) = 4$ at some $x$, what is $\frac{d}{dx} f(g(x))$ there?
# - **4b.** Halve $h$: the error of a central difference shrinks about (a) 2 times, (b) 4 times, (c) 8 times.

# %%
answer_4a = ...
answer_4b = ...
