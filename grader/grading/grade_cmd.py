"""mlmath grade: grade a class of submissions with the hidden suites.

    mlmath grade SUBMISSIONS [--out DIR] [--suites DIR] [--jobs N] [--regrade [STUDENT ...]]
                 [--isolation auto|strict|none] [--timeout SECONDS] [--no-similarity]
                 [--assignment NAME] [--lms canvas|moodle ...] [--dask ADDRESS]

Writes into --out (default ./grades): gradebook.sqlite, grades.csv,
results/<student>/results.json (Gradescope), feedback/<student>.md and .html, and
report.html (who got what, where the class struggles, which submissions look alike).
Prints a summary table.

Exit status:
  0    every submission was graded and every file could be read;
  1    every submission was graded, but some files could not be read (named in the
       table and in those students' feedback: not UTF-8, not a notebook, a link, ...);
  2    usage error (no such folder, no suites, a bad option);
  3    --isolation strict, and this machine cannot isolate student code;
  4    a grader fault on some submissions or tests (a broken hidden test, a worker that
       died): those results are not stored, the rest were graded; rerun after fixing;
  5    the preflight failed: the suites do not load, or a sandbox cannot run known-good
       code (a missing library, a sandbox that cannot start); nobody was graded;
  6    the grader could not work: disk full, an unreadable or unwritable folder;
  130  interrupted (Ctrl-C or SIGTERM): what was graded is kept; run again to resume.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

from grader.grading.runner import DEFAULT_SUITES

EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE, EXIT_STRICT = 0, 1, 2, 3
EXIT_FAULT, EXIT_PREFLIGHT, EXIT_ENVIRONMENT, EXIT_INTERRUPTED = 4, 5, 6, 130
MAX_LINES = 10  # of repeated messages printed per kind


def _titles() -> dict[str, str]:
    from grader.course.tasks import find_repo_root, read_tasks

    root = find_repo_root(Path(__file__).resolve().parent)
    if root is None or not (root / "exercises").is_dir():
        return {}
    try:
        return {t.id: t.title for t in read_tasks(root / "exercises")}
    except (OSError, ValueError):
        return {}


def _say(message: str) -> None:
    print(f"mlmath grade: {message}", file=sys.stderr)


def _sigterm_to_interrupt(signum, _frame) -> None:
    raise KeyboardInterrupt


def cmd_grade(args: argparse.Namespace) -> int:
    """Grade every submission in a folder with the hidden suites."""
    from grader.faults import GraderFault
    from grader.grading.runner import dask_executor, grade_class
    from grader.grading.submissions import AmbiguousClass
    from grader.sandbox.launcher import IsolationUnavailable, Limits, detect

    started = time.monotonic()
    if args.jobs < 1:
        _say(f"--jobs must be at least 1 (got {args.jobs})")
        return EXIT_USAGE
    if args.timeout <= 0:
        _say(f"--timeout must be positive (got {args.timeout:g})")
        return EXIT_USAGE
    if not Path(args.suites).is_dir():
        _say(f"no hidden suites folder at {args.suites}")
        return EXIT_USAGE
    try:
        isolation = detect(args.isolation)
    except IsolationUnavailable as err:
        _say(str(err))
        return EXIT_STRICT
    if isolation.warning():
        print(isolation.warning(), file=sys.stderr)
    limits = Limits(call_timeout=args.timeout)
    regrade: bool | list[str] = False
    if args.regrade is not None:
        regrade = list(args.regrade) or True
    if args.assignment:  # before anybody is graded: can the scores go back into nbgrader?
        from grader.integrations.nbgrader_gradebook import check_course

        try:
            check_course(args.submissions, args.assignment)
        except (FileNotFoundError, RuntimeError, ValueError) as err:
            _say(str(err))
            return EXIT_USAGE
    # Both stop the run cleanly, even when the shell that started us ignored SIGINT (a
    # background job's SIGINT is ignored, and Python then leaves it ignored).
    previous = {sig: signal.signal(sig, _sigterm_to_interrupt)
                for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        executor = dask_executor(args.dask) if args.dask else None
        summary = grade_class(args.submissions, args.out, args.suites, jobs=args.jobs,
                              isolation=isolation, limits=limits, executor=executor,
                              regrade=regrade, assignment=args.assignment)
    except (FileNotFoundError, NotADirectoryError, AmbiguousClass) as err:
        _say(str(err))
        return EXIT_USAGE
    except GraderFault as fault:
        _say(f"preflight failed, nobody was graded: {fault}")
        return EXIT_PREFLIGHT
    except KeyboardInterrupt:
        _say("interrupted before grading began; nothing was stored.")
        return EXIT_INTERRUPTED
    except OSError as err:
        _say(f"{err.strerror or err} ({err.filename or 'while grading'})")
        return EXIT_ENVIRONMENT
    except sqlite3.Error as err:  # the gradebook: disk full, locked, not a database
        _say(f"the gradebook {Path(args.out) / 'gradebook.sqlite'} failed: {err}")
        return EXIT_ENVIRONMENT
    except ImportError as err:
        _say(f"a package the grader needs is missing ({err}); reinstall with "
             "`pip install mlmath`")
        return EXIT_ENVIRONMENT
    except RuntimeError as err:  # --dask without dask, a cluster that cannot be reached
        _say(str(err))
        return EXIT_USAGE
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    try:
        _write_outputs(summary, Path(args.out), isolation, args, started)
        _write_integrations(summary, args)
    except (OSError, sqlite3.Error) as err:
        reason = getattr(err, "strerror", None) or err
        where = getattr(err, "filename", None) or args.out
        _say(f"could not write the outputs: {reason} ({where})")
        return EXIT_ENVIRONMENT
    return _report(summary)


def _facts(summary, isolation, args, started: float) -> dict:
    """The run's facts for the report: when, how isolated, which suites and grader."""
    import datetime

    from grader.cli import _version
    from grader.grading.runner import suite_hash

    return {"date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "isolation": isolation.name, "missing": list(isolation.missing),
            "suite_hash": suite_hash(args.suites), "grader_version": _version(),
            "elapsed": time.monotonic() - started,
            "jobs": f"Dask cluster at {args.dask}" if args.dask else args.jobs,
            "graded_now": summary.graded_now, "skipped": summary.skipped}


