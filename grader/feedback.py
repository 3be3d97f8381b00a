"""Per-student outputs: feedback in Markdown and HTML, and Gradescope's ``results.json``.

Everything here is built from the judge's result records, which hold only learner-safe text:
per task the score, the outcome, the plain message of each failed check and the test's own
hint. Hidden inputs, expected values and grader tracebacks never reach a result record, so
they cannot reach these files either. Text that came from the sandbox (exception type names)
is escaped in HTML.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

STATUS_MARK = {"passed": "passed", "partly": "partly passed", "failed": "failed",
               "not started": "not started", "not submitted": "not submitted",
               "grader fault": "grader fault (not your fault; it will be graded again)"}


def _fmt(x: float) -> str:
    return f"{x:g}"


def _title(task: str, titles: dict[str, str]) -> str:
    return f"Task {task}: {titles[task]}" if task in titles else f"Task {task}"


def feedback_markdown(result: dict, titles: dict[str, str]) -> str:
    """The learner's feedback page in Markdown."""
    lines = [f"# Feedback for {result['student']}", "",
             f"**Score: {_fmt(result['score'])} / {_fmt(result['max_score'])}**", "",
             f"Graded by hidden tests in a sandbox (isolation: {result['isolation']}).", ""]
    if result["problems"]:
        lines += ["## Problems with your files", ""]
        lines += [f"- {p}" for p in result["problems"]] + [""]
    lines += ["| Task | Score | Outcome |", "|---|---|---|"]
    for t in result["tasks"].values():
        lines.append(f"| {_title(t['task'], titles)} | {_fmt(t['score'])} / "
                     f"{_fmt(t['max_score'])} | {STATUS_MARK[t['status']]} |")
    lines.append("")
    for t in result["tasks"].values():
        if t["status"] == "passed":
            continue
        lines += [f"## {_title(t['task'], titles)} ({STATUS_MARK[t['status']]})", ""]
        if t["status"] == "not started":
            lines += ["You have not started this task yet: its function still raises "
                      "NotImplementedError.", ""]
            continue
        lines += [f"- {m}" for m in t["messages"]]
        lines += [f"- hint: {h}" for h in t["hints"]] + [""]
    return "\n".join(lines)


def feedback_html(result: dict, titles: dict[str, str]) -> str:
    """The same feedback as a standalone HTML page (all text escaped)."""
    e = html.escape
    rows = "".join(
        f"<tr class='{t['status'].replace(' ', '-')}'><td>{e(_title(t['task'], titles))}</td>"
        f"<td>{_fmt(t['score'])} / {_fmt(t['max_score'])}</td>"
        f"<td>{e(STATUS_MARK[t['status']])}</td></tr>"
        for t in result["tasks"].values())
    details = []
    for t in result["tasks"].values():
        if t["status"] == "passed":
            continue
        items = "".join(f"<li>{e(m)}</li>" for m in t["messages"])
        items += "".join(f"<li><b>hint:</b> {e(h)}</li>" for h in t["hints"])
        if t["status"] == "not started":
            items = "<li>Not started yet: the function still raises NotImplementedError.</li>"
        details.append(f"<h2>{e(_title(t['task'], titles))}</h2><ul>{items}</ul>")
    problems = ""
    if result["problems"]:
        problems = "<h2>Problems with your files</h2><ul>" + "".join(
            f"<li>{e(p)}</li>" for p in result["problems"]) + "</ul>"
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Feedback for {e(result['student'])}</title><style>"
        "body{font-family:sans-serif;max-width:50em;margin:2em auto}"
        "td,th{padding:.2em .8em;border-bottom:1px solid #ddd}"
        ".passed td:last-child{color:#070}.failed td:last-child{color:#a00}"
        "</style></head><body>"
        f"<h1>Feedback for {e(result['student'])}</h1>"
        f"<p><b>Score: {_fmt(result['score'])} / {_fmt(result['max_score'])}</b></p>"
        f"<p>Graded by hidden tests in a sandbox (isolation: {e(result['isolation'])}).</p>"
        f"{problems}<table><tr><th>Task</th><th>Score</th><th>Outcome</th></tr>{rows}</table>"
        + "".join(details) + "</body></html>")


def gradescope_results(result: dict, titles: dict[str, str]) -> dict:
    """Gradescope's autograder ``results.json`` for one student, one entry per task."""
    tests = []
    for t in result["tasks"].values():
        output = "\n".join(t["messages"] + [f"hint: {h}" for h in t["hints"]])
        tests.append({"name": _title(t["task"], titles), "number": t["task"],
                      "score": t["score"], "max_score": t["max_score"],
                      "status": "passed" if t["status"] == "passed" else "failed",
                      "output": output, "visibility": "visible"})
    output = "\n".join(result["problems"]) or "Graded by hidden tests."
    return {"score": result["score"], "output": output, "tests": tests,
            "extra_data": {"isolation": result["isolation"]}}


def write_student_outputs(result: dict, out: Path, titles: dict[str, str]) -> None:
    """Write feedback/<student>.md, feedback/<student>.html and results/<student>/results.json."""
    name = safe_name(result["student"])
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    (out / "feedback" / f"{name}.md").write_text(feedback_markdown(result, titles), "utf-8")
    (out / "feedback" / f"{name}.html").write_text(feedback_html(result, titles), "utf-8")
    (out / "results" / name).mkdir(parents=True, exist_ok=True)
    (out / "results" / name / "results.json").write_text(
        json.dumps(gradescope_results(result, titles), indent=2), "utf-8")


def safe_name(student: str) -> str:
    """A file-name-safe version of a student identifier."""
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in student).strip(".")
    return cleaned or "student"
