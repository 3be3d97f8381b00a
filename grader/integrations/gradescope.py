r"""``mlmath gradescope build``: an autograder zip that runs ``mlmath grade`` on Gradescope.

    mlmath gradescope build [--out autograder.zip] [--exercises ex02,ex03]
                            [--visibility after_due_date] [--timeout 10]

The zip holds, at its root (Gradescope's "Autograder Specifications"):

- ``setup.sh``: run once by Gradescope when it builds the image: ``apt-get install
  bubblewrap`` and a Python 3.11+ from Ubuntu, then ``pip install`` of ``requirements.txt``
  and ``mlmath-src/`` into ``/autograder/mlmath-venv``. Only Ubuntu and PyPI are used.
- ``run_autograder``: run per submission; grades ``/autograder/submission`` (the student's
  ``exNN_*.py`` or ``.ipynb`` files, at the top of the upload) with ``mlmath grade`` in
  mlmath's sandbox and writes ``/autograder/results/results.json``.
- ``mlmath-src/``: this repository's ``mlmath`` and ``grader`` packages and
  ``pyproject.toml``, *without* ``solutions/``, ``tests/``, the exercises and the hidden
  suites; ``suites/``: the hidden suites of the chosen exercises (made readable by root only
  before any student code runs); ``requirements.txt``; ``mlmath_autograder.json`` (task
  titles, points and visibility, the timeout).

``results.json`` has one test per task (name, number, score, max_score, status, the
learner-safe output, ``visibility``), ``score``, ``execution_time``, ``output`` and
``stdout_visibility: hidden`` (the grading log is for the instructor). Visibility of a task:
the ``visibility=`` of its hidden tests when the suite declares one (the most restrictive of
its tests), else ``--visibility``, by default ``after_due_date``: learners check themselves
at any time with the public tests, and per-task results of the *hidden* tests, shown at once
to a learner who may resubmit without limit, would turn them into public tests.

A grader fault (the preflight fails, a worker dies, a hidden test breaks) writes no
``results.json``: Gradescope then shows "The autograder failed to execute correctly", the
instructor sees the reason in the log, and "Regrade" grades again; a fault is never a score.

To try the zip on your own machine: unzip it into ``ROOT/source``, put a submission in
``ROOT/submission``, and run ``MLMATH_AUTOGRADER_ROOT=ROOT MLMATH_AUTOGRADER_PYTHON=python
ROOT/source/run_autograder`` with mlmath installed in that ``python``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from pathlib import Path

from grader.course.tasks import find_repo_root, read_tasks, task_key

CONFIG = "mlmath_autograder.json"
TEMPLATES = Path(__file__).resolve().parent / "templates"
VISIBILITIES = ("hidden", "after_published", "after_due_date", "visible")  # strictest first
DEFAULT_VISIBILITY = "after_due_date"
SOURCE_PACKAGES = ("mlmath", "grader")
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the same zip for the same files
STUDENT = "submission"
GRADED = (0, 1)  # mlmath grade: graded (1: some files were unreadable, named in the output)


# --------------------------------------------------------------------------- build


class _TaskCollector:
    """A pytest plugin that keeps each hidden test's task declaration."""

    def __init__(self) -> None:
        self.tasks: dict[str, dict] = {}
        self.errors: list[str] = []

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.errors.append(str(report.nodeid or report.fspath))

    def pytest_collection_modifyitems(self, items) -> None:
        for item in items:
            mark = item.get_closest_marker("mlmath_task")
            if mark is None:
                continue
            kw = mark.kwargs
            task = self.tasks.setdefault(kw["task_id"], {"points": 0.0, "visibility": []})
            task["points"] += float(kw.get("points", 1))
            if kw.get("visibility"):
                task["visibility"].append(kw["visibility"])


def declared_tasks(suites: Path) -> dict[str, dict]:
    """``{task: {points, visibility: [declared by its tests]}}`` of the hidden suites."""
    import pytest

    from grader.judge.session import forget_modules, pytest_args

    collector = _TaskCollector()
    before = set(sys.modules)
    try:
        pytest.main([*pytest_args(suites), "--collect-only"], plugins=[collector])
    finally:
        forget_modules(before, suites)
    if collector.errors or not collector.tasks:
        raise ValueError(f"the hidden suites under {suites} do not load: "
                         + (", ".join(collector.errors[:5]) or "no tests"))
    return collector.tasks


