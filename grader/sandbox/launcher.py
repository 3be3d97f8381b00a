"""How a sandbox process is started: the isolation layers and the limits.

Layers, strongest first, each used when available and each reported by name:

- ``bwrap``: a private filesystem view (read-only system and Python paths, the submission
  alone at ``/submission``, a private size-capped ``/tmp``), new PID, network, IPC and UTS
  namespaces, die-with-parent, a new session.
- ``uid``: when the grader runs as root, a dedicated unprivileged uid per worker slot, with
  supplementary groups and capabilities cleared and no-new-privs, before the interpreter
  starts (bubblewrap run by real root would otherwise keep root's powers).
- ``seccomp``: a kernel filter denying IP sockets and system calls a submission never
  needs (see :mod:`grader.sandbox.seccomp`).
- ``cgroup``: a memory limit and a process-count limit over the whole sandbox, and a kill
  of every process left in it afterwards (see :mod:`grader.sandbox.cgroups`).
- ``nproc`` (an ordinary user with bubblewrap): ``RLIMIT_NPROC``, which the kernel counts
  per user namespace, so it caps the sandbox's own processes and nobody else's.
- ``memwatch`` (without cgroups): the judge sums the private memory of every process in the
  sandbox several times a second and kills the sandbox over the limit (see
  :mod:`grader.sandbox.memwatch`). Polling, not a kernel limit: a burst shorter than one
  poll is not seen, which the per-process ``RLIMIT_AS`` bounds.
- ``rlimits``: CPU time, address space, open files, file size and core dumps, set by the
  child on itself before any student code runs.
- ``clean-env``: no inherited variables, tokens or descriptors; BLAS threads pinned to 1.

Without bubblewrap the sandbox is an ordinary subprocess in its own session; ``strict``
refuses to grade that way.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import shutil
import site
import subprocess
import sys
import sysconfig
from dataclasses import asdict, dataclass
from pathlib import Path

from grader.sandbox import cgroups, seccomp

RUNTIME_DIR = Path(__file__).resolve().parent
WIRE_FILE = RUNTIME_DIR.parent / "wire.py"
SANDBOX_UID_BASE = 61000

CLEAN_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "MPLBACKEND": "Agg",
    "MPLCONFIGDIR": "/tmp",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
}


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandbox. Times in seconds, sizes in bytes."""

    call_timeout: float = 10.0
    submission_timeout: float = 120.0
    cpu_seconds: int = 60
    memory_bytes: int = 2 * 1024**3
    processes: int = 64
    open_files: int = 256
    file_size: int = 16 * 1024**2
    output_bytes: int = 64 * 1024
    tmp_bytes: int = 64 * 1024**2
    shm_bytes: int = 16 * 1024**2


class IsolationUnavailable(RuntimeError):
    """Strict isolation was asked for but this machine cannot provide it."""


@dataclass(frozen=True)
class Isolation:
    """Which layers a sandbox gets. ``name`` is what reports and the gradebook record."""

    layers: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def name(self) -> str:
        return "+".join(self.layers)

    @property
    def has_filesystem_isolation(self) -> bool:
        return "bwrap" in self.layers

    def warning(self) -> str | None:
        """A plain warning naming each missing layer and how to get it, or None."""
        if not self.missing:
            return None
        text = "warning: sandbox isolation is weaker than it could be: missing " + "; ".join(
            self.missing) + "."
        if any(m.startswith("bwrap") for m in self.missing):
            text += (" Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) so "
                     "student code cannot read your files or reach the network.")
        return text


