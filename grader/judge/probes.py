"""Probes: what a hidden test may run inside the sandbox, and the rule they follow.

A probe is a top-level function whose source stands alone (imports inside): the judge sends
its text with ``student.probe(fn, ...)`` and it runs in the sandbox with the learner's module
as first argument. Everything in the sandbox belongs to the learner, who can replace
``numpy.array_equal``, ``math.isclose`` or ``isinstance`` before any probe runs. So:

    **A probe reports what it saw; the test decides, here, against what the judge knows.**

A probe returns raw values: the result, the arguments as they are after the call, counts,
tags the test handed in. It never returns a verdict (``np.array_equal(A, before)``,
``isinstance(c, mod.Value)``, ``got is images``, ``True`` from an ``except``), and it makes
no reference for the test either: a "before" copy taken in the sandbox is as patchable as the
comparison. The test compares what came back with its own inputs, marks and references.
``student.probe`` enforces the first half: :func:`verdict_in_probe` reads the probe's source
before it is sent, and a probe that computes a verdict is a :class:`SuiteError` (a grader
bug, never the learner's fault); a value that comes back as ``True``/``False`` at its top level
anyway can only be the learner's doing and fails the check.

The right thing is the easy thing: :func:`observe` calls one function and returns what it
returned or raised and its arguments after the call; :func:`raised` is the exception part::

    obs = observe(student, "det_elimination", A)
    assert np.array_equal(obs.args[0], A)          # the caller's matrix is unchanged
    assert VALUE_ERROR in raised(student, "det_laplace", np.ones((2, 3)))
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass
from typing import Any

from grader.judge.api import StudentCodeError, SuiteError

VALUE_ERROR = "builtins.ValueError"


# --------------------------------------------------------------------------- in the sandbox


def call_and_observe(mod, fname, *args, **kwargs):
    """Call ``mod.fname(*args, **kwargs)``; report what it returned or raised, and the args.

    Returns:
        ``{"returned": [value] or [], "raised": [class names] or [], "args": [...],
        "kwargs": {...}}``: the exception's classes as ``module.qualname``, most derived
        first; the arguments as they are after the call. Not started (NotImplementedError),
        a forbidden call and leaving the program are not caught: the sandbox reports them.
    """
    returned, raised = [], []
    try:
        returned = [getattr(mod, fname)(*args, **kwargs)]
    except Exception as exc:
        if isinstance(exc, NotImplementedError) or type(exc).__name__ == "Forbidden":
            raise
        raised = [f"{c.__module__}.{c.__qualname__}" for c in type(exc).__mro__]
    return {"returned": returned, "raised": raised, "args": list(args), "kwargs": kwargs}


# --------------------------------------------------------------------------- in the judge


@dataclass(frozen=True)
class Observation:
    """One call of a learner's function, as seen from the sandbox.

    Attributes:
        returned: the return value (None when it raised).
        raised: the exception's classes as ``"module.qualname"``, most derived first; empty
            when the call returned.
        args: the positional arguments as they were after the call.
        kwargs: the keyword arguments as they were after the call.
    """

    returned: Any
    raised: tuple[str, ...]
    args: tuple
    kwargs: dict


def observe(student, fname: str, *args, **kwargs) -> Observation:
    """Call ``student.<fname>(*args, **kwargs)`` in the sandbox and observe it."""
    got = student.probe(call_and_observe, fname, *args, **kwargs)
    try:
        returned, raised_ = got["returned"], got["raised"]
        observation = Observation(returned[0] if returned else None,
                                  tuple(str(name) for name in raised_),
                                  tuple(got["args"]), dict(got["kwargs"]))
    except (TypeError, KeyError, IndexError, AttributeError):
        observation = None
    if observation is None or len(observation.args) != len(args) or (
            not returned and not raised_):
        raise StudentCodeError("unsupported", "your code could not be checked: the sandbox "
                               "sent back something other than what this check observes "
                               "(does your code replace parts of Python or numpy?).")
    return observation


def raised(student, fname: str, *args, **kwargs) -> tuple[str, ...]:
    """The classes of what ``student.<fname>(*args, **kwargs)`` raised; () if it returned.

    ``VALUE_ERROR in raised(...)`` is true for a ValueError or a subclass of it (numpy's
    LinAlgError is one).
    """
    return observe(student, fname, *args, **kwargs).raised


# --------------------------------------------------------------------------- the rule

# Calls whose result is a yes/no answer (besides any function named is... or has...).
VERDICT_CALLS = frozenset({"bool", "all", "any", "callable", "array_equal", "array_equiv",
                           "allclose", "approx", "startswith", "endswith"})
_COLLECTS = frozenset({"append", "extend", "add", "insert", "update", "setdefault"})
# Calls that put their keyword arguments into the value they build.
_BUILDERS = frozenset({"dict", "list", "tuple", "set"})


def _called_name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_verdict_function(name: str | None) -> bool:
    return name is not None and (name in VERDICT_CALLS or name.startswith(("is", "has")))


class _VerdictFinder:
    """Finds, in a probe's source, a return value that is (or holds) a computed verdict."""

    def __init__(self, fdef: ast.FunctionDef):
        self.fdef = fdef
        own = [n for n in ast.walk(fdef) if n is not fdef]
        self.nested = {n.name: n for n in own if isinstance(n, ast.FunctionDef)}
        self.verdict_names: set[str] = set()      # variables holding a verdict
        self.verdict_functions: set[str] = set()  # names bound to a verdict function
        self.verdict_helpers: set[str] = set()    # nested defs that return a verdict

    def _parts(self, node: ast.AST):
        """The subexpressions whose value can end up in ``node``'s value."""
        if isinstance(node, ast.IfExp):
            return [node.body, node.orelse]             # the test only chooses
        if isinstance(node, ast.Lambda):
            return []
        if isinstance(node, ast.comprehension):
            return [node.iter]                          # its ifs only filter
        if isinstance(node, ast.Subscript):
            return [node.value]                         # a mask or index only selects
        if isinstance(node, ast.Call) and _called_name(node.func) not in _BUILDERS:
            # an option such as copy=True is not part of the value
            return [node.func, *node.args, *(k.value for k in node.keywords if not (
                isinstance(k.value, ast.Constant) and isinstance(k.value.value, bool)))]
        return list(ast.iter_child_nodes(node))

    def verdict(self, node: ast.AST | None) -> ast.AST | None:
        """The first node that makes ``node``'s value a verdict, or None."""
        stack = [node] if node is not None else []
        while stack:
            n = stack.pop()
            if isinstance(n, ast.Compare) or (
                    isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not)) or (
                    isinstance(n, ast.Constant) and isinstance(n.value, bool)):
                return n
            if isinstance(n, ast.Name) and n.id in self.verdict_names:
                return n
            if isinstance(n, ast.Call):
                name = _called_name(n.func)
                if _is_verdict_function(name) or name in self.verdict_functions or (
                        isinstance(n.func, ast.Name) and name in self.verdict_helpers):
                    return n
            stack.extend(self._parts(n))
        return None

    def _returns(self, fdef: ast.FunctionDef):
        for n in ast.walk(fdef):
            if isinstance(n, ast.Return) and self._owner(n) is fdef:
                yield n

    def _owner(self, node: ast.AST) -> ast.FunctionDef:
        for f in [*self.nested.values(), self.fdef]:
            if f is not self.fdef and node in ast.walk(f):
                return f
        return self.fdef

    def _learn(self) -> bool:
        """One pass over assignments and collecting calls; True if anything new was learnt."""
        before = (len(self.verdict_names), len(self.verdict_functions),
                  len(self.verdict_helpers))
        for n in ast.walk(self.fdef):
            if isinstance(n, ast.Assign | ast.AnnAssign | ast.AugAssign) and n.value:
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                names = [t for target in targets for t in ast.walk(target)
                         if isinstance(t, ast.Name)]
                if self.verdict(n.value) is not None:
                    self.verdict_names.update(t.id for t in names)
                if isinstance(n.value, ast.Name | ast.Attribute) and (
                        _is_verdict_function(_called_name(n.value))
                        or _called_name(n.value) in self.verdict_functions):
                    self.verdict_functions.update(t.id for t in names)
                if isinstance(n.value, ast.Lambda) and self.verdict(n.value.body) is not None:
                    self.verdict_helpers.update(t.id for t in names)
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and \
                    n.func.attr in _COLLECTS and isinstance(n.func.value, ast.Name) and \
                    any(self.verdict(a) is not None for a in [*n.args, *n.keywords]):
                self.verdict_names.add(n.func.value.id)
        for name, helper in self.nested.items():
            if any(self.verdict(r.value) is not None for r in self._returns(helper)):
                self.verdict_helpers.add(name)
        return before != (len(self.verdict_names), len(self.verdict_functions),
                          len(self.verdict_helpers))

    def find(self) -> ast.AST | None:
        while self._learn():
            pass
        for r in self._returns(self.fdef):
            found = self.verdict(r.value)
            if found is not None:
                return found
        return None