def _similarity(summary, args):
    """Which submissions look alike, per exercise (grader.grading.similarity), or None if off."""
    if args.no_similarity:
        return None
    from grader.grading.runner import suite_exercises
    from grader.grading.similar_cmd import handout_dir
    from grader.grading.similarity import read_stubs, similarity_report, sources_of

    stubs_dir = handout_dir()
    stubs = read_stubs(stubs_dir, suite_exercises(args.suites)) if stubs_dir else {}
    return similarity_report(sources_of(summary.submissions), stubs, jobs=args.jobs)


def _write_outputs(summary, out: Path, isolation, args, started: float) -> None:
    from grader.grading.class_report import summary_table, write_class_report, write_csv
    from grader.grading.feedback import write_student_outputs

    results = [summary.results[s.student] for s in summary.submissions
               if s.student in summary.results]
    titles = _titles()
    for result in results:
        write_student_outputs(result, out, titles)
    if results:
        write_csv(results, out / "grades.csv")
        write_class_report(results, out, titles, facts=_facts(summary, isolation, args, started),
                           similarity=_similarity(summary, args))
        print(summary_table(results))
    print(f"\n{len(results)} submissions: {summary.graded_now} graded now, {summary.skipped} "
          f"already in the gradebook. Isolation: {isolation.name}. Outputs in {out}/")