@functools.cache
def _bwrap_works() -> bool:
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    probe = [bwrap, "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "--die-with-parent",
             "--new-session", "--proc", "/proc", "--dev", "/dev", "true"]
    if os.geteuid() != 0:
        probe.insert(1, "--unshare-user")
    try:
        return subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def detect(level: str = "auto") -> Isolation:
    """The strongest isolation available, or IsolationUnavailable for ``strict`` without it.

    Args:
        level: ``auto`` (strongest available), ``strict`` (refuse without bubblewrap) or
            ``none`` (a plain subprocess with limits; for debugging only).
    """
    if level not in ("auto", "strict", "none"):
        raise ValueError(f"unknown isolation level {level!r}: use auto, strict or none")
    layers: list[str] = []
    missing: list[str] = []
    if level != "none":
        if _bwrap_works():
            layers.append("bwrap")
            if os.geteuid() == 0 and shutil.which("setpriv"):
                layers.append("uid")
            if seccomp.supported():
                layers.append("seccomp")
            else:
                missing.append(f"seccomp (no filter for {platform.machine()})")
        else:
            missing.append("bwrap (filesystem, network and process isolation)")
        if "bwrap" in layers and os.geteuid() != 0:
            layers.append("nproc")  # RLIMIT_NPROC counts only the sandbox's user namespace
        if cgroups.version() is not None:
            layers.append("cgroup")
        else:
            layers.append("memwatch")
            missing.append("cgroup (a kernel-enforced memory limit over all of a sandbox's "
                           "processes needs root or a delegated cgroup; the grader polls "
                           "their memory instead and kills a sandbox over the limit)")
    layers += ["rlimits", "clean-env"]
    if level == "strict" and "bwrap" not in layers:
        raise IsolationUnavailable(
            "--isolation strict: bubblewrap is not available or does not work here, so student "
            "code could read your files and reach the network. Install it (apt-get install "
            "bubblewrap) or grade with --isolation auto."
        )
    return Isolation(tuple(layers), tuple(missing))


OUR_PACKAGES = ("grader", "mlmath", "solutions")


def _holds_our_code(folder: str) -> bool:
    return any(os.path.isdir(os.path.join(folder, name)) for name in OUR_PACKAGES)


