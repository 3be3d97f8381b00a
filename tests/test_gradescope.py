"""The Gradescope autograder zip (grader/integrations/gradescope.py): what it holds, and a
real run of its run_autograder in a folder laid out as Gradescope's /autograder.

Gradescope's own image installs mlmath from the zip (setup.sh: apt-get bubblewrap and a
Python 3.11+, pip install requirements.txt and mlmath-src/ into /autograder/mlmath-venv).
Here run_autograder reuses the interpreter running the tests (MLMATH_AUTOGRADER_PYTHON),
whose mlmath is this checkout, and MLMATH_AUTOGRADER_ROOT replaces /autograder.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from grader.integrations.gradescope import (
    CONFIG,
    build_autograder,
    declared_tasks,
    results_json,
)

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "grader" / "suites"
VISIBILITY_SUITES = Path(__file__).parent / "fixtures" / "integrations" / "visibility_suites"
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    return build_autograder(tmp_path_factory.mktemp("zip") / "autograder.zip",
                            suites_dir=SUITES, exercises=["ex02", "3"])


def test_the_zip_holds_what_gradescope_runs_and_nothing_of_the_instructors(autograder_zip,
                                                                           tmp_path):
    """setup.sh and run_autograder executable at the root; the chosen hidden suites only;
    mlmath and grader without solutions, tests, exercises or the suites; the runtime
    requirements of pyproject.toml; the same bytes when built twice?"""
    with zipfile.ZipFile(autograder_zip) as zf:
        names = zf.namelist()
        modes = {n: zf.getinfo(n).external_attr >> 16 for n in names}
        config = json.loads(zf.read(CONFIG))
        requirements = zf.read("requirements.txt").decode().split()
        setup = zf.read("setup.sh").decode()
    for script in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(modes[script]) == 0o755
    assert {n.split("/")[1] for n in names if n.startswith("suites/")} == {
        "ex02_determinants", "ex03_inner_products", "pytest.ini"}
    source = [n for n in names if n.startswith("mlmath-src/")]
    assert "mlmath-src/pyproject.toml" in source and "mlmath-src/grader/cli.py" in source
    for forbidden in ("solutions/", "tests/", "exercises/", "examples/", "grader/suites/",
                      "__pycache__", ".pyc"):
        assert not any(forbidden in n for n in source), forbidden
    assert set(names) - set(source) - {n for n in names if n.startswith("suites/")} == {
        "setup.sh", "run_autograder", "requirements.txt", CONFIG}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert requirements == [d.replace(" ", "") for d in project["dependencies"]]
    assert "apt-get install" in setup and "bubblewrap" in setup
    assert not any(word in setup for word in ("curl", "wget", "git clone"))
    assert config["exercises"] == ["ex02_determinants", "ex03_inner_products"]
    assert sum(t["points"] for t in config["tasks"].values()) == 28
    assert {t["visibility"] for t in config["tasks"].values()} == {"after_due_date"}
    assert config["tasks"]["2.1"]["title"] == "The 3x3 determinant"
    again = build_autograder(tmp_path / "again.zip", suites_dir=SUITES,
                             exercises=["ex02_determinants", "ex03"])
    assert again.read_bytes() == autograder_zip.read_bytes()
    for script in ("setup.sh", "run_autograder"):
        check = subprocess.run(["bash", "-n", "-c", zipfile.ZipFile(again).read(script)
                                .decode()], capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stderr


def gradescope_root(tmp_path: Path, autograder_zip: Path, files: dict[str, str]) -> Path:
    """A folder laid out as Gradescope's /autograder, with the zip in source/ and
    run_autograder copied beside it, and the student's files in submission/."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(autograder_zip) as zf:
        zf.extractall(root / "source")
    runner = root / "run_autograder"
    shutil.copy(root / "source" / "run_autograder", runner)
    runner.chmod(0o755)
    (root / "submission").mkdir()
    for name, text in files.items():
        (root / "submission" / name).write_text(text, encoding="utf-8")
    return root


