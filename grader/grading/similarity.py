r"""Which submissions look alike: tf-idf vectors of normalised code, compared by cosine.

This is the inner-products lesson of exercise 3 applied to the class itself. Per exercise,
each submission becomes a vector that counts the short runs of tokens (n-grams) in its
normalised code, each count weighted by how rare that n-gram is in the class; two
submissions are as similar as the cosine of the angle between their vectors,
:math:`\cos\theta = \langle u, v\rangle / (\lVert u\rVert\,\lVert v\rVert)`.

Each file is first reduced to fingerprints (:mod:`grader.grading.fingerprints`): its code
parsed with :mod:`ast` only (never imported or run), names, numbers, strings, comments and
demo blocks erased, whatever the handout already says removed, and the rest hashed in
5-grams within each function. A submission with fewer than ``min_tokens`` tokens of its own
code is not compared: two people who wrote the same three-line formula prove nothing.

Weights: ``tf = 1 + log(count)``, ``idf = log(N / df)`` over the N submissions of the
exercise (an n-gram everyone writes weighs 0). Vectors are L2-normalised and all pairs are
compared at once by one matrix product per block of columns (numpy, float32), so a class of
1,000 costs a few dense products, not half a million Python comparisons. Pairs above the
threshold are listed with the functions that match best, side by side, and grouped into
clusters (connected components). A high score says "look at these", never more.
"""

from __future__ import annotations

import math
import os
from collections import Counter

import numpy as np

from grader.grading.fingerprints import MIN_TOKENS, NGRAM, Document, Handout, _all_documents

DEFAULT_THRESHOLD = 0.75
MAX_PAIRS_SHOWN = 200  # per exercise
MAX_REGION_LINES = 80

METHOD = (
    "Each submission's code is normalised (variable names, numbers, strings, comments and "
    "formatting are erased, and whatever the handout already contains is removed) and "
    "turned into a vector that counts its short runs of tokens, each weighted by how rare "
    "it is in the class (tf-idf). Two submissions are as similar as the cosine of the angle "
    "between their vectors, the inner product of exercise 3: 1 means the same code up to "
    "names and order, 0 means nothing rare in common."
)


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
