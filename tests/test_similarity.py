"""grader/grading/similarity.py: normalised code, tf-idf vectors and cosine similarity.

The generated class: 25 honest students implement five functions of an inner-products
exercise, each in one of five styles. Student (a, b) uses style (a + b j) mod 5 for function
j, so two honest students share the style of at most one function (two different lines over
GF(5) meet in at most one point): honest likeness is bounded by design, not by luck. Half of
them also write the 3x3 determinant by the same obvious formula. One more student copies an
honest student with every variable renamed, the functions reordered, comments and
docstrings rewritten and a tolerance changed.
"""

from __future__ import annotations

import ast
import builtins
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader.grading import fingerprints as fp
from grader.grading import similarity as sim

ROOT = Path(__file__).resolve().parent.parent

STUB = '''\
"""Exercise 3: inner products."""
import math

import numpy as np


def dot(u, v):
    """The inner product of two lists (given)."""
    return sum(a * b for a, b in zip(u, v))


def det_3x3(A):
    """Task 3.0: the 3x3 determinant."""
    raise NotImplementedError("Task 3.0: det_3x3 - not started yet.")


def norm(u):
    """Task 3.1: the Euclidean norm."""
    raise NotImplementedError("Task 3.1: norm - not started yet.")


def cosine(u, v):
    """Task 3.2: cosine similarity."""
    raise NotImplementedError("Task 3.2: cosine - not started yet.")


def project(u, v):
    """Task 3.3: project u onto v."""
    raise NotImplementedError("Task 3.3: project - not started yet.")


def gram_schmidt(vectors):
    """Task 3.4: an orthonormal basis."""
    raise NotImplementedError("Task 3.4: gram_schmidt - not started yet.")


def nearest(X, q, k):
    """Task 3.5: the k most similar rows."""
    raise NotImplementedError("Task 3.5: nearest - not started yet.")


if __name__ == "__main__":
    print(dot([1, 2], [3, 4]))
'''

DET = {
    "formula": '''
def det_3x3(A):
    a, b, c = A[0]
    d, e, f = A[1]
    g, h, i = A[2]
    return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
''',
    "laplace": '''
def det_3x3(A):
    total = 0.0
    for j in range(3):
        minor = [[A[r][c] for c in range(3) if c != j] for r in (1, 2)]
        total += (-1) ** j * A[0][j] * (minor[0][0] * minor[1][1] - minor[0][1] * minor[1][0])
    return total
''',
}

