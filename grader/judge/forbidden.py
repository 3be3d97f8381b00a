"""Find forbidden calls and imports in a learner's source without running it.

``find_task_uses(tree, ("numpy.linalg.det",), ("det_elimination",))`` looks in the code of a
task's functions and of the module's functions, classes and variables they mention,
transitively (a helper the learner wrote is part of the task), resolving names as Python does:
module-level imports (``import numpy as np``, ``from numpy import linalg``, ``from numpy.linalg
import det as d``) say what a global name means, a local variable of the same name means
nothing. ``find_uses(tree, names)`` searches the whole file instead (imports included), for
names no code of the file may use. A name written as a method, ``"sympy.Expr.diff"``, is also
found as any attribute ``.diff`` (``expr.diff(x)``), since the source does not say what
``expr`` is. The same names are also stubbed out in the sandbox while a task's calls run; this
check catches them before anything runs and tells the learner the line.

Most files use no forbidden name at all, and walking a syntax tree in Python costs about a
millisecond per 100 lines. ``code_names(source)`` compiles the file (in C, without running it)
and gathers every identifier its code objects use; ``may_use(names, forbidden)`` is false when
none of them is the last part of a forbidden name, and then no walk can find a use. The only
uses it cannot see are in code that can never run (``if False:``, after a ``return``, a local
variable's annotation), where the walks would still report them.
"""

from __future__ import annotations

import ast
import types
import warnings
from dataclasses import dataclass


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


def find_uses(tree: ast.Module, forbidden: tuple[str, ...]) -> list[tuple[str, int]]:
    """Return (forbidden name, line) for each use in ``tree``, in source order.

    Demo code under ``if __name__ == "__main__":`` is skipped: it does not run when graded,
    and the exercises invite learners to check their answers there (with ``sp.diff``, say).
    Imports anywhere define names (a guarded import still says what ``np`` means).
    """
    if not forbidden:
        return []
    aliases: dict[str, str] = {}
    hits: list[tuple[str, int]] = []
    graded: list[ast.AST] = []  # the nodes outside the guards, gathered in the same walk
    for stmt in tree.body:
        checked = not _is_main_guard(stmt)
        for node in ast.walk(stmt):
            if checked:
                graded.append(node)
            if isinstance(node, ast.Import):
                for a in node.names:
                    aliases[(a.asname or a.name).split(".")[0]] = (
                        a.name if a.asname else a.name.split(".")[0])
                    if checked:
                        hits.extend((name, node.lineno) for name in forbidden
                                    if _matches(a.name, name))
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    full = f"{node.module}.{a.name}"
                    aliases[a.asname or a.name] = full
                    if checked:
                        hits.extend((name, node.lineno) for name in forbidden
                                    if _matches(full, name))
    methods = {name.rsplit(".", 1)[1]: name for name in forbidden if _is_method(name)}
    for node in graded:  # names are resolved once every import is known, as at run time
        if isinstance(node, ast.Attribute) and node.attr in methods:
            hits.append((methods[node.attr], node.lineno))
        if isinstance(node, ast.Attribute | ast.Name) and isinstance(node.ctx, ast.Load):
            found = _dotted(node, aliases)
            if found and "." in found:
                for name in forbidden:
                    if _matches(found, name):
                        hits.append((name, node.lineno))
    return sorted(set(hits), key=lambda h: h[1])


