"""Every exercise runs top to bottom in a real Jupyter kernel ("Run All"): the solutions
drawing every figure, the untouched stubs without an error, each unfinished demo saying which
task it waits for. Run as a script without a display, a figure is saved to a file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.course.tasks import exercise_files

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_FILES = exercise_files(ROOT / "solutions")
EXERCISE_FILES = exercise_files(ROOT / "exercises")
CELL_TIMEOUT = 600

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not SOLUTION_FILES, reason="no solution files yet")]


def _execute(path: Path, workdir: Path):
    import jupytext
    from nbclient import NotebookClient

    notebook = jupytext.reads(path.read_text(encoding="utf-8"), fmt="py:percent")
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return notebook


@pytest.mark.parametrize("solution", SOLUTION_FILES, ids=[p.stem for p in SOLUTION_FILES])
def test_solution_notebook_runs_and_draws(solution, tmp_path, monkeypatch):
    """Does the solution run as a notebook without error and show at least one PNG figure?"""
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's default: inline figures
    notebook = _execute(solution, tmp_path)
    outputs = [out for cell in notebook.cells if cell.cell_type == "code"
               for out in cell.get("outputs", [])]
    errors = [out for out in outputs if out.get("output_type") == "error"]
    assert errors == []
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    shows = solution.read_text(encoding="utf-8").count('show("ex')
    assert shows and len(images) == shows, f"{solution.name}: {len(images)} of {shows} figures"
    assert notebook.cells[0].cell_type == "markdown"  # each exercise opens with its title


@pytest.mark.parametrize("exercise", EXERCISE_FILES, ids=[p.stem for p in EXERCISE_FILES])
def test_untouched_notebook_runs_all_to_the_end(exercise, tmp_path, monkeypatch):
    """On the untouched stubs, does Run All reach the last cell without an error, each demo
    that needs an unfinished task printing 'Task N.M not done yet: ...'?"""
    monkeypatch.delenv("MPLBACKEND", raising=False)
    notebook = _execute(exercise, tmp_path)
    outputs = [out for cell in notebook.cells if cell.cell_type == "code"
               for out in cell.get("outputs", [])]
    assert [out for out in outputs if out.get("output_type") == "error"] == []
    said = "".join(out.get("text", "") for out in outputs if out.get("output_type") == "stream")
    waiting = re.findall(r"^Task \d+\.\d+ not done yet: this (?:picture|demo) appears when "
                         r"it is\.$", said, flags=re.M)
    assert waiting, said
    assert "Traceback" not in said


def test_a_script_without_a_display_saves_its_figures(tmp_path):
    """Run as `python ex02_determinants.py` with no display (Agg), is each figure saved as a
    PNG file with a one-line notice?"""
    solution = ROOT / "solutions" / "ex02_determinants.py"
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"} | {"MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, str(solution)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "(no display here: the figure is saved as ex02_figure_1.png)" in done.stdout
    assert (tmp_path / "ex02_figure_1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