def _write_integrations(summary, args) -> None:
    """nbgrader's gradebook and autograded/ (--assignment) and the LMS file (--lms)."""
    from grader.integrations.lms import write_lms_from_args

    results = [summary.results[s.student] for s in summary.submissions
               if s.student in summary.results]
    if args.assignment:
        from grader.integrations.nbgrader_gradebook import write_back

        report = write_back(args.submissions, args.assignment, results)
        print(f"nbgrader: {len(report.written)} submission(s) written into the gradebook and "
              f"autograded/ of {args.submissions} ({report.seconds:.1f} s).")
        for student, why in report.skipped[:MAX_LINES]:
            print(f"nbgrader: {student} not written: {why}", file=sys.stderr)
    lms = write_lms_from_args(args, results, Path(args.out))
    if lms is not None:
        print(f"{args.lms}: {lms.path} ({lms.rows} student(s)).")
        for names, why in ((lms.left_out, "graded but not in the roster"),
                           (lms.faults, "a grader fault, not exported")):
            if names:
                print(f"{args.lms}: {', '.join(names[:MAX_LINES])}: {why}", file=sys.stderr)


def _report(summary) -> int:
    for note in summary.notes[:MAX_LINES]:
        print(f"note: {note}", file=sys.stderr)
    if summary.interrupted:
        _say(f"stopped: {summary.graded_now} submission(s) graded and kept in the gradebook. "
             "Run the same command again to grade the rest.")
        return EXIT_INTERRUPTED
    for line in summary.failed[:MAX_LINES]:
        print(f"grader fault: {line}", file=sys.stderr)
    by_test: dict[str, list[str]] = {}
    for student, fault in summary.faults:
        by_test.setdefault(fault, []).append(student)
    for fault, students in list(by_test.items())[:MAX_LINES]:
        print(f"grader fault in a hidden test: {fault} ({len(students)} submission(s); "
              "their results were not stored)", file=sys.stderr)
    if summary.failed or summary.faults:
        print("Fix the cause and run the same command again: only those submissions will "
              "be graded.", file=sys.stderr)
        return EXIT_FAULT
    results = summary.results.values()
    return EXIT_UNREADABLE if any(r["problems"] for r in results) else EXIT_OK


def add_grade(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("grade", help="grade a class of submissions with the hidden suites",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("submissions", type=Path,
                   help="a folder of submissions (a folder or file per student), an nbgrader "
                        "course folder, or one file")
    p.add_argument("--out", type=Path, default=Path("grades"),
                   help="output folder (default: ./grades)")
    p.add_argument("--suites", type=Path, default=DEFAULT_SUITES,
                   help=f"hidden suites folder (default: {DEFAULT_SUITES})")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="parallel workers (default: the number of cores, here "
                        f"{os.cpu_count() or 1})")
    p.add_argument("--regrade", nargs="*", metavar="STUDENT",
                   help="grade again even if the gradebook has a result: everyone, or the "
                        "students named; replaced results stay in the gradebook's history")
    p.add_argument("--isolation", choices=["auto", "strict", "none"], default="auto",
                   help="auto (default): every isolation layer this machine offers, named "
                        "in each result; strict: refuse to grade without bubblewrap's "
                        "filesystem, network and process isolation; none: a plain "
                        "subprocess with resource limits only, for debugging your own suites "
                        "(student code could read your files and reach the network)")
    p.add_argument("--timeout", type=float, default=10.0,
                   help="seconds per call into student code (default: 10)")
    p.add_argument("--no-similarity", action="store_true",
                   help="leave out the report's list of submissions that look alike "
                        "(default: included)")
    p.add_argument("--assignment", metavar="NAME",
                   help="SUBMISSIONS is an nbgrader course: grade submitted/<student>/NAME/ "
                        "with that assignment's suites (exported by `mlmath nbgrader export`) "
                        "and write the scores into the course's gradebook and autograded/ "
                        "(default: SUBMISSIONS is a class folder)")
    from grader.integrations.lms import add_lms_arguments

    add_lms_arguments(p)
    p.add_argument("--dask", metavar="ADDRESS",
                   help="grade on a Dask cluster (scheduler address) instead of local "
                        "workers (default: local workers)")
    p.set_defaults(func=cmd_grade)


def main(argv: list[str] | None = None) -> int:
    """``python -m grader.grading.grade_cmd SUBMISSIONS ...``, the same as ``mlmath grade``."""
    from grader.cli import main as cli_main

    return cli_main(["grade", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