# Five functions, five honest styles each.
STYLES = [
    [  # norm
        '''
def norm(u):
    return math.sqrt(sum(x * x for x in u))
''', '''
def norm(u):
    total = 0.0
    for x in u:
        total += x ** 2
    return total ** 0.5
''', '''
def norm(u):
    arr = np.asarray(u, dtype=float)
    return float(np.sqrt(np.dot(arr, arr)))
''', '''
def norm(u):
    biggest = max(abs(x) for x in u)
    if biggest == 0:
        return 0.0
    return biggest * math.sqrt(sum((x / biggest) ** 2 for x in u))
''', '''
def norm(u):
    squares = [x * x for x in u]
    i = 0
    s = 0.0
    while i < len(squares):
        s = s + squares[i]
        i += 1
    return math.sqrt(s)
'''],
    [  # cosine
        '''
def cosine(u, v):
    return dot(u, v) / (norm(u) * norm(v))
''', '''
def cosine(u, v):
    num = sum(a * b for a, b in zip(u, v))
    den = math.sqrt(sum(a * a for a in u)) * math.sqrt(sum(b * b for b in v))
    return num / den if den else 0.0
''', '''
def cosine(u, v):
    u = np.asarray(u, float)
    v = np.asarray(v, float)
    c = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
    return float(np.clip(c, -1.0, 1.0))
''', '''
def cosine(u, v):
    uv = uu = vv = 0.0
    for i in range(len(u)):
        uv += u[i] * v[i]
        uu += u[i] * u[i]
        vv += v[i] * v[i]
    return uv / math.sqrt(uu * vv)
''', '''
def cosine(u, v):
    nu, nv = norm(u), norm(v)
    if nu == 0 or nv == 0:
        raise ValueError("zero vector")
    return max(-1.0, min(1.0, dot(u, v) / nu / nv))
'''],
    [  # project
        '''
def project(u, v):
    return [dot(u, v) / dot(v, v) * x for x in v]
''', '''
def project(u, v):
    coef = sum(a * b for a, b in zip(u, v)) / sum(b * b for b in v)
    return [coef * b for b in v]
''', '''
def project(u, v):
    v = np.asarray(v, dtype=float)
    return (np.dot(u, v) / np.dot(v, v)) * v
''', '''
def project(u, v):
    out = []
    scale = dot(u, v) / norm(v) ** 2
    for i in range(len(v)):
        out.append(scale * v[i])
    return out
''', '''
def project(u, v):
    if not any(v):
        raise ValueError("cannot project onto the zero vector")
    c = dot(u, v) / dot(v, v)
    return list(map(lambda t: c * t, v))
'''],
    [  # gram_schmidt
        '''
def gram_schmidt(vectors):
    basis = []
    for v in vectors:
        w = list(v)
        for b in basis:
            c = dot(w, b)
            w = [wi - c * bi for wi, bi in zip(w, b)]
        n = norm(w)
        if n > 1e-10:
            basis.append([wi / n for wi in w])
    return basis
''', '''
def gram_schmidt(vectors):
    Q = []
    for v in np.asarray(vectors, dtype=float):
        w = v - sum((np.dot(v, q) * q for q in Q), np.zeros_like(v))
        if np.linalg.norm(w) > 1e-12:
            Q.append(w / np.linalg.norm(w))
    return np.array(Q)
''', '''
def gram_schmidt(vectors):
    result = []
    i = 0
    while i < len(vectors):
        w = [float(x) for x in vectors[i]]
        j = 0
        while j < len(result):
            p = project(w, result[j])
            w = [w[k] - p[k] for k in range(len(w))]
            j += 1
        length = norm(w)
        if length > 0:
            result.append([x / length for x in w])
        i += 1
    return result
''', '''
def gram_schmidt(vectors):
    if not vectors:
        return []
    earlier = gram_schmidt(vectors[:-1])
    last = np.array(vectors[-1], dtype=float)
    for e in earlier:
        last -= np.dot(last, e) * np.asarray(e)
    size = np.sqrt(last @ last)
    return earlier + ([last / size] if size > 1e-9 else [])
''', '''
def gram_schmidt(vectors):
    A = np.array(vectors, dtype=float)
    keep = []
    for i in range(A.shape[0]):
        for j in keep:
            A[i] -= np.dot(A[i], A[j]) * A[j]
        length = np.linalg.norm(A[i])
        if length > 1e-10:
            A[i] /= length
            keep.append(i)
    return A[keep]
'''],
    [  # nearest
        '''
def nearest(X, q, k):
    return sorted(range(len(X)), key=lambda i: -cosine(X[i], q))[:k]
''', '''
def nearest(X, q, k):
    scores = [(cosine(x, q), i) for i, x in enumerate(X)]
    scores.sort(reverse=True)
    return [i for _, i in scores[:k]]
''', '''
def nearest(X, q, k):
    X = np.asarray(X, dtype=float)
    sims = X @ q / (np.linalg.norm(X, axis=1) * np.linalg.norm(q))
    return list(np.argsort(-sims, kind="stable")[:k])
''', '''
def nearest(X, q, k):
    import heapq
    return [i for _, i in heapq.nlargest(k, ((cosine(x, q), i) for i, x in enumerate(X)))]
''', '''
def nearest(X, q, k):
    chosen = []
    remaining = list(range(len(X)))
    while len(chosen) < k and remaining:
        best = remaining[0]
        for i in remaining:
            if cosine(X[i], q) > cosine(X[best], q):
                best = i
        chosen.append(best)
        remaining.remove(best)
    return chosen
'''],
]

