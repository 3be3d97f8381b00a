"""Class-level outputs: the CSV export, the terminal summary, and the instructor's report.

``report.html`` is one self-contained page (inline SVG and CSS, a few lines of inline
script to sort tables; nothing is fetched, and its Content-Security-Policy forbids it): the
run's facts, a score histogram, a sortable table of students linking to their feedback
pages, a per-task view (mean, share passed, the check that fails most often with its learner
message), and optionally the similarity of submissions (:mod:`grader.grading.similarity`).

Every output uses the same words for a task's status as :data:`grader.grading.worker.STATUSES`
(see :data:`grader.grading.feedback.STATUS_MEANING`). The CSV keeps one score column per task and
adds one status column per exercise (``ex01 status``), the exercise's tasks combined by
:func:`grader.grading.feedback.combined_status`: a per-task status column would double the width of
a sheet with 46 tasks, and the feedback pages hold the per-task words.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections import Counter
from pathlib import Path

from grader.grading.feedback import (
    STATUS_MEANING,
    STATUS_ORDER,
    combined_status,
    environment,
    exercise_of,
    task_sort_key,
)
from grader.grading.names import csv_cell, student_slug


def task_order(results: list[dict]) -> list[str]:
    """Every task seen in any result, in numeric order (1.2 before 1.10)."""
    return sorted({t for r in results for t in r["tasks"]}, key=task_sort_key)


def exercise_order(tasks: list[str]) -> list[str]:
    """The exercises of ``tasks`` in order: ``["ex01", "ex02", ...]``."""
    return list(dict.fromkeys(exercise_of(t) for t in tasks))


def _exercise_status(result: dict, exercise: str, tasks: list[str]) -> str:
    mine = [result["tasks"][t]["status"] for t in tasks
            if exercise_of(t) == exercise and t in result["tasks"]]
    return combined_status(mine)


def write_csv(results: list[dict], path: Path) -> None:
    """One row per student: a score per task, total, max, problems, a status per exercise.

    Every text cell goes through :func:`grader.grading.names.csv_cell`, so a student name or a
    problem that starts with ``=`` is shown by a spreadsheet, never run as a formula.
    """
    tasks = task_order(results)
    exercises = exercise_order(tasks)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", *tasks, "total", "max", "problems",
                    *[f"{e} status" for e in exercises]])
        for r in results:
            w.writerow([csv_cell(r["student"]),
                        *[f"{r['tasks'][t]['score']:g}" if t in r["tasks"] else "" for t in tasks],
                        f"{r['score']:g}", f"{r['max_score']:g}",
                        csv_cell(" | ".join(r["problems"])),
                        *[_exercise_status(r, e, tasks) for e in exercises]])


def _printable(text: str) -> str:
    """``text`` without control characters (a name must not drive the terminal)."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def status_counts(result: dict) -> Counter:
    """How many of a result's tasks have each status."""
    return Counter(t["status"] for t in result["tasks"].values())


