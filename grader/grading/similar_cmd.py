"""``mlmath similar``: which submissions look alike, exercise by exercise.

    mlmath similar SUBMISSIONS [--out DIR] [--threshold T] [--stubs DIR] [--exercises ...]

Reads a class the way ``mlmath grade`` does (folders, ``.py`` files, notebooks, an nbgrader
course), compares every pair of submissions per exercise (see :mod:`grader.grading.similarity`:
tf-idf vectors of normalised code, cosine similarity, the handout's code removed) and writes
``similarity.html`` (self-contained) and ``similarity.json`` into ``--out``. Student code is
parsed as text, never run. A pair above the threshold is a reason to look, not a verdict.

Exit status: 0 done (whether or not pairs were found); 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grader.grading.similarity import DEFAULT_THRESHOLD


def handout_dir() -> Path | None:
    """The handout's exercise folder (<repo>/exercises), or None outside the repository."""
    from grader.course.tasks import find_repo_root

    root = find_repo_root(Path(__file__).resolve().parent)
    return root / "exercises" if root is not None and (root / "exercises").is_dir() else None


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def cmd_similar(args: argparse.Namespace) -> int:
    """Compare the submissions of a class and write the similarity page."""
    from grader.grading.feedback import environment
    from grader.grading.runner import DEFAULT_SUITES, suite_exercises
    from grader.grading.similarity import read_stubs, similarity_report, sources_of
    from grader.grading.submissions import discover

    if not 0.0 <= args.threshold <= 1.0:
        print("mlmath similar: --threshold must be between 0 and 1", file=sys.stderr)
        return 2
    try:
        exercises = args.exercises or suite_exercises(DEFAULT_SUITES)
        submissions = discover(Path(args.submissions), exercises)
    except (FileNotFoundError, NotADirectoryError) as err:
        print(f"mlmath similar: {err}", file=sys.stderr)
        return 2
    stubs_dir = args.stubs if args.stubs is not None else handout_dir()
    stubs = read_stubs(stubs_dir, exercises) if stubs_dir is not None else {}
    if not stubs:
        print("mlmath similar: no handout found (--stubs DIR); code every learner was given "
              "will count as similarity", file=sys.stderr)
    report = similarity_report(sources_of(submissions), stubs, threshold=args.threshold,
                               jobs=args.jobs)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "similarity.json").write_text(json.dumps(report, indent=1), "utf-8")
    page = environment().get_template("similarity.html").render(s=report)
    (out / "similarity.html").write_text(page, "utf-8")

    print(f"{len(submissions)} submissions, {len(report['exercises'])} exercises compared.")
    for ex in report["exercises"]:
        note = f", {ex['too_short']} too short" if ex["too_short"] else ""
        note += f", {len(ex['unreadable'])} unreadable" if ex["unreadable"] else ""
        print(f"  {ex['exercise']}: {ex['compared']} compared{note}, "
              f"{len(ex['pairs']) + ex['more_pairs']} pair(s) at {args.threshold} or more")
    if report["pairs"]:
        print("Pairs to look at (most similar first):")
        for p in report["pairs"][:20]:
            print(f"  {_printable(p['a'])} and {_printable(p['b'])}: "
                  f"{p['max_similarity']:.2f} in {', '.join(p['exercises'])}")
        if len(report["pairs"]) > 20:
            print(f"  ... {len(report['pairs']) - 20 + report['more_pairs']} more")
    else:
        print("No pair to look at.")
    print(f"Details side by side in {out / 'similarity.html'}")
    return 0


def add_similar(sub: argparse._SubParsersAction) -> None:
    """Register ``mlmath similar`` on the ``mlmath`` command's subparsers."""
    p = sub.add_parser("similar", help="find submissions that look alike (per exercise)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("submissions", type=Path,
                   help="a folder of submissions (as for mlmath grade)")
    p.add_argument("--out", type=Path, default=Path("similarity"),
                   help="output folder (./similarity)")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                   help=f"list pairs with a cosine similarity at or above this "
                        f"({DEFAULT_THRESHOLD})")
    p.add_argument("--stubs", type=Path, default=None,
                   help="the handout's exercise files, whose code does not count "
                        "(default: <repo>/exercises)")
    p.add_argument("--exercises", nargs="+", metavar="MODULE",
                   help="exercise modules to compare (default: those with hidden suites)")
    p.add_argument("--jobs", type=int, default=None,
                   help="processes for reading a large class (default: number of cores)")
    p.set_defaults(func=cmd_similar)


def main(argv: list[str] | None = None) -> int:
    """``python -m grader.grading.similar_cmd SUBMISSIONS ...``, the same as ``mlmath similar``."""
    parser = argparse.ArgumentParser(prog="mlmath")
    add_similar(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["similar", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
