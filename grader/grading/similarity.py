r"""Which submissions look alike: tf-idf vectors of normalised code, compared by cosine.

This is the inner-products lesson of exercise 3 applied to the class itself. Per exercise,
each submission becomes a vector that counts the short runs of tokens (n-grams) in its
normalised code, each count weighted by how rare that n-gram is in the class; two
submissions are as similar as the cosine of the angle between their vectors,
:math:`\cos\theta = \langle u, v\rangle / (\lVert u\rVert\,\lVert v\rVert)`.

Normalising (:func:`normalise`) parses the code with :mod:`ast` only (student code is text
here: it is never imported or run) and keeps its structure: variable, argument and helper
names become ``v1, v2, ...`` in order of first use within each function, numbers and strings
become ``#n`` and ``#s``, docstrings, comments, formatting and ``if __name__ ==
"__main__"`` demo blocks disappear. Names the handout defines (the task functions), builtins
and library calls (``numpy.sum``) are kept, since renaming them would change the program.

What the stub already says does not count: a function or top-level statement whose
normalised form equals the handout's is dropped, and so is every n-gram that occurs in the
handout. n-grams are taken within one function, so reordering functions changes nothing.
A submission with fewer than ``min_tokens`` tokens of its own code is not compared: two
people who wrote the same three-line formula prove nothing.

Weights: ``tf = 1 + log(count)``, ``idf = log(N / df)`` over the N submissions of the
exercise (an n-gram everyone writes weighs 0). Vectors are L2-normalised and all pairs are
compared at once by one matrix product per block of columns (numpy, float32), so a class of
1,000 costs a few dense products, not half a million Python comparisons. Pairs above the
threshold are listed with the functions that match best, side by side, and grouped into
clusters (connected components). A high score says "look at these", never more.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import math
import os
import zlib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np

NGRAM = 5
DEFAULT_THRESHOLD = 0.75
MIN_TOKENS = 100
MAX_SOURCE_CHARS = 400_000  # a longer file is not compared (no exercise is that long)
MAX_TOKENS = 80_000  # per file
MAX_PAIRS_SHOWN = 200  # per exercise
MAX_REGION_LINES = 80
PARALLEL_FROM = 400  # files; fewer are normalised in this process

METHOD = (
    "Each submission's code is normalised (variable names, numbers, strings, comments and "
    "formatting are erased, and whatever the handout already contains is removed) and "
    "turned into a vector that counts its short runs of tokens, each weighted by how rare "
    "it is in the class (tf-idf). Two submissions are as similar as the cosine of the angle "
    "between their vectors, the inner product of exercise 3: 1 means the same code up to "
    "names and order, 0 means nothing rare in common."
)

_KEEP_BUILTINS = frozenset(dir(builtins))
_STATEMENT_LISTS = ("body", "orelse", "finalbody", "handlers", "cases")
_OPERATOR_NODES = (ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.expr_context)
_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                         0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53,
                         0x94D049BB133111EB, 0xBF58476D1CE4E5B9], dtype=np.uint64)


@dataclass
class Unit:
    """One function (or a class's loose statements, or the module's) after normalising.

    Attributes:
        name: ``"det_3x3"``, ``"Value.backward"`` or ``"(top level)"``.
        lines: first and last source line.
        tokens: the normalised token ids, shape (n,), uint64 (CRC-32 of each token's text).
    """

    name: str
    lines: tuple[int, int]
    tokens: np.ndarray

    @property
    def key(self) -> bytes:
        """A digest of the token sequence: equal for code that normalises the same."""
        return hashlib.blake2b(self.tokens.tobytes(), digest_size=16).digest()


@dataclass
class Document:
    """One student's file for one exercise, ready to compare."""

    units: list[Unit] = field(default_factory=list)
    ngrams: list[np.ndarray] = field(default_factory=list)  # per unit, uint64 n-gram hashes
    tokens: int = 0  # normalised tokens of the student's own code
    error: str | None = None


_token_ids: dict[str, int] = {}


def _tid(text: str) -> int:
    tid = _token_ids.get(text)
    if tid is None:
        tid = _token_ids[text] = zlib.crc32(text.encode("utf-8", "replace"))
    return tid


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Import aliases anywhere in the file -> the module path they stand for."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                out[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            for a in node.names:
                out[a.asname or a.name] = f"{node.module or ''}.{a.name}"
    return out


def _is_docstring(node: ast.AST) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str))