def summary_table(results: list[dict]) -> str:
    """A plain-text table for the terminal: student, score, and the tasks not passed."""
    names = [_printable(r["student"]) for r in results]
    width = max([len(n) for n in names] + [7])
    lines = [f"{'student':<{width}}  {'score':>11}  tasks not passed",
             "-" * (width + 40)]
    for name, r in zip(names, results, strict=True):
        counts = status_counts(r)
        notes = ", ".join(f"{counts[s]} {s}" for s in STATUS_ORDER[1:] if counts[s])
        if counts["grader fault"]:
            notes += " (graded again on the next run)"
        if r["problems"]:
            n = len(r["problems"])
            notes = (notes + "; " if notes else "") + f"{n} file problem{'s' * (n != 1)}"
        lines.append(f"{name:<{width}}  {r['score']:>5g} / {r['max_score']:<3g}  "
                     f"{notes or 'all passed'}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# The report's data model


def score_step(values: list[float]) -> float:
    """The finest grid the scores lie on: 1, 0.5, 0.25, 0.1, ... (all of them multiples)."""
    for step in (1.0, 0.5, 0.25, 0.2, 0.1, 0.05, 0.01):
        if all(abs(v / step - round(v / step)) < 1e-6 for v in values):
            return step
    return 0.01


def _nice_width(ideal: float, step: float) -> float:
    """The bin width nearest ``ideal`` (on a log scale) among round numbers of points
    (1, 2, 5, 10, 20, 25, 50, ... and step x 1, 2, 5 below one point) that are multiples of
    the score grid ``step``."""
    candidates = {step * m for m in (1, 2, 5)}
    k = 1.0
    while k <= max(ideal, 1.0) * 100:
        candidates |= {m * k for m in (1, 2, 2.5, 5)}
        k *= 10
    fits = [c for c in candidates if c >= step - 1e-9 and abs(c / step - round(c / step)) < 1e-6]
    return min(fits, key=lambda c: (abs(math.log(c / ideal)) if ideal > 0 else c, c))


def histogram(scores: list[float], max_score: float) -> dict:
    r"""Bins and SVG geometry of a histogram of discrete scores.

    Scores lie on a grid (whole or half points). A bin is ``[k w, (k + 1) w)`` with the width
    ``w`` a multiple of the grid step, so every bin holds the same number of possible scores
    and none is split; the number of bins grows like :math:`2\sqrt{n}` (at least 10, at most
    45), so 10 students get about ten wide bins and 1,000 get many narrow ones. When the
    maximum is a multiple of ``w``, full marks get a bin of their own.
    """
    top = max([max_score, *scores, 0.0])
    step = score_step([*scores, top])
    target = min(45, max(10, round(2 * math.sqrt(len(scores)))))
    width = _nice_width(top / target if top else step, step)
    nbins = math.floor(top / width + 1e-9) + 1
    counts = [0] * nbins
    for s in scores:
        counts[min(nbins - 1, math.floor(s / width + 1e-9))] += 1
    bins = []
    for k, c in enumerate(counts):
        lo, hi = k * width, min((k + 1) * width - step, top)
        label = f"{lo:g}" if hi <= lo else f"{lo:g}–{hi:g}"
        bins.append({"lo": lo, "hi": hi, "label": label, "count": c})
    # Geometry (the template draws it): a 680 x 280 canvas, bars on a shared axis.
    left, right, top_pad, bottom = 46, 12, 22, 58
    w_px, h_px = 680, 280
    plot_w, plot_h = w_px - left - right, h_px - top_pad - bottom
    peak = max([*counts, 1])
    tick = _nice_width(peak / 5, 1.0) if peak > 5 else 1
    tick = int(tick) if tick >= 1 else 1
    bar_w = plot_w / nbins
    for k, b in enumerate(bins):
        b["x"] = left + k * bar_w + 1
        b["w"] = max(bar_w - 2, 1)
        b["h"] = plot_h * b["count"] / peak
        b["y"] = top_pad + plot_h - b["h"]
        b["cx"] = left + (k + 0.5) * bar_w
    yticks = [{"value": v, "y": top_pad + plot_h - plot_h * v / peak}
              for v in range(0, peak + 1, tick)]
    median = statistics.median(scores) if scores else None
    # The median's place: within its bin, in proportion among the bin's possible scores.
    median_x = left + (median + step / 2) / width * bar_w if median is not None else None
    return {"bins": bins, "width": width, "step": step, "max": top, "w": w_px, "h": h_px,
            "left": left, "top": top_pad, "plot_w": plot_w, "plot_h": plot_h,
            "baseline": top_pad + plot_h, "yticks": yticks, "rotate": nbins > 12,
            "labels_every": max(1, math.ceil(nbins / 24)), "median": median,
            "median_x": median_x, "n": len(scores)}


def _students(results: list[dict], tasks: list[str], exercises: list[str]) -> list[dict]:
    rows = []
    for r in results:
        counts = status_counts(r)
        per_ex = []
        for e in exercises:
            mine = [r["tasks"][t] for t in tasks if exercise_of(t) == e and t in r["tasks"]]
            score, top = sum(t["score"] for t in mine), sum(t["max_score"] for t in mine)
            per_ex.append({"exercise": e, "score": score, "max": top,
                           "status": combined_status([t["status"] for t in mine]),
                           "fraction": score / top if top else 0.0})
        slug = student_slug(r["student"])
        rows.append({
            "student": r["student"], "slug": slug, "href": f"feedback/{slug}.html",
            "score": r["score"], "max": r["max_score"],
            "fraction": r["score"] / r["max_score"] if r["max_score"] else 0.0,
            "exercises": per_ex, "counts": {s: counts[s] for s in STATUS_ORDER},
            "graded": len(r["tasks"]) - counts["grader fault"], "tasks": len(r["tasks"]),
            "problems": list(r["problems"])})
    return rows


def _tasks(results: list[dict], tasks: list[str], titles: dict[str, str]) -> list[dict]:
    out = []
    for tid in tasks:
        mine = [(r, r["tasks"][tid]) for r in results if tid in r["tasks"]]
        counts = Counter(t["status"] for _, t in mine)
        graded = [t for _, t in mine if t["status"] != "grader fault"]
        tops = Counter(t["max_score"] for t in graded)
        fractions = [t["score"] / t["max_score"] for t in graded if t["max_score"]]
        # The check that fails most often among learners who handed the file in and
        # started the task: what to explain again in class.
        failing: Counter = Counter()
        messages: dict[str, Counter] = {}
        hints: dict[str, str] = {}
        for r, _ in mine:
            seen = set()
            for rec in r.get("tests", []):
                if (rec.get("task") != tid or rec.get("outcome") != "failed"
                        or rec.get("kind") == "not_submitted" or rec["test"] in seen):
                    continue
                seen.add(rec["test"])
                failing[rec["test"]] += 1
                messages.setdefault(rec["test"], Counter())[rec.get("message", "")] += 1
                hints.setdefault(rec["test"], rec.get("hint", ""))
        common = None
        if failing:
            test, n = max(failing.items(), key=lambda kv: (kv[1], kv[0]))
            common = {"test": test, "students": n, "share": n / len(mine),
                      "message": messages[test].most_common(1)[0][0], "hint": hints[test]}
        n = len(mine)
        out.append({
            "id": tid, "title": titles.get(tid, ""), "exercise": exercise_of(tid),
            "max": tops.most_common(1)[0][0] if tops else 0.0, "students": n,
            "mean": (sum(t["score"] for t in graded) / len(graded)) if graded else 0.0,
            "mean_fraction": sum(fractions) / len(fractions) if fractions else 0.0,
            "share_passed": counts["passed"] / n if n else 0.0,
            "counts": {s: counts[s] for s in STATUS_ORDER},
            "shares": [(s, counts[s] / n) for s in STATUS_ORDER if n and counts[s]],
            "common": common})
    return out


FACT_LABELS = {
    "isolation": "Isolation layers", "missing": "Isolation layers missing",
    "suite_hash": "Hidden suites (SHA-256)", "date": "Date", "started": "Started",
    "grader_version": "Grader version", "elapsed": "Time taken", "seconds": "Time taken",
    "time_taken": "Time taken", "jobs": "Workers", "submissions": "Submissions",
    "graded_now": "Graded in this run", "skipped": "Already in the gradebook",
    "executor": "Executor",
}
DURATION_KEYS = {"elapsed", "seconds", "time_taken"}


def duration(seconds: float) -> str:
    """``83.2`` -> ``"1 min 23 s"``."""
    seconds = float(seconds)
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return (f"{hours} h " if hours else "") + f"{minutes} min {secs} s"


def _fact_value(key: str, value: object) -> str:
    if key in DURATION_KEYS and isinstance(value, int | float):
        return duration(value)
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _facts(results: list[dict], facts: dict | None) -> list[dict]:
    shown = [{"key": k, "label": FACT_LABELS.get(k, k.replace("_", " ").capitalize()),
              "value": _fact_value(k, v)} for k, v in (facts or {}).items()]
    given = set(facts or {})
    # What the results themselves say, where the caller did not: which isolation and which
    # suites graded them (more than one means the gradebook mixes runs).
    for key, label in (("isolation", "Isolation layers"), ("suite_hash", "Hidden suites")):
        if key not in given:
            seen = sorted({str(r.get(key, "")) for r in results if r.get(key)})
            if seen:
                shown.append({"key": key, "label": label + " (from the results)",
                              "value": ", ".join(seen)})
    return shown


def class_model(results: list[dict], titles: dict[str, str], *, facts: dict | None = None,
                similarity: dict | None = None) -> dict:
    """Everything the report shows, as plain data (the template only lays it out)."""
    tasks = task_order(results)
    exercises = exercise_order(tasks)
    scores = [r["score"] for r in results]
    top = max([r["max_score"] for r in results] + [0.0])
    totals: Counter = Counter()
    for r in results:
        totals.update(status_counts(r))
    stats = {
        "students": len(results),
        "mean": statistics.fmean(scores) if scores else 0.0,
        "median": statistics.median(scores) if scores else 0.0,
        "min": min(scores, default=0.0), "max": max(scores, default=0.0), "top": top,
        "full_marks": sum(1 for r in results if r["max_score"] and r["score"] >= r["max_score"]),
        "with_problems": sum(1 for r in results if r["problems"]),
        "with_faults": sum(1 for r in results if status_counts(r)["grader fault"]),
        "task_counts": {s: totals[s] for s in STATUS_ORDER},
    }
    return {"stats": stats, "facts": _facts(results, facts),
            "histogram": histogram(scores, top),
            "students": _students(results, tasks, exercises),
            "tasks": _tasks(results, tasks, titles), "exercises": exercises,
            "statuses": [(s, STATUS_MEANING[s]) for s in STATUS_ORDER],
            "similarity": similarity}


def render_class_report(results: list[dict], titles: dict[str, str], *,
                        facts: dict | None = None, similarity: dict | None = None) -> str:
    """The report page as a string (see :func:`write_class_report`)."""
    model = class_model(results, titles, facts=facts, similarity=similarity)
    return environment().get_template("report.html").render(m=model)


def write_class_report(results: list[dict], out: Path, titles: dict[str, str], *,
                       facts: dict | None = None, similarity: dict | None = None) -> Path:
    """Write ``out/report.html``, one self-contained page; return its path.

    Args:
        results: the judge's result dicts, one per student.
        out: the output folder; the students' feedback pages are linked as
            ``feedback/<slug>.html`` inside it
            (:func:`grader.grading.feedback.write_student_outputs`).
        titles: task ID -> task title.
        facts: the run's facts to show, in order, e.g. ``{"isolation": ..., "suite_hash":
            ..., "date": ..., "grader_version": ..., "elapsed": seconds}``; any key is shown.
        similarity: the result of :func:`grader.grading.similarity.similarity_report`, or None.
    """
    path = Path(out) / "report.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_class_report(results, titles, facts=facts, similarity=similarity),
                    "utf-8")
    return path
