"""The build: solution regions become stubs naming their task; marker errors name file and line."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from grader.cli import main
from grader.course.build import BuildFailed, build_tree, convert, stub_message
from grader.course.tasks import find_repo_root, parse_tasks

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
SOLUTION_FILES = sorted(SOLUTIONS.glob("ex[0-9][0-9]_*.py"))

FIXTURE = '''\
# %% [markdown]
# # Exercise 9: a fixture

# %% [markdown]
# ### Task 9.1 (2 points): Add two "numbers"


# %%
def add(a, b):
    r"""Return a + b."""
    # BEGIN SOLUTION
    total = a + b
    return total
    # END SOLUTION


# %% [markdown]
# ## Task 9.2 (1 point): A class with a method


# %%
class Box:
    def __init__(self, value):
        self.value = value

    def double(self):
        """Twice the value."""
        # BEGIN SOLUTION
        return 2 * self.value
        # END SOLUTION


RATE = 0.5  # SOLUTION


def scaled(x):
    return x * 3  # SOLUTION


if __name__ == "__main__":
    print(add(1, 2))
'''


def _stub(task: str, title: str, indent: str) -> str:
    message = f"Task {task}: {title} - not started yet. Replace this line with your code."
    return f"{indent}raise NotImplementedError({message!r})".replace("'", '"')


def test_regions_become_stubs_naming_their_task():
    """Does each region become one raise line, at the BEGIN line's indentation, naming its task?"""
    out = convert(FIXTURE, "ex09_fixture.py").text
    assert "total = a + b" not in out and "2 * self.value" not in out
    assert "# BEGIN SOLUTION" not in out and "# END SOLUTION" not in out
    assert ('    raise NotImplementedError("Task 9.1: Add two \\"numbers\\" - not started yet. '
            'Replace this line with your code.")\n') in out
    assert _stub("9.2", "A class with a method", " " * 8) + "\n" in out
    assert '    r"""Return a + b."""\n' in out  # the docstring stays
    assert "RATE = ...  # YOUR CODE HERE (Task 9.2)\n" in out
    assert '    raise NotImplementedError("Task 9.2: A class' in out.split("def scaled")[1]


def test_text_outside_regions_is_kept_byte_for_byte():
    """Is every line outside a region copied unchanged, CRLF line endings included?"""
    crlf = FIXTURE.replace("\n", "\r\n")
    out = convert(crlf, "ex09_fixture.py").text
    assert "\r\n" in out and "\n" not in out.replace("\r\n", "")
    kept = [line for line in FIXTURE.splitlines() if "SOLUTION" not in line]
    region_body = {"    total = a + b", "    return total", "        return 2 * self.value"}
    for line in kept:
        if line not in region_body:
            assert line in out.splitlines()


def test_explicit_task_on_begin_overrides_the_header_above():
    """Does '# BEGIN SOLUTION 9.1' give the region to Task 9.1 even below Task 9.2's header?"""
    text = FIXTURE.replace("    def double(self):\n        \"\"\"Twice the value.\"\"\"\n"
                           "        # BEGIN SOLUTION\n",
                           "    def double(self):\n        \"\"\"Twice the value.\"\"\"\n"
                           "        # BEGIN SOLUTION 9.1\n")
    conv = convert(text, "ex09_fixture.py")
    assert ("9.1", 28, 30) in conv.regions
    assert '        raise NotImplementedError("Task 9.1: Add two \\"numbers\\"' in conv.text


