"""Feedback pages, Gradescope results, the CSV, the terminal table and the class report.

Built from hand-made result records (the judge's format), so each test names exactly the
case it checks; the browser test (test_browser.py) opens the real thing.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from grader.grading import class_report as cr
from grader.grading import feedback as fb
from grader.grading.names import student_slug
from grader.grading.worker import STATUSES

TITLES = {"1.1": "Log of a product", "1.2": "A stable log-sum-exp", "2.1": "The 3x3 determinant",
          "2.2": "Laplace expansion", "2.10": "Tenth task"}


def record(task, test, outcome, points=1.0, kind="", message="", hint=""):
    return {"task": task, "test": test, "outcome": outcome, "points": points, "kind": kind,
            "message": message, "hint": hint}


def task(tid, status, score, max_score, messages=(), hints=(), tests=2, passed=0):
    return {"task": tid, "score": score, "max_score": max_score, "status": status,
            "tests": tests, "passed": passed, "not_started": 0, "not_submitted": 0,
            "faults": 1 if status == "grader fault" else 0, "messages": list(messages),
            "hints": list(hints)}


def result(student, tasks, tests=(), problems=()):
    return {"student": student, "submission_hash": "s" * 64, "suite_hash": "f" * 64,
            "isolation": "bwrap+seccomp", "problems": list(problems), "tests": list(tests),
            "tasks": {t["task"]: t for t in tasks},
            "score": sum(t["score"] for t in tasks),
            "max_score": sum(t["max_score"] for t in tasks), "output_bytes": 0}


WRONG = "your answer did not pass this check."
HINT = "subtract the maximum first."

# One student per status word, and one with everything.
EVERY_STATUS = result("every status", [
    task("1.1", "passed", 1, 1, tests=1, passed=1),
    task("1.2", "partly", 1, 2, [WRONG], [HINT], passed=1),
    task("2.1", "failed", 0, 1, [WRONG], ["mind the minus sign."]),
    task("2.2", "not started", 0, 2, ["Task 2.2 is not started yet."]),
    task("2.10", "grader fault", 0, 1, tests=2, passed=1),
], tests=[record("1.2", "test_lse_big", "failed", kind="wrong", message=WRONG, hint=HINT)])
NOT_SUBMITTED = result("not submitted", [
    task("1.1", "not submitted", 0, 1, ["ex01_logs.py is not in your submission."]),
    task("1.2", "not submitted", 0, 2, ["ex01_logs.py is not in your submission."]),
], problems=["ex01_logs.ipynb is not a notebook: it is not valid JSON"])
HOSTILE_NAME = "=HYPERLINK(\"http://x\")|<script>alert(1)</script> *[a](b)*"
HOSTILE = result(HOSTILE_NAME, [task("1.1", "failed", 0, 1, ["<b>not bold</b> | pipe"])],
                 problems=["=cmd|' /C calc'!A0"])


def test_status_words_are_the_workers():
    """Do the feedback's words and their meanings cover exactly grader.grading.worker.STATUSES?"""
    assert fb.STATUS_ORDER == STATUSES
    assert set(fb.STATUS_MEANING) == set(fb.LEARNER_MEANING) == set(STATUSES)


@pytest.mark.parametrize("statuses, combined", [
    (["passed", "passed"], "passed"),
    (["passed", "failed"], "partly"),
    (["partly", "not started"], "partly"),
    (["failed", "not started"], "failed"),
    (["not started", "not started"], "not started"),
    (["not submitted", "not submitted"], "not submitted"),
    (["passed", "grader fault"], "grader fault"),
    ([], "not submitted"),
])
def test_an_exercise_status_uses_the_same_words(statuses, combined):
    """Is an exercise's status its tasks' statuses combined, in the same six words?"""
    assert fb.combined_status(statuses) == combined