def _is_main_guard(node: ast.AST) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    parts = [node.test.left, *node.test.comparators]
    return any(isinstance(p, ast.Name) and p.id == "__name__" for p in parts)


class _Tokens:
    """The normalised token stream of one unit (an explicit stack: deep code cannot recurse)."""

    def __init__(self, keep: frozenset[str], aliases: dict[str, str], limit: int):
        self.keep, self.aliases, self.limit = keep, aliases, limit
        self.names: dict[str, str] = {}
        self.out: list[int] = []

    def name(self, ident: str) -> str:
        if ident in self.aliases:
            return "mod:" + self.aliases[ident]
        if ident in self.keep or ident in _KEEP_BUILTINS:
            return "name:" + ident
        canon = self.names.get(ident)
        if canon is None:
            canon = self.names[ident] = f"v{len(self.names) + 1}"
        return canon

    def emit(self, text: str) -> None:
        self.out.append(_tid(text))
        if len(self.out) > self.limit:
            raise ValueError("too much code to compare")

    def walk(self, root: ast.AST) -> None:
        stack: list = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, str):  # a marker pushed below
                self.emit(node)
                continue
            if isinstance(node, _OPERATOR_NODES):
                continue
            label = type(node).__name__
            if isinstance(node, ast.Name):
                self.emit(self.name(node.id))
                continue
            if isinstance(node, ast.arg):
                self.emit(self.name(node.arg))
                if node.annotation is not None:
                    stack.append(node.annotation)
                continue
            if isinstance(node, ast.Constant):
                v = node.value
                self.emit("#n" if isinstance(v, int | float | complex) and not isinstance(v, bool)
                          else "#s" if isinstance(v, str | bytes) else repr(v))
                continue
            if isinstance(node, ast.JoinedStr):
                self.emit("#f")
                continue
            if isinstance(node, ast.Import | ast.ImportFrom):
                self.emit(label)
                continue
            if isinstance(node, ast.BinOp | ast.AugAssign):
                label += ":" + type(node.op).__name__
            elif isinstance(node, ast.UnaryOp | ast.BoolOp):
                label += ":" + type(node.op).__name__
            elif isinstance(node, ast.Compare):
                label += ":" + ",".join(type(op).__name__ for op in node.ops)
            elif isinstance(node, ast.Attribute):
                label += ":" + node.attr
            elif isinstance(node, ast.keyword):
                label += ":" + (node.arg or "**")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self.name(node.name)  # a nested helper's name is canonical like a variable
            elif isinstance(node, ast.Global | ast.Nonlocal):
                for n in node.names:
                    self.name(n)
            self.emit(label)
            children: list = []
            for fname, value in ast.iter_fields(node):
                if isinstance(value, ast.AST):
                    children.append(value)
                elif isinstance(value, list):
                    items = [v for v in value if isinstance(v, ast.AST) and not _is_docstring(v)
                             and not _is_main_guard(v)]
                    if fname in _STATEMENT_LISTS:
                        if items:
                            children += ["{", *items, "}"]
                    else:
                        children += items
            stack.extend(reversed(children))