def run_autograder(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MLMATH_AUTOGRADER_ROOT": str(root),
           "MLMATH_AUTOGRADER_PYTHON": sys.executable}
    return subprocess.run([str(root / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)


def test_run_autograder_grades_a_submission_into_results_json(autograder_zip, tmp_path):
    """Does run_autograder grade /autograder/submission in the sandbox and write a
    results.json Gradescope accepts: one test per task with its score, max_score, status and
    learner-safe output, visibility from the declaration, the total, execution_time and a
    hidden stdout; and leave the submission where it was and the suites readable by root
    only?"""
    solved = (ROOT / "solutions" / "ex02_determinants.py").read_text(encoding="utf-8")
    stubs = (ROOT / "exercises" / "ex03_inner_products.py").read_text(encoding="utf-8")
    root = gradescope_root(tmp_path, autograder_zip, {"ex02_determinants.py": solved,
                                                      "ex03_inner_products.py": stubs})
    proc = run_autograder(root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads((root / "results" / "results.json").read_text())
    assert set(data) == {"score", "output", "tests", "extra_data", "execution_time",
                         "stdout_visibility"}
    assert data["stdout_visibility"] == "hidden"
    assert isinstance(data["execution_time"], int) and data["execution_time"] >= 0
    tests = {t["number"]: t for t in data["tests"]}
    assert sorted(tests) == [f"2.{i}" for i in range(1, 8)] + [f"3.{i}" for i in range(1, 8)]
    for test in data["tests"]:
        assert set(test) == {"name", "number", "score", "max_score", "status", "output",
                             "visibility"}
        assert test["visibility"] == "after_due_date"
        assert test["status"] == ("passed" if test["number"].startswith("2.") else "failed")
    assert tests["2.3"]["name"] == "Task 2.3: Determinant by elimination with partial pivoting"
    assert tests["3.1"]["output"].startswith("Status: not started.")
    solved = sum(t["max_score"] for t in data["tests"] if t["number"].startswith("2."))
    assert data["score"] == sum(t["score"] for t in data["tests"]) == solved > 0
    declared = json.loads((root / "source" / CONFIG).read_text())["tasks"]
    assert {t["number"]: t["max_score"] for t in data["tests"]} == {
        task: meta["points"] for task, meta in declared.items()}
    assert "shown after the due date" in data["output"]
    assert sorted(p.name for p in (root / "submission").iterdir()) == [
        "ex02_determinants.py", "ex03_inner_products.py"]
    assert stat.S_IMODE((root / "source").stat().st_mode) == 0o700
    assert not [p for p in root.iterdir() if p.name.startswith(".mlmath-")]


def test_a_grader_fault_writes_no_results(autograder_zip, tmp_path):
    """When the hidden suites cannot load on Gradescope (a grader fault, not the learner's),
    is no results.json written (Gradescope then reports a failed autograder and the
    instructor can regrade), with the reason in the instructor's log?"""
    root = gradescope_root(tmp_path, autograder_zip, {"ex02_determinants.py": "x = 1\n"})
    suite = root / "source" / "suites" / "ex02_determinants" / "test_hidden.py"
    suite.write_text(suite.read_text() + "\nraise NameError('a broken hidden suite')\n")
    (root / "results").mkdir()
    (root / "results" / "results.json").write_text("{}")  # from an earlier run
    proc = run_autograder(root)
    assert proc.returncode == 1
    assert not (root / "results" / "results.json").exists()
    assert "grader fault" in proc.stdout and "preflight failed" in proc.stdout


def test_visibility_is_the_strictest_a_task_declares(tmp_path):
    """Does a task take the strictest visibility its hidden tests declare (visible and
    after_published: after_published), and a task that declares none the build's default?"""
    tasks = declared_tasks(VISIBILITY_SUITES)
    assert tasks == {"1.1": {"points": 2.0, "visibility": ["visible", "after_published"]},
                     "1.2": {"points": 2.0, "visibility": ["hidden"]},
                     "1.3": {"points": 1.0, "visibility": []}}
    path = build_autograder(tmp_path / "ag.zip", suites_dir=VISIBILITY_SUITES,
                            visibility="visible")
    config = json.loads(zipfile.ZipFile(path).read(CONFIG))
    assert {t: v["visibility"] for t, v in config["tasks"].items()} == {
        "1.1": "after_published", "1.2": "hidden", "1.3": "visible"}
    result = {"student": "submission", "score": 3.0, "max_score": 5.0, "problems": [],
              "isolation": "bwrap", "tasks": {
                  t: {"task": t, "score": s, "max_score": m, "status": w, "messages": [],
                      "hints": [], "tests": 1, "passed": int(w == "passed")}
                  for t, s, m, w in (("1.1", 2.0, 2.0, "passed"), ("1.2", 0.0, 2.0, "failed"),
                                     ("1.3", 1.0, 1.0, "passed"))}}
    data = results_json(result, config, 1.4)
    assert [t["visibility"] for t in data["tests"]] == ["after_published", "hidden", "visible"]
    assert data["execution_time"] == 1 and data["score"] == 3.0
    assert "when grades are published" in data["output"]
    assert set(data["tests"][0]) >= {"name", "number", "score", "max_score", "status"}
    assert all(t["visibility"] in VISIBILITIES for t in data["tests"])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"exercises": ["ex42"]}, "no hidden suite for 'ex42'"),
    ({"visibility": "sometimes"}, "unknown visibility"),
])
def test_bad_build_requests_are_refused(tmp_path, kwargs, message):
    """Is an exercise without a suite, or a visibility Gradescope does not know, refused?"""
    with pytest.raises(ValueError, match=message):
        build_autograder(tmp_path / "ag.zip", suites_dir=SUITES, **kwargs)
    assert not (tmp_path / "ag.zip").exists()