def code_names(source: str) -> frozenset[str] | None:
    """Every identifier the compiled ``source`` uses: global, local, free and cell variables,
    attributes, and imported modules split at their dots. None if it does not compile.

    Compiling runs no learner code. A name in a comment, a string or a docstring is not an
    identifier of the code, so the exercise's comments ("do not import mlmath") do not count.
    """
    try:
        with warnings.catch_warnings():  # "is" with a literal, invalid escapes: not ours
            warnings.simplefilter("ignore")
            code = compile(source, "<submission>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None
    names: set[str] = set()
    stack = [code]
    while stack:
        c = stack.pop()
        for name in (*c.co_names, *c.co_varnames, *c.co_cellvars, *c.co_freevars):
            names.update(name.split("."))
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return frozenset(names)


def may_use(names: frozenset[str], forbidden: tuple[str, ...]) -> bool:
    """False when the code whose identifiers are ``names`` cannot use any ``forbidden`` name.

    A use of ``numpy.linalg.det`` spells each of its parts somewhere as an identifier: an
    import (``import numpy as np``, ``from numpy import linalg``), an attribute (``.det``)
    or a variable. A method (``sympy.Expr.diff``) is found as any ``.diff``, so for it the
    last part alone is enough.
    """
    for name in forbidden:
        parts = name.split(".")
        if _is_method(name):
            parts = parts[-1:]
        if all(part in names for part in parts):
            return True
    return False


def _is_method(name: str) -> bool:
    """``sympy.Expr.diff``: a name whose next-to-last part is a class (capitalised)."""
    return name.count(".") >= 2 and name.split(".")[-2][:1].isupper()


def parse_quietly(source: str) -> ast.Module | None:
    """Parse learner source, or None if it cannot be parsed (the sandbox reports why)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


# ------------------------------------------------------------------ scoped to a task's code


@dataclass(frozen=True)
class Use:
    """One use of a forbidden name in a task's code.

    Attributes:
        name: the forbidden name it matches (``"numpy.linalg.det"``).
        line: its line in the learner's file.
        function: the task's function it belongs to (None when the whole file was searched).
        via: the module-level function, class or variable holding the line, when that is not
            ``function`` itself (a helper ``function`` calls).
    """

    name: str
    line: int
    function: str | None = None
    via: str | None = None


def find_task_uses(tree: ast.Module, forbidden: tuple[str, ...],
                   functions: tuple[str, ...]) -> list[Use]:
    """Uses of ``forbidden`` names in the code of ``functions`` and what they call.

    The code searched is each named module-level function or class (decorators, defaults and
    body) and, transitively, every module-level function, class or variable its code mentions
    by a name that is not local to it (code that looks names up at run time, with
    ``globals()``, ``vars()``, ``eval``, ``sys.modules`` or ``__dict__``, mentions them all).
    Names are resolved as Python would: a local variable ``det`` is not ``numpy.linalg.det``
    even when the module has ``from numpy.linalg import det``; the module's imports (outside
    ``if __name__ == "__main__":``) say what its global names mean, and are not uses by
    themselves. Imports inside the searched code are uses.

    Returns:
        the uses, those in the task's own functions first, then by line.
    """
    if not forbidden or not functions:
        return []
    module = _ModuleNames(tree)
    scanner = _Scanner(forbidden, module)
    uses: dict[tuple[str, int], Use] = {}
    seen: set[str] = set()
    queue = [(name, name) for name in functions]
    while queue:
        name, root = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        for node in module.definitions.get(name, ()):
            hits, mentioned = scanner.scan(node)
            for found, line in hits:
                uses.setdefault((found, line), Use(found, line, root,
                                                   None if name == root else name))
            queue.extend((m, root) for m in sorted(mentioned) if m not in seen)
    return sorted(uses.values(), key=lambda u: (u.via is not None, u.line, u.name))


def task_uses(tree: ast.Module, forbid: tuple[str, ...], functions: tuple[str, ...],
              everywhere: tuple[str, ...] = (), cache: dict | None = None) -> list[Use]:
    """What costs a task its check: ``forbid`` in the code of ``functions`` (in the whole
    file when none are named) and ``everywhere`` in the whole file.

    ``cache``, a dict kept with ``tree``, holds the whole-file searches: most tasks of a file
    share ``everywhere``, and a search walks the whole file.
    """
    whole_file = everywhere + (() if functions else forbid)
    cache = {} if cache is None else cache
    if whole_file not in cache:
        cache[whole_file] = [Use(name, line, enclosing_definition(tree, line))
                             for name, line in find_uses(tree, whole_file)]
    return cache[whole_file] + find_task_uses(tree, forbid, functions)


def describe(use: Use, task: str, filename: str) -> str:
    """The learner's message for a use: task ID first, then the function, name and line.

    ``Task 2.3: det_elimination uses numpy.linalg.det (line 42), which this task forbids:
    write it yourself.`` A use in a helper names it: ``(line 12, in _pivot)``.
    """
    where = use.function or filename
    line = f"line {use.line}" if use.via is None else f"line {use.line}, in {use.via}"
    return (f"Task {task}: {where} uses {use.name} ({line}), which this task forbids: "
            "write it yourself.")


def enclosing_definition(tree: ast.Module, line: int) -> str | None:
    """The module-level function or class whose lines hold ``line``, if any."""
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            start = min([stmt.lineno, *(d.lineno for d in stmt.decorator_list)])
            if start <= line <= (stmt.end_lineno or stmt.lineno):
                return stmt.name
    return None


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# Ways to reach a module name without writing it (globals()["_det"], sys.modules[__name__]):
# code that uses one is taken to mention every module-level name of its file.
_DYNAMIC_NAMES = frozenset({"globals", "vars", "eval", "exec", "compile", "__import__"})
_DYNAMIC_ATTRIBUTES = frozenset({"__dict__", "__globals__"})
_DYNAMIC_DOTTED = frozenset({"sys.modules", "importlib.import_module", "builtins.globals"})


def _blocks(stmt: ast.stmt):
    """The statement lists nested in a module-level compound statement (if, try, with...)."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(stmt, field, None)
        if isinstance(block, list):
            yield block
    for handler in getattr(stmt, "handlers", ()):
        yield handler.body


