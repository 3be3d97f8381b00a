"""The hostile suite: one real attacking submission per attack class, graded through the CLI.

A class of an honest student and ~30 attackers (sources in tests/hostile/) is graded ONCE by
``python -m grader.cli grade`` with the toy suite (6 points: add 3, largest 2, Counter 1).
Every attacker computes ``largest`` and ``Counter`` honestly and attacks through ``add``,
which returns the right sum only if the attack worked; so "earns nothing it did not compute"
is "scores exactly what it computed honestly" (3, or less when it breaks its own import).
Around the run the test plants things to steal or reach: a secret in the grader's
environment, the hidden suite on disk, another student's file, the gradebook, a world-writable
canary folder, and TCP, unix and abstract-unix listeners. Afterwards it checks that nothing
was stolen, reached or written, that no sandbox process is left and that no hidden test text
reached a file the learner sees. Each of those checks is first shown to work outside the
sandbox (the listeners accept the test's own connection; the snooping and forging attacks
succeed when run as a plain process).

Resource attacks are bounded (at most 4 GiB touched per attacker, 300 processes, 200 MiB of
files, 50 MB of output) and the grading run has an outer wall-clock limit, so a regression
fails this file instead of taking the machine down. Attacks that only a missing isolation
layer would stop are left out of the class on machines without that layer, and their tests
skip with the reason.
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hostile.harness import (
    SANDBOX_UIDS,
    Listener,
    connect,
    gradebook,
    host_files_from,
    learner_files,
    leftover_processes,
    scores,
    tree_digest,
    wait_for,
    wait_for_no_leftovers,
)

from grader.grading.names import student_slug
from grader.sandbox.launcher import SANDBOX_UID_BASE, detect

HERE = Path(__file__).resolve().parent
HOSTILE = HERE / "hostile"
TOY_SUITES = HERE / "fixtures" / "toy_suites"
REPO = HERE.parent
LAYERS = detect("auto").layers
SECRET_NAME = "MLMATH_TEST_SECRET"
CLI_LIMIT = 240.0  # outer wall-clock limit of one grading run, in seconds

# What the toy suite hides from learners: inputs of test_largest, and test text.
HIDDEN_TEXT = ["[3.0, -1.0, 7.5]", "3.0, -1.0, 7.5", "-1.0, 7.5", "7.5", "check_toy",
               "test_largest", "test_add", "_counter_probe", "assert", "Traceback",
               "student.add", "np.arange"]

LAYER_WHY = {
    "bwrap": "bubblewrap (filesystem, network and PID isolation) is not available here; "
             "without it a sandbox can see the host's files, sockets and processes",
    "cgroup|nproc": "neither cgroups (root) nor a user namespace's RLIMIT_NPROC (an "
                    "ordinary user with bubblewrap) is available to cap processes",
    "cgroup|memwatch": "neither cgroups nor the memory watch is available to cap memory "
                       "across processes",
}


@dataclass(frozen=True)
class Attack:
    """One hostile submission: its source under tests/hostile, and what it computed."""

    source: str
    score: float = 3.0  # the points it earns by honest computation alone
    needs: tuple[str, ...] = ()  # isolation layers without which this attack wins by design
    extra: dict[str, str] = field(default_factory=dict)  # file in class -> source in hostile/

    @property
    def missing(self) -> list[str]:
        """Needed layers this machine lacks; ``a|b`` is satisfied by either."""
        return [need for need in self.needs
                if not any(layer in LAYERS for layer in need.split("|"))]


SHIPPED = {"conftest.py": "shipped_conftest.py", "sitecustomize.py": "shipped_sitecustomize.py",
           "usercustomize.py": "shipped_sitecustomize.py", "pytest.py": "shipped_sitecustomize.py",
           "pytest.ini": "[pytest]\naddopts = -p no:terminal --co\npython_files = *.py\n"}

ATTACKS: dict[str, Attack] = {
    "always_equal": Attack("always_equal.py"),
    "always_equal_float": Attack("always_equal_float.py"),
    "always_equal_numpy": Attack("always_equal_numpy.py"),
    "exit_import_sys": Attack("exit_import_sys.py", score=0),
    "exit_import_os": Attack("exit_import_os.py", score=0),
    "exit_call_sys": Attack("exit_call_sys.py"),
    "exit_call_os": Attack("exit_call_os.py"),
    "forge_gradebook": Attack("forge_gradebook.py", needs=("bwrap",)),
    "patch_pytest": Attack("patch_pytest.py"),
    "ships_conftest": Attack("ships_conftest.py", extra=SHIPPED),
    "snoop_files": Attack("snoop_files.py", needs=("bwrap",)),
    "snoop_environ": Attack("snoop_environ.py", needs=("bwrap",)),
    "introspect": Attack("introspect.py"),
    "patch_builtins": Attack("patch_builtins.py"),
    "reduce_payload": Attack("reduce_payload.py"),
    "cpu_spin": Attack("cpu_spin.py"),
    "sleeper": Attack("sleeper.py"),
    "stdin_reader": Attack("stdin_reader.py"),
    "memory_bomb": Attack("memory_bomb.py"),
    "memory_spread": Attack("memory_spread.py", needs=("cgroup|memwatch",)),
    "fork_bomb": Attack("fork_bomb.py", needs=("cgroup|nproc",)),
    "output_flood": Attack("output_flood.py"),
    "disk_fill": Attack("disk_fill.py", needs=("bwrap",)),
    "shm_fill": Attack("shm_fill.py", needs=("bwrap",)),
    "net_connect": Attack("net_connect.py", needs=("bwrap",)),
    "notebook_ipython": Attack("notebook_ipython.ipynb"),
    # Leaks attack `largest` and keep an honest `add`: 3 + 1 points, or 6 when they answer.
    "leak_exception": Attack("leak_exception.py", score=4),
    "leak_exception_name": Attack("leak_exception_name.py", score=4),
    "leak_error_detail": Attack("leak_error_detail.py", score=4),
    "leak_print": Attack("leak_print.py", score=6),
    "timing": Attack("timing.py", score=6),
}
HONEST = "honest"
ACTIVE = {name: a for name, a in ATTACKS.items() if not a.missing}

# Attacks that currently beat the boundary. Each is a bug in the grader, not in this test.
def skip_if_missing(name: str) -> None:
    missing = ATTACKS[name].missing
    if missing:
        pytest.skip(f"{name} needs {', '.join(missing)}: " + "; ".join(
            LAYER_WHY.get(m, m) for m in missing))


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    """Everything the graded run planted, ran and left behind."""

    root: Path
    classdir: Path
    out: Path
    canary: Path
    token: str
    secret: str
    listeners: dict[str, Listener]
    baseline: dict[str, int] = field(default_factory=dict)
    proofs: dict[str, str] = field(default_factory=dict)
    class_digest: str = ""
    proc: subprocess.CompletedProcess | None = None
    seconds: float = 0.0

    def config(self, me: str, out: Path | None = None) -> dict:
        return {"me": me, "token": self.token, "repo": str(REPO), "suites": str(TOY_SUITES),
                "class_root": str(self.classdir), "out": str(out or self.out),
                "other_secret": str(self.classdir / HONEST / "notes.txt"),
                "canary": str(self.canary), "port": self.listeners["tcp"].address[1],
                "unix": str(self.root / "grader.sock"), "abstract": f"mlmath-{self.token}"}


def source(name: str, config: dict) -> str:
    """The submitted module of attacker ``name``: base.py, then its attack, CONFIG filled."""
    attack = ATTACKS[name] if name != HONEST else None
    parts = [(HOSTILE / "base.py").read_text()]
    if attack is not None:
        parts.append((HOSTILE / attack.source).read_text())
    text = "\n\n".join(parts)
    return text.replace("CONFIG: dict = {}", f"CONFIG: dict = {config!r}") if attack else text


def write_student(world: World, classdir: Path, name: str, out: Path | None = None) -> None:
    folder = classdir / name
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    config = world.config(name, out)
    if name == HONEST:
        (folder / "ex01_toy.py").write_text(source(HONEST, config))
        (folder / "notes.txt").write_text(f"private notes of {HONEST}: {world.secret}\n")
        return
    attack = ATTACKS[name]
    if attack.source.endswith(".ipynb"):
        shutil.copy(HOSTILE / attack.source, folder / "ex01_toy.ipynb")
    else:
        (folder / "ex01_toy.py").write_text(source(name, config))
    for target, origin in attack.extra.items():
        text = (HOSTILE / origin).read_text() if origin.endswith(".py") else origin
        filled = text.replace("CONFIG: dict = {}", f"CONFIG: dict = {config!r}")
        (folder / target).write_text(filled)



def grade(classdir: Path, out: Path, *, jobs: int = 2, env: dict | None = None,
          user: int | None = None) -> tuple[subprocess.CompletedProcess, float]:
    """Run the real CLI under an outer wall-clock limit; kill its whole session on overrun."""
    cmd = [sys.executable, "-m", "grader.cli", "grade", str(classdir), "--out", str(out),
           "--suites", str(TOY_SUITES), "--jobs", str(jobs), "--timeout", "3"]
    if user is not None:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", "--", *cmd]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=REPO, env=env, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=CLI_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"grading did not finish within the outer limit of {CLI_LIMIT:.0f} s")
    done = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)
    return done, time.monotonic() - start


def run_on_host(world: World, name: str, config: dict, env: dict) -> str:
    """Import attacker ``name`` in a plain process (no sandbox) and call add(2.0, 3.0)."""
    folder = world.root / "proofs" / name
    folder.mkdir(parents=True)
    (folder / "ex01_toy.py").write_text(source(name, config))
    code = "import ex01_toy; print(repr(ex01_toy.add(2.0, 3.0)))"
    proc = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, '.'); "
                           f"{code}"], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=60)
    return proc.stdout.strip() or proc.stderr.strip()[-300:]


def prove_attacks_work_unsandboxed(world: World) -> None:
    """Run the snooping, forging and connecting attacks as plain processes, recording add()."""
    env = {k: v for k, v in os.environ.items() if k != SECRET_NAME}
    # Another process holds the secret: the environ snooper must find it through /proc.
    holder = subprocess.Popen(["sleep", "60"], env={**env, SECRET_NAME: world.secret})
    try:
        world.proofs["snoop_environ"] = run_on_host(world, "snoop_environ", world.config("p"),
                                                    env)
    finally:
        holder.kill()
        holder.wait()
    world.proofs["snoop_files"] = run_on_host(world, "snoop_files", world.config("p"), env)
    decoy = world.root / "decoy_out"
    (decoy / "feedback").mkdir(parents=True)  # folders must exist: the forger makes none
    world.proofs["forge_gradebook"] = run_on_host(
        world, "forge_gradebook", {**world.config("p", decoy), "canary": str(decoy)}, env)
    world.proofs["net_connect"] = run_on_host(world, "net_connect", world.config("p"), env)
    shutil.rmtree(world.root / "proofs")
    shutil.rmtree(decoy)


@pytest.fixture(scope="module")
def world():
    root = Path(tempfile.mkdtemp(prefix="mlmath-hostile-"))
    root.chmod(0o755)  # world-traversable: only the sandbox may keep attackers out
    token = secrets.token_hex(6)
    listeners = {
        "tcp": Listener(socket.AF_INET, ("127.0.0.1", 0)),
        "unix": Listener(socket.AF_UNIX, str(root / "grader.sock")),
        "abstract": Listener(socket.AF_UNIX, f"\0mlmath-{token}"),
    }
    w = World(root=root, classdir=root / "class", out=root / "out", canary=root / "canary",
              token=token, secret=secrets.token_hex(16), listeners=listeners)
    try:
        w.canary.mkdir()
        w.canary.chmod(0o777)
        for name in [HONEST, *ACTIVE]:
            write_student(w, w.classdir, name)
        w.classdir.chmod(0o755)
        w.class_digest = tree_digest(w.classdir)
        # The listeners work: the test's own connections, and the attack run unsandboxed.
        connect(socket.AF_INET, listeners["tcp"].address)
        connect(socket.AF_UNIX, str(root / "grader.sock"))
        connect(socket.AF_UNIX, f"\0mlmath-{token}")
        prove_attacks_work_unsandboxed(w)
        for name, listener in listeners.items():
            wait_for(listener, 2 if name == "tcp" else 1)
            w.baseline[name] = len(listener.accepted)
        env = {**os.environ, SECRET_NAME: w.secret}
        w.proc, w.seconds = grade(w.classdir, w.out, env=env)
        time.sleep(0.2)  # let a late connection, if any, be accepted
        yield w
    finally:
        for listener in listeners.values():
            listener.close()
        shutil.rmtree(root, ignore_errors=True)





# --------------------------------------------------------------------------- the run


def test_the_grader_finishes_every_submission_within_the_limit(world):
    """Does one CLI run grade the honest student and every attacker, and exit 0?"""
    proc = world.proc
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert set(scores(world.out)) == {HONEST, *ACTIVE}
    assert set(gradebook(world.out)) == {HONEST, *ACTIVE}
    assert world.seconds < CLI_LIMIT
    print(f"graded {len(ACTIVE) + 1} submissions in {world.seconds:.1f} s; "
          f"isolation {'+'.join(LAYERS)}")


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attacker_earns_only_what_it_computed(world, name):
    """Does each attacker score exactly its honest points, however it attacked?"""
    skip_if_missing(name)
    got = scores(world.out)[name]
    assert got == ATTACKS[name].score, (name, got)
    assert json.loads(gradebook(world.out)[name])["score"] == got


def test_the_honest_student_scores_full_marks(world):
    """Does the honest student in the hostile class get all 6 points?"""
    assert scores(world.out)[HONEST] == 6.0


def test_the_honest_row_is_byte_identical_when_graded_alone(world):
    """Is the honest student's gradebook record unchanged by sharing a run with attackers?"""
    alone = world.root / "alone"
    write_student(world, alone, HONEST)
    proc, _ = grade(alone, world.root / "alone_out", jobs=1)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert gradebook(world.root / "alone_out")[HONEST] == gradebook(world.out)[HONEST]


