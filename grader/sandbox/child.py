"""The process inside the sandbox: it imports the student's files and answers calls.

This file runs on the UNTRUSTED side. It is started as ``python -I -S child.py SITE...``
with the student's submission as its working directory, and only this file and
``wire.py`` beside it. It never sees hidden tests, solutions or the gradebook, and nothing
it sends back is trusted: the judge decodes every answer with ``wire.decode``.

Protocol: frames of a 4-byte big-endian length and a JSON body, requests on the original
stdin and answers on the original stdout. Before any student code runs, both are moved to
private descriptors, stdin becomes /dev/null and stdout is folded into stderr, so a
student's ``print`` cannot corrupt the protocol.

Requests (``args``/``kwargs`` are wire-encoded values)::

    {"op": "import", "module": "ex01_logs"}
    {"op": "call", "module": ..., "func": "log_sum_exp", "args": [...], "kwargs": {...},
     "forbid": ["numpy.linalg.det"]}
    {"op": "probe", "module": ..., "source": "def probe(mod, ...): ...", "args": [...],
     "forbid": [...]}

Answers: ``{"ok": true, "value": ...}`` or ``{"ok": false, "error": {"kind": ..., ...}}``
with kind one of import, missing, not_started, exception, exit, forbidden, unsupported.
"""

import importlib
import json
import os
import re
import struct
import sys

NOT_STARTED = re.compile(r"^Task (\d+\.\d+)\b")
WARM_UP_SECONDS = 5.0  # the zygote's warm-up (about 0.25 s) never delays grading longer


def _read_exact(fd: int, n: int) -> bytes:
    chunks = []
    while n:
        chunk = os.read(fd, n)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


class Channel:
    """Length-prefixed frames on private file descriptors (two pipes, or one socket)."""

    def __init__(self, rfd: int | None = None, wfd: int | None = None) -> None:
        self.rfd = os.dup(0) if rfd is None else rfd
        self.wfd = os.dup(1) if wfd is None else wfd
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.dup2(2, 1)  # student's prints go to the captured, size-capped stderr

    def recv(self) -> dict:
        (n,) = struct.unpack(">I", _read_exact(self.rfd, 4))
        return json.loads(_read_exact(self.rfd, n))

    def send(self, body: bytes) -> None:
        data = struct.pack(">I", len(body)) + body
        while data:
            data = data[os.write(self.wfd, data):]


class Forbidden(Exception):
    """Raised in place of a call the task forbids."""


def _resolve(dotted: str):
    """(owner, attribute) for a loaded dotted name such as numpy.linalg.det.

    Only modules already imported are searched (forbidding must never import anything),
    and only functions or classes' methods are returned: a module is never replaced, since
    that breaks the imports of everything built on it. Forbidden modules are caught in the
    source instead.
    """
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        owner = sys.modules.get(".".join(parts[:cut]))
        if owner is None:
            continue
        for name in parts[cut:-1]:
            owner = getattr(owner, name, None)
        target = getattr(owner, parts[-1], None) if owner is not None else None
        if target is None or isinstance(target, type(sys)):
            return None
        return owner, parts[-1]
    return None


def _forbid(names, module=None):
    """Replace each dotted name with a stub that raises; return how to restore them.

    The learner's own module is searched too: ``from numpy.linalg import det`` or
    ``_d = np.linalg.det`` holds the function itself, which replacing ``numpy.linalg.det``
    alone would miss. Classes are never replaced (libraries import them lazily and break);
    the judge's source check catches those.
    """
    restore = []
    for dotted in names:
        found = _resolve(dotted)
        if found is None:
            continue
        owner, attr = found
        original = owner.__dict__.get(attr, getattr(owner, attr))
        if isinstance(original, type):
            continue

        def stub(*_a, _name=dotted, **_k):
            raise Forbidden(_name)

        setattr(owner, attr, stub)
        restore.append((owner, attr, original))
        if module is not None:
            for key, value in list(vars(module).items()):
                if value is original:
                    setattr(module, key, stub)
                    restore.append((module, key, original))
    return restore