HEADER = '"""My exercise 3."""\nimport math\n\nimport numpy as np\n\n\n' \
         'def dot(u, v):\n    """The inner product of two lists (given)."""\n' \
         '    return sum(a * b for a, b in zip(u, v))\n'


def honest(a: int, b: int) -> str:
    """Student (a, b): style (a + b j) mod 5 of function j; the determinant by parity of a."""
    parts = [HEADER, DET["formula" if a % 2 == 0 else "laplace"]]
    parts += [STYLES[j][(a + b * j) % 5] for j in range(5)]
    return "\n".join(parts)


class _Rename(ast.NodeTransformer):
    """A copier's disguise: every local name and argument gets a new name."""

    KEEP = frozenset({"dot", "norm", "cosine", "project", "gram_schmidt", "nearest", "det_3x3",
                      "math", "np", "heapq"})

    def _new(self, name: str) -> str:
        if name in self.KEEP or hasattr(builtins, name):
            return name
        return f"my_{name}_var"

    def visit_Name(self, node):
        node.id = self._new(node.id)
        return node

    def visit_arg(self, node):
        node.arg = self._new(node.arg)
        return node

    def visit_Constant(self, node):
        if node.value == 1e-10:
            node.value = 1e-9
        return node


def disguise(source: str) -> str:
    """Renamed variables, functions in reverse order, new comments, no docstrings."""
    tree = _Rename().visit(ast.parse(source))
    funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    others = [n for n in tree.body if not isinstance(n, ast.FunctionDef)]
    for f in funcs:
        if f.body and isinstance(f.body[0], ast.Expr):
            f.body = f.body[1:] or [ast.Pass()]
    tree.body = others + funcs[::-1]
    out = []
    for line in ast.unparse(ast.fix_missing_locations(tree)).splitlines():
        if line.startswith("def "):
            out.append("# my own work, honestly")
        out.append(line)
    return "\n".join(out) + "\n"


HONEST = {f"s{a}{b}": honest(a, b) for a in range(5) for b in range(5)}
COPIED_FROM = "s31"
ONLY_DET = STUB.replace(
    '    raise NotImplementedError("Task 3.0: det_3x3 - not started yet.")',
    "    a, b, c = A[0]\n    d, e, f = A[1]\n    g, h, i = A[2]\n"
    "    return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)")


@pytest.fixture(scope="module")
def generated_class() -> dict[str, dict[str, str]]:
    students = {name: {"ex03_inner_products": src} for name, src in HONEST.items()}
    students["copier"] = {"ex03_inner_products": disguise(HONEST[COPIED_FROM])}
    students["only_det_1"] = {"ex03_inner_products": ONLY_DET}
    students["only_det_2"] = {"ex03_inner_products": ONLY_DET.replace("a, b, c", "a,b,c")}
    students["untouched_1"] = {"ex03_inner_products": STUB}
    students["untouched_2"] = {"ex03_inner_products": STUB}
    return students


@pytest.fixture(scope="module")
def report(generated_class):
    return sim.similarity_report(generated_class, {"ex03_inner_products": STUB}, jobs=1)


def test_the_class_is_built_as_described():
    """Do two honest students share at most one style, and does the copy run the same way?"""
    for x in range(25):
        for y in range(x + 1, 25):
            (a, b), (c, d) = divmod(x, 5), divmod(y, 5)
            shared = sum((a + b * j) % 5 == (c + d * j) % 5 for j in range(5))
            assert shared <= 1
    copied = disguise(HONEST[COPIED_FROM])
    assert "my_" in copied and copied != HONEST[COPIED_FROM]
    assert ONLY_DET.count("NotImplementedError") == 5 and "e * i - f * h" in ONLY_DET
    for source in [*HONEST.values(), copied, ONLY_DET]:
        ast.parse(source)