def test_each_status_reads_the_same_everywhere(tmp_path):
    """Does every status word appear as itself in feedback, results.json, CSV, table, report?"""
    results = [EVERY_STATUS, NOT_SUBMITTED]
    for r in results:
        fb.write_student_outputs(r, tmp_path, TITLES)
    cr.write_csv(results, tmp_path / "grades.csv")
    page = cr.write_class_report(results, tmp_path, TITLES).read_text()
    table = cr.summary_table(results)
    slug = student_slug("every status")
    md = (tmp_path / "feedback" / f"{slug}.md").read_text()
    html = (tmp_path / "feedback" / f"{slug}.html").read_text()
    gs = json.loads((tmp_path / "results" / slug / "results.json").read_text())
    outputs = {t["number"]: t["output"] for t in gs["tests"]}
    for tid, t in EVERY_STATUS["tasks"].items():
        word = t["status"]
        assert f"| {word} |" in md
        assert f">{word}</span>" in html
        assert outputs[tid].startswith(f"Status: {word}.")
        assert gs["extra_data"]["statuses"][tid] == word
        assert f">{word}</button>" in page  # a column of the students table
        assert f'title="{word}: 1' in page or f"; {word}: 1" in page  # the task's bar
    assert 'title="ex01: partly"' in page and 'title="ex02: grader fault"' in page
    assert "1 partly, 1 failed, 1 not started, 1 grader fault" in table
    assert "2 not submitted; 1 file problem" in table
    with open(tmp_path / "grades.csv", encoding="utf-8") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert rows["every status"]["ex01 status"] == "partly"
    assert rows["every status"]["ex02 status"] == "grader fault"
    assert rows["not submitted"]["ex01 status"] == "not submitted"
    assert rows["not submitted"]["ex02 status"] == "not submitted"  # no task of it at all


def test_grader_fault_tells_the_learner_it_is_not_their_fault(tmp_path):
    """Does a grader fault say: not your fault, graded again, points not counted yet?"""
    md = fb.feedback_markdown(EVERY_STATUS, TITLES)
    html = fb.feedback_html(EVERY_STATUS, TITLES)
    gs = fb.gradescope_results(EVERY_STATUS, TITLES)
    for text in (md, html, gs["output"], gs["tests"][-1]["output"]):
        flat = " ".join(text.split())
        assert "not your fault" in flat and "graded again" in flat, text
    assert "not your fault" not in fb.feedback_markdown(NOT_SUBMITTED, TITLES)


def test_markdown_and_html_say_the_same_things():
    """Are the two feedback pages one model: same tasks, scores, statuses, messages, hints?"""
    md = fb.feedback_markdown(EVERY_STATUS, TITLES)
    html = fb.feedback_html(EVERY_STATUS, TITLES)
    model = fb.feedback_model(EVERY_STATUS, TITLES)
    assert [e.label for e in model.exercises] == ["Exercise 1", "Exercise 2"]
    assert [t.id for e in model.exercises for t in e.tasks] == ["1.1", "1.2", "2.1", "2.2",
                                                                 "2.10"]
    for e in model.exercises:
        for t in e.tasks:
            assert t.heading in md and t.heading in html
        for t in e.tasks:
            if t.detailed:
                for m in [*t.messages, *t.hints]:
                    assert m in md and m in html
    assert "Task 2.2 is not started yet." not in md  # not started: the table says it
    assert md.count("hint: ") == html.count("<b>hint:</b>") == 2


def test_outputs_are_named_by_slug_and_never_collide(tmp_path):
    """Do "kim lee" and "kim_lee" get separate feedback and results files?"""
    paths = [fb.write_student_outputs(result(name, [task("1.1", "passed", 1, 1)]), tmp_path,
                                      TITLES) for name in ("kim lee", "kim_lee")]
    assert paths[0]["md"] != paths[1]["md"] and paths[0]["results"] != paths[1]["results"]
    assert paths[0]["html"].name == f"{student_slug('kim lee')}.html"
    assert len(list((tmp_path / "feedback").iterdir())) == 4
    assert len(list((tmp_path / "results").iterdir())) == 2