def _target_names(target: ast.AST):
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            yield node.id


def _import_bindings(node: ast.Import | ast.ImportFrom):
    """(bound name, dotted name it means) for each name an import binds; ``*`` for a star."""
    if isinstance(node, ast.Import):
        for a in node.names:
            yield (a.asname or a.name).split(".")[0], a.name if a.asname else \
                a.name.split(".")[0]
    elif node.module and node.level == 0:
        for a in node.names:
            yield (a.asname or a.name), f"{node.module}.{a.name}"


class _ModuleNames:
    """What the module's global names are: imports (aliases), star imports, definitions."""

    def __init__(self, tree: ast.Module):
        self.aliases: dict[str, str] = {}
        self.stars: list[str] = []
        self.definitions: dict[str, list[ast.AST]] = {}
        self._visit(tree.body)

    def _define(self, name: str, node: ast.AST) -> None:
        self.definitions.setdefault(name, []).append(node)

    def _visit(self, block: list[ast.stmt]) -> None:
        for stmt in block:
            if _is_main_guard(stmt):
                continue
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self._define(stmt.name, stmt)
            elif isinstance(stmt, ast.Import | ast.ImportFrom):
                if isinstance(stmt, ast.ImportFrom) and stmt.module and stmt.level == 0 \
                        and any(a.name == "*" for a in stmt.names):
                    self.stars.append(stmt.module)
                    continue
                for bound, dotted in _import_bindings(stmt):
                    self.aliases[bound] = dotted
            elif isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    for name in _target_names(target):
                        self._define(name, stmt)
            else:
                for inner in _blocks(stmt):
                    self._visit(inner)


