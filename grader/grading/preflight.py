"""Before anybody is graded: can a sandbox run known-good code, and do the suites load?

A run on a machine where the sandbox cannot import numpy would otherwise give every student
zero and blame them. So a *known-good submission* (a tiny module this file writes) is loaded
in a sandbox built exactly as the students' will be, imports numpy, SymPy and matplotlib and
answers one call; and the hidden suites are collected by pytest. Either failing stops the
run before the gradebook is touched, with a message naming the cause.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from grader import wire
from grader.faults import GraderFault
from grader.grading import tempdirs

MODULE = "mlmath_preflight"
LIBRARIES = ("numpy", "sympy", "matplotlib")
KNOWN_GOOD = f'''
"""The known-good submission of the grader's preflight."""
import importlib
import sys


def report():
    problems = []
    for name in {LIBRARIES!r}:
        try:
            module = importlib.import_module(name)
        except BaseException as exc:
            problems.append(f"{{name}}: {{type(exc).__name__}}: {{exc}}"[:300])
            continue
        if getattr(module, "__file__", None) is None:  # an unreadable folder imports as a
            problems.append(f"{{name}}: its folder cannot be read")  # namespace package
    return {{"problems": problems, "path": list(sys.path), "executable": sys.executable}}
'''


def check_sandbox(isolation, limits, *, slot: int = 0, zygote=None,
                  folder_root: Path | None = None, register: set | None = None) -> None:
    """Load the known-good submission in a sandbox; GraderFault naming the cause if it fails.

    ``folder_root`` is the caller's private folder (a new one otherwise); ``register`` a set
    the live sandbox is kept in, so that a worker told to stop can kill it.
    """
    from grader.sandbox.client import Sandbox

    own_root = tempdirs.private_root() if folder_root is None else None
    folder = tempdirs.readable_folder(folder_root or own_root, "preflight-")
    try:
        source = KNOWN_GOOD.encode()
        (folder / f"{MODULE}.py").write_bytes(source)
        (folder / f"{MODULE}.py").chmod(0o644)
        if zygote is not None:
            zygote.load({f"{MODULE}.py": source})
        try:
            box = Sandbox(folder, isolation, limits, slot=slot, zygote=zygote)
            if register is not None:
                register.add(box)
            with box:
                answer = box.request({"op": "call", "module": MODULE, "func": "report",
                                      "args": [], "kwargs": {}})
                output = bytes(box.output[-2000:]).decode("utf-8", "replace")
        except OSError as err:
            raise GraderFault(f"the sandbox ({isolation.name}) could not start: {err}") from None
        finally:
            if register is not None:
                register.discard(box)
            if zygote is not None:
                zygote.load({})
    finally:
        tempdirs.remove(folder)
        tempdirs.remove(own_root)
    where = f"the sandbox ({isolation.name})"
    if not answer.get("ok"):
        error = answer.get("error") or {}
        detail = error.get("detail") or error.get("type") or error.get("kind")
        tail = output.strip().splitlines()[-3:]
        raise GraderFault(f"{where} could not run the known-good submission: {detail}"
                          + (f" ({' / '.join(tail)})" if tail else ""))
    try:
        value = wire.from_json(answer.get("value"))
    except wire.WireError:
        value = None
    if not isinstance(value, dict):
        raise GraderFault(f"{where} answered the known-good submission with something else")
    problems = value.get("problems") if isinstance(value, dict) else None
    if problems:
        path = ", ".join(value.get("path", [])[1:]) or "nothing"
        raise GraderFault(f"{where} cannot import what every submission needs: "
                          f"{'; '.join(problems)}. Its interpreter is "
                          f"{value.get('executable')}; it searched {path}.")


class _CollectionErrors:
    """A pytest plugin that keeps each collection error's file and last line."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.items = 0

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            text = str(report.longrepr).strip().splitlines()
            last = next((ln for ln in reversed(text) if ln.strip()), "error")
            self.errors.append(f"{report.nodeid or report.fspath}: {last.lstrip('E ').strip()}")

    def pytest_collection_modifyitems(self, items) -> None:
        self.items = len(items)


def check_suites(suites: Path, only: list[str] | None = None) -> int:
    """Collect the hidden suites; return how many tests, or GraderFault naming each error."""
    from grader.judge.session import forget_modules, pytest_args

    plugin = _CollectionErrors()
    before = set(sys.modules)
    try:
        code = pytest.main([*pytest_args(suites, only), "--collect-only"], plugins=[plugin])
    finally:
        forget_modules(before, suites)
    if plugin.errors:
        raise GraderFault("the hidden suites under " f"{suites} do not load: "
                          + "; ".join(plugin.errors[:5]))
    if code not in (pytest.ExitCode.OK,) or not plugin.items:
        raise GraderFault(f"the hidden suites under {suites} hold no tests (pytest exit "
                          f"{int(code)})")
    return plugin.items