def normalise(source: str, keep: frozenset[str] = frozenset(),
              limit: int = MAX_TOKENS) -> list[Unit]:
    """The file's units (functions, methods, top-level statements), each normalised.

    ``keep`` are names left as they are (the handout's function names). Raises SyntaxError,
    ValueError, RecursionError or MemoryError for code that cannot be compared.
    """
    if len(source) > MAX_SOURCE_CHARS:
        raise ValueError(f"too large to compare ({len(source):,} characters)")
    tree = ast.parse(source)
    aliases = _aliases(tree)
    units = []
    budget = [limit]

    def unit(name: str, nodes: list[ast.AST]) -> None:
        tokens = _Tokens(keep, aliases, budget[0])
        for node in nodes:
            tokens.walk(node)
        budget[0] -= len(tokens.out)
        if tokens.out:
            lines = (min(n.lineno for n in nodes),
                     max(getattr(n, "end_lineno", n.lineno) or n.lineno for n in nodes))
            units.append(Unit(name, lines, np.array(tokens.out, dtype=np.uint64)))

    for node in tree.body:
        if _is_docstring(node) or _is_main_guard(node):
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            unit(node.name, [node])
        elif isinstance(node, ast.ClassDef):
            loose = []
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    unit(f"{node.name}.{item.name}", [item])
                elif not _is_docstring(item):
                    loose.append(item)
            if loose:
                unit(f"{node.name} (class body)", loose)
        else:
            unit("(top level)", [node])
    return units


def _ngram_hashes(tokens: np.ndarray, n: int = NGRAM) -> np.ndarray:
    """Hashes of every run of ``n`` consecutive tokens, shape (len - n + 1,), uint64."""
    if len(tokens) < n:
        return np.zeros(0, dtype=np.uint64)
    m = len(tokens) - n + 1
    h = np.zeros(m, dtype=np.uint64)
    for j in range(n):  # wrapping uint64 arithmetic: a polynomial hash of the window
        h = h * np.uint64(0x100000001B3) + tokens[j:j + m] * _MULTIPLIERS[j]
    return h


@dataclass(frozen=True)
class Handout:
    """What the stub of one exercise already contains: its units' keys and its n-grams."""

    keep: frozenset[str]
    keys: frozenset[bytes]
    ngrams: np.ndarray  # sorted unique uint64

    @classmethod
    def of(cls, stub: str | None) -> Handout:
        if not stub:
            return cls(frozenset(), frozenset(), np.zeros(0, dtype=np.uint64))
        tree = ast.parse(stub)
        keep = frozenset(n.name for n in tree.body if isinstance(
            n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef))
        units = normalise(stub, keep)
        grams = [_ngram_hashes(u.tokens) for u in units]
        return cls(keep, frozenset(u.key for u in units),
                   np.unique(np.concatenate(grams)) if grams else np.zeros(0, dtype=np.uint64))


def _explain(err: BaseException) -> str:
    if isinstance(err, SyntaxError):
        return f"syntax error on line {err.lineno}"
    if isinstance(err, RecursionError | MemoryError):
        return "code nested too deeply to compare"
    return str(err) or type(err).__name__


def document(source: str | bytes, handout: Handout) -> Document:
    """One file as a Document: its own units (handout removed) and their n-gram hashes.

    Never raises: a file that cannot be parsed is a Document with ``error`` set.
    """
    if isinstance(source, bytes):
        source = source.decode("utf-8", "replace")
    try:
        units = normalise(source, handout.keep)
    except Exception as err:  # SyntaxError, RecursionError, MemoryError, ValueError, ...:
        return Document(error=_explain(err))  # this file's problem, never the run's
    doc = Document()
    for u in units:
        if u.key in handout.keys:
            continue
        grams = _ngram_hashes(u.tokens)
        if len(handout.ngrams) and len(grams):
            grams = grams[~np.isin(grams, handout.ngrams, assume_unique=False)]
        doc.units.append(u)
        doc.ngrams.append(grams)
        doc.tokens += len(u.tokens)
    return doc


def _documents(batch: list[tuple[str | bytes, Handout]]) -> list[Document]:
    return [document(source, handout) for source, handout in batch]


def _all_documents(jobs_in: list[tuple[str | bytes, Handout]], jobs: int) -> list[Document]:
    if jobs <= 1 or len(jobs_in) < PARALLEL_FROM:
        return _documents(jobs_in)
    import multiprocessing

    size = max(1, math.ceil(len(jobs_in) / (jobs * 8)))
    batches = [jobs_in[i:i + size] for i in range(0, len(jobs_in), size)]
    ctx = multiprocessing.get_context("spawn")  # never fork a process that may hold threads
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        return [d for part in pool.map(_documents, batches) for d in part]


