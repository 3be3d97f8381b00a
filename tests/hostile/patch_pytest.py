"""Attack: monkeypatch pytest and unittest so that every check passes, at import time."""

import sys
import unittest


def _ok(*args, **kwargs):
    return None


for _name in dir(unittest.TestCase):
    if _name.startswith(("assert", "fail")):
        setattr(unittest.TestCase, _name, _ok)
unittest.TestCase.run = lambda self, result=None: result
unittest.main = _ok

try:
    import _pytest.outcomes
    import _pytest.runner
    import pytest

    class _Passed:
        outcome = "passed"
        passed, failed, skipped = True, False, False

    pytest.main = lambda *a, **k: 0
    pytest.fail = _ok
    pytest.approx = lambda *a, **k: _Passed()
    _pytest.outcomes.fail = _ok
    _pytest.runner.pytest_runtest_makereport = lambda item, call: _Passed()
    _pytest.runner.call_and_report = lambda item, when, log=True, **kw: _Passed()
except ImportError:
    pass

# Whatever is loaded that looks like a grader gets its verdicts rewritten.
for _mod in list(sys.modules.values()):
    for _attr in ("record", "_record", "run_suites", "summarise"):
        if hasattr(_mod, _attr):
            try:
                setattr(_mod, _attr, _ok)
            except Exception:
                pass


def add(a, b):
    return a - b - 1
