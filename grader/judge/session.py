"""Run the hidden pytest suites against one sandboxed submission, in this (trusted) process.

``run_suites`` runs the suites through a :class:`SuitePlan`, one pytest session kept open per
worker, with a plugin that hands every test a ``student`` proxy for the exercise its folder
is named after and records each test's outcome with a learner-safe message. The suites are
collected once per suite hash; another hash closes the session and forgets its modules.
"""

from __future__ import annotations

import ast
import queue
import sys
import threading
from pathlib import Path

import pytest

from grader.faults import FAULT_MESSAGE, GraderFault
from grader.judge.api import GLOBAL_FORBIDDEN, StudentCodeError
from grader.judge.forbidden import Use, code_names, describe, may_use, parse_quietly, task_uses
from grader.judge.policy import AnswerTypeError
from grader.judge.proxy import StudentModule
from grader.sandbox.client import Sandbox

WRONG_ANSWER = "your answer did not pass this check."
UNCHECKABLE = "your answer could not be checked (is its type or shape what the task asks for?)."
# Failures that concern the whole file or task, already named in their own message: the
# check's question would only repeat itself once per test.
_WHOLE_TASK_KINDS = frozenset({"not_started", "not_submitted", "import", "forbidden"})


def question(item) -> str:
    """The hidden test's question: its docstring on one line (learner-safe by the suites'
    rule: it names the property checked, never the hidden inputs or expected values)."""
    doc = getattr(getattr(item, "obj", None), "__doc__", None) or ""
    return " ".join(doc.split())


def _with_question(q: str, text: str) -> str:
    """The question, then the text as a sentence: a plain first word is capitalised, a
    file or function name (``ex02_determinants.py has no function ...``) is left as written."""
    if not q:
        return text
    first = text.split(" ", 1)[0]
    return f"{q} {text[:1].upper()}{text[1:]}" if first.isalpha() else f"{q} {text}"


class JudgePlugin:
    """A pytest plugin: the ``student`` fixture, forbidden-call checks and outcome records."""

    def __init__(self, sandbox: Sandbox | None, submission: Path | None):
        self.suites: Path | None = None
        self.collected = 0  # tests in the suites
        self.collections = 0  # times pytest collected them (once per SuitePlan)
        self.start(sandbox, submission)

    def start(self, sandbox: Sandbox | None, submission: Path | None) -> None:
        """Forget the last submission; the next tests run against this one."""
        self.sandbox = sandbox
        self.submission = submission
        self.records: list[dict] = []
        self._answers_before = 0
        self._sources: dict[str, str] = {}
        self._names: dict[str, frozenset[str] | None] = {}
        self._trees: dict[str, ast.Module | None] = {}
        self._uses: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[Use]] = {}
        self._file_uses: dict[str, dict] = {}  # module -> its whole-file searches

    def pytest_collection_finish(self, session) -> None:
        self.collected = len(session.items)
        self.collections += 1

    def _source(self, module: str) -> str:
        if module not in self._sources:
            path = self.submission / f"{module}.py"
            self._sources[module] = path.read_text(encoding="utf-8") if path.is_file() else ""
        return self._sources[module]

    def _tree(self, module: str) -> ast.Module | None:
        if module not in self._trees:
            self._trees[module] = parse_quietly(self._source(module))
        return self._trees[module]

    def _find_uses(self, module: str, forbid: tuple[str, ...],
                   functions: tuple[str, ...]) -> list[Use]:
        """The task's uses of forbidden names; the syntax tree is built and walked only when
        the compiled code holds one of their identifiers (see forbidden.code_names)."""
        if module not in self._names:
            self._names[module] = code_names(self._source(module))
        names = self._names[module]
        everywhere = GLOBAL_FORBIDDEN
        if names is not None:  # None: it does not compile; the walks decide (or the parse fails)
            everywhere = everywhere if may_use(names, everywhere) else ()
            forbid = forbid if may_use(names, forbid) else ()
        if not everywhere and not forbid:
            return []
        tree = self._tree(module)
        return [] if tree is None else task_uses(
            tree, forbid, functions, everywhere, cache=self._file_uses.setdefault(module, {}))

    @staticmethod
    def _meta(item) -> dict:
        marker = item.get_closest_marker("mlmath_task")
        if marker is None:
            return {"task": "?", "points": 0.0, "hint": "", "forbid": (), "functions": ()}
        kw = marker.kwargs
        return {"task": kw["task_id"], "points": float(kw["points"]), "hint": kw["hint"],
                "forbid": tuple(kw.get("forbid", ())),
                "functions": tuple(kw.get("functions", ()))}

    @pytest.fixture
    def student(self, request):
        """The learner's module, once its source is clear of the task's forbidden names.

        The task's ``forbid`` is looked for in the code of its ``functions`` and what they
        call (the whole file when a test names no functions); GLOBAL_FORBIDDEN in the whole
        file. See grader/judge/api.py.
        """
        module = request.node.path.parent.name
        meta = self._meta(request.node)
        key = (module, meta["forbid"], meta["functions"])
        if key not in self._uses:  # many tests share a module, forbid list and functions
            self._uses[key] = self._find_uses(module, meta["forbid"], meta["functions"])
        if self._uses[key]:
            raise StudentCodeError("forbidden", describe(self._uses[key][0], meta["task"],
                                                         f"{module}.py"))
        return StudentModule(self.sandbox, module, meta["forbid"], task=meta["task"])

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        self._answers_before = self.sandbox.answers

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.when == "call" or (report.when == "setup" and report.failed):
            self.records.append(self._record(item, call, report))

    def _record(self, item, call, report) -> dict:
        """One test's outcome; a failure's message is the test's question (its docstring)
        followed by what went wrong, in words built by the judge alone (see explain.py)."""
        meta = self._meta(item)
        q = question(item)
        rec = {"test": item.name, "task": meta["task"], "points": meta["points"],
               "hint": meta["hint"], "outcome": "passed", "kind": "", "message": "",
               "module": item.path.parent.name, "question": q}
        if report.passed:
            return rec
        exc = call.excinfo.value if call.excinfo else None
        if isinstance(exc, StudentCodeError):
            rec["outcome"] = "not_started" if exc.kind == "not_started" else "failed"
            rec["kind"] = exc.kind
            rec["message"] = exc.message if exc.kind in _WHOLE_TASK_KINDS else \
                _with_question(q, exc.message)
            return rec
        answered = self.sandbox.answers > self._answers_before
        if _is_grader_fault(exc, answered, report.when):
            where = f"{item.path.relative_to(self.suites)}::{item.name}" if self.suites \
                else item.nodeid
            rec.update(outcome="grader_fault", kind="grader_fault", message=FAULT_MESSAGE,
                       fault=f"{where} raised {type(exc).__name__}: {exc}"[:400])
        elif isinstance(exc, AnswerTypeError):
            rec.update(outcome="failed", kind="type",
                       message=_with_question(q, f"Task {meta['task']}: your function "
                                                  f"{exc.message}."))
        elif isinstance(exc, AssertionError):
            rec.update(outcome="failed", kind="wrong", message=_with_question(q, WRONG_ANSWER))
        else:
            rec.update(outcome="failed", kind="uncheckable",
                       message=_with_question(q, UNCHECKABLE))
        return rec


