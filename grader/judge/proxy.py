"""The ``student`` object hidden tests call: a proxy whose every call runs in the sandbox."""

from __future__ import annotations

import inspect
import textwrap
import weakref

from grader import wire
from grader.judge.api import StudentCodeError
from grader.judge.explain import CallContext, explain
from grader.judge.probes import check_probe, top_level_bools
from grader.sandbox.client import Sandbox


def _sympy_builder(tree):
    """Rebuild a SymPy answer from its tree; a refusal carries a learner-safe ``learner_text``
    (an unsupported function named, or "too large"), which ``_request`` shows."""
    from grader.symbolic.tree import from_tree, learner_message

    try:
        return from_tree(tree)
    except (TypeError, ValueError) as err:
        failure = wire.WireError(f"unsupported SymPy expression: {err}")
        failure.learner_text = learner_message(err)
        raise failure from None


def _probe_source(fn) -> str:
    """The checked source of probe ``fn``, read once per function object: a suite module
    stays loaded across submissions (and a changed suite is a new module, new functions)."""
    source = _PROBE_SOURCES.get(fn)
    if source is None:
        check_probe(fn)
        source = _PROBE_SOURCES[fn] = textwrap.dedent(inspect.getsource(fn))
    return source


_PROBE_SOURCES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class StudentModule:
    """``student.f(*args)`` runs ``f`` from the learner's module in the sandbox.

    Arguments and results cross as wire data (see :mod:`grader.wire`); a failure raises
    :class:`StudentCodeError` with a learner-safe message.
    """

    def __init__(self, sandbox: Sandbox, module: str, forbid: tuple[str, ...] = (),
                 task: str = "?"):
        self._sandbox = sandbox
        self._module = module
        self._forbid = list(forbid)
        self._task = task

    def _context(self, func: str | None) -> CallContext:
        return CallContext(self._sandbox.submission, self._module, func, self._task,
                           tuple(self._forbid), self._sandbox.limits.call_timeout)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args, **kwargs):
            return self._request({"op": "call", "func": name}, args, kwargs)

        call.__name__ = name
        return call

    def _check_importable(self) -> None:
        """Import the module once per sandbox; one that kills its process is not retried."""
        box = self._sandbox
        if self._module in box.imported:
            return
        if self._module not in box.import_failures:
            answer = box.request({"op": "import", "module": self._module})
            if answer.get("ok"):
                box.imported.add(self._module)
                return
            error = answer.get("error") if isinstance(answer.get("error"), dict) else {}
            if error.get("kind") not in ("crash", "timeout", "exit"):
                return  # import errors are reported by each call, with their line
            box.import_failures[self._module] = str(error.get("kind"))
        # A fresh exception each time: re-raising one object would grow its traceback.
        raise StudentCodeError(
            box.import_failures[self._module], f"importing {self._module}.py ended the "
            "program (sys.exit or os._exit at the top level, a crash, or the time or memory "
            "limit), so none of its functions could be checked.")

    def probe(self, fn, *args, **kwargs):
        """Run the hidden suite's plain function ``fn(module, *args)`` inside the sandbox.

        ``fn`` must be a top-level function whose source stands alone (imports inside it);
        it is sent as source text and its return value comes back as wire data. A probe
        returns raw values and the test compares them (grader/judge/probes.py): one whose
        source computes a verdict is refused with SuiteError before anything is sent (a
        suite bug); a value that comes back as True/False at its top level anyway was made
        by the learner's code, and fails the check.
        """
        source = _probe_source(fn)
        value = self._request({"op": "probe", "source": source, "name": fn.__name__},
                              args, kwargs)
        self._refuse_verdict(value)
        return value

    @staticmethod
    def _refuse_verdict(value) -> None:
        """A probe's value with True/False at its top level fails the check (see ``probe``)."""
        if top_level_bools(value):
            raise StudentCodeError("unsupported", "your code could not be checked: the "
                                   "sandbox sent back a yes/no answer where this check "
                                   "observes values (does your code replace parts of Python "
                                   "or numpy?).")

    def _request(self, req: dict, args, kwargs):
        self._check_importable()
        key = (self._module, req.get("func"))
        if key in self._sandbox.stuck:
            raise StudentCodeError("timeout", f"`{key[1]}` ran out of time on an earlier check "
                                   "(an infinite loop?), so it was not run again.")
        if key in self._sandbox.not_started:  # a stub stays a stub: one call is enough
            raise StudentCodeError("not_started", f"Task {self._task} is not started yet (it "
                                   "still raises NotImplementedError).", task=self._task)
        req = {**req, "module": self._module, "forbid": self._forbid,
               "args": [wire.to_json(a) for a in args],
               "kwargs": {k: wire.to_json(v) for k, v in kwargs.items()}}
        answer = self._sandbox.request(req)
        if not answer.get("ok"):
            error = answer.get("error")
            error = error if isinstance(error, dict) else {}
            failure = explain(error, self._context(req.get("func")),
                              from_sandbox=answer.get("from_sandbox", False))
            if failure.kind == "timeout" and req["op"] == "call":
                self._sandbox.stuck.add(key)
            if failure.kind == "not_started" and req["op"] == "call":
                self._sandbox.not_started.add(key)
            raise failure
        try:
            return wire.from_json(answer.get("value"), sympy_builder=_sympy_builder)
        except wire.WireError as err:
            text = getattr(err, "learner_text", None) or (
                "unsupported return value (not plain data, or too large): return plain "
                "numbers, lists, numpy arrays or SymPy expressions.")
            raise StudentCodeError("unsupported", text) from None