_CHECKED: dict[str, str | None] = {}


def verdict_in_probe(fn) -> str | None:
    """Why ``fn`` would return a verdict computed in the sandbox, or None if it returns data.

    A verdict is a comparison, ``not``, ``True``/``False``, or a call such as ``bool``,
    ``isinstance``, ``np.array_equal``, ``np.isclose`` or ``any`` (any function named
    ``is...``/``has...``) that reaches a return value, directly or through a variable, a list
    it was appended to, an alias of such a function or a nested helper returning one. Tests
    that only choose (``x if cond else y``, the ``if`` of a comprehension, a mask inside
    ``a[...]``) are not verdicts. Read from the source, so the same probe always gets the same
    answer, whatever the submission.
    """
    source = textwrap.dedent(inspect.getsource(fn))
    if source not in _CHECKED:
        tree = ast.parse(source)
        fdef = tree.body[0] if tree.body else None
        if not isinstance(fdef, ast.FunctionDef):
            _CHECKED[source] = "a probe must be a plain top-level function"
        else:
            found = _VerdictFinder(fdef).find()
            _CHECKED[source] = None if found is None else (
                f"{fn.__name__} (line {fn.__code__.co_firstlineno + found.lineno - 1}) "
                f"returns a verdict computed in the sandbox ({ast.unparse(found)[:80]}); "
                "return the raw values and let the test compare them with its own")
    return _CHECKED[source]


def check_probe(fn) -> None:
    """Raise :class:`SuiteError` if ``fn`` is not a probe that returns raw values."""
    if not callable(fn) or not inspect.isfunction(fn):
        raise SuiteError(f"student.probe needs a plain function, got {type(fn).__name__}")
    problem = verdict_in_probe(fn)
    if problem is not None:
        raise SuiteError(f"probe {fn.__module__}.{fn.__name__}: {problem}")


def top_level_bools(value) -> list[str]:
    """Where a decoded probe value holds True/False itself or as one of its direct items."""
    import numpy as np

    def is_bool(v) -> bool:
        return isinstance(v, bool | np.bool_) or (
            isinstance(v, np.ndarray) and v.dtype == bool and v.ndim == 0)

    if is_bool(value):
        return ["the value itself"]
    if isinstance(value, list | tuple):
        return [f"item {i}" for i, v in enumerate(value) if is_bool(v)]
    if isinstance(value, dict):
        return [f"key {k!r}" for k, v in value.items() if is_bool(v)]
    return []
