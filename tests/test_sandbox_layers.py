"""Each isolation layer of the sandbox, tested directly (attacks through the CLI are in
test_hostile.py). Layers missing on this machine skip with the reason."""

from __future__ import annotations

import os
import struct
import textwrap
from pathlib import Path

import pytest

from grader.sandbox import seccomp
from grader.sandbox.client import Sandbox
from grader.sandbox.launcher import Limits, detect

ISOLATION = detect("auto")
needs_bwrap = pytest.mark.skipif("bwrap" not in ISOLATION.layers,
                                 reason="bubblewrap is not installed or does not work here")
needs_cgroup = pytest.mark.skipif("cgroup" not in ISOLATION.layers,
                                  reason="cgroups are not writable (not root?)")


def run_probe(tmp_path: Path, body: str, limits: Limits | None = None):
    """Run ``def probe(mod): <body>`` in a fresh sandbox; return the raw answer."""
    sub = tmp_path / "sub"
    sub.mkdir(exist_ok=True)
    (sub / "ex01_x.py").write_text("X = 1\n")
    source = "def probe(mod):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    with Sandbox(sub, ISOLATION, limits or Limits(call_timeout=20)) as box:
        return box.request({"op": "probe", "module": "ex01_x", "source": source, "args": []})


def test_seccomp_program_is_well_formed():
    """Is the filter a whole number of 8-byte instructions, ending in an allow?"""
    prog = seccomp.build_filter("x86_64")
    assert len(prog) % 8 == 0 and len(prog) // 8 > 30
    code, _, _, k = struct.unpack("<HBBI", prog[-8:])
    assert code == seccomp.RET_K and k == seccomp.RET_ALLOW


@needs_bwrap
def test_ip_sockets_and_ptrace_are_denied_but_ordinary_code_runs(tmp_path):
    """Can the sandbox compute, but not open an IP socket or call unshare/ptrace?"""
    answer = run_probe(tmp_path, """
        import ctypes, socket
        out = {}
        for name, fam in [("inet", socket.AF_INET), ("inet6", socket.AF_INET6),
                          ("unix", socket.AF_UNIX)]:
            try:
                socket.socket(fam, socket.SOCK_STREAM).close()
                out[name] = "open"
            except OSError as e:
                out[name] = e.errno
        libc = ctypes.CDLL(None, use_errno=True)
        out["unshare"] = libc.unshare(0x00020000)
        out["sum"] = sum(range(10))
        return out
    """)
    assert answer["ok"], answer
    value = answer["value"]["$dict"]
    got = dict(value)
    if "seccomp" in ISOLATION.layers:
        assert got["inet"] == 13 and got["inet6"] == 13  # EACCES
    assert got["unix"] == "open" and got["unshare"] == -1 and got["sum"] == 45


@needs_bwrap
def test_filesystem_view_holds_only_the_submission(tmp_path):
    """Does the sandbox see no repository, no home, and only its own submission?"""
    repo = str(Path(__file__).resolve().parent.parent)
    answer = run_probe(tmp_path, f"""
        import os
        seen = sorted(os.listdir("/"))
        return [seen, os.path.exists({repo!r}), sorted(os.listdir(".")), os.getuid(),
                open("/proc/self/status").read().split("CapEff:")[1].split()[0]]
    """)
    assert answer["ok"], answer
    from grader import wire

    seen, repo_visible, cwd, uid, caps = wire.from_json(answer["value"])
    assert not repo_visible and "work" not in seen and "home" not in seen
    assert cwd == ["ex01_x.py"]
    assert caps == "0000000000000000"
    if os.geteuid() == 0:
        assert uid >= 61000


@needs_bwrap
def test_private_tmp_is_size_capped(tmp_path):
    """Does writing past the private /tmp's size fail inside, with nothing on the host?"""
    answer = run_probe(tmp_path, """
        written = 0
        try:
            with open("/tmp/fill", "wb") as f:
                for _ in range(200):
                    f.write(b"x" * (1 << 20))
                    written += 1
        except OSError as e:
            return [written, e.errno]
        return [written, 0]
    """, Limits(tmp_bytes=16 * 1024**2, file_size=1024**3, call_timeout=20))
    from grader import wire

    written, err = wire.from_json(answer["value"])
    assert written <= 16 and err in (27, 28)  # EFBIG or ENOSPC


@needs_cgroup
def test_fork_bomb_is_capped_and_leaves_nothing_running(tmp_path):
    """Is a setsid fork bomb stopped by the pids limit and killed with its sandbox?"""
    answer = run_probe(tmp_path, """
        import os, time
        made = 0
        for _ in range(300):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                os.setsid()
                time.sleep(60)
                os._exit(0)
            made += 1
        return made
    """, Limits(processes=40, call_timeout=20))
    assert answer["ok"], answer
    assert answer["value"] < 40
    assert sandbox_processes() == []


def sandbox_processes() -> list[int]:
    """Processes running as a sandbox uid (61000 and up), or running the sandbox child."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        uid = int(status.split("Uid:")[1].split()[0])
        if b"--zygote=" in cmdline:
            continue  # another test's warm zygote (tests/test_zygote.py checks those)
        if 61000 <= uid < 62000 or b"/runtime/child.py" in cmdline:
            found.append(int(pid))
    return found


@needs_cgroup
def test_memory_bomb_is_stopped(tmp_path):
    """Does allocating past the memory limit fail (MemoryError or a killed sandbox)?"""
    answer = run_probe(tmp_path, """
        blocks = []
        for _ in range(16):
            blocks.append(bytearray(256 * 1024 * 1024))
        return len(blocks)
    """, Limits(memory_bytes=1024**3, call_timeout=30))
    assert not answer["ok"]
    assert answer["error"]["kind"] in ("exception", "crash")