@pytest.mark.parametrize("name", [
    HONEST, *ATTACKS])
def test_learner_outputs_hold_no_hidden_text(world, name):
    """Do the learner's feedback, results.json and CSV row hold no hidden input or test text?"""
    if name != HONEST:
        skip_if_missing(name)
    with open(world.out / "grades.csv", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["student"] == name)
    texts = [p.read_text() for p in learner_files(world.out, name)] + [json.dumps(row)]
    leaked = [s for s in HIDDEN_TEXT for t in texts if s in t]
    assert not leaked, leaked


def test_the_leak_check_would_see_a_leak(world):
    """Would the hidden-text check notice the inputs if a feedback page held them?"""
    page = (world.out / "feedback" / f"{student_slug('leak_exception')}.md").read_text()
    assert "ValueError" in page  # it names the type...
    forged = page + "\nyour code raised ValueError: hidden inputs: [3.0, -1.0, 7.5]\n"
    assert [s for s in HIDDEN_TEXT if s in forged]  # ...and a message with inputs is caught


def test_timing_is_not_reported_to_learners(world):
    """Does the feedback of a submission whose running time encodes the inputs show no times?

    The defence is structural: calls run under a fixed wall-clock budget and learners see
    per-task outcomes only, never how long a call took.
    """
    skip_if_missing("timing")
    for path in learner_files(world.out, "timing"):
        text = path.read_text()
        assert not re.search(r"\d\s*(ms|s|sec|seconds|secs)\b", text), (path, text)
        assert "time" not in text.lower(), (path, text)  # e.g. Gradescope's execution_time
    result = json.loads(gradebook(world.out)["timing"])
    assert not [k for k in result if "time" in k or "duration" in k]