def test_copier_is_the_top_pair(report):
    """Is the disguised copy the most similar pair of the class, flagged with its source?"""
    (ex,) = report["exercises"]
    top = ex["pairs"][0]
    assert {top["a"], top["b"]} == {"copier", COPIED_FROM}
    assert top["similarity"] >= 0.95
    assert report["pairs"][0]["a"] in ("copier", COPIED_FROM)
    assert [sorted(c) for c in ex["clusters"]] == [sorted(["copier", COPIED_FROM])]
    # The matching regions are shown side by side, under each side's own names.
    region = top["regions"][0]
    assert region["similarity"] >= 0.9 and region["a_source"] and region["b_source"]
    names = {r["a_name"] for r in top["regions"]} | {r["b_name"] for r in top["regions"]}
    assert names <= {"norm", "cosine", "project", "gram_schmidt", "nearest", "det_3x3"}


def test_independent_work_is_not_flagged(report, generated_class):
    """Are honest students (sharing one function and the obvious determinant) below it?"""
    (ex,) = report["exercises"]
    flagged = {frozenset((p["a"], p["b"])) for p in ex["pairs"]}
    assert flagged == {frozenset(("copier", COPIED_FROM))}
    # The honest pair that looks most alike still leaves a clear margin.
    names = sorted(generated_class)
    honest_names = [n for n in names if n in HONEST]
    low = sim.similarity_report({n: generated_class[n] for n in honest_names},
                                {"ex03_inner_products": STUB}, threshold=0.0, jobs=1)
    highest = max(p["similarity"] for p in low["exercises"][0]["pairs"])
    assert highest < report["threshold"] - 0.15, highest


def test_short_identical_code_and_the_stub_are_not_compared(report):
    """Are the determinant-only and untouched submissions set aside as too short?"""
    (ex,) = report["exercises"]
    assert ex["compared"] == 26 and ex["too_short"] == 4
    everyone = {s for p in report["pairs"] for s in (p["a"], p["b"])}
    assert not everyone & {"only_det_1", "only_det_2", "untouched_1", "untouched_2"}


def test_normalising_ignores_names_order_comments_and_literals():
    """Do renaming, reordering, comments, docstrings and constants leave the units equal?"""
    original = HONEST["s31"]
    keep = fp.Handout.of(STUB).keep
    one = sorted(u.key for u in fp.normalise(original, keep))
    two = sorted(u.key for u in fp.normalise(disguise(original), keep))
    assert one == two
    # ...while a real change of structure does not.
    changed = original.replace("dot(u, v) / nu / nv", "dot(u, v) / (nu * nv)")
    assert changed != original
    assert sorted(u.key for u in fp.normalise(changed, keep)) != one


def test_the_stub_contributes_nothing():
    """Does an untouched handout leave no units, and a filled one only the filled tasks?"""
    handout = fp.Handout.of(STUB)
    assert fp.document(STUB, handout).units == []
    doc = fp.document(ONLY_DET, handout)
    assert [u.name for u in doc.units] == ["det_3x3"]


@pytest.mark.parametrize("source", [
    "def f(:\n    pass\n",
    "x = " + "-" * 200_000 + "1\n",
    "x = " + "(" * 300 + "1" + ")" * 300 + "\n",
    "y = " + "a." * 100_000 + "b\n",
    "ok = 1\0\n",
    b"\xff\xfe not utf-8 \x00",
], ids=["syntax", "deep-unary", "deep-parens", "long-attribute-chain", "null-byte", "bytes"])
def test_hostile_text_is_that_files_problem(source):
    """Does code that cannot be parsed become a per-file note, never an exception?"""
    doc = fp.document(source, fp.Handout.of(STUB))
    assert doc.error and doc.units == []
    # ...and in a class, that student is listed as unreadable while the rest are compared.
    students = {"bad": {"ex03": source}, "a": {"ex03": HONEST["s00"]},
                "b": {"ex03": HONEST["s11"]}}
    out = sim.similarity_report(students, {"ex03": STUB}, jobs=1)
    assert list(out["exercises"][0]["unreadable"]) == ["bad"]
    assert out["exercises"][0]["compared"] == 2


