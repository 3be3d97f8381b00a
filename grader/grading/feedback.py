"""Per-student outputs: feedback in Markdown and HTML, and Gradescope's ``results.json``.

Everything here is built from the judge's result records, which hold only learner-safe text:
per task the score, the status, the plain message of each failed check and the test's own
hint. Hidden inputs, expected values and grader tracebacks never reach a result record, so
they cannot reach these files either.

One data model (:func:`feedback_model`) is rendered by two Jinja templates,
``templates/feedback.md`` and ``templates/feedback.html``, so the two pages never disagree.
The HTML template escapes every value (autoescape); the Markdown template passes untrusted
text through :func:`md_text` and :func:`md_cell`, so a student name can neither start a raw
HTML tag nor break a table. Per-student files are named by
:func:`grader.grading.names.student_slug`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from grader.grading.names import markdown_cell, student_slug

# The words of a task's status (grader.grading.worker.STATUSES), in display order, with what each
# means: one sentence for the instructor and one for the learner. Every output (terminal
# table, CSV, feedback, results.json, class report) uses these words and no others.
STATUS_ORDER = ("passed", "partly", "failed", "not started", "not submitted", "grader fault")
STATUS_MEANING = {
    "passed": "every check passed",
    "partly": "some checks passed, some did not",
    "failed": "no check passed",
    "not started": "the function still raises NotImplementedError, as handed out",
    "not submitted": "the exercise file was not in the submission",
    "grader fault": "the grader could not run a check; not the learner's fault, and the "
                    "submission is graded again on the next run",
}
LEARNER_MEANING = {
    "passed": "every check passed.",
    "partly": "some checks passed, some did not.",
    "failed": "no check passed yet.",
    "not started": "the function still raises NotImplementedError, as it was handed out.",
    "not submitted": "the exercise file was not in your submission.",
    "grader fault": "the grader could not check this. This is not your fault: it will be "
                    "graded again, and these points are not counted yet.",
}
# Kept for callers of the old module: the status word as the learner reads it.
STATUS_MARK = {s: s for s in STATUS_ORDER}


def _fmt(x: float) -> str:
    return f"{x:g}"


def _title(task: str, titles: dict[str, str]) -> str:
    return f"Task {task}: {titles[task]}" if task in titles else f"Task {task}"


def task_sort_key(task: str) -> tuple:
    """Numeric order of task IDs: 1.2 before 1.10; anything else last, by name."""
    parts = task.split(".")
    if all(p.isdigit() for p in parts):
        return (0, *map(int, parts))
    return (1, task)


def exercise_of(task: str) -> str:
    """The exercise a task belongs to, ``"1.3"`` -> ``"ex01"``."""
    head = task.split(".")[0]
    return f"ex{int(head):02d}" if head.isdigit() else "other"


def combined_status(statuses: list[str]) -> str:
    """The status of a group of tasks (an exercise), in the same words as a task's.

    grader fault if any task had one; passed, not submitted or not started if every task
    is; partly if something scored; failed otherwise.
    """
    if not statuses:
        return "not submitted"
    if "grader fault" in statuses:
        return "grader fault"
    for word in ("passed", "not submitted", "not started"):
        if all(s == word for s in statuses):
            return word
    return "partly" if any(s in ("passed", "partly") for s in statuses) else "failed"


@dataclass
class TaskView:
    """One task as the learner sees it."""

    id: str
    heading: str
    score: float
    max_score: float
    status: str
    checks: int
    checks_passed: int
    messages: list[str]
    hints: list[str]

    @property
    def detailed(self) -> bool:
        """Whether the page explains this task below the table (something to fix)."""
        return self.status in ("partly", "failed", "grader fault")


@dataclass
class ExerciseView:
    """The tasks of one exercise, with their total."""

    id: str  # "ex01"
    label: str  # "Exercise 1"
    tasks: list[TaskView]
    score: float = 0.0
    max_score: float = 0.0
    status: str = "passed"


@dataclass
class Feedback:
    """The data model of one learner's feedback page, rendered as Markdown and as HTML."""

    student: str
    score: float
    max_score: float
    isolation: str
    problems: list[str]
    exercises: list[ExerciseView]
    counts: dict[str, int] = field(default_factory=dict)  # status -> number of tasks

    @property
    def legend(self) -> list[tuple[str, str]]:
        """The status words used on this page, with what they mean for the learner."""
        return [(s, LEARNER_MEANING[s]) for s in STATUS_ORDER if self.counts.get(s)]

    @property
    def has_fault(self) -> bool:
        return bool(self.counts.get("grader fault"))


def feedback_model(result: dict, titles: dict[str, str]) -> Feedback:
    """The learner's feedback as data: exercises, their tasks, statuses and messages."""
    groups: dict[str, list[TaskView]] = {}
    counts: dict[str, int] = {}
    for tid in sorted(result["tasks"], key=task_sort_key):
        t = result["tasks"][tid]
        view = TaskView(
            id=tid, heading=_title(tid, titles), score=t["score"], max_score=t["max_score"],
            status=t["status"], checks=t.get("tests", 0),
            checks_passed=t.get("passed", 0), messages=list(t.get("messages", [])),
            hints=list(t.get("hints", [])))
        groups.setdefault(exercise_of(tid), []).append(view)
        counts[t["status"]] = counts.get(t["status"], 0) + 1
    exercises = []
    for ex, tasks in groups.items():
        label = f"Exercise {int(ex[2:])}" if ex[2:].isdigit() else "Other tasks"
        exercises.append(ExerciseView(
            id=ex, label=label, tasks=tasks, score=sum(t.score for t in tasks),
            max_score=sum(t.max_score for t in tasks),
            status=combined_status([t.status for t in tasks])))
    return Feedback(student=result["student"], score=result["score"],
                    max_score=result["max_score"], isolation=result.get("isolation", ""),
                    problems=list(result.get("problems", [])), exercises=exercises,
                    counts=counts)