def test_gradescope_format_is_kept():
    """Is results.json still Gradescope's format, with only passed/failed as a status?"""
    gs = fb.gradescope_results(EVERY_STATUS, TITLES)
    assert set(gs) == {"score", "output", "tests", "extra_data"}
    assert gs["score"] == EVERY_STATUS["score"]
    for t in gs["tests"]:
        assert set(t) == {"name", "number", "score", "max_score", "status", "output",
                          "visibility"}
        assert t["status"] in ("passed", "failed") and t["visibility"] == "visible"
    assert [t["number"] for t in gs["tests"]] == ["1.1", "1.2", "2.1", "2.2", "2.10"]
    assert gs["tests"][0]["name"] == "Task 1.1: Log of a product"
    assert HINT in gs["tests"][1]["output"]


def test_hostile_names_stay_text(tmp_path):
    """Does a name or message with HTML, Markdown, pipes or a formula stay plain text?"""
    paths = fb.write_student_outputs(HOSTILE, tmp_path, TITLES)
    md, html = paths["md"].read_text(), paths["html"].read_text()
    assert "<script>" not in md and "<script>" not in html and "<b>not" not in html
    assert "&lt;script&gt;" in html and "&lt;script&gt;" in md
    assert "\\[a\\](b)" in md and "\\*" in md  # no link, no emphasis
    row = next(line for line in md.splitlines() if line.startswith("| Task 1.1"))
    assert row.count(" | ") == 2  # the pipe in the message did not add a cell
    page = cr.write_class_report([HOSTILE], tmp_path, TITLES).read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    cr.write_csv([HOSTILE], tmp_path / "grades.csv")
    with open(tmp_path / "grades.csv", encoding="utf-8") as f:
        row = next(csv.DictReader(f))
    assert row["student"].startswith("'=") and row["problems"].startswith("'=")
    table = cr.summary_table([result("evil\x1b[2J\x1b[31mname", [task("1.1", "passed", 1, 1)])])
    assert "\x1b" not in table and "evil\\x1b[2J" in table


def test_report_is_self_contained_and_links_every_student(tmp_path):
    """Does report.html embed everything (CSP, no URLs) and link each feedback page?"""
    results = [EVERY_STATUS, NOT_SUBMITTED, HOSTILE]
    for r in results:
        fb.write_student_outputs(r, tmp_path, TITLES)
    html = cr.write_class_report(results, tmp_path, TITLES).read_text()
    assert "default-src 'none'" in html
    assert not re.search(r"(src|href)\s*=\s*\"(https?:|//)", html)
    assert "<img" not in html and "<link" not in html and "<svg" in html
    hrefs = re.findall(r'class="feedback-link" href="([^"]+)"', html)
    assert len(hrefs) == 3
    for href in hrefs:
        assert (tmp_path / href).is_file()
    assert not list(tmp_path.glob("*.png"))


def test_report_shows_the_facts_given_in_order():
    """Are the run's facts shown as given, times readable, and unknown keys still shown?"""
    facts = {"isolation": "bwrap+uid+seccomp", "suite_hash": "ab12" * 16,
             "date": "2025-03-01 14:05", "grader_version": "0.1.0", "elapsed": 83.2,
             "custom_note": "regraded after fixing 2.3"}
    html = cr.render_class_report([EVERY_STATUS], TITLES, facts=facts)
    shown = re.findall(r'<dd class="fact-([a-z_]+)">([^<]*)</dd>', html)
    assert [k for k, _ in shown] == list(facts)
    assert dict(shown)["elapsed"] == "1 min 23 s" and "Custom note" in html
    assert cr.duration(3725) == "1 h 2 min 5 s" and cr.duration(2.25) == "2.2 s"
    # Without facts, the results' own isolation and suite hash are shown.
    bare = cr.render_class_report([EVERY_STATUS], TITLES)
    assert "bwrap+seccomp" in bare and "f" * 64 in bare