def _same_scope(nodes):
    """Every node of ``nodes`` that belongs to their scope (nested scopes are not entered)."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _SCOPES):
            stack.extend(ast.iter_child_nodes(node))


def _local_names(node: ast.AST) -> dict[str, str | None]:
    """Names bound in the scope ``node`` opens: name -> dotted name for imports, else None."""
    bound: dict[str, str | None] = {}
    declared_global: set[str] = set()
    if isinstance(node, ast.ClassDef):
        body = node.body
    else:
        a = node.args
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
            if arg is not None:
                bound[arg.arg] = None
        body = node.body if isinstance(node.body, list) else [node.body]
    for child in _same_scope(body):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.setdefault(child.name, None)
        elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store | ast.Del):
            bound.setdefault(child.id, None)
        elif isinstance(child, ast.ExceptHandler) and child.name:
            bound.setdefault(child.name, None)
        elif isinstance(child, ast.Import | ast.ImportFrom):
            for name, dotted in _import_bindings(child):
                bound[name] = dotted
        elif isinstance(child, ast.Global):
            declared_global.update(child.names)
    for name in declared_global:
        bound.pop(name, None)
    return bound


class _Scanner:
    """Find forbidden names in one definition, and the module names it mentions."""

    def __init__(self, forbidden: tuple[str, ...], module: _ModuleNames):
        self.forbidden = forbidden
        self.module = module
        self.methods = {name.rsplit(".", 1)[1]: name for name in forbidden
                        if _is_method(name)}

    def scan(self, node: ast.AST) -> tuple[list[tuple[str, int]], set[str]]:
        self.hits: list[tuple[str, int]] = []
        self.mentioned: set[str] = set()
        self._visit(node, [])
        return self.hits, self.mentioned

    def _report(self, found: str, line: int) -> None:
        self.hits.extend((name, line) for name in self.forbidden if _matches(found, name))

    def _resolve(self, name: str, scopes: list[tuple[str, dict]]) -> str | None:
        """The dotted name a bare name means here, or None for a local variable."""
        for depth, (kind, names) in enumerate(reversed(scopes)):
            if kind == "class" and depth > 0:
                continue  # a class body's names are not visible inside its methods
            if name in names:
                return names[name]
        if name in self.module.aliases:
            return self.module.aliases[name]
        if name in self.module.definitions:
            self.mentioned.add(name)
            return None
        if name in _DYNAMIC_NAMES:  # globals()["_det"]: any module name may be meant
            self.mentioned.update(self.module.definitions)
        for star in self.module.stars:
            self._report(f"{star}.{name}", 0)  # line fixed by the caller
        return None

    def _visit(self, node: ast.AST, scopes: list) -> None:
        if isinstance(node, _SCOPES):
            outer = [*getattr(node, "decorator_list", ()), *getattr(node, "bases", ()),
                     *(k.value for k in getattr(node, "keywords", ()))]
            if not isinstance(node, ast.ClassDef):
                outer += [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]
            for child in outer:
                self._visit(child, scopes)
            inner = [*scopes, ("class" if isinstance(node, ast.ClassDef) else "function",
                               _local_names(node))]
            body = node.body if isinstance(node.body, list) else [node.body]
            for child in body:
                self._visit(child, inner)
            return
        if isinstance(node, ast.Import):
            for a in node.names:
                self._report(a.name, node.lineno)
            return
        if isinstance(node, ast.ImportFrom):
            if node.module and node.level == 0:
                for a in node.names:
                    self._report(node.module if a.name == "*" else f"{node.module}.{a.name}",
                                 node.lineno)
            return
        if isinstance(node, ast.Attribute | ast.Name) and isinstance(node.ctx, ast.Load):
            found = self._dotted(node, scopes)
            if found and "." in found:
                self._report(found, node.lineno)
            elif isinstance(node, ast.Attribute) and node.attr in self.methods:
                # a method of an object the source cannot name (expr.diff); sp.diff is not
                self.hits.append((self.methods[node.attr], node.lineno))
            if isinstance(node, ast.Attribute) and (
                    node.attr in _DYNAMIC_ATTRIBUTES or found in _DYNAMIC_DOTTED):
                self.mentioned.update(self.module.definitions)
        for child in ast.iter_child_nodes(node):
            self._visit(child, scopes)

    def _dotted(self, node: ast.AST, scopes: list) -> str | None:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        before = len(self.hits)
        base = self._resolve(node.id, scopes)
        self.hits[before:] = [(name, node.lineno) for name, _ in self.hits[before:]]
        if base is None:
            return None
        parts.append(base)
        return ".".join(reversed(parts))