def md_text(text: object) -> str:
    """Untrusted text for Markdown prose: no raw HTML, no links, no emphasis, one line.

    ``<`` ``>`` and ``&`` become entities (a Markdown viewer renders raw HTML); brackets,
    stars and pipes are backslash-escaped, and so is a first character that would start a
    heading, list or quote. Backticks are kept: the judge's messages quote code with them,
    and a code span shows its text literally. Underscores are kept for readability
    (``ex01_logs.py``): inside a word they never make emphasis.
    """
    s = str(text).replace("\\", "\\\\").replace("&", "&amp;")
    s = s.replace("<", "&lt;").replace(">", "&gt;")
    for ch in "[]*|":
        s = s.replace(ch, "\\" + ch)
    s = s.replace("\r", " ").replace("\n", " ")
    return "\\" + s if s.startswith(("#", "-", "+", "=")) else s


def md_lines(text: object) -> str:
    """Like :func:`md_text`, keeping line breaks inside a list item (indented two spaces)."""
    return "  \n  ".join(md_text(line) for line in str(text).splitlines() or [""])


def md_cell(text: object) -> str:
    """Untrusted text for one Markdown table cell (:func:`grader.grading.names.markdown_cell`),
    no HTML."""
    s = markdown_cell(text).replace("&", "&amp;")
    return s.replace("<", "&lt;").replace(">", "&gt;")


@cache
def environment():
    """The Jinja environment of every page: HTML templates autoescaped, strict about names."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                            default_for_string=True, default=False),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.filters.update(fmt=_fmt, md=md_text, md_lines=md_lines, md_cell=md_cell,
                       css=lambda status: str(status).replace(" ", "-"))
    env.globals.update(STATUS_ORDER=STATUS_ORDER, STATUS_MEANING=STATUS_MEANING,
                       LEARNER_MEANING=LEARNER_MEANING)
    return env


def feedback_markdown(result: dict, titles: dict[str, str]) -> str:
    """The learner's feedback page in Markdown."""
    return environment().get_template("feedback.md").render(fb=feedback_model(result, titles))


def feedback_html(result: dict, titles: dict[str, str]) -> str:
    """The same feedback as a standalone HTML page (every value escaped, no scripts)."""
    return environment().get_template("feedback.html").render(fb=feedback_model(result, titles))


def _task_output(view: TaskView) -> str:
    meaning = LEARNER_MEANING[view.status]
    lines = [f"Status: {view.status}. {meaning[0].upper()}{meaning[1:]}"]
    if view.detailed:
        lines += view.messages + [f"hint: {h}" for h in view.hints]
    return "\n".join(lines)


def gradescope_results(result: dict, titles: dict[str, str]) -> dict:
    """Gradescope's autograder ``results.json`` for one student, one entry per task.

    Gradescope knows only "passed" and "failed" as a test's status; our own status word
    (partly, not started, ...) opens each test's output text.
    """
    fb = feedback_model(result, titles)
    tests = [{"name": v.heading, "number": v.id, "score": v.score, "max_score": v.max_score,
              "status": "passed" if v.status == "passed" else "failed",
              "output": _task_output(v), "visibility": "visible"}
             for ex in fb.exercises for v in ex.tasks]
    lines = list(fb.problems) or ["Graded by hidden tests."]
    if fb.has_fault:
        lines.append("Some checks could not run because of a grader fault. This is not your "
                     "fault: they will be graded again, and their points are not counted yet.")
    statuses = {v.id: v.status for ex in fb.exercises for v in ex.tasks}
    return {"score": result["score"], "output": "\n".join(lines), "tests": tests,
            "extra_data": {"isolation": result.get("isolation", ""), "statuses": statuses}}


def write_student_outputs(result: dict, out: Path, titles: dict[str, str]) -> dict[str, Path]:
    """Write feedback/<slug>.md, feedback/<slug>.html and results/<slug>/results.json.

    ``<slug>`` is :func:`grader.grading.names.student_slug` of the student's exact name, so two
    names never share a file. Returns the three paths by kind ("md", "html", "results").
    """
    out = Path(out)
    slug = student_slug(result["student"])
    fb = feedback_model(result, titles)
    env = environment()
    paths = {"md": out / "feedback" / f"{slug}.md", "html": out / "feedback" / f"{slug}.html",
             "results": out / "results" / slug / "results.json"}
    for path in paths.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    paths["md"].write_text(env.get_template("feedback.md").render(fb=fb), "utf-8")
    paths["html"].write_text(env.get_template("feedback.html").render(fb=fb), "utf-8")
    paths["results"].write_text(json.dumps(gradescope_results(result, titles), indent=2),
                                "utf-8")
    return paths


def safe_name(student: str) -> str:
    """The file name stem of a student's outputs (:func:`grader.grading.names.student_slug`)."""
    return student_slug(student)
