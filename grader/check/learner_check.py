"""``mlmath-check``: the learner's check command, shipped inside the learner bundle.

``mlmath build --release DIR`` copies this file into ``DIR/tools/mlmath_check/`` with a small
``pyproject.toml``, and the bundle's ``requirements.txt`` installs it from that local path.
It needs only the standard library and pytest, and never imports the grader.

It is named ``mlmath-check``, not ``mlmath``, so that installing a bundle never replaces the
instructor's ``mlmath`` command in the same environment. It runs the bundle's public tests
with pytest in the bundle folder, so it prints exactly what ``pytest`` prints there: one line
per task that needs you and the table last.

Usage::

    mlmath-check            # every exercise
    mlmath-check ex03       # one exercise (3, 03, ex03 or ex03_inner_products)
    mlmath-check ex03 -v    # every detail
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

MARKER = ".mlmath-bundle"
TEST_FILE = re.compile(r"^test_ex(\d\d)_(\w+)\.py$")


def find_bundle(start: Path) -> Path | None:
    """The bundle folder: ``start`` or the nearest folder above it holding the marker file."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / MARKER).is_file():
            return folder
    return None


def tests_for(bundle: Path, spec: str | None) -> list[str]:
    """The public test files for ``spec`` (all when None). Raises ValueError when none match."""
    files = sorted(p.name for p in bundle.iterdir() if TEST_FILE.match(p.name))
    if spec is None:
        return files
    match = re.fullmatch(r"(?:ex)?0*(\d+)(?:_(\w+?))?(?:\.py|\.ipynb)?", spec.strip())
    found = []
    if match:
        number, slug = int(match.group(1)), match.group(2)
        for name in files:
            parts = TEST_FILE.match(name)
            if int(parts.group(1)) == number and slug in (None, parts.group(2)):
                found.append(name)
    if not found:
        names = ", ".join(n[len("test_"):-len(".py")] for n in files) or "none"
        raise ValueError(f"there is no exercise {spec!r} here (the exercises: {names})")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mlmath-check",
        description="Run the public tests of one exercise (or all) and show each task's "
                    "status last. Exit status: 0 every public test passed, 1 some did not, "
                    "2 nothing to run.")
    parser.add_argument("exercise", nargs="?", help="ex03, 3 or ex03_inner_products "
                        "(default: every exercise)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every detail")
    args = parser.parse_args(argv)
    bundle = find_bundle(Path.cwd())
    if bundle is None:
        print("mlmath-check: run me inside the course folder (the one with the exercises "
              "and requirements.txt).", file=sys.stderr)
        return 2
    try:
        files = tests_for(bundle, args.exercise)
    except ValueError as err:
        print(f"mlmath-check: {err}", file=sys.stderr)
        return 2
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    env.pop("PYTEST_ADDOPTS", None)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *files]
    if args.verbose:
        command.append("-v")
    return subprocess.run(command, cwd=bundle, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
