"""Forbidden calls are found in a learner's source through its imports, outside demo blocks."""

import ast
from pathlib import Path

import pytest

from grader.judge.forbidden import (
    Use,
    code_names,
    describe,
    find_task_uses,
    find_uses,
    may_use,
    parse_quietly,
    task_uses,
)

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


# ------------------------------------------------------------------ scoped to a task's code

SCOPED = '''
import numpy as np
import scipy
import scipy.special
from numpy.linalg import det
from numpy.linalg import inv as _inv

_det = np.linalg.det                              # MARK module variable
SPECIAL = {"lse": scipy.special.logsumexp}        # MARK module dict


def det_elimination(A):
    det = 1.0                                     # a local, not numpy.linalg.det
    for k in range(len(A)):
        det *= A[k][k]
    return det


def det_laplace(A):
    return _small(A)


def _small(A):
    return _det(A)


def det_3x3(A):
    return det(A)                                 # MARK import used


def grad_logabsdet(A):
    if det(A) == 0:                               # MARK allowed here
        raise ValueError("singular")
    return _inv(A).T


def log_sum_exp(x):
    return SPECIAL["lse"](x)


def dice_loss(p, y):
    import scipy.special as ss                    # MARK import inside
    return ss.xlogy(p, y)                         # MARK use of the import inside


class Helper:
    slog = staticmethod(np.linalg.slogdet)        # MARK class body

    def run(self, A):
        det = np.eye(2)                           # a local again
        return det


def orientation(a, b, c):
    return Helper().run(a)


def nested(A):
    def inner(B):
        return det(B)                             # MARK nested function
    return inner(A)


det_2x2 = lambda A: np.linalg.det(A)              # MARK lambda  # noqa: E731


def polygon_signed_area(P):
    return np.sum(P)


def expr_diff(e, x):
    return e.diff(x), np.linalg.det               # MARK method and attribute


if __name__ == "__main__":
    print(np.linalg.det([[1.0]]), det_laplace, scipy.special.logsumexp([1.0]))
'''

NO_DET = ("numpy.linalg.det", "numpy.linalg.slogdet", "scipy")


def mark(label: str) -> int:
    """The line of SCOPED whose comment is ``# MARK <label>``."""
    (line,) = [i for i, text in enumerate(SCOPED.splitlines(), 1) if f"# MARK {label}" in text]
    return line


@pytest.mark.parametrize("function, forbidden, expected", [
    ("det_elimination", NO_DET, []),
    ("det_laplace", NO_DET, [("numpy.linalg.det", "module variable", "_det")]),
    ("det_3x3", NO_DET, [("numpy.linalg.det", "import used", None)]),
    ("grad_logabsdet", ("scipy",), []),
    ("grad_logabsdet", NO_DET, [("numpy.linalg.det", "allowed here", None)]),
    ("log_sum_exp", NO_DET, [("scipy", "module dict", "SPECIAL")]),
    ("dice_loss", NO_DET, [("scipy", "import inside", None),
                           ("scipy", "use of the import inside", None)]),
    ("orientation", NO_DET, [("numpy.linalg.slogdet", "class body", "Helper")]),
    ("nested", NO_DET, [("numpy.linalg.det", "nested function", None)]),
    ("det_2x2", NO_DET, [("numpy.linalg.det", "lambda", None)]),
    ("polygon_signed_area", NO_DET, []),
    ("expr_diff", ("sympy.Expr.diff", "numpy.linalg.det"),
     [("numpy.linalg.det", "method and attribute", None),
      ("sympy.Expr.diff", "method and attribute", None)]),
    ("not_defined_at_all", NO_DET, []),
])
def test_task_uses_are_those_of_its_functions(function, forbidden, expected):
    """Is a forbidden name found only in the task's function and what it mentions, with
    Python's scoping (a local named det is not numpy.linalg.det), never in an unused import,
    another task's function or a demo block?"""
    uses = find_task_uses(ast.parse(SCOPED), forbidden, (function,))
    assert [(u.name, u.line, u.via) for u in uses] == [
        (name, mark(label), via) for name, label, via in expected]
    assert all(u.function == function for u in uses)


