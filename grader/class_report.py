"""Class-level outputs: the CSV gradebook export, the terminal summary, the report with plots."""

from __future__ import annotations

import csv
import html
from pathlib import Path


def task_order(results: list[dict]) -> list[str]:
    """Every task seen in any result, in numeric order (1.2 before 1.10)."""
    seen = {t for r in results for t in r["tasks"]}
    return sorted(seen, key=lambda s: tuple(int(p) for p in s.split(".") if p.isdigit()))


def write_csv(results: list[dict], path: Path) -> None:
    """One row per student, one column per task, then total, max and problems."""
    tasks = task_order(results)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", *tasks, "total", "max", "problems"])
        for r in results:
            w.writerow([r["student"],
                        *[f"{r['tasks'][t]['score']:g}" if t in r["tasks"] else "" for t in tasks],
                        f"{r['score']:g}", f"{r['max_score']:g}", " | ".join(r["problems"])])


def summary_table(results: list[dict]) -> str:
    """A plain-text table for the terminal: student, score, and what went wrong at a glance."""
    width = max([len(r["student"]) for r in results] + [7])
    lines = [f"{'student':<{width}}  {'score':>11}  notes", "-" * (width + 30)]
    for r in results:
        counts: dict[str, int] = {}
        for t in r["tasks"].values():
            counts[t["status"]] = counts.get(t["status"], 0) + 1
        notes = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()) if s != "passed")
        if r["problems"]:
            notes = (notes + "; " if notes else "") + f"{len(r['problems'])} file problem(s)"
        lines.append(f"{r['student']:<{width}}  {r['score']:>5g} / {r['max_score']:<3g}  "
                     f"{notes or 'all passed'}")
    return "\n".join(lines)


def _task_fractions(results: list[dict], tasks: list[str]) -> list[list[float]]:
    out = []
    for t in tasks:
        fr = [r["tasks"][t]["score"] / r["tasks"][t]["max_score"]
              for r in results if t in r["tasks"] and r["tasks"][t]["max_score"]]
        out.append(fr)
    return out


def write_class_report(results: list[dict], out: Path, titles: dict[str, str]) -> Path:
    """``report.html`` with two plots: score distribution per task, and the hardest tasks."""
    from matplotlib.figure import Figure

    tasks = task_order(results)
    fractions = _task_fractions(results, tasks)
    means = [sum(f) / len(f) if f else 0.0 for f in fractions]

    fig = Figure(figsize=(max(6, 0.35 * len(tasks)), 4), layout="constrained")
    ax = fig.add_subplot()
    ax.boxplot([f or [0.0] for f in fractions], tick_labels=tasks)
    ax.set_ylabel("fraction of points")
    ax.set_title(f"Score distribution per task ({len(results)} students)")
    ax.tick_params(axis="x", rotation=90)
    fig.savefig(out / "score_distribution.png", dpi=100)

    hardest = sorted(range(len(tasks)), key=lambda i: means[i])[:10]
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    ax.barh([f"Task {tasks[i]}" for i in hardest][::-1], [means[i] for i in hardest][::-1])
    ax.set_xlim(0, 1)
    ax.set_xlabel("mean fraction of points")
    ax.set_title("Hardest tasks")
    fig.savefig(out / "hardest_tasks.png", dpi=100)

    e = html.escape
    rows = "".join(f"<tr><td>{e(t)}</td><td>{e(titles.get(t, ''))}</td><td>{m:.0%}</td></tr>"
                   for t, m in zip(tasks, means, strict=True))
    page = ("<!doctype html><html><head><meta charset='utf-8'><title>Class report</title>"
            "</head><body style='font-family:sans-serif'><h1>Class report</h1>"
            f"<p>{len(results)} students.</p>"
            "<img src='score_distribution.png' alt='score distribution per task'>"
            "<img src='hardest_tasks.png' alt='hardest tasks'>"
            "<table><tr><th>task</th><th>title</th><th>mean score</th></tr>"
            f"{rows}</table></body></html>")
    path = out / "report.html"
    path.write_text(page, "utf-8")
    return path