def test_task_view_names_the_most_common_failing_check():
    """Is a task's most common failing check found, with the learners' message and hint?"""
    def student(name, failing):
        tests = [record("1.2", t, "failed", kind="wrong", message=WRONG, hint=f"hint {t}")
                 for t in failing]
        tests.append(record("1.2", "test_missing", "failed", kind="not_submitted",
                            message="ex01_logs.py is not in your submission."))
        return result(name, [task("1.2", "failed", 0, 2, [WRONG])], tests=tests)

    results = [student("a", ["test_axis", "test_big"]), student("b", ["test_big"]),
               student("c", ["test_big", "test_big"]), student("d", [])]
    (view,) = cr.class_model(results, TITLES)["tasks"]
    assert view["common"]["test"] == "test_big" and view["common"]["students"] == 3
    assert view["common"]["message"] == WRONG and view["common"]["hint"] == "hint test_big"
    assert view["share_passed"] == 0 and view["counts"]["failed"] == 4


@pytest.mark.parametrize("n", [10, 1000])
def test_histogram_bins_discrete_scores_evenly(n):
    """Do bins hold whole numbers of possible scores, every student, and full marks apart?"""
    scores = [(i * 37 % 179) / 2 for i in range(n)]  # half points from 0 to 89
    scores[0] = 89.0
    h = cr.histogram(scores, 89.0)
    assert sum(b["count"] for b in h["bins"]) == n
    assert 8 <= len(h["bins"]) <= 45
    assert h["step"] == 0.5 and (h["width"] / h["step"]).is_integer()
    assert [b["lo"] for b in h["bins"]] == [k * h["width"] for k in range(len(h["bins"]))]
    assert h["bins"][-1]["hi"] == 89.0
    fewer = cr.histogram(scores[:10], 89.0)
    more = cr.histogram([(i * 37 % 179) / 2 for i in range(1000)], 89.0)
    assert len(fewer["bins"]) < len(more["bins"])  # 1,000 students get finer bins


def test_histogram_of_whole_points_gives_each_score_a_bar():
    """With few possible scores (0-7 points), does each score get its own bar?"""
    h = cr.histogram([0, 3, 3, 7, 6, 6, 6], 7.0)
    assert [b["label"] for b in h["bins"]] == [str(k) for k in range(8)]
    assert [b["count"] for b in h["bins"]] == [1, 0, 0, 2, 0, 0, 3, 1]


def test_csv_keeps_its_columns_and_adds_statuses(tmp_path):
    """Are the per-task score columns, total, max and problems kept, statuses after them?"""
    cr.write_csv([EVERY_STATUS, NOT_SUBMITTED], tmp_path / "grades.csv")
    with open(tmp_path / "grades.csv", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == ["student", "1.1", "1.2", "2.1", "2.2", "2.10", "total", "max", "problems",
                      "ex01 status", "ex02 status"]



def test_learner_pages_say_nothing_about_time():
    """Do our own words on learner pages avoid times and durations (test_hostile's check)?"""
    for r in (EVERY_STATUS, NOT_SUBMITTED):
        bare = json.loads(json.dumps(r))
        for t in bare["tasks"].values():
            t["messages"], t["hints"] = [], []
        for text in (fb.feedback_markdown(bare, TITLES), fb.feedback_html(bare, TITLES),
                     json.dumps(fb.gradescope_results(bare, TITLES))):
            assert "time" not in text.lower()
            assert not re.search(r"\d\s*(ms|s|sec|seconds|secs)\b", text)


def test_an_empty_class_still_renders():
    """Does a run with no results render a report rather than fail?"""
    html = cr.render_class_report([], TITLES, facts={"elapsed": 0.5})
    assert "Class report" in html and "0.5 s" in html