def _python_roots() -> list[str]:
    """Where this interpreter's own files and installed packages live."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    roots |= set(site.getsitepackages()) if hasattr(site, "getsitepackages") else set()
    if site.ENABLE_USER_SITE and site.USER_SITE:
        roots.add(site.USER_SITE)
    return [os.path.realpath(r) for r in roots if r]


def python_paths() -> list[str]:
    """Directories the sandboxed interpreter imports from, in this interpreter's order.

    The stdlib, ``lib-dynload`` and every site-packages this interpreter uses: its prefix
    (a venv, conda, pyenv or ``/usr``), the base interpreter's, the user site, and folders
    that ``.pth`` files or ``PYTHONPATH`` added. Folders that hold this project's own code
    (an editable checkout with ``grader/`` and ``solutions/``) are left out: a sandbox must
    never see the hidden suites or the reference answers.
    """
    paths = sysconfig.get_paths()
    wanted = [paths[n] for n in ("stdlib", "platstdlib", "purelib", "platlib") if n in paths]
    wanted.append(os.path.join(paths["stdlib"], "lib-dynload"))
    roots = _python_roots()
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    for entry in sys.path:
        if not entry:
            continue
        real = os.path.realpath(entry)
        under_root = any(real == r or real.startswith(r.rstrip("/") + "/") for r in roots)
        if under_root or entry in extra or os.path.basename(real) in (
                "site-packages", "dist-packages"):
            wanted.append(entry)
    out: list[str] = []
    site_dirs = {os.path.realpath(p) for p in _site_dirs()}
    for d in wanted:
        real = os.path.realpath(d)
        if not os.path.isdir(real) or real in out:
            continue
        if real not in site_dirs and _holds_our_code(real):
            continue  # an editable checkout of this project: never visible to students
        out.append(real)
    return out


def _site_dirs() -> list[str]:
    dirs = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    dirs += site.getsitepackages() if hasattr(site, "getsitepackages") else []
    if site.ENABLE_USER_SITE and site.USER_SITE:
        dirs.append(site.USER_SITE)
    return dirs


def _hidden_packages() -> list[str]:
    """Installed copies of our own packages that must not be visible inside a sandbox."""
    out = []
    for folder in python_paths():
        for name in OUR_PACKAGES:
            p = os.path.join(folder, name)
            if os.path.isdir(p) and p not in out:
                out.append(p)
    return out


def _bind_with_parents(argv: list[str], path: str) -> None:
    """Bind ``path`` read-only, creating world-traversable parents (a sandbox uid is not
    the owner of, say, ``/root/.pyenv``, and needs only to pass through it)."""
    parts = Path(path).parts
    for i in range(2, len(parts)):
        argv += ["--perms", "0755", "--dir", str(Path(*parts[:i]))]
    argv += ["--ro-bind", path, path]


def _bwrap_argv(submission: Path, limits: Limits) -> list[str]:
    """bubblewrap's arguments. Order matters: bwrap applies them in order, so the private
    ``/tmp``, ``/dev`` and ``/proc`` come first and the interpreter's folders are bound over
    them afterwards; a venv under ``/tmp`` stays visible."""
    argv = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
    if os.geteuid() != 0:
        argv.insert(1, "--unshare-user")
    for d in ("/usr", "/etc/alternatives", "/etc/ld.so.cache", "/etc/localtime"):
        if os.path.exists(d):
            argv += ["--ro-bind", d, d]
    for link in ("bin", "lib", "lib64", "sbin"):
        p = Path("/") / link
        if p.is_symlink():
            argv += ["--symlink", os.readlink(p), str(p)]
        elif p.is_dir():
            argv += ["--ro-bind", str(p), str(p)]
    argv += ["--proc", "/proc", "--dev", "/dev",
             "--size", str(limits.shm_bytes), "--perms", "1777", "--tmpfs", "/dev/shm",
             "--remount-ro", "/dev",
             "--size", str(limits.tmp_bytes), "--perms", "1777", "--tmpfs", "/tmp"]
    interpreter = os.path.dirname(os.path.realpath(sys.executable))
    roots = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), interpreter,
             *python_paths()}
    bound: list[str] = []
    for root in sorted(roots):
        if root == "/usr" or root.startswith("/usr/"):
            continue
        if any(root.startswith(b.rstrip("/") + "/") for b in bound):
            continue  # already visible through a bound parent
        _bind_with_parents(argv, root)
        bound.append(root)
    for hidden in _hidden_packages():
        argv += ["--tmpfs", hidden]
    argv += ["--perms", "0755", "--dir", "/runtime",
             "--ro-bind", str(RUNTIME_DIR / "child.py"), "/runtime/child.py",
             "--ro-bind", str(WIRE_FILE), "/runtime/wire.py",
             "--ro-bind", str(submission), "/submission",
             "--chdir", "/submission"]
    return argv


def build_command(submission: Path, isolation: Isolation, limits: Limits, slot: int,
                  seccomp_fd: int | None = None, child_options: tuple[str, ...] = ()
                  ) -> list[str]:
    """The argv that starts a sandbox for ``submission`` (a folder of student files).

    ``seccomp_fd`` is an open descriptor holding the filter, when the seccomp layer is used;
    ``child_options`` go to child.py (``--zygote=FD``).
    """
    python = os.path.realpath(sys.executable)
    limits_arg = json.dumps(asdict(limits))
    if "nproc" in isolation.layers:
        child_options = (*child_options, "--nproc")
    if "bwrap" not in isolation.layers:
        return [python, "-I", "-S", str(RUNTIME_DIR / "child.py"), *child_options, limits_arg,
                str(WIRE_FILE), *python_paths()]
    argv = _bwrap_argv(submission, limits)
    if seccomp_fd is not None:
        argv += ["--seccomp", str(seccomp_fd)]
    if "uid" in isolation.layers:
        uid = str(SANDBOX_UID_BASE + slot)
        argv += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                 "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    return [*argv, python, "-I", "-S", "/runtime/child.py", *child_options, limits_arg,
            "/runtime/wire.py", *python_paths()]
