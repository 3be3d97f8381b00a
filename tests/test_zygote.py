"""The warm zygote: fresh, separate children per submission, nothing shared between them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from grader import wire
from grader.sandbox import zygote as zy
from grader.sandbox.client import Sandbox
from grader.sandbox.launcher import Isolation, Limits, detect

ISOLATION = detect("auto")
pytestmark = pytest.mark.skipif(not zy.usable(ISOLATION),
                                reason="zygotes need bubblewrap and writable cgroups (root)")


@pytest.fixture
def zygote(tmp_path):
    slot = tmp_path / "slot"
    slot.mkdir()
    slot.chmod(0o755)
    z = zy.Zygote(slot, ISOLATION, Limits(call_timeout=10), slot=7)
    yield z
    z.close()


def probe(z: zy.Zygote, folder: Path, body: str):
    """Load a one-file submission into the zygote's slot and run ``probe(mod)`` there."""
    z.load({"ex01_x.py": b"X = 1\n"})
    source = "def probe(mod):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    with Sandbox(folder, ISOLATION, Limits(call_timeout=10), slot=7, zygote=z) as box:
        answer = box.request({"op": "probe", "module": "ex01_x", "source": source, "args": []})
        assert box.zygote is z, "the sandbox fell back to a cold start"
    assert answer["ok"], answer
    return wire.from_json(answer["value"])


def test_children_share_nothing(zygote, tmp_path):
    """Does a second submission see no file and no process left by the first?"""
    first = probe(zygote, tmp_path, """
        import os, time
        open("/tmp/left-behind", "w").write("secret")
        if os.fork() == 0:
            os.setsid()
            time.sleep(60)
            os._exit(0)
        return os.getppid()
    """)
    second = probe(zygote, tmp_path, """
        import os
        procs = [p for p in os.listdir("/proc") if p.isdigit()]
        return [os.path.exists("/tmp/left-behind"), len(procs), os.getppid()]
    """)
    left, nprocs, zygote_pid = second
    assert left is False
    assert nprocs <= 4  # bwrap's init, the zygote, this child, the next spare: no sleeper
    assert zygote_pid == first and zygote.starts == 1  # one warm zygote served both


def test_child_holds_only_its_own_channel(zygote, tmp_path):
    """Does a child hold exactly one socket (its channel), not the zygote's control socket?"""
    sockets = probe(zygote, tmp_path, """
        import os
        out = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                out.append(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:
                pass
        return sum(t.startswith("socket:") for t in out)
    """)
    assert sockets == 1


def test_a_killed_zygote_is_replaced(zygote, tmp_path):
    """If a submission kills the zygote, is the next one still served?"""
    probe(zygote, tmp_path, """
        import os, signal
        os.kill(os.getppid(), signal.SIGKILL)
        return 0
    """)
    assert probe(zygote, tmp_path, "return 41 + 1") == 42
    assert zygote.starts == 2


def test_zygote_memory_is_not_readable_by_children(zygote, tmp_path):
    """Can a child read the zygote's memory through /proc (it is not dumpable)?"""
    result = probe(zygote, tmp_path, """
        import os
        try:
            with open(f"/proc/{os.getppid()}/mem", "rb") as f:
                f.read(1)
            return "read"
        except OSError as e:
            return e.errno
    """)
    assert result != "read"


@pytest.mark.parametrize("layers", [("rlimits", "clean-env"), ("cgroup", "rlimits")])
def test_no_zygote_without_bubblewraps_private_tmp(layers, tmp_path):
    """A zygote wipes /tmp and /dev/shm before every fork: is one refused when those would
    be the machine's own (no bubblewrap), with nothing started and /tmp untouched?"""
    keep = tmp_path / "keep"
    keep.write_text("mine")
    with pytest.raises(ValueError, match="needs bubblewrap"):
        zy.Zygote(tmp_path, Isolation(layers, ()), Limits(), slot=7)
    assert keep.read_text() == "mine"


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGSTOP", "SIGINT"])
def test_a_submission_that_signals_the_spare_costs_the_next_one_nothing(
        zygote, tmp_path, signal_name):
    """The next submission's spare waits beside a running child (same uid, same pid
    namespace). If a submission kills, stops or interrupts every other process it can see,
    is the next submission still served, by a fresh zygote, without a timeout?"""
    hit = probe(zygote, tmp_path, f"""
        import os, signal, time
        me, parent = os.getpid(), os.getppid()
        def waiting(pid):  # asleep: in the spare, that is only its wait for a channel
            try:
                return open(f"/proc/{{pid}}/stat").read().rsplit(")", 1)[1].split()[0] == "S"
            except OSError:
                return False

        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # the zygote forks the spare just after us
            others = [int(p) for p in os.listdir("/proc")
                      if p.isdigit() and int(p) not in (1, me, parent)]
            # Python forgets a signal that arrives before its fork is complete: wait for
            # the spare to be asleep in its wait, where a signal cannot be lost.
            if others and all(waiting(pid) for pid in others):
                break
            time.sleep(0.01)
        for pid in others:
            os.kill(pid, signal.{signal_name})
        return len(others)
    """)
    assert hit == 1  # the spare
    assert probe(zygote, tmp_path, "return 41 + 1") == 42
    assert zygote.starts == 2  # the spare was found dead or silent, and replaced


PINNED = """
import json, os, sys
from pathlib import Path
from grader import wire
from grader.sandbox.client import Sandbox
from grader.sandbox.launcher import Limits, detect
from grader.sandbox.zygote import Zygote
from grader.grading.worker import _pin_to_one_cpu

_pin_to_one_cpu(2)  # the second worker of a pool
iso = detect("auto")
slot = Path(sys.argv[1])
z = Zygote(slot, iso, Limits(call_timeout=10), slot=7)
z.load({"ex01_x.py": b"X = 1\\n"})
source = "def probe(mod):\\n    import os\\n    return [sorted(os.sched_getaffinity(0)), " \\
         "sorted(os.sched_getaffinity(os.getppid()))]\\n"
with Sandbox(slot, iso, Limits(call_timeout=10), slot=7, zygote=z) as box:
    answer = box.request({"op": "probe", "module": "ex01_x", "source": source, "args": []})
z.close()
print(json.dumps([sorted(os.sched_getaffinity(0)), *wire.from_json(answer["value"])]))
"""


def test_a_worker_and_its_sandboxes_share_one_cpu_and_the_zygote_does_not(tmp_path):
    """Is the second worker of a pool pinned to the second allowed CPU, is its sandbox on
    the same CPU (judge and sandbox take turns), and is the zygote left free to fork the next
    spare on any CPU?"""
    import json
    import os
    import subprocess
    import sys

    allowed = sorted(os.sched_getaffinity(0))
    slot = tmp_path / "slot"
    slot.mkdir()
    slot.chmod(0o755)
    out = subprocess.run([sys.executable, "-c", PINNED, str(slot)], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    worker, child, zygote = json.loads(out.strip().splitlines()[-1])
    assert worker == [allowed[1 % len(allowed)]]
    assert child == worker
    assert zygote == list(range(os.cpu_count() or 1)) or zygote == allowed