def test_built_stub_raises_its_task_when_called(tmp_path):
    """Does calling a built stub raise NotImplementedError whose message starts 'Task 9.1:'?"""
    path = tmp_path / "ex09_fixture.py"
    path.write_text(convert(FIXTURE, path.name).text)
    spec = importlib.util.spec_from_file_location("ex09_fixture_built", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(NotImplementedError, match=r"^Task 9\.1: Add two"):
        module.add(1, 2)
    with pytest.raises(NotImplementedError, match=r"^Task 9\.2: "):
        module.Box(3).double()
    assert module.RATE is Ellipsis


def test_tasks_are_parsed_with_points_and_titles():
    """Are the task headers read as (id, points, title), 'point' and 'points' alike?"""
    tasks = parse_tasks(FIXTURE, "ex09_fixture")
    assert [(t.id, t.points, t.title, t.line) for t in tasks] == [
        ("9.1", 2, 'Add two "numbers"', 5), ("9.2", 1, "A class with a method", 18)]
    assert tasks[0].marker == "task_9_1"
    assert stub_message(tasks[1]).startswith("Task 9.2: A class with a method - not started")


HEADER = "# ### Task 9.1 (1 point): T\n"
ERROR_CASES = {
    "nested": (HEADER + "def f():\n    # BEGIN SOLUTION\n    # BEGIN SOLUTION\n"
               "    return 1\n    # END SOLUTION\n", 4, "nested"),
    "unterminated": (HEADER + "def f():\n    # BEGIN SOLUTION\n    return 1\n", 3,
                     "unterminated"),
    "end without begin": (HEADER + "def f():\n    return 1\n    # END SOLUTION\n", 4,
                          "END SOLUTION without a matching BEGIN"),
    "region without header": ("def f():\n    # BEGIN SOLUTION\n    return 1\n"
                              "    # END SOLUTION\n", 2, "no task header above"),
    "task without region": (HEADER + "def f():\n    return 1\n", 1, "has no solution region"),
    "duplicate task": (HEADER + "def f():\n    # BEGIN SOLUTION\n    return 1\n"
                       "    # END SOLUTION\n" + HEADER, 6, "declared twice"),
    "malformed header": ("# ### Task 9.1 (1 pts): T\n", 1, "malformed task header"),
    "wrong exercise number": ("# ### Task 3.1 (1 point): T\ndef f():\n    # BEGIN SOLUTION\n"
                              "    return 1\n    # END SOLUTION\n", 1, "exercise 09"),
    "explicit unknown task": (HEADER + "def f():\n    # BEGIN SOLUTION 9.7\n    return 1\n"
                              "    # END SOLUTION\n", 3, "Task 9.7, which is not declared"),
    "marker not alone": (HEADER + "def f():\n    x = 1  # BEGIN SOLUTION\n    return x\n",
                         3, "malformed solution marker"),
    "one-line form inside region": (HEADER + "def f():\n    # BEGIN SOLUTION\n"
                                    "    x = 1  # SOLUTION\n    # END SOLUTION\n", 4,
                                    "inside the region"),
}


@pytest.mark.parametrize("case", list(ERROR_CASES), ids=list(ERROR_CASES))
def test_marker_grammar_errors_name_file_and_line(case):
    """Is each marker grammar error reported with the file name, the right line and a reason?"""
    text, line, words = ERROR_CASES[case]
    with pytest.raises(BuildFailed) as info:
        convert(text, "solutions/ex09_fixture.py")
    messages = [str(e) for e in info.value.errors]
    assert any(m.startswith(f"solutions/ex09_fixture.py:{line}: ") and words in m
               for m in messages), messages


def _write_tree(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path]:
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    exercises.mkdir()
    for name, text in files.items():
        (solutions / name).write_text(text)
    return solutions, exercises


def test_cli_build_writes_only_exercise_files(tmp_path, capsys):
    """Does `mlmath build` write exNN files, leave hand-written files alone, and skip others?"""
    solutions, exercises = _write_tree(tmp_path, {"ex09_fixture.py": FIXTURE,
                                                  "helper.py": "x = 1  # SOLUTION\n"})
    (exercises / "test_ex09_fixture.py").write_text("# hand-written\n")
    args = ["build", "--solutions", str(solutions), "--exercises", str(exercises)]
    assert main(args) == 0
    assert sorted(p.name for p in exercises.iterdir()) == ["ex09_fixture.py",
                                                           "test_ex09_fixture.py"]
    assert (exercises / "test_ex09_fixture.py").read_text() == "# hand-written\n"
    assert (exercises / "ex09_fixture.py").read_text() == convert(FIXTURE, "x").text
    assert "1 file(s) changed" in capsys.readouterr().out
    assert main(args) == 0
    assert "0 file(s) changed" in capsys.readouterr().out


def test_cli_build_error_exits_2_and_writes_nothing(tmp_path, capsys):
    """Does a marker error in one file exit 2, name file:line, and leave every output unwritten?"""
    broken = HEADER + "def f():\n    # BEGIN SOLUTION\n    return 1\n"
    solutions, exercises = _write_tree(tmp_path, {"ex09_fixture.py": FIXTURE,
                                                  "ex10_broken.py": broken.replace("9.1", "10.1")})
    (exercises / "ex09_fixture.py").write_text("old\n")
    code = main(["build", "--solutions", str(solutions), "--exercises", str(exercises)])
    err = capsys.readouterr().err
    assert code == 2
    assert re.search(r"ex10_broken\.py:3: unterminated solution region", err), err
    assert "nothing was written" in err
    assert (exercises / "ex09_fixture.py").read_text() == "old\n"
    assert sorted(p.name for p in exercises.iterdir()) == ["ex09_fixture.py"]


def test_cli_build_check_detects_out_of_date(tmp_path, capsys):
    """Does `mlmath build --check` exit 1 when exercises/ is stale and 0 once rebuilt?"""
    solutions, exercises = _write_tree(tmp_path, {"ex09_fixture.py": FIXTURE})
    args = ["--solutions", str(solutions), "--exercises", str(exercises)]
    assert main(["build", "--check", *args]) == 1
    assert not (exercises / "ex09_fixture.py").exists()
    assert main(["build", *args]) == 0
    assert main(["build", "--check", *args]) == 0
    (solutions / "ex09_fixture.py").write_text(FIXTURE.replace("Add two", "Add 2"))
    assert main(["build", "--check", *args]) == 1
    assert "out of date" in capsys.readouterr().out


def test_cli_usage_error_exits_2(capsys):
    """Does an unknown option give argparse's usage error, exit status 2?"""
    assert main(["build", "--no-such-option"]) == 2
    assert main([]) == 2


def test_repo_root_is_found_from_a_subfolder_and_from_the_package():
    """Is the repository root found from tests/ and, elsewhere, from the package location?"""
    assert find_repo_root(ROOT / "tests") == ROOT
    assert find_repo_root(Path("/")) == ROOT


def test_python_dash_m_grader_runs():
    """Does `python -m grader build --help` work (the __main__ module)?"""
    import subprocess

    done = subprocess.run([sys.executable, "-m", "grader", "build", "--help"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "--release" in done.stdout


# ----------------------------------------------------------------- the real course files


@pytest.mark.skipif(not SOLUTION_FILES, reason="no solution files yet")
@pytest.mark.parametrize("solution", SOLUTION_FILES, ids=[p.stem for p in SOLUTION_FILES])
def test_committed_exercise_is_the_build_of_its_solution(solution):
    """Does building solutions/ reproduce the committed exercises/ file byte for byte?"""
    built = build_tree(SOLUTIONS)[solution.name].text.encode("utf-8")
    committed = EXERCISES / solution.name
    assert committed.is_file(), f"{committed} is missing: run `mlmath build`"
    assert committed.read_bytes() == built, f"{committed} is out of date: run `mlmath build`"


@pytest.mark.skipif(not SOLUTION_FILES, reason="no solution files yet")
def test_every_committed_exercise_has_a_solution():
    """Is every exNN file in exercises/ generated from a solution (no orphans)?"""
    names = {p.name for p in SOLUTION_FILES}
    orphans = [p.name for p in EXERCISES.glob("ex[0-9][0-9]_*.py") if p.name not in names]
    assert orphans == []


def test_reveal_keeps_the_revealed_tasks_solution_only():
    """With reveal={'1.1'}, does Task 1.1's region (block and one-line forms) keep its code
    without the markers, while Task 1.2 is still stubbed?"""
    text = (
        "# ### Task 1.1 (1 point): One\n"
        "def one():\n"
        "    # BEGIN SOLUTION\n"
        "    return 1\n"
        "    # END SOLUTION\n"
        "rate = 0.5  # SOLUTION\n"
        "# ### Task 1.2 (1 point): Two\n"
        "def two():\n"
        "    # BEGIN SOLUTION\n"
        "    return 2\n"
        "    # END SOLUTION\n"
    )
    conv = convert(text, "ex01_x.py", frozenset({"1.1"}))
    assert "    return 1\n" in conv.text and "rate = 0.5\n" in conv.text
    assert "SOLUTION" not in conv.text
    assert 'raise NotImplementedError("Task 1.2: Two' in conv.text
    assert "return 2" not in conv.text