def test_a_star_import_is_resolved():
    """Does ``from numpy.linalg import *`` make a bare det mean numpy.linalg.det?"""
    tree = ast.parse("from numpy.linalg import *\n\n\ndef f(A):\n    return det(A)\n\n\n"
                     "def g(A):\n    det = 2\n    return det\n")
    assert [(u.name, u.line) for u in find_task_uses(tree, NO_DET, ("f",))] == [
        ("numpy.linalg.det", 5)]
    assert find_task_uses(tree, NO_DET, ("g",)) == []


def test_without_functions_the_whole_file_counts():
    """Does a test that names no functions keep the whole-file search (imports included)?"""
    tree = ast.parse(SCOPED)
    imports = [SCOPED.splitlines().index(text) + 1
               for text in ("import scipy", "import scipy.special")]
    lines = {u.line for u in task_uses(tree, ("scipy",), ())}
    assert {*imports, mark("module dict"), mark("import inside")} <= lines
    assert task_uses(tree, ("scipy",), ("polygon_signed_area",)) == []
    everywhere = task_uses(tree, (), ("det_3x3",), ("scipy",))  # GLOBAL_FORBIDDEN's way
    assert [u.line for u in everywhere][:2] == imports


@pytest.mark.parametrize("use, message", [
    (Use("numpy.linalg.det", 42, "det_elimination"),
     "Task 2.3: det_elimination uses numpy.linalg.det (line 42), which this task forbids: "
     "write it yourself."),
    (Use("numpy.linalg.det", 12, "det_elimination", "_pivot"),
     "Task 2.3: det_elimination uses numpy.linalg.det (line 12, in _pivot), which this task "
     "forbids: write it yourself."),
    (Use("scipy", 3, None),
     "Task 2.3: ex02_determinants.py uses scipy (line 3), which this task forbids: write it "
     "yourself."),
])
def test_the_learner_is_told_task_function_name_and_line(use, message):
    """Does the message start with the task ID and name the function, the call and the line?"""
    assert describe(use, "2.3", "ex02_determinants.py") == message


DYNAMIC = '''
import sys
import numpy as np
_d = np.linalg.det


def by_globals(A):
    return globals()["_d"](A)


def by_sys_modules(A):
    return getattr(sys.modules[__name__], "_d")(A)


def plain(A):
    return A.sum()
'''


@pytest.mark.parametrize("function, found", [("by_globals", True), ("by_sys_modules", True),
                                             ("plain", False)])
def test_looking_names_up_at_run_time_mentions_every_module_name(function, found):
    """Does code that reaches module names without writing them (globals(), sys.modules)
    count every module-level name as mentioned, so a reference to det captured at import
    (which the run-time stub cannot replace) is still found?"""
    uses = find_task_uses(ast.parse(DYNAMIC), ("numpy.linalg.det",), (function,))
    assert [(u.line, u.via) for u in uses] == ([(4, "_d")] if found else [])


def test_a_module_function_is_not_taken_for_a_method():
    """With sympy.diff and the method sympy.Expr.diff forbidden, is sp.diff(...) reported as
    sympy.diff and expr.diff(...) as the method?"""
    tree = ast.parse("import sympy as sp\n\n\ndef f(e, x):\n    return sp.diff(e, x)\n\n\n"
                     "def g(e, x):\n    return e.diff(x)\n")
    no_diff = ("sympy.diff", "sympy.Expr.diff")
    assert [(u.name, u.line) for u in find_task_uses(tree, no_diff, ("f",))] == [
        ("sympy.diff", 5)]
    assert [(u.name, u.line) for u in find_task_uses(tree, no_diff, ("g",))] == [
        ("sympy.Expr.diff", 9)]


# ------------------------------------------------------------------ the compiled shortcut