def _build_sympy(tree):
    """Rebuild a SymPy object from the judge's (trusted) tree."""
    import sympy

    head, *rest = tree
    if head == "Symbol":
        return sympy.Symbol(rest[0])
    if head == "Integer":
        return sympy.Integer(int(rest[0]))
    if head == "Rational":
        return sympy.Rational(int(rest[0]), int(rest[1]))
    if head == "Float":
        return sympy.Float(float(rest[0]))
    if head == "Matrix":
        return sympy.Matrix([[_build_sympy(x) for x in row] for row in rest[0]])
    if head == "ExprCondPair":  # a Piecewise piece: (expression, condition)
        return tuple(_build_sympy(x) for x in rest)
    if not rest:  # constants (Pi, Exp1, Infinity, NaN, BooleanTrue, ...) are singletons
        return getattr(sympy.S, head)
    return getattr(sympy, head)(*[_build_sympy(x) for x in rest])


LEARNER_FILE = re.compile(r"^ex\d\d_\w+\.py$")


def _learner_line(exc: BaseException):
    """(file name, line) of the innermost traceback frame in the learner's own files (the
    exercise modules in this working directory), or None: never a frame of ours or numpy's."""
    found, tb, here = None, exc.__traceback__, os.getcwd()
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if os.path.dirname(filename) == here and LEARNER_FILE.match(os.path.basename(filename)):
            found = (os.path.basename(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _error(kind: str, exc: BaseException | None = None, **extra) -> dict:
    """An error answer; with ``exc``, its class name and the learner's own line of it."""
    err = {"kind": kind, **extra}
    if exc is not None:
        err["type"] = type(exc).__name__
        if "line" not in err:
            try:
                where = _learner_line(exc)
            except Exception:  # a traceback the learner's code made odd: no line, no harm
                where = None
            if where is not None:
                err["file"], err["line"] = where
    return {"ok": False, "error": err}


def _classify(exc: BaseException) -> dict:
    if isinstance(exc, Forbidden):
        return _error("forbidden", name=str(exc.args[0]))
    if isinstance(exc, NotImplementedError):
        m = NOT_STARTED.match(str(exc.args[0]) if exc.args else "")
        if m:
            return _error("not_started", exc, task=m.group(1))
        if not exc.args or exc.args == ("",):  # nbgrader's stub: raise NotImplementedError()
            return _error("not_started", exc)
    if isinstance(exc, SystemExit | KeyboardInterrupt):
        return _error("exit", exc)
    return _error("exception", exc)


NOTEBOOK_HEADER = "# mlmath: a notebook's code cells, run one by one"
CELL_MARK = "# %% mlmath cell "


def _import_cells(name: str):
    """Import a module made from a notebook the way Jupyter runs it: cell by cell.

    The judge writes such a module with NOTEBOOK_HEADER on its first line and a CELL_MARK
    line before each cell. A cell that raises is skipped (its error is kept in
    ``__mlmath_cell_errors__``) and the next cell runs, so a scratch cell that calls an
    unfinished function costs only what depends on it. Returns None for any other module.
    """
    import ast
    import importlib.util

    path = os.path.join(os.getcwd(), f"{name}.py")
    try:
        with open(path, encoding="utf-8") as f:
            source = f.read()
    except OSError:
        return None
    if not source.startswith(NOTEBOOK_HEADER):
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.__mlmath_cell_errors__ = []
    sys.modules[name] = module
    lines = source.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith(CELL_MARK)]
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        chunk = "".join(lines[start:end])
        try:
            tree = ast.increment_lineno(ast.parse(chunk, path), start)
            exec(compile(tree, path, "exec"), module.__dict__)  # the student's own cell
        except BaseException as exc:  # as in Jupyter: report the cell, run the next one
            module.__mlmath_cell_errors__.append((k + 1, type(exc).__name__))
    return module


class Server:
    def __init__(self, wire) -> None:
        self.wire = wire
        self.modules: dict = {}
        self.probes: dict = {}

    def module(self, name: str):
        if name not in self.modules:
            self.modules[name] = _import_cells(name) or importlib.import_module(name)
        return self.modules[name]

    def probe(self, source: str, name: str):
        """The judge's probe function, compiled once per sandbox for each source."""
        key = (source, name)
        if key not in self.probes:
            namespace: dict = {}
            exec(compile(source, "<probe>", "exec"), namespace)  # safe: the judge's code
            self.probes[key] = namespace[name]
        return self.probes[key]

    def handle(self, req: dict) -> dict:
        op = req.get("op")
        name = req.get("module", "")
        try:
            mod = self.module(name)
        except SyntaxError as exc:
            return _error("import", exc, line=exc.lineno, detail=str(exc.msg)[:200])
        except ModuleNotFoundError as exc:
            missing = exc.name == name
            return _error("import", exc, detail="file missing" if missing else str(exc)[:200])
        except BaseException as exc:  # the student's module failed while importing
            return _error("import", exc)
        if op == "import":
            return {"ok": True, "value": None}
        args = [self.wire.from_json(a, sympy_builder=_build_sympy) for a in req.get("args", [])]
        kwargs = {k: self.wire.from_json(v, sympy_builder=_build_sympy)
                  for k, v in req.get("kwargs", {}).items()}
        if op == "call":
            func = getattr(mod, req["func"], None)
            if not callable(func):
                return _error("missing", name=req["func"])
        elif op == "probe":
            probe = self.probe(req["source"], req.get("name", "probe"))
            args = [mod, *args]

            def func(*a, **k):
                return probe(*a, **k)
        else:
            return _error("protocol", detail=f"unknown op {op!r}")
        restore = _forbid(req.get("forbid", ()), mod)
        try:
            result = func(*args, **kwargs)
        except BaseException as exc:
            return _classify(exc)
        finally:
            for owner, attr, original in reversed(restore):
                setattr(owner, attr, original)
        try:
            return {"ok": True, "value": self.wire.to_json(result)}
        except self.wire.WireError as exc:
            return _error("unsupported", type_name=exc.type_name[:80])
        except BaseException as exc:  # a hostile __eq__/__repr__ during encoding
            return _classify(exc)


def _apply_limits(limits: dict, nproc: bool = False) -> None:
    """Lower this process's own hard limits before any student code runs.

    With ``nproc`` (an ordinary user's sandbox in its own user namespace, where the kernel
    counts only that namespace's processes) the process count is capped too.
    """
    import resource

    wanted = {
        resource.RLIMIT_CPU: limits["cpu_seconds"],
        resource.RLIMIT_AS: limits["memory_bytes"],
        resource.RLIMIT_NOFILE: limits["open_files"],
        resource.RLIMIT_FSIZE: limits["file_size"],
        resource.RLIMIT_CORE: 0,
    }
    if nproc:
        wanted[resource.RLIMIT_NPROC] = limits["processes"]
    for which, value in wanted.items():
        _soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))


