r"""The optional "proved" label: SymPy simplification in a child process with hard limits.

``simplify`` can run for minutes (or allocate without bound) on a three-layer network, and
nothing inside one Python process can stop it: it never returns to check a flag, and a
signal handler cannot interrupt it safely. So it runs in a forked child:

* the parent waits on a pipe with a timeout and sends SIGKILL when it expires;
* the child has RLIMIT_AS (its current address space plus a budget) and RLIMIT_CPU set, so
  memory blow-ups end in MemoryError or death, never in swapping the grader;
* the child leaves with ``os._exit``: no atexit handlers, no flushed buffers, no pytest.

The fork costs a few milliseconds, so the checker only asks for a proof when `prove=True`;
the numeric verdict never depends on it. Where ``os.fork`` does not exist the answer is
"not proved".
"""

from __future__ import annotations

import contextlib
import math
import os
import select
import signal
import time
from fractions import Fraction

import sympy as sp

__all__ = ["prove_zero"]


def prove_zero(pairs: list[tuple[sp.Expr, sp.Expr]], time_limit: float = 2.0,
               memory_mb: int = 512) -> bool | None:
    r"""Does ``simplify(a - r) == 0`` hold for every pair, within the limits?

    In the child, the answer's symbols are first replaced by the reference's symbols of the
    same name (a learner's plain ``x`` against a reference's real ``x``) and short floats
    (0.5, 0.01) by the exact decimals they print as; that rebuilding may itself be slow on a
    hostile expression, which is why it happens in the child too.

    Returns:
        True (proved), False (simplify finished but left something nonzero), or None
        (time or memory ran out, or no fork on this platform).
    """
    if not hasattr(os, "fork"):
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(read_end)
            _limit_child(time_limit, memory_mb)
            ok = all(sp.simplify(_unify(a, r) - r) == 0 for a, r in pairs)
            os.write(write_end, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        deadline = time.monotonic() + time_limit
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([read_end], [], [], left)
            if ready:
                data = os.read(read_end, 1)
                return {b"1": True, b"0": False}.get(data)
    finally:
        os.close(read_end)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _limit_child(time_limit: float, memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux
        return
    with contextlib.suppress(ValueError, OSError):
        seconds = math.ceil(time_limit) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    with contextlib.suppress(ValueError, OSError):
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
        size = pages * os.sysconf("SC_PAGE_SIZE") + memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


def _unify(a: sp.Basic, r: sp.Basic) -> sp.Basic:
    by_name = {s.name: s for s in r.free_symbols}
    swap: dict[sp.Basic, sp.Basic] = {s: by_name[s.name] for s in a.free_symbols
                                      if s.name in by_name}
    for f in a.atoms(sp.Float):
        if f._prec <= 53 and len(repr(float(f))) <= 14:
            frac = Fraction(repr(float(f)))
            swap[f] = sp.Rational(frac.numerator, frac.denominator)
    return a.xreplace(swap) if swap else a