def strictest(visibilities: list[str], default: str) -> str:
    """The most restrictive of ``visibilities`` (``default`` when there are none)."""
    for word in visibilities:
        if word not in VISIBILITIES:
            raise ValueError(f"unknown visibility {word!r} (one of {', '.join(VISIBILITIES)})")
    return min(visibilities, key=VISIBILITIES.index) if visibilities else default


def _add_tree(zf: zipfile.ZipFile, folder: Path, arcname: str, skip=()) -> None:
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if (path.is_symlink() or not path.is_file() or SKIPPED_PARTS & set(rel.parts)
                or path.suffix == ".pyc" or any(rel.parts[: len(s)] == s for s in skip)):
            continue
        _add_bytes(zf, f"{arcname}/{rel.as_posix()}", path.read_bytes())


def _add_bytes(zf: zipfile.ZipFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def requirements(repo_root: Path) -> str:
    """``requirements.txt``: mlmath's runtime dependencies, as pyproject.toml lists them."""
    project = tomllib.loads((repo_root / "pyproject.toml").read_text("utf-8"))["project"]
    return "\n".join(project["dependencies"]) + "\n"


def build_autograder(out_zip: Path, *, suites_dir: Path, exercises: list[str] | None = None,
                     visibility: str = DEFAULT_VISIBILITY, timeout: float = 10.0,
                     repo_root: Path | None = None) -> Path:
    """Write the Gradescope autograder zip; return its path.

    Args:
        out_zip: where to write it.
        suites_dir: the hidden suites (``grader/suites``).
        exercises: exercise modules (or ``ex02``-style names) to grade; default every suite.
        visibility: the visibility of a task whose hidden tests declare none.
        timeout: seconds per call into student code (``mlmath grade --timeout``).
        repo_root: the mlmath repository (its packages, pyproject.toml and task titles);
            default the one this package comes from.
    Raises:
        ValueError: unknown exercise or visibility, suites that do not load.
        FileNotFoundError: no repository to package.
    """
    from grader.grading.runner import suite_exercises

    suites_dir = Path(suites_dir).resolve()
    repo_root = Path(repo_root or find_repo_root(Path(__file__).parent) or "")
    if not (repo_root / "pyproject.toml").is_file():
        raise FileNotFoundError("cannot find the mlmath repository (pyproject.toml) to "
                                "package; run from a checkout or pass repo_root")
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {visibility!r} (one of {', '.join(VISIBILITIES)})")
    available = suite_exercises(suites_dir)
    chosen = available
    if exercises:
        chosen = []
        for spec in exercises:
            chosen += [m for m in choose_suites(spec, available) if m not in chosen]
    titles = {}
    if (repo_root / "exercises").is_dir():
        titles = {t.id: t.title for t in read_tasks(repo_root / "exercises")}
    with tempfile.TemporaryDirectory(prefix="mlmath-gradescope-") as tmp:
        suites = Path(tmp) / "suites"
        suites.mkdir()
        for name in chosen:
            _copy_suite(suites_dir / name, suites / name)
        for extra in ("pytest.ini", "conftest.py"):
            if (suites_dir / extra).is_file():
                (suites / extra).write_bytes((suites_dir / extra).read_bytes())
        tasks = declared_tasks(suites)
        config = {
            "format": 1, "exercises": chosen, "timeout": timeout, "jobs": 1,
            "default_visibility": visibility,
            "tasks": {tid: {"title": titles.get(tid, ""), "points": t["points"],
                            "visibility": strictest(t["visibility"], visibility)}
                      for tid, t in sorted(tasks.items(), key=lambda kv: task_key(kv[0]))},
        }
        out_zip = Path(out_zip)
        out_zip.parent.mkdir(parents=True, exist_ok=True)
        partial = out_zip.with_name(out_zip.name + ".partial")
        with zipfile.ZipFile(partial, "w") as zf:
            _add_bytes(zf, "setup.sh", (TEMPLATES / "setup.sh").read_bytes(), 0o755)
            _add_bytes(zf, "run_autograder", (TEMPLATES / "run_autograder").read_bytes(), 0o755)
            _add_bytes(zf, "requirements.txt", requirements(repo_root).encode())
            _add_bytes(zf, CONFIG, (json.dumps(config, indent=2) + "\n").encode())
            _add_tree(zf, suites, "suites")
            _add_bytes(zf, "mlmath-src/pyproject.toml", (repo_root / "pyproject.toml").read_bytes())
            readme = repo_root / "README.md"
            _add_bytes(zf, "mlmath-src/README.md", readme.read_bytes() if readme.is_file()
                       else b"# mlmath\n")
            for package in SOURCE_PACKAGES:
                _add_tree(zf, repo_root / package, f"mlmath-src/{package}",
                          skip=[("suites",)] if package == "grader" else [])
        os.replace(partial, out_zip)
    return out_zip


def choose_suites(spec: str, available: list[str]) -> list[str]:
    """The suites ``spec`` names: ``ex02``, ``2`` or ``ex02_determinants``."""
    match = re.fullmatch(r"(?:ex)?0*(\d+)(?:_(\w+))?", spec.strip())
    found = []
    if match:
        number, slug = int(match.group(1)), match.group(2)
        found = [m for m in available if int(m[2:4]) == number and slug in (None, m[5:])]
    if not found:
        raise ValueError(f"no hidden suite for {spec!r} (suites: {', '.join(available)})")
    return found


def _copy_suite(src: Path, dest: Path) -> None:
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_file() and not path.is_symlink() and not SKIPPED_PARTS & set(rel.parts) \
                and path.suffix != ".pyc":
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes(path.read_bytes())


# --------------------------------------------------------------------------- run


def results_json(result: dict, config: dict, seconds: float) -> dict:
    """Gradescope's ``results.json`` for one graded submission (see the module docstring)."""
    from grader.grading.feedback import gradescope_results

    tasks = config.get("tasks", {})
    titles = {tid: t["title"] for tid, t in tasks.items() if t.get("title")}
    data = gradescope_results(result, titles)
    default = config.get("default_visibility", DEFAULT_VISIBILITY)
    for test in data["tests"]:
        test["visibility"] = tasks.get(test["number"], {}).get("visibility", default)
    later = sorted({t["visibility"] for t in data["tests"]} - {"visible"})
    if later:
        words = {"after_due_date": "after the due date", "after_published": "when grades "
                 "are published", "hidden": "to your instructor only"}
        data["output"] += ("\nPer-task results of the hidden tests are shown "
                           + " or ".join(words[w] for w in later)
                           + ". Check yourself any time with the public tests (pytest).")
    data.update(execution_time=max(0, round(seconds)), stdout_visibility="hidden")
    return data


def _stored_result(gradebook: Path) -> dict | None:
    if not gradebook.is_file():
        return None
    db = sqlite3.connect(gradebook)
    try:
        row = db.execute("SELECT result FROM grades WHERE student=?", (STUDENT,)).fetchone()
    finally:
        db.close()
    return json.loads(row[0]) if row else None


def handed_in(submission: Path) -> Path:
    """The folder holding the student's files: the upload itself, or the one folder it holds
    when the learner zipped a folder (no exercise file at the top, exactly one folder)."""
    entries = [e for e in os.scandir(submission) if not e.name.startswith((".", "__MACOSX"))]
    if any(re.match(r"(?i)ex\d\d", e.name) for e in entries):
        return submission
    folders = [e for e in entries if e.is_dir(follow_symlinks=False)]
    return Path(folders[0].path) if len(folders) == 1 and len(entries) == 1 else submission


def _stage(src: Path, dest: Path) -> bool:
    """Put the student's folder at ``dest``: moved (True, to be moved back), or, where a
    rename cannot work, copied at the top level only (what the reader looks at), links as
    links and files over the notebook limit as empty files of the same size, so the reader
    names them exactly as it would the originals."""
    from grader.grading.reading import MAX_NOTEBOOK_BYTES

    try:
        os.rename(src, dest)
        return True
    except OSError:
        pass
    dest.mkdir()
    for entry in os.scandir(src):
        target = dest / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), target)
        elif entry.is_dir(follow_symlinks=False):
            target.mkdir()
        elif entry.is_file(follow_symlinks=False):
            size = entry.stat(follow_symlinks=False).st_size
            with open(target, "wb") as out:
                if size > MAX_NOTEBOOK_BYTES:
                    out.truncate(size)
                else:
                    with open(entry.path, "rb") as f:
                        out.write(f.read(MAX_NOTEBOOK_BYTES + 1))
    return False