class CheapReports:
    """A pytest plugin that builds each test report without pytest's failure rendering.

    The judge keeps only outcome, task, points and a learner-safe message; pytest's default
    report renders a full traceback with source for every failing test (about 50 ms each,
    most of the time a class of untouched stubs takes). Skips keep the default report.
    """

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        from _pytest.reports import TestReport

        excinfo = call.excinfo
        if excinfo is not None and excinfo.errisinstance(pytest.skip.Exception):
            return None  # pytest's own report, with the skip's reason and place
        outcome = "passed" if excinfo is None else "failed"
        longrepr = None if excinfo is None else f"{excinfo.typename} (details not rendered)"
        return TestReport(item.nodeid, item.location, {}, outcome, longrepr, call.when,
                          duration=call.duration, start=call.start, stop=call.stop)


# Errors that only the test's own code can cause: a student's value cannot make a name
# undefined or an import fail in the judge.
OWN_CODE_ERRORS = (NameError, ImportError, SyntaxError, GraderFault, OSError)


def _is_grader_fault(exc: BaseException | None, answered: bool, when: str) -> bool:
    """Whether a failing hidden test failed by its own fault, not the learner's.

    A test that fails before the sandbox answered any of its calls failed on its own code
    (or its fixture): nothing of the learner's was involved yet. After an answer, only the
    errors no learner value can cause are the test's.
    """
    if exc is None:
        return True
    if when == "setup" or not answered:
        return True
    return isinstance(exc, OWN_CODE_ERRORS)


def pytest_args(suites: Path, only: list[str] | None = None) -> list[str]:
    """pytest's arguments for the hidden suites: their own ini file, and none of the plugins
    a hidden suite does not need (each costs every submission its start-up; the unraisable-
    exception plugin alone ran gc.collect several times per session)."""
    off = ["cacheprovider", "terminal", "warnings", "debugging", "unittest", "pastebin",
           "junitxml", "doctest", "setuponly", "setupplan", "stepwise", "logging",
           "faulthandler", "unraisableexception", "threadexception", "legacypath", "subtests"]
    disabled = [arg for name in off for arg in ("-p", f"no:{name}")]
    targets = [str(suites / name) for name in only] if only else [str(suites)]
    # --capture=no: the learner's output is the sandbox's, never this process's; capturing
    # the suites' own (silent) output cost a seek and truncate per test phase.
    # --assert=plain: a failing assert is a plain AssertionError; pytest's rewritten asserts
    # would build an explanation (reprs of hidden values) that nobody may read, which made a
    # failing check cost a third more than a passing one.
    return [*targets, *disabled, "--capture=no", "--assert=plain", "--import-mode=importlib",
            "--rootdir", str(suites), "-c", str(suites / "pytest.ini")]