def test_huge_files_are_refused_quickly():
    """Is a file too long, or with too many tokens, a note rather than a long wait?"""
    handout = fp.Handout.of(STUB)
    long = HONEST["s00"] + "#" * fp.MAX_SOURCE_CHARS
    assert fp.document(long, handout).error.startswith("too large to compare")
    many = HONEST["s00"] + "\n".join(f"x{i} = {i} + y" for i in range(20_000))
    assert len(many) < fp.MAX_SOURCE_CHARS
    assert fp.document(many, handout).error == "too much code to compare"


def test_cosine_matrix_matches_dense_numpy():
    """Does the blocked sparse product equal X X^T computed densely?"""
    rng = np.random.default_rng(7)
    n, vocab = 40, 300
    ids, weights, dense = [], [], np.zeros((n, vocab))
    for i in range(n):
        cols = np.sort(rng.choice(vocab, size=rng.integers(1, 60), replace=False))
        w = rng.random(len(cols))
        w /= np.linalg.norm(w)
        ids.append(cols)
        weights.append(w)
        dense[i, cols] = w
    got = sim.cosine_matrix(ids, weights, vocab, block_bytes=4 * n * 7)  # many small blocks
    want = dense @ dense.T
    np.fill_diagonal(want, 0.0)  # df == 1 columns are dropped: the diagonal is not used
    np.fill_diagonal(got, 0.0)
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_report_renders_the_pairs_side_by_side(report, tmp_path):
    """Does the class report show the method, the pair and both functions, escaped?"""
    from grader.grading.class_report import write_class_report

    result = {"student": "copier", "score": 1.0, "max_score": 2.0, "problems": [],
              "isolation": "none", "tests": [],
              "tasks": {"3.1": {"task": "3.1", "score": 1.0, "max_score": 2.0,
                                "status": "partly", "messages": [], "hints": []}}}
    page = write_class_report([result], tmp_path, {"3.1": "norm"}, similarity=report)
    text = page.read_text()
    assert "inner product of exercise 3" in text
    assert "copier" in text and "my_" in text and "cheat" not in text.lower()


def test_similar_command_writes_page_and_json(tmp_path):
    """Does `mlmath similar` read a class folder and write similarity.html and .json?"""
    root = tmp_path / "class"
    for name, source in [("ann", HONEST["s00"]), ("bob", HONEST["s12"]),
                         ("cat", disguise(HONEST["s00"]))]:
        (root / name).mkdir(parents=True)
        (root / name / "ex03_inner_products.py").write_text(source)
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "ex03_inner_products.py").write_text(STUB)
    proc = subprocess.run(
        [sys.executable, "-m", "grader.grading.similar_cmd", str(root), "--out",
         str(tmp_path / "out"),
         "--stubs", str(stubs), "--exercises", "ex03_inner_products"],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path / "out" / "similarity.json").read_text())
    assert [(p["a"], p["b"]) for p in data["pairs"]] == [("ann", "cat")]
    assert "ann" in proc.stdout and "cat" in proc.stdout and "look" in proc.stdout
    page = (tmp_path / "out" / "similarity.html").read_text()
    assert "ann" in page and "http" not in page.replace("http-equiv", "")


def test_parallel_reading_gives_the_same_report(generated_class, monkeypatch):
    """Do two worker processes produce exactly the report one process does?"""
    stubs = {"ex03_inner_products": STUB}
    alone = sim.similarity_report(generated_class, stubs, jobs=1)
    monkeypatch.setattr(fp, "PARALLEL_FROM", 1)
    together = sim.similarity_report(generated_class, stubs, jobs=2)
    assert together == alone