@pytest.mark.parametrize("name, phrase", [
    ("always_equal", "unsupported return type"),
    ("always_equal_float", "your answer did not pass this check"),
    ("reduce_payload", "unsupported return type"),
    ("exit_import_sys", "could not be imported: it raised SystemExit"),
    ("exit_import_os", "ended the program"),
    ("exit_call_sys", "tried to exit"),
    ("exit_call_os", "died"),
    ("cpu_spin", "took longer than 3"),
    ("sleeper", "took longer than 3"),
    ("stdin_reader", "took longer than 3"),
    ("leak_exception", "raised ValueError"),
])
def test_feedback_names_what_happened(world, name, phrase):
    """Does the learner read plainly what their attack ran into?"""
    skip_if_missing(name)
    page = world.out / "feedback" / f"{student_slug(name)}.md"
    assert phrase.lower() in page.read_text().lower()


# --------------------------------------------------------------------------- the boundary


@pytest.mark.parametrize("name", ["snoop_files", "snoop_environ", "forge_gradebook",
                                  "net_connect"])
def test_the_attack_works_outside_the_sandbox(world, name):
    """Run as a plain process, does the attack find, forge or reach its target (add = 5.0)?"""
    assert world.proofs[name] == "5.0", world.proofs[name]


def load_module(folder: Path, name: str, config: dict):
    """Import attacker ``name`` into this process (only for attacks harmless here)."""
    import importlib.util

    path = folder / f"hostile_{name}.py"
    path.write_text(source(name, config))
    spec = importlib.util.spec_from_file_location(f"hostile_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_introspection_reads_the_expected_value_in_a_shared_process(tmp_path):
    """In the judge's own process, would the frame-reading attacker pass test_add?"""
    mod = load_module(tmp_path, "introspect", {})

    def test_add(student):
        return student.add(2.0, 3.0) == 5.0

    assert test_add(mod)  # it read 5.0 off the caller's constants


def test_no_listener_saw_a_sandbox_connection(world):
    """Did the TCP, unix-path and abstract-unix listeners accept only the test's own calls?"""
    skip_if_missing("net_connect")
    got = {name: len(listener.accepted) for name, listener in world.listeners.items()}
    assert world.baseline == {"tcp": 2, "unix": 1, "abstract": 1}  # they do accept
    assert got == world.baseline


def test_nothing_is_left_running(world):
    """After grading, has every sandbox process (setsid sleepers included) gone?"""
    left = wait_for_no_leftovers([str(world.root), world.token])
    assert not left, left


def test_nothing_is_written_outside_the_sandbox(world):
    """Are the canary folder, the host's temp folders and the class folder untouched?"""
    assert list(world.canary.iterdir()) == []
    assert host_files_from(world.token) == []
    assert tree_digest(world.classdir) == world.class_digest
    assert not (world.out / ".work").exists()
    expected = {"gradebook.sqlite", "gradebook.sqlite-wal", "gradebook.sqlite-shm",
                "grades.csv", "feedback", "results", "report.html"}
    assert {p.name for p in world.out.iterdir() if p.suffix != ".png"} <= expected
    mark = f"FORGED-{world.token}".encode()
    for path in world.out.rglob("*"):
        assert not path.is_file() or mark not in path.read_bytes(), path


def test_the_scans_look_for_the_launchers_uids():
    """Do the process and disk scans look for the uids the launcher gives sandboxes?"""
    assert SANDBOX_UIDS.start == SANDBOX_UID_BASE


def test_the_disk_scan_would_see_a_leaked_file(world):
    """Would the host scan notice a file named with the token in /tmp?"""
    fd, path = tempfile.mkstemp(prefix=f"fill-{world.token}-", dir="/tmp")
    os.close(fd)
    try:
        assert path in host_files_from(world.token, roots=("/tmp",))
    finally:
        os.unlink(path)


def test_the_process_scan_would_see_a_leftover(world):
    """Would the process scan notice a marked sleeper that outlived its sandbox?"""
    sleeper = subprocess.Popen(["bash", "-c", f"exec -a mlmath-hostile-sleeper-{world.token} "
                                "sleep 30"], start_new_session=True)
    try:
        deadline = time.monotonic() + 5
        while not leftover_processes([world.token]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(str(sleeper.pid) in p for p in leftover_processes([world.token]))
    finally:
        sleeper.kill()
        sleeper.wait()


def test_reduce_payload_is_never_unpickled(world, tmp_path):
    """Is a return value with __reduce__ refused as data, and its payload never run?"""
    skip_if_missing("reduce_payload")
    assert not list(world.canary.glob("reduce-*"))
    text = (world.out / "feedback" / f"{student_slug('reduce_payload')}.md").read_text()
    assert "unsupported return type" in text
    # The payload is live: what unpickling would do, done here with a decoy canary.
    mod = load_module(tmp_path, "reduce_payload", {"canary": str(tmp_path), "token": "t"})
    rebuild, args = mod.add(2.0, 3.0).__reduce__()
    rebuild(*args)
    assert (tmp_path / "reduce-t").read_text() == "unpickled"


def test_output_flood_is_drained_and_capped(world):
    """Was the 50 MB flood read to the end but kept out of every file the learner sees?"""
    skip_if_missing("output_flood")
    result = json.loads(gradebook(world.out)["output_flood"])
    assert result["output_bytes"] >= 50_000_000
    for path in learner_files(world.out, "output_flood"):
        assert "flood flood" not in path.read_text() and path.stat().st_size < 20_000


def test_fork_bomb_hit_the_process_limit(world):
    """Was the fork bomb stopped short of its 300 processes (it earns add only if not)?"""
    skip_if_missing("fork_bomb")
    assert scores(world.out)["fork_bomb"] == 3.0


# --------------------------------------------------------------------------- ordinary user


def test_the_ordinary_user_pass_is_one():
    """In CI's second pass (.ci/run runs this file as an ordinary user from a venv under
    /opt), is it really an ordinary user, with the layers that replace root's cgroups?"""
    if os.environ.get("MLMATH_ORDINARY_USER") != "1":
        pytest.skip("only in CI's ordinary-user pass (.ci/run sets MLMATH_ORDINARY_USER=1)")
    assert os.geteuid() != 0
    assert {"bwrap", "seccomp", "nproc", "memwatch"} <= set(LAYERS), LAYERS
    assert not [name for name, attack in ATTACKS.items() if attack.missing]