def run(root: Path, python: str = sys.executable) -> int:
    """Grade ``root/submission`` and write ``root/results/results.json`` (0), or explain in
    the log why nothing was written (1: a grader fault, not a score)."""
    start = time.monotonic()
    root = Path(root)
    source, submission, results = root / "source", root / "submission", root / "results"
    config = json.loads((source / CONFIG).read_text(encoding="utf-8"))
    results.mkdir(parents=True, exist_ok=True)
    (results / "results.json").unlink(missing_ok=True)
    os.chmod(source, 0o700)  # the hidden suites: readable by the grader (root) alone
    if not submission.is_dir() or submission.is_symlink():
        print(f"mlmath: {submission} is not a folder; nothing to grade.")
        return 1
    folder = handed_in(submission)
    if folder != submission:
        print(f"mlmath: grading the files in the uploaded folder {folder.name}/.")
    work = Path(tempfile.mkdtemp(prefix=".mlmath-", dir=root))  # mode 700
    try:
        student = work / "class" / STUDENT
        student.parent.mkdir()
        moved = _stage(folder, student)
        try:
            cmd = [python, "-m", "grader", "grade", str(student.parent), "--out",
                   str(work / "out"), "--suites", str(source / "suites"), "--jobs",
                   str(config.get("jobs", 1)), "--timeout", str(config.get("timeout", 10.0))]
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, errors="replace", check=False)
        finally:
            if moved:
                os.rename(student, folder)
        print(proc.stdout, end="")
        result = _stored_result(work / "out" / "gradebook.sqlite")
        if proc.returncode not in GRADED or result is None:
            print(f"mlmath: `mlmath grade` exited with status {proc.returncode}: a grader "
                  "fault, not the student's; no results.json was written, so Gradescope "
                  "reports a failed autograder. Fix the cause (see above) and regrade.")
            return 1
        data = results_json(result, config, time.monotonic() - start)
        partial = results / "results.json.partial"
        partial.write_text(json.dumps(data, indent=2), encoding="utf-8")
        os.replace(partial, results / "results.json")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"mlmath: {data['score']:g} / {result['max_score']:g} points, written to "
          f"{results / 'results.json'}")
    return 0


