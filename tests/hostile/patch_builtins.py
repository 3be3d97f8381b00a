"""Attack: replace the comparison helpers a judge might use, and builtins, at import time."""

import builtins
import math

import numpy
import numpy.testing

math.isclose = lambda *a, **k: True
numpy.isclose = lambda *a, **k: numpy.bool_(True)
numpy.allclose = lambda *a, **k: True
numpy.array_equal = lambda *a, **k: True
for _name in dir(numpy.testing):
    if _name.startswith("assert_"):
        setattr(numpy.testing, _name, lambda *a, **k: None)
builtins.all = lambda *a, **k: True
builtins.any = lambda *a, **k: True
builtins.abs = lambda x: 0.0
builtins.AssertionError = type("AssertionError", (Exception,), {})
try:
    import pytest

    pytest.approx = lambda *a, **k: type("Approx", (), {"__eq__": lambda s, o: True})()
except ImportError:
    pass


def add(a, b):
    return a - b - 1
