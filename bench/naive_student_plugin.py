"""The naive peer for bench_grading.py: the student's module imported into pytest's process.

This is how nbgrader and otter run tests: one interpreter holds the tests and the student's
code. ``student`` is the module itself, imported once per pytest session, and
``student.probe(fn, *args)`` calls ``fn(module, *args)`` directly. Used only to measure;
never to grade.
"""

import importlib
import sys

import pytest


class _Module:
    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        return getattr(self._module, name)

    def probe(self, fn, *args, **kwargs):
        return fn(self._module, *args, **kwargs)


@pytest.fixture(scope="session")
def _student_modules():
    return {}


@pytest.fixture
def student(request, _student_modules):
    name = request.node.path.parent.name
    if name not in _student_modules:
        sys.modules.pop(name, None)
        _student_modules[name] = _Module(importlib.import_module(name))
    return _student_modules[name]