def _load_wire(path: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location("_sandbox_wire", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def serve(wire, channel: Channel) -> None:
    """Answer requests until the judge closes the channel; never returns."""
    server = Server(wire)
    while True:
        try:
            req = channel.recv()
        except EOFError:
            os._exit(0)
        answer = server.handle(req)
        answer["id"] = req.get("id")
        channel.send(json.dumps(answer, separators=(",", ":")).encode())


def _not_dumpable() -> None:
    """PR_SET_DUMPABLE 0: processes of the same uid cannot read or write our memory."""
    import ctypes

    try:
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _wipe(folder: str) -> None:
    """Remove everything a previous submission left in a writable folder."""
    import shutil

    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for name in entries:
        path = os.path.join(folder, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def zygote(wire, control_fd: int) -> None:
    """Import the heavy libraries once, then fork one fresh server per submission.

    The zygote never imports student code. It keeps one *spare*: a fork that has done
    nothing yet and waits on a private socket. When the judge has moved the spare into its
    own cgroup (which can take milliseconds, so it is done ahead) it sends, over the control
    socket, ``go`` with a new socket (the submission's channel) and a pipe for its output;
    the zygote reaps the last child the judge killed, wipes /tmp and /dev/shm, hands both to
    the spare, and forks the next spare. The first spare is forked on ``spare``. A spare
    drops the control socket at once, so student code can never ask for a fork, and it says
    ``ok`` on its channel before it serves, so a spare that was killed or stopped is seen.
    """
    import gc
    import socket

    for name in ("numpy", "sympy", "matplotlib", "matplotlib.pyplot"):
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional library only costs time later
            pass
    _warm_up(wire)
    _not_dumpable()
    control = socket.socket(fileno=control_fd)
    gc.collect()
    gc.freeze()
    control.sendall(b"ready")
    spare = current = None
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(control, 16, 2)
        except OSError:
            os._exit(0)
        if msg == b"spare" and not fds and spare is None:
            spare = _fork_spare(wire, control)
            continue
        if msg != b"go" or len(fds) != 2 or spare is None:
            os._exit(0)  # fail closed: a child the judge has not placed in a cgroup never runs
        if current is not None:
            os.waitpid(current, 0)  # killed by the judge: gone before /tmp is wiped
        for folder in ("/tmp", "/dev/shm"):
            _wipe(folder)
        current, handoff = spare
        try:
            socket.send_fds(handoff, [b"go"], fds)
        except OSError:
            pass  # a submission killed the spare: the judge gets no "ok" and starts afresh
        handoff.close()
        for fd in fds:
            os.close(fd)
        spare = _fork_spare(wire, control)


def _warm_up(wire) -> None:
    """Run, once in the zygote, what each library sets up on first use.

    Importing SymPy does not build its arithmetic: the first ``y / p - (1 - y) / (1 - p)`` in
    a process costs 18 ms (lazy imports, caches), the first ``diff`` 14 ms, ``simplify``
    75 ms, the first Matplotlib figure 25 ms. Done here, the zygote's children start with all
    of that in place (under 0.2 s once per worker, instead of tens of ms per submission).
    Only the judge's own code runs here, never a student's; a library that is missing, or
    slower than ``WARM_UP_SECONDS`` in all, is left to warm up on first use.
    """
    def numpy_work():
        import numpy as np

        a = np.random.default_rng(0).normal(size=(4, 4))
        for f in (np.linalg.det, np.linalg.slogdet, np.linalg.inv, np.linalg.norm,
                  np.linalg.qr, np.linalg.svd, np.linalg.eigvalsh, np.unique, np.argsort,
                  repr):
            f(a)
        np.linalg.solve(a, a[0])
        np.einsum("ij,jk->ik", a, a)
        np.logaddexp.reduce(a, axis=0)
        np.allclose(a, a)

    def sympy_work():
        import sympy as sp

        x, y = sp.symbols("x y")
        e = y / x - (1 - y) / (1 - x)  # the transforms below stay quick on this one only
        for f in (str, sp.srepr, sp.simplify, sp.expand, sp.factor, sp.together, sp.cancel):
            f(e)
        g = e + sp.exp(x) * sp.log(y) + sp.sqrt(x**2 + 1) + sp.sin(x) + sp.tanh(x) + sp.pi
        sp.diff(g, x).subs({x: 0.5, y: 0.3}).evalf()
        sp.Matrix([[x, 1], [0, y]]).inv()
        sp.Piecewise((x, x > 0), (0, True)) + sp.Max(x, 0) + sp.Heaviside(x) + sp.Abs(x)
        wire.to_json(_build_sympy(wire.to_json(e)["$sym"]))

    def matplotlib_work():
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        ax.plot([0, 1], [1, 0])
        fig.canvas.draw()
        plt.close(fig)

    import signal

    def too_slow(*_):
        raise TimeoutError  # another library version: stop warming, start serving

    signal.signal(signal.SIGALRM, too_slow)
    signal.setitimer(signal.ITIMER_REAL, WARM_UP_SECONDS)
    try:
        for work in (numpy_work, sympy_work, matplotlib_work):
            try:
                work()
            except Exception:  # a library missing or different: its first use costs time
                pass
    except TimeoutError:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def _fork_spare(wire, control):
    """Fork a server that waits for its channel; return (pid, socket to hand it over)."""
    import socket

    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid:
        theirs.close()
        return pid, ours
    control.close()
    ours.close()
    try:
        msg, fds, _flags, _addr = socket.recv_fds(theirs, 16, 2)
    except BaseException:  # a signal from a submission of the same uid: die, be replaced
        os._exit(0)
    theirs.close()
    if msg != b"go" or len(fds) != 2:
        os._exit(0)
    importlib.invalidate_caches()  # /submission now holds this student's files
    os.dup2(fds[1], 2)
    os.close(fds[1])
    os.write(fds[0], b"ok")
    serve(wire, Channel(fds[0], fds[0]))


def _die_with_parent() -> None:
    """PR_SET_PDEATHSIG: the kernel kills this process when the one that started it dies.

    Without bubblewrap nothing else ties a sandbox to its grader: a judge killed with
    ``kill -9`` would leave a student's infinite loop running.
    """
    import ctypes
    import signal

    try:
        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def main() -> None:
    _die_with_parent()
    control, nproc = None, False
    while sys.argv[1].startswith("--"):
        option = sys.argv.pop(1)
        if option.startswith("--zygote="):
            control = int(option.split("=", 1)[1])
        elif option == "--nproc":
            nproc = True
    _apply_limits(json.loads(sys.argv[1]), nproc)
    wire = _load_wire(sys.argv[2])
    sys.path[:] = [os.getcwd(), *sys.argv[3:]]
    sys.dont_write_bytecode = True
    if control is not None:
        zygote(wire, control)
    serve(wire, Channel())


if __name__ == "__main__":
    main()
