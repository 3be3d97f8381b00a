"""What an nbgrader test cell runs in bench_nbgrader.py: one mlmath hidden test, in-kernel.

nbgrader's way, which this benchmark measures as its users run it: the test runs in the
student's own kernel, with the student's functions as plain globals (no sandbox). ``student``
is a stand-in for mlmath's proxy: ``student.f(...)`` calls the notebook's ``f`` and
``student.probe(fn, ...)`` runs ``fn`` on the notebook's namespace, so the checks, inputs and
points are exactly the hidden suite's.
"""

from __future__ import annotations

import importlib.util
import sys
import types


class NotebookStudent:
    """The notebook's namespace, seen through the interface the hidden tests use."""

    def __init__(self, namespace: dict):
        self._namespace = namespace

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return self._namespace[name]

    def probe(self, fn, *args, **kwargs):
        return fn(types.SimpleNamespace(**self._namespace), *args, **kwargs)


def _suite(path: str):
    name = "nbgrader_bench_" + str(abs(hash(path)))
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def run_hidden(namespace: dict, suite_file: str, test_name: str) -> None:
    """Run hidden test ``test_name`` of ``suite_file`` against the notebook's namespace."""
    getattr(_suite(suite_file), test_name)(NotebookStudent(namespace))
