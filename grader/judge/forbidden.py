"""Find forbidden calls and imports in a learner's source without running it.

``find_uses(tree, ("numpy.linalg.det",))`` resolves the file's imports (``import numpy as np``,
``from numpy import linalg``, ``from numpy.linalg import det as d``) and reports every place
where the dotted name appears. A name written as a method, ``"sympy.Basic.diff"``, is also
found as any attribute ``.diff`` (``expr.diff(x)``), since the source does not say what
``expr`` is. The same names are
also stubbed out in the sandbox at run time; this check catches them before anything runs and
tells the learner the line.
"""

from __future__ import annotations

import ast


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(aliases.get(node.id, node.id))
    return ".".join(reversed(parts))


def _matches(found: str, forbidden: str) -> bool:
    return found == forbidden or found.startswith(forbidden + ".")


def _is_main_guard(node: ast.stmt) -> bool:
    """``if __name__ == "__main__":``, the demo cells that never run when graded."""
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "__name__" and len(test.comparators) == 1
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


def _graded_nodes(tree: ast.Module):
    """Every node except those inside top-level ``if __name__ == "__main__":`` blocks."""
    for stmt in tree.body:
        if not _is_main_guard(stmt):
            yield from ast.walk(stmt)


def find_uses(tree: ast.Module, forbidden: tuple[str, ...]) -> list[tuple[str, int]]:
    """Return (forbidden name, line) for each use in ``tree``, in source order.

    Demo code under ``if __name__ == "__main__":`` is skipped: it does not run when graded,
    and the exercises invite learners to check their answers there (with ``sp.diff``, say).
    """
    aliases: dict[str, str] = {}
    hits: list[tuple[str, int]] = []

    def report(found: str, line: int) -> None:
        hits.extend((name, line) for name in forbidden if _matches(found, name))

    graded = {id(n) for n in _graded_nodes(tree)}
    for node in ast.walk(tree):  # imports anywhere define names; graded ones are checked
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[(a.asname or a.name).split(".")[0]] = (
                    a.name if a.asname else a.name.split(".")[0])
                if id(node) in graded:
                    report(a.name, node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                full = f"{node.module}.{a.name}"
                aliases[a.asname or a.name] = full
                if id(node) in graded:
                    report(full, node.lineno)
    methods = {name.rsplit(".", 1)[1]: name for name in forbidden
               if name.count(".") >= 2 and name.split(".")[-2][:1].isupper()}
    for node in _graded_nodes(tree):
        if isinstance(node, ast.Attribute) and node.attr in methods:
            hits.append((methods[node.attr], node.lineno))
        if isinstance(node, ast.Attribute | ast.Name) and isinstance(node.ctx, ast.Load):
            found = _dotted(node, aliases)
            if found and "." in found:
                for name in forbidden:
                    if _matches(found, name):
                        hits.append((name, node.lineno))
    return sorted(set(hits), key=lambda h: h[1])


def parse_quietly(source: str) -> ast.Module | None:
    """Parse learner source, or None if it cannot be parsed (the sandbox reports why)."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