# ---------------------------------------------------------------------------------------
# Vectors and the class-wide comparison


def _tf_idf(docs: list[Document]) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray,
                                           np.ndarray]:
    """Per document: sorted n-gram ids and unit-norm tf-idf weights; the vocabulary (sorted
    n-gram hashes, an id is a position in it) and the idf of each id."""
    per_doc = [np.concatenate(d.ngrams) if d.ngrams else np.zeros(0, np.uint64) for d in docs]
    n = len(docs)
    vocab, inverse = np.unique(np.concatenate(per_doc), return_inverse=True)
    inverse = inverse.reshape(-1)
    ids, counts, offset = [], [], 0
    for grams in per_doc:
        col = inverse[offset:offset + len(grams)]
        offset += len(grams)
        u, c = np.unique(col, return_counts=True)
        ids.append(u)
        counts.append(c)
    df = np.bincount(np.concatenate(ids), minlength=len(vocab)) if len(vocab) else np.zeros(0)
    idf = np.log(n / np.maximum(df, 1))
    weights = []
    for u, c in zip(ids, counts, strict=True):
        w = (1.0 + np.log(c)) * idf[u]
        norm = float(np.sqrt(np.dot(w, w)))
        weights.append(w / norm if norm > 0 else w)
    return ids, weights, vocab, idf


