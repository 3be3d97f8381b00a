r"""A submission's code as a set of fingerprints: normalised tokens, hashed in 5-grams.

Normalising (:func:`normalise`) parses the code with :mod:`ast` only (student code is text
here: it is never imported or run) and keeps its structure: variable, argument and helper
names become ``v1, v2, ...`` in order of first use within each function, numbers and strings
become ``#n`` and ``#s``, docstrings, comments, formatting and ``if __name__ ==
"__main__"`` demo blocks disappear. Names the handout defines (the task functions), builtins
and library calls (``numpy.sum``) are kept, since renaming them would change the program.

What the stub already says does not count: a function or top-level statement whose
normalised form equals the handout's is dropped, and so is every n-gram that occurs in the
handout. n-grams are taken within one function, so reordering functions changes nothing.
:mod:`grader.grading.similarity` compares the resulting :class:`Document` objects.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import math
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np

NGRAM = 5
MIN_TOKENS = 100
MAX_SOURCE_CHARS = 400_000  # a longer file is not compared (no exercise is that long)
MAX_TOKENS = 80_000  # per file
PARALLEL_FROM = 400  # files; fewer are normalised in this process

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
