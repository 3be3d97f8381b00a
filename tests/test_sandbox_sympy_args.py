"""SymPy values the judge sends into a sandbox arrive as themselves (constants, Piecewise)."""

from __future__ import annotations

import pytest
import sympy as sp

from grader.judge.proxy import StudentModule
from grader.sandbox.client import Sandbox
from grader.sandbox.launcher import Limits, detect

x = sp.Symbol("x")
VALUES = [sp.pi, sp.E, sp.oo, -sp.oo, sp.S.true, x + sp.pi,
          sp.Piecewise((x, x > 0), (0, True)), sp.Heaviside(x), sp.sech(x) ** 2]


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    folder = tmp_path_factory.mktemp("echo")
    folder.chmod(0o755)
    (folder / "echo.py").write_text("def echo(e):\n    return e\n")
    (folder / "echo.py").chmod(0o644)
    with Sandbox(folder, detect("auto"), Limits(call_timeout=20)) as box:
        yield StudentModule(box, "echo")


@pytest.mark.parametrize("value", VALUES, ids=str)
def test_a_sympy_value_crosses_both_ways_unchanged(student, value):
    """Does a SymPy value sent to the sandbox come back equal to itself?"""
    assert student.echo(value) == value