# --------------------------------------------------------------------------- commands


def cmd_build(args: argparse.Namespace) -> int:
    """Write the Gradescope autograder zip."""
    specs = [s for part in (args.exercises or []) for s in part.split(",") if s.strip()]
    try:
        path = build_autograder(args.out, suites_dir=args.suites, exercises=specs,
                                visibility=args.visibility, timeout=args.timeout)
    except (ValueError, FileNotFoundError, OSError) as err:
        print(f"mlmath gradescope build: {err}", file=sys.stderr)
        return 2
    print(f"Wrote {path}: upload it as the autograder of a Gradescope programming "
          "assignment (Ubuntu 22.04 or 24.04 base image).")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Grade a Gradescope submission (what run_autograder calls)."""
    return run(args.root)


def add_gradescope(sub: argparse._SubParsersAction) -> None:
    """``mlmath gradescope build ...`` (and ``run``, which the zip's run_autograder calls)."""
    from grader.grading.runner import DEFAULT_SUITES

    p = sub.add_parser("gradescope", help="build a Gradescope autograder zip",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="gradescope_command", metavar="ACTION", required=True)
    b = actions.add_parser("build", help="write the autograder zip",
                           description=cmd_build.__doc__)
    b.add_argument("--out", type=Path, default=Path("autograder.zip"),
                   help="the zip to write (default: ./autograder.zip)")
    b.add_argument("--suites", type=Path, default=DEFAULT_SUITES,
                   help=f"hidden suites (default: {DEFAULT_SUITES})")
    b.add_argument("--exercises", action="append", metavar="EX,EX",
                   help="exercises this Gradescope assignment grades, e.g. ex02,ex03 "
                        "(default: all)")
    b.add_argument("--visibility", choices=VISIBILITIES, default=DEFAULT_VISIBILITY,
                   help="when learners see a task's result, unless its hidden tests declare "
                        f"it (default: {DEFAULT_VISIBILITY})")
    b.add_argument("--timeout", type=float, default=10.0,
                   help="seconds per call into student code (default: 10)")
    b.set_defaults(func=cmd_build)
    r = actions.add_parser("run", help="grade /autograder/submission (run_autograder calls it)",
                           description=cmd_run.__doc__)
    r.add_argument("--root", type=Path, default=Path("/autograder"),
                   help="Gradescope's folder (default: /autograder)")
    r.set_defaults(func=cmd_run)


def main(argv: list[str] | None = None) -> int:
    """``python -m grader.integrations.gradescope run --root /autograder``."""
    parser = argparse.ArgumentParser(prog="python -m grader.integrations.gradescope")
    add_gradescope(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["gradescope", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["add_gradescope", "build_autograder", "results_json", "run"]
