"""``mlmath grade``: grade a class of submissions with the hidden suites.

    mlmath grade SUBMISSIONS [--out DIR] [--suites DIR] [--jobs N]
                 [--isolation auto|strict|none] [--timeout SECONDS] [--dask ADDRESS]

Writes into ``--out`` (default ``./grades``): ``gradebook.sqlite``, ``grades.csv``,
``results/<student>/results.json`` (Gradescope), ``feedback/<student>.md`` and ``.html``,
and ``report.html`` with plots. Prints a summary table.

Exit status:
    0  every submission was graded and every file could be read;
    1  every submission was graded, but some files could not be read (listed in the table
       and in those students' feedback: not UTF-8, not a notebook, ...);
    2  usage error (no such folder, no suites);
    3  ``--isolation strict`` and this machine cannot isolate student code;
    4  the grader itself failed on some submission (a bug: the rest were still graded).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from grader.runner import DEFAULT_SUITES


def _titles() -> dict[str, str]:
    from grader.tasks import find_repo_root, read_tasks

    root = find_repo_root(Path(__file__).resolve().parent)
    if root is None or not (root / "exercises").is_dir():
        return {}
    return {t.id: t.title for t in read_tasks(root / "exercises")}


def cmd_grade(args: argparse.Namespace) -> int:
    """Grade every submission in a folder with the hidden suites."""
    from grader.class_report import summary_table, write_class_report, write_csv
    from grader.feedback import write_student_outputs
    from grader.runner import dask_executor, grade_class
    from grader.sandbox.launcher import IsolationUnavailable, Limits, detect

    try:
        isolation = detect(args.isolation)
    except IsolationUnavailable as err:
        print(f"mlmath grade: {err}", file=sys.stderr)
        return 3
    if isolation.warning():
        print(isolation.warning(), file=sys.stderr)
    limits = Limits(call_timeout=args.timeout)
    executor = dask_executor(args.dask) if args.dask else None
    try:
        summary = grade_class(args.submissions, args.out, args.suites, jobs=args.jobs,
                              isolation=isolation, limits=limits, executor=executor)
    except (FileNotFoundError, NotADirectoryError) as err:
        print(f"mlmath grade: {err}", file=sys.stderr)
        return 2
    results = [summary.results[s.student] for s in summary.submissions
               if s.student in summary.results]
    titles = _titles()
    out = Path(args.out)
    for result in results:
        write_student_outputs(result, out, titles)
    if results:
        write_csv(results, out / "grades.csv")
        write_class_report(results, out, titles)
        print(summary_table(results))
    print(f"\n{len(results)} submissions: {summary.graded_now} graded now, {summary.skipped} "
          f"already in the gradebook. Isolation: {isolation.name}. Outputs in {out}/")
    for line in summary.failed:
        print(f"grader error: {line}", file=sys.stderr)
    if summary.failed:
        return 4
    return 1 if any(r["problems"] for r in results) else 0


def add_grade(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("grade", help="grade a class of submissions with the hidden suites",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("submissions", type=Path,
                   help="a folder of submissions (a folder or file per student), an nbgrader "
                        "course folder, or one file")
    p.add_argument("--out", type=Path, default=Path("grades"), help="output folder (./grades)")
    p.add_argument("--suites", type=Path, default=DEFAULT_SUITES, help="hidden suites folder")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="parallel workers (default: number of cores)")
    p.add_argument("--isolation", choices=["auto", "strict", "none"], default="auto",
                   help="auto: strongest available (default); strict: refuse without "
                        "filesystem, network and process isolation")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per call (10)")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="grade on a Dask cluster (scheduler address) instead of local workers")
    p.set_defaults(func=cmd_grade)


def main(argv: list[str] | None = None) -> int:
    """``python -m grader.grade_cmd SUBMISSIONS ...``, the same as ``mlmath grade``."""
    parser = argparse.ArgumentParser(prog="mlmath")
    add_grade(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["grade", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