class SuitePlan:
    """The hidden suites collected once, run again for each submission.

    One pytest session stays open in a thread of the worker: its ``pytest_runtestloop`` waits
    for a submission, runs every collected test through pytest's own protocol (setup, call,
    teardown; the last test tears down every fixture scope, so nothing of one submission
    reaches the next) and waits for the next. Collecting the suites, building their items
    and registering plugins happen once per worker instead of once per submission (pytest
    re-runs collected items the same way for plugins that repeat tests).
    """

    def __init__(self, suites: Path, only: list[str] | None = None):
        self.suites = suites
        self.plugin = JudgePlugin(None, None)
        self.plugin.suites = suites
        self._jobs: queue.Queue = queue.Queue()
        self._done: queue.Queue = queue.Queue()
        self._before = set(sys.modules)
        self.alive = True
        self._thread = threading.Thread(target=self._session, args=(pytest_args(suites, only),),
                                        name="mlmath-suites", daemon=True)
        self._thread.start()

    def _session(self, args: list[str]) -> None:
        try:
            code = pytest.main(args, plugins=[self.plugin, CheapReports(), self])
            ended = f"pytest exit {int(code)}"
        except BaseException as err:  # reported to the grade() waiting for it
            ended = f"{type(err).__name__}: {err}"
        self.alive = False
        self._done.put(("ended", ended))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session) -> bool:
        if session.testsfailed:  # collection errors: pytest's own loop would stop here too
            return False
        items = session.items
        while True:
            job = self._jobs.get()
            if job is None:
                return True
            self.plugin.start(*job)
            try:
                for i, item in enumerate(items):
                    following = items[i + 1] if i + 1 < len(items) else None
                    item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
            except Exception as err:  # pytest itself failed: this plan is not reused
                self._done.put(("error", f"{type(err).__name__}: {err}"))
                return True
            self._done.put(("ok", self.plugin.records))

    def run(self, sandbox: Sandbox, submission: Path) -> list[dict]:
        """Every collected test against ``sandbox``: one record per test (see run_suites)."""
        if not self.alive:
            raise GraderFault(f"the hidden suites under {self.suites} did not run")
        self._jobs.put((sandbox, submission))
        kind, value = self._done.get()
        if kind != "ok":
            self.close()
            raise GraderFault(f"the hidden suites under {self.suites} did not run ({value}); "
                              "`mlmath grade` checks them before grading")
        if not value and not self.plugin.collected:
            self.close()
            raise GraderFault(f"the hidden suites under {self.suites} hold no tests")
        return value

    def close(self) -> None:
        """End the session and forget the suite modules it imported."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=30)
        self.alive = False
        forget_modules(self._before, self.suites)


_PLAN: dict = {"key": None, "plan": None}  # this process's open plan and what it was built for


def run_suites(suites: Path, sandbox: Sandbox, submission: Path,
               keep: str | None = None, only: list[str] | None = None) -> list[dict]:
    """Run every hidden suite under ``suites`` against ``sandbox``; return one record per test.

    Each record: ``{test, task, points, hint, outcome, kind, message}`` with outcome one of
    passed, failed, not_started, grader_fault, and a message safe to show the learner; a
    grader fault also has ``fault``, the suite file, test and error, for the instructor.
    With ``keep`` (the suites' hash) the collected suites (a :class:`SuitePlan`) stay open
    for the next submission; another hash, or none, collects them afresh. ``only`` names the
    exercise folders to run (an nbgrader assignment's); default all. Raises GraderFault when
    the suites do not run.
    """
    key = (str(suites), keep, tuple(only or ()))
    plan = _PLAN["plan"]
    if plan is not None and (keep is None or _PLAN["key"] != key or not plan.alive):
        plan.close()
        plan = _PLAN["plan"] = None
    if plan is None:
        plan = SuitePlan(suites, only)
        _PLAN.update(key=key, plan=plan)
    try:
        return plan.run(sandbox, submission)
    finally:
        if keep is None:
            plan.close()
            _PLAN.update(key=None, plan=None)


def forget_modules(before: set[str], suites: Path) -> None:
    """Drop the suite modules pytest imported, so the next run imports them afresh."""
    root = str(suites.resolve())
    for name in set(sys.modules) - before:
        path = getattr(sys.modules[name], "__file__", None) or ""
        if path.startswith(root) or name.startswith(("test_", "conftest")):
            del sys.modules[name]
