"""The ``mlmath`` command: one function per subcommand, ``main(argv) -> exit status``.

    mlmath grade SUBMISSIONS [--out DIR] ...   (see grader/grading/grade_cmd.py)
    mlmath build [--solutions DIR] [--exercises DIR] [--check] [--notebooks] [--release DIR]
    mlmath check [EXERCISE] [--dir DIR] [-v] [--timeout SECONDS]

Exit status: 0 success; 1 ``build --check`` found exercises/ out of date, or ``check`` found
failing / not started public tests; 2 usage or setup error (including solution-marker errors).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader.course.tasks import find_repo_root
from grader.grading.grade_cmd import add_grade
from grader.grading.similar_cmd import add_similar
from grader.integrations.gradescope import add_gradescope
from grader.integrations.nbgrader_course import add_nbgrader


def _repo_dir(given: Path | None, name: str) -> Path:
    if given is not None:
        return given
    root = find_repo_root()
    if root is None:
        raise FileNotFoundError(f"cannot find the mlmath repository; pass --{name} DIR")
    return root / name


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def cmd_build(args: argparse.Namespace) -> int:
    """Build exercises/ from solutions/ (or check it is current, or write the learner bundle)."""
    from grader.course.build import (
        BuildFailed,
        build_tree,
        orphans,
        out_of_date,
        planned_files,
        write_files,
    )

    try:
        solutions = _repo_dir(args.solutions, "solutions")
        exercises = _repo_dir(args.exercises, "exercises")
    except FileNotFoundError as err:
        print(f"mlmath build: {err}", file=sys.stderr)
        return 2
    if not solutions.is_dir():
        print(f"mlmath build: {solutions} is not a folder", file=sys.stderr)
        return 2
    try:
        built = build_tree(solutions, shown_as=_shown(solutions))
    except BuildFailed as failed:
        for error in failed.errors:
            print(f"error: {error}", file=sys.stderr)
        print(f"mlmath build: {len(failed.errors)} error(s); nothing was written.",
              file=sys.stderr)
        return 2
    if not built:
        print(f"mlmath build: no exercise files (exNN_*.py) in {solutions}", file=sys.stderr)
        return 2
    if args.release is not None:
        from grader.course.release import ReleaseError, write_release

        revealed = list(dict.fromkeys(args.reveal or []))
        known = {t.id for conv in built.values() for t in conv.tasks}
        unknown = [t for t in revealed if t not in known]
        if unknown:
            print(f"mlmath build: --reveal {', '.join(unknown)}: no such task (tasks: "
                  f"{', '.join(sorted(known, key=lambda t: tuple(map(int, t.split('.')))))})",
                  file=sys.stderr)
            return 2
        worked = build_tree(solutions, shown_as=_shown(solutions),
                            reveal=frozenset(revealed)) if revealed else None
        try:
            written = write_release(built, exercises, args.release, notebooks=args.notebooks,
                                    worked=worked, revealed=revealed)
        except (ReleaseError, RuntimeError) as err:
            print(f"mlmath build: {err}", file=sys.stderr)
            return 2
        print(f"Learner bundle written to {args.release} ({len(written)} files).")
        return 0
    try:
        files = planned_files(built, notebooks=args.notebooks)
    except RuntimeError as err:
        print(f"mlmath build: {err}", file=sys.stderr)
        return 2
    if args.check:
        stale = out_of_date(files, exercises)
        for name in stale:
            print(f"out of date: {_shown(exercises / name)}")
        if stale:
            print("Run `mlmath build` to regenerate exercises/.", file=sys.stderr)
            return 1
        print(f"{_shown(exercises)} is up to date ({len(built)} exercises).")
        return 0
    changed = write_files(files, exercises)
    for name in orphans(built, exercises):
        print(f"warning: {_shown(exercises / name)} has no solution file; left alone",
              file=sys.stderr)
    tasks = sum(len(c.tasks) for c in built.values())
    print(f"Built {len(built)} exercises ({tasks} tasks) into {_shown(exercises)}: "
          f"{len(changed)} file(s) changed.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Run the public tests and print a table per task."""
    from grader.check.selfcheck import check

    return check(args.exercise, args.dir, verbose=args.verbose, timeout=args.timeout)


def add_build(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="generate exercises/ from solutions/",
                       description=cmd_build.__doc__)
    p.add_argument("--solutions", type=Path, help="solution files (default: <repo>/solutions)")
    p.add_argument("--exercises", type=Path, help="exercise folder (default: <repo>/exercises)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 if exercises/ is out of date")
    mode.add_argument("--release", type=Path, metavar="DIR",
                      help="write the learner bundle into DIR (new or empty folder, "
                           "or a previous bundle)")
    p.add_argument("--notebooks", action="store_true",
                   help="also write .ipynb notebooks next to the .py files (jupytext); in a "
                        "--release bundle, the notebooks instead of the .py files")
    p.add_argument("--reveal", action="append", metavar="TASK",
                   help="with --release, after the deadline: add the worked solution of "
                        "TASK (e.g. 5.3; repeat for more) under worked/ in the bundle")
    p.set_defaults(func=cmd_build)


def add_check(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check", help="run the public tests and show each task's status",
        description="Run the public tests of one exercise (ex03, ex03_inner_products or 3) "
                    "or of all, and show passed / failed / not started per task. Exit status: "
                    "0 every public test passed, 1 some failed or not started, 2 usage or "
                    "setup error.")
    p.add_argument("exercise", nargs="?", help="ex03, ex03_inner_products or 3 (default: all)")
    p.add_argument("--dir", type=Path, help="folder with the exercises and public tests "
                   "(default: the current folder if it has exNN_*.py files, else "
                   "<repo>/exercises)")
    p.add_argument("-v", "--verbose", action="store_true", help="also show pytest's output")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="give up after this many seconds (default: no limit)")
    p.set_defaults(func=cmd_check)


class OneLineParser(argparse.ArgumentParser):
    """argparse, with a usage error said in one line instead of the whole usage text."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="mlmath",
        description="mlmath course kit: grade a class in a sandbox, build the exercises, "
                    "check your own work. `mlmath COMMAND --help` explains each command.")
    parser.add_argument("--version", action="version", version=f"mlmath {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_grade(sub)
    add_similar(sub)
    add_build(sub)
    add_check(sub)
    add_nbgrader(sub)
    add_gradescope(sub)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mlmath")
    except PackageNotFoundError:
        return "(not installed)"


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``mlmath``; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse: --help (0) or a usage error (2)
        return int(exit_.code or 0)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
