"""Probes that several hidden suites send into the sandbox.

A probe is a top-level function whose source stands alone (imports inside): the judge sends
its text with ``student.probe(fn, ...)`` and it runs in the sandbox with the learner's module
as first argument, returning plain data.
"""


def call_without_differentiation(mod, fname, *args):
    """Call ``mod.fname(*args)`` with SymPy's differentiation disabled; report any use.

    Symbolic tasks ask for a derivative typed by hand. The function's code, and the module's
    helpers it calls, are searched for differentiation names, and ``sympy.diff``,
    ``sympy.Derivative`` and ``Expr.diff`` are replaced by a stub while it runs.

    Returns:
        ``[used differentiation?, result]`` (result None when a stub was hit).
    """
    import types

    import sympy

    fn = getattr(mod, fname)
    words = {"diff", "Derivative", "idiff", "differentiate", "fdiff"}
    banned = [sympy.diff, sympy.Derivative, sympy.Expr.diff, getattr(sympy, "idiff", None)]
    used = False
    seen, stack = set(), [fn]
    while stack:  # the function's own code and the module's helpers it calls
        f = stack.pop()
        code = getattr(f, "__code__", None)
        glb = getattr(f, "__globals__", None)
        if not isinstance(code, types.CodeType) or code in seen or not isinstance(glb, dict):
            continue
        seen.add(code)
        codes = [code]
        while codes:
            c = codes.pop()
            for name in c.co_names:
                if name in words:
                    used = True
                g = glb.get(name)
                if g is not None and any(g is b for b in banned):
                    used = True
                if isinstance(g, types.FunctionType) and g.__module__ == mod.__name__:
                    stack.append(g)
            codes.extend(k for k in c.co_consts if isinstance(k, types.CodeType))

    class _DiffUsed(Exception):
        pass

    def stub(*_a, **_k):
        raise _DiffUsed("SymPy differentiation is not allowed in this function")

    patches = [(sympy, "diff"), (sympy, "Derivative"), (sympy.Expr, "diff")]
    saved = [(owner, attr, owner.__dict__[attr]) for owner, attr in patches]
    for owner, attr in patches:
        setattr(owner, attr, stub)
    try:
        result = fn(*args)
    except _DiffUsed:
        return [True, None]
    finally:
        for owner, attr, original in saved:
            setattr(owner, attr, original)
    return [used, result]