def cosine_matrix(ids: list[np.ndarray], weights: list[np.ndarray], ncols: int,
                  block_bytes: int = 64 << 20) -> np.ndarray:
    """All pairwise inner products of sparse unit vectors, shape (n, n), float32.

    Only n-grams shared by two or more documents can add to an inner product, so only those
    columns are kept; they are densified a block of columns at a time (``block_bytes`` per
    block) and multiplied with BLAS: ``S += X_b X_b^T``.
    """
    n = len(ids)
    rows = np.concatenate([np.full(len(u), i, dtype=np.int64) for i, u in enumerate(ids)]) \
        if n else np.zeros(0, np.int64)
    cols = np.concatenate(ids) if n else np.zeros(0, np.int64)
    vals = np.concatenate(weights).astype(np.float32) if n else np.zeros(0, np.float32)
    df = np.bincount(cols, minlength=ncols)
    shared = df[cols] >= 2
    rows, cols, vals = rows[shared], cols[shared], vals[shared]
    kept = np.unique(cols)
    cols = np.searchsorted(kept, cols)
    order = np.argsort(cols, kind="stable")
    rows, cols, vals = rows[order], cols[order], vals[order]
    sim = np.zeros((n, n), dtype=np.float32)
    block = max(1, block_bytes // max(4 * n, 1))
    for start in range(0, len(kept), block):
        lo, hi = np.searchsorted(cols, [start, start + block])
        dense = np.zeros((n, min(block, len(kept) - start)), dtype=np.float32)
        dense[rows[lo:hi], cols[lo:hi] - start] = vals[lo:hi]
        sim += dense @ dense.T
    return sim


def _clusters(pairs: list[tuple[str, str]]) -> list[list[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g))


def _unit_vector(grams: np.ndarray, vocab_index: dict[int, int], idf: np.ndarray
                 ) -> dict[int, float]:
    counts = Counter(vocab_index[g] for g in grams.tolist() if g in vocab_index)
    vec = {k: (1 + math.log(c)) * float(idf[k]) for k, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {k: v / norm for k, v in vec.items()} if norm else {}


def _excerpt(source: str, lines: tuple[int, int]) -> str:
    text = source.splitlines()[lines[0] - 1:lines[1]]
    if len(text) > MAX_REGION_LINES:
        text = [*text[:MAX_REGION_LINES], f"... ({len(text) - MAX_REGION_LINES} more lines)"]
    return "\n".join(text)


def _regions(a: Document, b: Document, src_a: str, src_b: str, vocab: np.ndarray,
             idf: np.ndarray, top: int = 3) -> list[dict]:
    """The functions of a and b that match best, greedily, most similar first."""
    wanted = {int(g) for grams in (*a.ngrams, *b.ngrams) for g in grams.tolist()}
    pos = np.searchsorted(vocab, np.fromiter(wanted, dtype=np.uint64, count=len(wanted)))
    vocab_index = {g: int(p) for g, p in zip(wanted, pos, strict=True)}
    va = [_unit_vector(g, vocab_index, idf) for g in a.ngrams]
    vb = [_unit_vector(g, vocab_index, idf) for g in b.ngrams]
    scored = []
    for i, x in enumerate(va):
        for j, y in enumerate(vb):
            if x and y:
                s = sum(v * y.get(k, 0.0) for k, v in x.items())
                size = min(len(a.units[i].tokens), len(b.units[j].tokens))
                if s > 0.3:
                    scored.append((s, size, i, j))
    scored.sort(key=lambda t: (-round(t[0], 3), -t[1]))
    used_a, used_b, out = set(), set(), []
    for s, _, i, j in scored:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        ua, ub = a.units[i], b.units[j]
        out.append({"similarity": round(s, 3), "a_name": ua.name, "b_name": ub.name,
                    "a_lines": list(ua.lines), "b_lines": list(ub.lines),
                    "a_source": _excerpt(src_a, ua.lines), "b_source": _excerpt(src_b, ub.lines)})
        if len(out) == top:
            break
    return out


def _as_text(source: str | bytes) -> str:
    return source.decode("utf-8", "replace") if isinstance(source, bytes) else source


def similarity_report(submission_sources: dict[str, dict[str, str | bytes]],
                      stubs: dict[str, str | bytes] | None = None, *,
                      threshold: float = DEFAULT_THRESHOLD, min_tokens: int = MIN_TOKENS,
                      jobs: int | None = None) -> dict:
    """Compare every pair of submissions, exercise by exercise.

    Args:
        submission_sources: student -> {exercise module (``"ex02_determinants"``, a
            ``.py`` suffix is ignored) -> source text or UTF-8 bytes}.
        stubs: exercise module -> the handout's text (the stub); what it contains does not
            count as similarity. Exercises without a stub are compared as they are.
        threshold: pairs with a cosine at or above it are listed.
        min_tokens: submissions with less of their own code are not compared.
        jobs: processes for normalising a large class (default: the number of cores).

    Returns:
        plain data (JSON-ready) for :func:`grader.grading.class_report.write_class_report`:
        ``{method, threshold, ngram, min_tokens, students, exercises: [{exercise, compared,
        too_short, unreadable: {student: why}, median, p99, pairs: [{a, b, similarity,
        regions: [...]}], more_pairs, clusters: [[student, ...]]}], pairs: [{a, b,
        exercises, max_similarity}], more_pairs}``, pairs most similar first.
    """
    jobs = jobs or os.cpu_count() or 1
    stubs = {k.removesuffix(".py"): _as_text(v) for k, v in (stubs or {}).items()}
    by_ex: dict[str, dict[str, str | bytes]] = {}
    for student, files in submission_sources.items():
        for module, source in files.items():
            by_ex.setdefault(module.removesuffix(".py"), {})[student] = source
    handouts = {}
    for ex in by_ex:
        try:
            handouts[ex] = Handout.of(stubs.get(ex))
        except Exception:  # a broken handout: compare the exercise as it is
            handouts[ex] = Handout.of(None)
    work = [(ex, student) for ex in sorted(by_ex) for student in sorted(by_ex[ex])]
    docs = _all_documents([(by_ex[ex][s], handouts[ex]) for ex, s in work], jobs)
    per_ex: dict[str, dict[str, Document]] = {}
    for (ex, student), doc in zip(work, docs, strict=True):
        per_ex.setdefault(ex, {})[student] = doc
    exercises, overall = [], {}
    for ex in sorted(per_ex):
        section = _compare(ex, per_ex[ex], by_ex[ex], threshold, min_tokens)
        exercises.append(section)
        for p in section["all_pairs"]:
            key = (p["a"], p["b"])
            entry = overall.setdefault(key, {"a": p["a"], "b": p["b"], "exercises": [],
                                             "max_similarity": 0.0})
            entry["exercises"].append(ex)
            entry["max_similarity"] = max(entry["max_similarity"], p["similarity"])
        del section["all_pairs"]
    pairs = sorted(overall.values(), key=lambda p: (-len(p["exercises"]), -p["max_similarity"],
                                                    p["a"], p["b"]))
    return {"method": METHOD, "threshold": threshold, "ngram": NGRAM, "min_tokens": min_tokens,
            "students": len(submission_sources), "exercises": exercises,
            "pairs": pairs[:MAX_PAIRS_SHOWN], "more_pairs": max(0, len(pairs) - MAX_PAIRS_SHOWN)}


def _compare(ex: str, docs: dict[str, Document], sources: dict[str, str | bytes],
             threshold: float, min_tokens: int) -> dict:
    unreadable = {s: d.error for s, d in docs.items() if d.error}
    usable = {s: d for s, d in docs.items() if not d.error}
    names = [s for s, d in usable.items() if d.tokens >= min_tokens]
    section = {"exercise": ex, "compared": len(names), "too_short": len(usable) - len(names),
               "unreadable": unreadable, "median": None, "p99": None, "pairs": [],
               "more_pairs": 0, "clusters": [], "all_pairs": []}
    if len(names) < 2:
        return section
    # idf over every readable submission of the exercise (short ones too: what they share
    # is common, not rare); vectors compared only for those long enough.
    every = list(usable)
    ids, weights, vocab, idf = _tf_idf([usable[s] for s in every])
    index = {s: i for i, s in enumerate(every)}
    chosen = [index[s] for s in names]
    sim = cosine_matrix([ids[i] for i in chosen], [weights[i] for i in chosen], len(idf))
    upper = np.triu_indices(len(names), k=1)
    values = sim[upper]
    section["median"] = round(float(np.median(values)), 3)
    section["p99"] = round(float(np.quantile(values, 0.99)), 3)
    hits = np.nonzero(values >= threshold - 1e-6)[0]
    hits = hits[np.argsort(-values[hits], kind="stable")]
    found = [(names[upper[0][k]], names[upper[1][k]], min(1.0, float(values[k]))) for k in hits]
    found = [(a, b, s) if a <= b else (b, a, s) for a, b, s in found]
    section["all_pairs"] = [{"a": a, "b": b, "similarity": round(s, 3)} for a, b, s in found]
    section["clusters"] = _clusters([(a, b) for a, b, _ in found])
    for a, b, s in found[:MAX_PAIRS_SHOWN]:
        section["pairs"].append({
            "a": a, "b": b, "similarity": round(s, 3),
            "regions": _regions(usable[a], usable[b], _as_text(sources[a]),
                                _as_text(sources[b]), vocab, idf)})
    section["more_pairs"] = max(0, len(found) - MAX_PAIRS_SHOWN)
    return section


# ---------------------------------------------------------------------------------------
# Convenience for callers that hold Submissions and a handout folder


def sources_of(submissions) -> dict[str, dict[str, bytes]]:
    """``{student: {module: bytes}}`` from
    :class:`grader.grading.submissions.Submission` objects."""
    return {s.student: {name.removesuffix(".py"): data for name, data in s.files.items()}
            for s in submissions}


def read_stubs(folder, exercises: list[str]) -> dict[str, str]:
    """The handout's text of each exercise found in ``folder`` (``exercises/``)."""
    from pathlib import Path

    out = {}
    for ex in exercises:
        path = Path(folder) / f"{ex}.py"
        if path.is_file():
            out[ex] = path.read_text("utf-8", errors="replace")
    return out