def test_code_names_are_the_codes_identifiers_not_its_comments():
    """Does code_names hold imports split at dots, attributes, locals and names of nested
    code (functions, lambdas, comprehensions, classes), and nothing from comments, strings
    or docstrings?"""
    names = code_names('"""Uses mlmath.logs."""\n# import grader\n'
                       "import numpy.linalg as la\nfrom sympy import diff as d\n"
                       "class K:\n    def m(self, q):\n        return [la.det(r) for r in q]\n"
                       "f = lambda z: z.conjugate()\ns = 'solutions'\n")
    assert {"numpy", "linalg", "la", "sympy", "diff", "d", "K", "m", "self", "q", "det",
            "r", "f", "z", "conjugate", "s"} <= names
    assert not names & {"mlmath", "logs", "grader", "solutions", "Uses"}


def test_code_names_of_source_that_does_not_compile_is_none():
    """Is a syntax error (or code the compiler refuses, such as a top-level return) None, so
    that the walks decide as before?"""
    assert code_names("def f(:\n") is None
    assert code_names("return 1\n") is None


def test_code_names_ignore_the_judges_own_future_imports():
    """The judge's modules use `from __future__ import annotations`; is the learner's code
    compiled without it, so an annotation evaluated at run time counts?"""
    assert "det" in code_names("import numpy as np\ndef f(x) -> np.linalg.det:\n    pass\n")


@pytest.mark.parametrize("source, forbidden, expected", [
    ("import numpy as np\nnp.linalg.det(a)\n", ("numpy.linalg.det",), True),
    ("import numpy as np\ndef det(a):\n    return a\n", ("numpy.linalg.det",), False),
    ("from numpy.linalg import *\ndet(a)\n", ("numpy.linalg.det",), True),
    ("x = e.diff(t)\n", ("sympy.Expr.diff",), True),
    ("x = e.diff(t)\n", ("sympy.diff",), False),
    ("import scipy.special as s\n", ("scipy",), True),
    ("# scipy would be easier\nimport math\n", ("scipy",), False),
])
def test_may_use_needs_every_part_of_the_name(source, forbidden, expected):
    """Is a use possible only when every part of the name is an identifier of the code (the
    last part alone for a method)?"""
    assert may_use(code_names(source), forbidden) is expected


def _every_source():
    root = Path(__file__).resolve().parent.parent
    for folder in ("examples", "exercises", "solutions", "tests/variants", "tests/hostile",
                   "tests/fixtures"):
        yield from sorted((root / folder).rglob("*.py"))
    yield Path(__file__)  # SOURCE, SCOPED and DYNAMIC above, as one module's strings


def _sources():
    for path in _every_source():
        yield path.name, path.read_text(encoding="utf-8", errors="replace")
    for name in ("SOURCE", "SCOPED", "DYNAMIC"):
        yield name, globals()[name]


FORBIDDEN_LISTS = [("mlmath", "solutions", "grader"), ("scipy",),
                   ("sympy.diff", "sympy.Derivative", "sympy.Expr.diff", "sympy.idiff"),
                   ("numpy.linalg.det", "numpy.linalg.slogdet"),
                   ("numpy.linalg.norm", "numpy.linalg.qr"), ("numpy.sum",)]


def test_the_shortcut_never_hides_a_use_the_walks_find():
    """Over every Python file of the repository (solutions, stubs, sample class, the
    variants corpus, the hostile submissions) and the sources above: whenever a walk (whole
    file, or scoped to any one function) finds a forbidden name, does may_use say a use is
    possible?"""
    checked = found = 0
    for name, source in _sources():
        tree, names = parse_quietly(source), code_names(source)
        if tree is None or names is None:
            continue
        functions = [s.name for s in tree.body if isinstance(s, ast.FunctionDef)]
        for forbidden in FORBIDDEN_LISTS:
            checked += 1
            if find_uses(tree, forbidden) or any(
                    find_task_uses(tree, forbidden, (f,)) for f in functions):
                found += 1
                assert may_use(names, forbidden), (name, forbidden)
    assert checked > 1000 and found > 80, (checked, found)  # both answers exercised
