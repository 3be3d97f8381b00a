"""Forbidden calls are found in a learner's source through its imports, outside demo blocks."""

import ast

import pytest

from grader.judge.forbidden import find_uses

SOURCE = '''
import numpy as np
from numpy.linalg import det as d
from numpy import linalg
import sympy as sp


def f(A):
    return np.linalg.det(A) + d(A) + linalg.det(A) + np.sum(A)


def g(p):
    return sp.log(p).diff(p)


if __name__ == "__main__":
    import scipy
    print(sp.diff(sp.log(2), 2), np.linalg.det([[1]]))
'''


@pytest.mark.parametrize("forbidden, lines", [
    (("numpy.linalg.det",), [3, 9]),
    (("sympy.Expr.diff",), [13]),
    (("sympy.diff",), []),
    (("scipy",), []),
    (("numpy.sum",), [9]),
    (("numpy.linalg.inv",), []),
])
def test_uses_are_found_with_their_lines(forbidden, lines):
    """Are aliased calls and method calls found, and demo blocks ignored?"""
    found = sorted({line for _, line in find_uses(ast.parse(SOURCE), forbidden)})
    assert found == lines


def test_importing_a_forbidden_module_counts():
    """Is `import mlmath` or `from mlmath.logs import x` a use of mlmath?"""
    tree = ast.parse("import mlmath\nfrom mlmath.logs import log_sum_exp\n")
    assert [line for _, line in find_uses(tree, ("mlmath",))] == [1, 2]