def test_the_build_command_as_the_cli_will_register_it(tmp_path, capsys):
    """Does `mlmath gradescope build --out ... --exercises ex02` (add_gradescope) write the zip,
    and is an unknown exercise a usage error (2)?"""
    import argparse

    from grader.integrations.gradescope import add_gradescope

    parser = argparse.ArgumentParser(prog="mlmath")
    add_gradescope(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["gradescope", "build", "--out", str(tmp_path / "a.zip"),
                              "--exercises", "ex02"])
    assert args.func(args) == 0 and (tmp_path / "a.zip").is_file()
    assert "upload it as the autograder" in capsys.readouterr().out
    args = parser.parse_args(["gradescope", "build", "--out", str(tmp_path / "b.zip"),
                              "--exercises", "ex99"])
    assert args.func(args) == 2 and not (tmp_path / "b.zip").exists()


def test_a_zipped_folder_is_graded_from_inside(tmp_path):
    """When the upload holds one folder and no exercise file (a zipped folder), are the files
    inside it graded; otherwise the upload itself?"""
    from grader.integrations.gradescope import handed_in

    upload = tmp_path / "submission"
    (upload / "my work").mkdir(parents=True)
    (upload / "__MACOSX").mkdir()
    assert handed_in(upload) == upload / "my work"
    (upload / "ex01_logs.py").write_text("")
    assert handed_in(upload) == upload
    (upload / "ex01_logs.py").unlink()
    (upload / "notes").mkdir()
    assert handed_in(upload) == upload


def test_where_a_rename_fails_the_copy_keeps_what_the_reader_must_see(tmp_path, monkeypatch):
    """If the upload cannot be moved (another file system), is the copy made without
    following links (a link stays a link, for the reader to refuse) and without reading a
    huge file (an empty file of the same size, for the reader to refuse by size)?"""
    from grader.grading.reading import MAX_NOTEBOOK_BYTES
    from grader.integrations import gradescope

    upload = tmp_path / "submission"
    upload.mkdir()
    (upload / "ex01_logs.py").write_text("x = 1\n")
    (upload / "ex02_determinants.py").symlink_to(ROOT / "solutions" / "ex02_determinants.py")
    with open(upload / "ex03_inner_products.py", "wb") as f:
        f.truncate(MAX_NOTEBOOK_BYTES + 10)  # sparse: costs no disk
    (upload / "data").mkdir()

    def cannot(*_args):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(gradescope.os, "rename", cannot)
    dest = tmp_path / "class" / "submission"
    dest.parent.mkdir()
    assert gradescope._stage(upload, dest) is False
    assert (dest / "ex01_logs.py").read_text() == "x = 1\n"
    assert (dest / "ex02_determinants.py").is_symlink()
    big = dest / "ex03_inner_products.py"
    assert big.stat().st_size == MAX_NOTEBOOK_BYTES + 10
    assert big.stat().st_blocks * 512 < 2**20  # nothing was read or written
    assert (dest / "data").is_dir() and not any((dest / "data").iterdir())
