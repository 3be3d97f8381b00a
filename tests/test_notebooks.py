"""Every solution, opened as a notebook (jupytext), runs top to bottom in a real Jupyter kernel
and draws its pictures."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.tasks import exercise_files

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_FILES = exercise_files(ROOT / "solutions")
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
    assert images, f"{solution.name}: no figure was drawn"
    assert notebook.cells[0].cell_type == "markdown"  # each exercise opens with its title
