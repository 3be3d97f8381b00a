"""nbgrader for real (grader/integrations/nbgrader_*.py).

The course is exported from the exercises, released by the real `nbgrader
generate_assignment`, filled in by learners (complete, partial, a syntax error and a scratch
cell that raises, untouched, late, tampering with locked cells), read from nbgrader's
`submitted/` tree, graded in mlmath's sandbox, written back into nbgrader's gradebook and
`autograded/`, and then `nbgrader export` and `nbgrader generate_feedback` are run on it
unchanged. The first tests need only nbformat and jupytext; those needing nbgrader skip
with a reason when it is not installed (`pip install -e '.[nbgrader]'`).
"""

from __future__ import annotations

import ast
import copy
import csv
import importlib.util
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from grader.course.build import BEGIN, END
from grader.course.tasks import exercise_files, read_tasks
from grader.integrations.nbgrader_course import (
    CONFIG_FILE,
    COURSE_FILE,
    ExportError,
    assignment_exercises,
    exercise_notebook,
    export_course,
    nbgrader_regions,
)
from grader.integrations.nbgrader_submissions import course_submissions, discover_course

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
SUITES = ROOT / "grader" / "suites"
GRADED = ["ex02_determinants", "ex03_inner_products"]
ASSIGNMENT = "ps1"
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]  # nbgrader's, for Python
DUE = "2024-03-01 12:00:00 UTC"
ON_TIME = "2024-03-01 10:00:00.000000 UTC"
LATE = "2024-03-02 10:00:00.000000 UTC"
HAVE_NBGRADER = importlib.util.find_spec("nbgrader") is not None
needs_nbgrader = pytest.mark.skipif(
    not HAVE_NBGRADER, reason="nbgrader is not installed (pip install -e '.[nbgrader]')")


def nbgrader_meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def source(cell: dict) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def clear_regions(code: str) -> str:
    """What nbgrader's ClearSolutions does to one cell: each region becomes its stub."""
    out, inside = [], False
    for line in code.split("\n"):
        if "BEGIN SOLUTION" in line:
            indent = re.match(r"\s*", line).group(0)
            out += [indent + s for s in STUB]
            inside = True
        elif "END SOLUTION" in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


# --------------------------------------------------------------------------- the export


@pytest.mark.parametrize("solution", exercise_files(SOLUTIONS), ids=lambda p: p.stem)
def test_every_exercise_becomes_an_nbgrader_notebook(solution):
    """Is every solution region inside a solution cell with nbgrader's markers, every other
    cell locked, and one autograded test cell per task worth exactly its points?"""
    exported = exercise_notebook(solution.read_text("utf-8"), solution)
    cells = exported.notebook["cells"]
    ids = [c["id"] for c in cells]
    assert len(ids) == len(set(ids)) and ids == [nbgrader_meta(c)["grade_id"] for c in cells]
    tasks = {t.id: t for t in read_tasks(SOLUTIONS) if t.exercise == solution.stem}
    task_of = {meta["grade_id"]: task for task, meta in exported.tasks.items()}
    tests = [c for c in cells if nbgrader_meta(c)["grade"]]
    assert sorted(exported.tasks) == sorted(tasks)
    assert [nbgrader_meta(c)["points"] for c in tests] == [tasks[t].points for t in
                                                           sorted(tasks, key=lambda t:
                                                                  tasks[t].key)]
    for cell in cells:
        meta, code = nbgrader_meta(cell), source(cell)
        assert meta["schema_version"] == 3
        if meta["solution"]:
            assert not meta["locked"] and "### BEGIN SOLUTION" in code
            assert not any(BEGIN.match(ln) and not ln.lstrip().startswith("###")
                           for ln in code.split("\n"))
            ast.parse(clear_regions(code))  # nbgrader's stub leaves valid Python
        else:
            assert meta["locked"] and "SOLUTION" not in code
        if meta["grade"]:
            task = task_of[meta["grade_id"]]
            assert code.endswith(f'check_task("{task}", "{solution.stem}", globals())')


@pytest.mark.parametrize("solution", exercise_files(SOLUTIONS), ids=lambda p: p.stem)
def test_the_notebook_holds_the_same_code_as_the_solution_file(solution):
    """Without its test cells and region markers, is the notebook's code the solution
    file's code, cell for cell (nothing lost, nothing added)?"""
    import jupytext

    text = solution.read_text("utf-8")
    exported = exercise_notebook(text, solution)

    def plain(code: str) -> str:
        return "\n".join(ln for ln in code.split("\n") if not (BEGIN.match(ln) or END.match(ln)))

    ours = [plain(source(c)) for c in exported.notebook["cells"]
            if not nbgrader_meta(c)["grade"]]
    theirs = [plain(c.source) for c in jupytext.reads(text, fmt="py:percent").cells]
    assert ours == theirs


def test_one_line_solutions_and_task_ids_become_nbgrader_regions():
    """Does `x = 1  # SOLUTION` become a region of its own, and `# BEGIN SOLUTION 1.3` plain
    `### BEGIN SOLUTION`, indentation kept?"""
    code = "def f():\n    rate = 0.1  # SOLUTION\n    # BEGIN SOLUTION 1.3\n    return rate\n" \
           "    # END SOLUTION"
    assert nbgrader_regions(code).split("\n") == [
        "def f():", "    ### BEGIN SOLUTION", "    rate = 0.1", "    ### END SOLUTION",
        "    ### BEGIN SOLUTION", "    return rate", "    ### END SOLUTION"]


def _tiny_course_sources(tmp_path: Path, test_signature: str = "") -> tuple[Path, Path]:
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    exercises.mkdir()
    (solutions / "ex09_twice.py").write_text(
        "# %% [markdown]\n# # Exercise 9\n#\n# ### Task 9.1 (2 points): Twice\n\n"
        "# %%\ndef twice(x):\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION\n")
    (exercises / "test_ex09_twice.py").write_text(
        "import ex09_twice as ex\nimport pytest\n\n\n@pytest.mark.task_9_1\n"
        f"def test_twice({test_signature}):\n    assert ex.twice(2) == 4\n")
    (exercises / "_feedback.py").write_text("")
    return solutions, exercises


def test_export_refuses_a_public_test_a_notebook_cannot_run(tmp_path):
    """Is a public test that needs a pytest fixture other than tmp_path refused at export,
    naming the test, with nothing written?"""
    solutions, exercises = _tiny_course_sources(tmp_path, "monkeypatch")
    with pytest.raises(ExportError, match=r"test_ex09_twice\.py::test_twice needs the pytest "
                                          r"fixture"):
        export_course(tmp_path / "course", assignment=ASSIGNMENT, exercises=[],
                      solutions_dir=solutions, exercises_dir=exercises)
    assert not (tmp_path / "course").exists()


def test_reexport_keeps_the_instructors_config_and_drops_a_removed_exercise(tmp_path):
    """Is nbgrader_config.py written once and never overwritten, and does exporting an
    assignment again with fewer exercises remove the notebook that left it?"""
    course = tmp_path / "course"
    export_course(course, assignment=ASSIGNMENT, exercises=["ex02", "3"],
                  solutions_dir=SOLUTIONS, exercises_dir=EXERCISES)
    config = course / CONFIG_FILE
    assert "c.CourseDirectory.course_id = 'course'" in config.read_text()
    config.write_text(config.read_text() + "c.Exchange.root = '/srv/exchange'\n")
    mine = config.read_text()
    export_course(course, assignment=ASSIGNMENT, exercises=["ex02_determinants"],
                  solutions_dir=SOLUTIONS, exercises_dir=EXERCISES)
    assert config.read_text() == mine
    source = course / "source" / ASSIGNMENT
    assert (source / "ex02_determinants.ipynb").is_file()
    assert not (source / "ex03_inner_products.ipynb").exists()
    assert not (source / "test_ex03_inner_products.py").exists()
    assert assignment_exercises(course, ASSIGNMENT) == ["ex02_determinants"]
    course_map = json.loads((course / COURSE_FILE).read_text())
    tasks = course_map["assignments"][ASSIGNMENT]["notebooks"]["ex02_determinants"]["tasks"]
    assert tasks["2.1"] == {"grade_id": "ex02-task_2_1-tests", "points": 1,
                            "title": "The 3x3 determinant"}


HELPER_RUN = r"""
import sys
if sys.argv[4] == "bare":
    sys.modules["pytest"] = None  # pytest is not installed in this kernel
sys.path.insert(0, sys.argv[1])
from mlmath_public import PublicTestsFailed, check_task

def namespace(path, edit=None):
    code = open(path, encoding="utf-8").read()
    ns = {"__name__": "__main__"}
    exec(compile(edit(code) if edit else code, path, "exec"), ns)
    return ns

solution, stubs = sys.argv[2], sys.argv[3]
check_task("2.1", "ex02_determinants", namespace(solution))
check_task("2.2", "ex02_determinants", namespace(solution))  # parametrized tests
for ns, task in ((namespace(stubs), "2.1"),):
    try:
        check_task(task, "ex02_determinants", ns)
    except NotImplementedError as err:
        print("NOT STARTED:", err)
wrong = namespace(solution, lambda c: c.replace("- b * (d * i - f * g)", "+ b * (d * i - f * g)"))
try:
    check_task("2.1", "ex02_determinants", wrong)
except PublicTestsFailed as err:
    print("FAILED:", err)
"""


def test_the_public_test_helper_runs_a_task_without_pytest(tmp_path):
    """With pytest not importable (a bare kernel) exactly as with it, does check_task run a
    task's public tests, every parametrized case included, report "public tests passed",
    raise NotImplementedError for stubs and PublicTestsFailed with the friendly message for a
    sign slip?"""
    course = tmp_path / "course"
    export_course(course, assignment=ASSIGNMENT, exercises=["ex02"], solutions_dir=SOLUTIONS,
                  exercises_dir=EXERCISES)
    script = tmp_path / "run.py"
    script.write_text(HELPER_RUN)
    outputs = {}
    for kernel in ("bare", "with pytest"):
        proc = subprocess.run([sys.executable, str(script), str(course / "source" / ASSIGNMENT),
                               str(SOLUTIONS / "ex02_determinants.py"),
                               str(EXERCISES / "ex02_determinants.py"), kernel],
                              capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        outputs[kernel] = proc.stdout
    out = outputs["bare"]
    assert out == outputs["with pytest"]
    assert re.search(r"Task 2\.1: public tests passed \((\d+) of \1\)", out)
    laplace = re.search(r"Task 2\.2: public tests passed \((\d+) of \1\)", out)
    assert laplace and int(laplace.group(1)) >= 6  # four parametrized cases and two more
    assert "NOT STARTED: Task 2.1: " in out
    assert "FAILED: Task 2.1: " in out and "Task 2.1 det_3x3: a fixed matrix." in out
    assert "all tests passed" not in out.lower()


PARAM_TESTS = """\
import ex09_twice as ex
import pytest


@pytest.mark.parametrize("task", [pytest.param(t, marks=getattr(pytest.mark, "task_" + t))
                                  for t in ("9_1", "9_2")])
def test_per_task_case(task):
    assert ex.twice(1) == 2 if task == "9_1" else ex.half(4) == 2


@pytest.mark.task_9_2
@pytest.mark.parametrize("x, y", [(2, 1), pytest.param(6, 3, id="six")])
def test_half(x, y, tmp_path):
    assert tmp_path.is_dir() and ex.half(x) == y
"""

PARAM_RUN = r"""
import sys
if sys.argv[2] == "bare":
    sys.modules["pytest"] = None
sys.path.insert(0, sys.argv[1])
from mlmath_public import check_task

def twice(x):
    return 2 * x

def half(x):
    raise NotImplementedError("Task 9.2: not started")

check_task("9.1", "ex09_twice", dict(globals()))
try:
    check_task("9.2", "ex09_twice", dict(globals()))
except NotImplementedError as err:
    print("NOT STARTED:", err)
"""


@pytest.mark.parametrize("kernel", ["bare", "with pytest"])
def test_cases_marked_by_pytest_param_belong_to_their_task(tmp_path, kernel):
    """With and without pytest in the kernel, is a parametrize case marked by
    pytest.param(..., marks=task_9_2) run for Task 9.2 only, ids and tmp_path given?"""
    from grader.integrations.nbgrader_course import HELPER, TEMPLATES

    (tmp_path / HELPER).write_bytes((TEMPLATES / HELPER).read_bytes())
    (tmp_path / "test_ex09_twice.py").write_text(PARAM_TESTS)
    (tmp_path / "run.py").write_text(PARAM_RUN)
    proc = subprocess.run([sys.executable, "run.py", str(tmp_path), kernel], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Task 9.1: public tests passed (1 of 1)" in proc.stdout
    assert "NOT STARTED: test_half[six]" in proc.stdout
    assert "NOT STARTED: Task 9.2: not started yet" in proc.stdout


# --------------------------------------------------------------------------- reading a course
# These build the release by copying source/ (only locked cells matter here), so they run
# without nbgrader.


def learner_notebook(course: Path, module: str, solved=lambda task: True) -> dict:
    """The released notebook, with the solution cells of the tasks ``solved`` accepts filled
    in from the course's source (markers removed), as a learner's Jupyter saves it."""
    release = json.loads((course / "release" / ASSIGNMENT / f"{module}.ipynb").read_text())
    answers = {}
    for cell in json.loads((course / "source" / ASSIGNMENT / f"{module}.ipynb").read_text()
                           )["cells"]:
        if nbgrader_meta(cell)["solution"]:
            answers[nbgrader_meta(cell)["grade_id"]] = "\n".join(
                ln for ln in source(cell).split("\n") if "SOLUTION" not in ln)
    for cell in release["cells"]:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in answers and solved(grade_id.split("-")[1]):
            cell["source"] = answers[grade_id]
        if cell["cell_type"] == "code":  # learners hand in what their kernel printed
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "42\n"}]
    return release


def hand_in(course: Path, student: str, notebooks: dict[str, dict], stamp: str = ON_TIME,
            assignment: str = ASSIGNMENT) -> Path:
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for module, nb in notebooks.items():
        (folder / f"{module}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (folder / "timestamp.txt").write_text(stamp)
    return folder


def cell_index(nb: dict, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb["cells"]) if nbgrader_meta(c).get("grade_id")
                == grade_id)


@pytest.fixture
def course(tmp_path):
    course = tmp_path / "course"
    export_course(course, assignment=ASSIGNMENT, exercises=GRADED, solutions_dir=SOLUTIONS,
                  exercises_dir=EXERCISES)
    shutil.copytree(course / "source" / ASSIGNMENT, course / "release" / ASSIGNMENT)
    return course


def grading_cells(sub, module: str) -> list[dict]:
    return json.loads(sub.notebooks[f"{module}.ipynb"])["cells"]


def test_locked_cells_come_back_and_test_cells_go(course):
    """Are edited locked cells (given code, prose, a test cell turned into `pass`) restored
    from the release, a cell whose type was changed turned back, test cells and a pasted
    copy of one dropped for grading, and the learner's own cells kept without nbgrader
    metadata they invented?"""
    nb = learner_notebook(course, "ex02_determinants")
    given = cell_index(nb, "ex02-given-02")
    released_given = source(nb["cells"][given])
    nb["cells"][given]["source"] = "def det_2x2(A):\n    return -12345.0\n"
    nb["cells"][cell_index(nb, "ex02-prose-01")]["cell_type"] = "code"
    test = cell_index(nb, "ex02-task_2_1-tests")
    copy_of_test = copy.deepcopy(nb["cells"][test])
    copy_of_test["metadata"] = {}
    nb["cells"][test]["source"] = "pass"
    invented = {"cell_type": "code", "metadata": {"nbgrader": {"grade": True, "points": 99}},
                "source": "helper = 41 + 1", "outputs": [], "execution_count": None}
    nb["cells"][test + 1:test + 1] = [copy_of_test, invented]
    hand_in(course, "kim", {"ex02_determinants": nb})
    [sub] = course_submissions(course, ASSIGNMENT, GRADED)
    cells = grading_cells(sub, "ex02_determinants")
    code = [source(c) for c in cells]
    assert released_given in code and "-12345.0" not in "".join(code)
    assert cells[0]["cell_type"] == "markdown"
    assert not any("check_task" in c for c in code) and "pass" not in code
    own = next(c for c in cells if source(c) == "helper = 41 + 1")
    assert "nbgrader" not in own["metadata"]
    assert all(c.get("outputs", []) == [] for c in cells)
    whole = sub.sanitised["ex02_determinants"]  # what autograded/ will show
    assert source(whole["cells"][cell_index(whole, "ex02-task_2_1-tests")]).startswith(
        "# Task 2.1 (1 point)")


def test_duplicated_ids_keep_the_last_cell_as_nbgrader_does(course):
    """When a learner duplicated a solution cell, does the last copy keep the id (and the
    earlier one become a plain cell), as nbgrader's DeduplicateIds decides?"""
    nb = learner_notebook(course, "ex02_determinants")
    answer = cell_index(nb, "ex02-task_2_1-answer")
    first = copy.deepcopy(nb["cells"][answer])
    first["source"] = "def det_3x3(A):\n    return -1.0\n"
    nb["cells"].insert(answer, first)
    hand_in(course, "lee", {"ex02_determinants": nb})
    [sub] = course_submissions(course, ASSIGNMENT, GRADED)
    cells = sub.sanitised["ex02_determinants"]["cells"]
    assert nbgrader_meta(cells[answer]) == {} and "return -1.0" in source(cells[answer])
    assert nbgrader_meta(cells[answer + 1])["grade_id"] == "ex02-task_2_1-answer"


def test_only_the_graded_assignment_is_read(course):
    """Is ps0/ beside ps1/ never merged in, a student with only ps0/ not listed, and a
    notebook that is not part of the assignment named instead of graded?"""
    hand_in(course, "ada", {"ex02_determinants": learner_notebook(course, "ex02_determinants")})
    old = learner_notebook(course, "ex03_inner_products")
    old["cells"].append({"cell_type": "code", "metadata": {}, "source": "OLD = 'ps0'",
                         "outputs": [], "execution_count": None})
    hand_in(course, "ada", {"ex03_inner_products": old}, assignment="ps0")
    hand_in(course, "bo", {"ex03_inner_products": old}, assignment="ps0")
    (course / "submitted" / "ada" / ASSIGNMENT / "scratch.ipynb").write_text("{}")
    notes: list[str] = []
    subs = course_submissions(course, ASSIGNMENT, GRADED, notes)
    assert [s.student for s in subs] == ["ada"]
    assert list(subs[0].notebooks) == ["ex02_determinants.ipynb"]
    assert "ps0" not in "".join(source(c) for c in grading_cells(subs[0], "ex02_determinants"))
    assert any("scratch.ipynb not graded" in n for n in subs[0].notes)
    assert any("1 student folder(s)" in n and "no ps1/" in n for n in notes)
    assert subs[0].timestamp == ON_TIME


def test_hostile_files_are_named_problems_never_followed(course):
    """Is a notebook that is a link to the instructor's source (with solutions) refused, not
    read; a linked assignment folder or student folder not followed; broken JSON and an old
    notebook format named as problems, the rest of the class read?"""
    folder = hand_in(course, "mo", {"ex03_inner_products":
                                    learner_notebook(course, "ex03_inner_products")})
    (folder / "ex02_determinants.ipynb").symlink_to(
        course / "source" / ASSIGNMENT / "ex02_determinants.ipynb")
    (folder / "timestamp.txt").unlink()
    (folder / "timestamp.txt").symlink_to(course / CONFIG_FILE)
    other = course / "submitted" / "ned"
    other.mkdir(parents=True)
    (other / ASSIGNMENT).symlink_to(folder)
    (course / "submitted" / "oz").symlink_to(folder.parent)
    bad = hand_in(course, "pia", {})
    (bad / "ex02_determinants.ipynb").write_text("{not json")
    (bad / "ex03_inner_products.ipynb").write_text(json.dumps({"nbformat": 3, "cells": []}))
    notes: list[str] = []
    subs = {s.student: s for s in course_submissions(course, ASSIGNMENT, GRADED, notes)}
    assert sorted(subs) == ["mo", "ned", "pia"]
    assert list(subs["mo"].notebooks) == ["ex03_inner_products.ipynb"]
    assert subs["mo"].unreadable == ["ex02_determinants"]
    assert "symbolic link" in subs["mo"].problems[0]
    assert subs["mo"].timestamp is None
    assert subs["ned"].notebooks == {} and "a link is not followed" in subs["ned"].problems[0]
    assert any("oz" in n and "symbolic link" in n for n in notes)
    assert sorted(subs["pia"].unreadable) == GRADED
    assert "not UTF-8 JSON" in " ".join(subs["pia"].problems)
    assert "notebook format 3" in " ".join(subs["pia"].problems)


def test_a_submission_without_the_assignments_notebooks_is_a_problem(course):
    """Is a ps1/ folder holding no notebook of ps1 (a renamed one, only other files) one
    problem for that student, the renamed notebook named as not graded?"""
    folder = hand_in(course, "quy", {})
    (folder / "my_ex02.ipynb").write_text(json.dumps(learner_notebook(course,
                                                                     "ex02_determinants")))
    (folder / "notes.txt").write_text("hello")
    [sub] = course_submissions(course, ASSIGNMENT, GRADED)
    assert sub.notebooks == {}
    assert sub.problems == ["no notebook of ps1 found (expected ex02_determinants.ipynb, "
                            "ex03_inner_products.ipynb)."]
    assert any(n.startswith("my_ex02.ipynb not graded") for n in sub.notes)


def test_what_is_graded_is_the_code_not_the_outputs(course):
    """Does the submission digest (the gradebook's key) ignore outputs and change with the
    code, and does to_submission give the sandbox a module per notebook, a cell with a
    syntax error skipped and named?"""
    nb = learner_notebook(course, "ex02_determinants")
    hand_in(course, "ann", {"ex02_determinants": nb})
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
    hand_in(course, "bea", {"ex02_determinants": nb})
    nb["cells"][cell_index(nb, "ex02-task_2_1-answer")]["source"] = "def det_3x3(A):\n  ret("
    hand_in(course, "cid", {"ex02_determinants": nb})
    subs = {s.student: s for s in course_submissions(course, ASSIGNMENT, GRADED)}
    assert subs["ann"].digest == subs["bea"].digest != subs["cid"].digest
    found = discover_course(course, ASSIGNMENT, GRADED)
    cid = next(s for s in found.submissions if s.student == "cid")
    assert list(cid.files) == ["ex02_determinants.py"] and cid.digest == subs["cid"].digest
    assert b"def det_laplace" in cid.files["ex02_determinants.py"]
    assert any("syntax error" in n for n in cid.notes)


def test_a_course_without_the_assignment_says_what_to_do(course):
    """Are an assignment never exported and one never released refused with the command to
    run, before anything is read?"""
    with pytest.raises(FileNotFoundError, match="mlmath nbgrader export"):
        course_submissions(course, "ps9", GRADED)
    shutil.rmtree(course / "release")
    with pytest.raises(FileNotFoundError, match="nbgrader generate_assignment ps1"):
        course_submissions(course, ASSIGNMENT, GRADED)


# --------------------------------------------------------------------------- the real nbgrader




def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                          capture_output=True, text=True, timeout=600)


def grade_course(course: Path, suites: Path, out: Path) -> subprocess.CompletedProcess:
    """Grade the course and write back through `mlmath grade COURSE --assignment`."""
    return subprocess.run([sys.executable, "-m", "grader", "grade", str(course),
                           "--assignment", ASSIGNMENT, "--suites", str(suites), "--out",
                           str(out), "--jobs", "2"], capture_output=True, text=True,
                          timeout=1200)


def stored_results(out: Path) -> dict[str, dict]:
    db = sqlite3.connect(out / "gradebook.sqlite")
    try:
        return {s: json.loads(r) for s, r in db.execute("SELECT student, result FROM grades")}
    finally:
        db.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course released by nbgrader, handed in by six learners, graded and written back."""
    if not HAVE_NBGRADER:
        pytest.skip("nbgrader is not installed (pip install -e '.[nbgrader]')")
    base = tmp_path_factory.mktemp("nbgrader")
    course = base / "course"
    export_course(course, assignment=ASSIGNMENT, exercises=GRADED, solutions_dir=SOLUTIONS,
                  exercises_dir=EXERCISES)
    with open(course / CONFIG_FILE, "a", encoding="utf-8") as f:
        f.write('c.LateSubmissionPlugin.penalty_method = "zero"\n')
    released = nbgrader(course, "generate_assignment", ASSIGNMENT)
    assert released.returncode == 0, released.stderr[-3000:]
    dated = nbgrader(course, "db", "assignment", "add", ASSIGNMENT, f"--duedate={DUE}")
    assert dated.returncode == 0, dated.stderr[-3000:]
    from grader.integrations.nbgrader_gradebook import check_course

    check_course(course, ASSIGNMENT)  # what `mlmath grade --assignment` checks first

    two = "ex02_determinants"
    everything = {m: learner_notebook(course, m) for m in GRADED}
    hand_in(course, "ada", everything)
    hand_in(course, "ada", {two: learner_notebook(course, two, solved=lambda t: False)},
            assignment="ps0")
    partial = {"task_2_1", "task_2_2", "task_3_1"}
    hand_in(course, "ben", {m: learner_notebook(course, m, solved=partial.__contains__)
                            for m in GRADED})
    broken = copy.deepcopy(everything)
    at = cell_index(broken[two], "ex02-task_2_2-answer")
    broken[two]["cells"][at]["source"] = "def det_laplace(A):\n    return (\n"
    broken[two]["cells"].insert(at + 1, {"cell_type": "code", "metadata": {},
                                         "source": "raise RuntimeError('scratch')",
                                         "outputs": [], "execution_count": None})
    hand_in(course, "cai", broken)
    hand_in(course, "dee", {m: learner_notebook(course, m, solved=lambda t: False)
                            for m in GRADED})
    hand_in(course, "fay", everything, stamp=LATE)
    tampered = copy.deepcopy(everything[two])
    tampered["cells"][cell_index(tampered, "ex02-given-02")]["source"] = \
        "def det_2x2(A):\n    return -12345.0\n"
    tampered["cells"][cell_index(tampered, "ex02-task_2_1-tests")]["source"] = "pass"
    hand_in(course, "gus", {two: tampered})

    suites = base / "suites"
    for module in GRADED:
        shutil.copytree(SUITES / module, suites / module,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(SUITES / "pytest.ini", suites / "pytest.ini")
    out = base / "out"
    proc = grade_course(course, suites, out)
    assert proc.returncode in (0, 1), proc.stdout[-3000:] + proc.stderr[-3000:]
    return course, stored_results(out), proc


def exported_grades(course: Path) -> dict[str, dict]:
    proc = nbgrader(course, "export")
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(course / "grades.csv", newline="", encoding="utf-8") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


@needs_nbgrader
def test_generate_assignment_releases_the_export_unchanged_in_meaning(graded):
    """Does the real `nbgrader generate_assignment` keep every cell, id, lock and point, and
    change solution cells only by putting nbgrader's stub where each region was?"""
    course = graded[0]
    for module in GRADED:
        ours = json.loads((course / "source" / ASSIGNMENT / f"{module}.ipynb").read_text())
        theirs = json.loads((course / "release" / ASSIGNMENT / f"{module}.ipynb").read_text())
        assert [c["id"] for c in theirs["cells"]] == [c["id"] for c in ours["cells"]]
        for mine, released in zip(ours["cells"], theirs["cells"], strict=True):
            for key in ("grade", "solution", "locked", "points", "grade_id"):
                assert nbgrader_meta(released).get(key) == nbgrader_meta(mine).get(key)
            expected = clear_regions(source(mine)) if nbgrader_meta(mine)["solution"] \
                else source(mine)
            assert source(released) == expected
    for name in ("mlmath_public.py", "_feedback.py", "test_ex02_determinants.py"):
        assert (course / "release" / ASSIGNMENT / name).is_file()


@needs_nbgrader
def test_nbgrader_export_gives_every_student_mlmaths_total(graded):
    """Does `nbgrader export` report, for every student, the total mlmath computed (raw
    score), with nbgrader's own late penalty applied to the late submission only?"""
    course, results, _ = graded
    rows = exported_grades(course)
    assert sorted(rows) == sorted(results) == ["ada", "ben", "cai", "dee", "fay", "gus"]
    for student, result in results.items():
        row = rows[student]
        assert float(row["raw_score"]) == pytest.approx(result["score"]), student
        assert float(row["max_score"]) == pytest.approx(result["max_score"]) == 28
        late = student == "fay"
        assert float(row["late_submission_penalty"]) == (result["score"] if late else 0)
        assert float(row["score"]) == (0 if late else pytest.approx(result["score"]))
    assert results["ada"]["score"] == results["fay"]["score"] == 28
    assert all(t["status"] == "not started" for t in results["dee"]["tasks"].values())
    assert 0 < results["ben"]["score"] < results["cai"]["score"] < 28
    assert results["cai"]["tasks"]["2.2"]["status"] == "failed"  # only the broken cell
    assert any("syntax error" in n for n in results["cai"]["notes"])


@needs_nbgrader
def test_locked_cells_and_missing_notebooks_are_graded_as_nbgrader_would(graded):
    """Is gus graded on the released det_2x2 (his edit undone) and his test cell shown as
    released, and does his missing ex03 notebook score zero without manual grading?"""
    from nbgrader.api import Gradebook

    course, results, _ = graded
    assert results["gus"]["score"] == 14  # all of ex02, nothing of ex03
    autograded = course / "autograded" / "gus" / ASSIGNMENT
    nb = json.loads((autograded / "ex02_determinants.ipynb").read_text())
    code = [source(c) for c in nb["cells"]]
    assert "-12345.0" not in "".join(code)
    assert any(c.startswith("# Task 2.1 (1 point): the public tests") for c in code)
    assert not (autograded / "ex03_inner_products.ipynb").exists()
    assert (autograded / "timestamp.txt").read_text() == ON_TIME
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="course") as gb:
        missing = gb.find_submission_notebook("ex03_inner_products", ASSIGNMENT, "gus")
        assert [g.auto_score for g in missing.grades] == [0] * 7
        assert not any(g.needs_manual_grade for g in missing.grades)
        graded_nb = gb.find_submission_notebook("ex02_determinants", ASSIGNMENT, "ada")
        assert all(g.needs_manual_grade is False for g in graded_nb.grades)


@needs_nbgrader
def test_generate_feedback_runs_and_shows_mlmaths_words(graded):
    """Does `nbgrader generate_feedback` succeed on the written-back course, and does cai's
    page show the failed task's learner-safe message and hints beside nbgrader's score?"""
    course = graded[0]
    proc = nbgrader(course, "generate_feedback", ASSIGNMENT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = (course / "feedback" / "cai" / ASSIGNMENT / "ex02_determinants.html").read_text()
    assert "Task 2.2 (Laplace expansion): 0 / 2 points, failed" in page
    assert "hint: " in page and "Score: 12.0 / 14.0" in page


@needs_nbgrader
def test_regrading_updates_in_place_and_keeps_manual_scores(graded, tmp_path):
    """Does writing the same results back again change no row count and no total, and does
    a score a grader set by hand in formgrader survive a regrade?"""
    from nbgrader.api import Gradebook

    from grader.integrations.nbgrader_gradebook import write_back

    course, results, _ = graded
    copy_dir = tmp_path / "course"
    shutil.copytree(course, copy_dir, symlinks=True)
    db = copy_dir / "gradebook.db"

    def counts() -> tuple:
        con = sqlite3.connect(db)
        try:
            return tuple(con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                         for t in ("grade", "comment", "submitted_assignment",
                                   "submitted_notebook", "student"))
        finally:
            con.close()

    before = counts()
    report = write_back(copy_dir, ASSIGNMENT, list(results.values()))
    assert sorted(report.written) == sorted(results) and report.skipped == []
    assert counts() == before
    with Gradebook(f"sqlite:///{db}", course_id="course") as gb:
        gb.find_grade("ex02-task_2_1-tests", "ex02_determinants", ASSIGNMENT,
                      "ben").manual_score = 0.5
        gb.db.commit()
    write_back(copy_dir, ASSIGNMENT, list(results.values()))
    rows = exported_grades(copy_dir)
    assert float(rows["ben"]["raw_score"]) == results["ben"]["score"] - 0.5
    with Gradebook(f"sqlite:///{db}", course_id="course") as gb:
        grade = gb.find_grade("ex02-task_2_1-tests", "ex02_determinants", ASSIGNMENT, "ben")
        assert grade.auto_score == 1 and grade.manual_score == 0.5 and grade.needs_manual_grade


@needs_nbgrader
def test_faults_and_changed_files_are_never_written(graded, tmp_path):
    """Is a result holding a grader fault never written, nor one whose notebook changed
    after it was graded, each named with the reason?"""
    from grader.integrations.nbgrader_gradebook import write_back

    course, results, _ = graded
    copy_dir = tmp_path / "course"
    shutil.copytree(course, copy_dir, symlinks=True)
    faulty = {**results["ada"], "faults": ["suite.py::test raised NameError"]}
    changed = copy_dir / "submitted" / "ben" / ASSIGNMENT / "ex02_determinants.ipynb"
    nb = json.loads(changed.read_text())
    nb["cells"].append({"cell_type": "code", "metadata": {}, "source": "x = 1",
                        "outputs": [], "execution_count": None})
    changed.write_text(json.dumps(nb))
    report = write_back(copy_dir, ASSIGNMENT, [faulty, results["ben"]])
    assert report.written == []
    reasons = dict(report.skipped)
    assert "grader fault" in reasons["ada"] and "changed since it was graded" in reasons["ben"]


@needs_nbgrader
@pytest.mark.slow
def test_test_cells_run_in_the_learners_kernel(graded, tmp_path, monkeypatch):
    """In a real Jupyter kernel, in the released folder, do ada's test cells print "public
    tests passed" and dee's untouched ones raise NotImplementedError (nbgrader's own
    validate would mark them)?"""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("MPLBACKEND", "Agg")  # the demos draw; nobody looks here
    course = graded[0]
    folder = tmp_path / "ps1"
    shutil.copytree(course / "release" / ASSIGNMENT, folder)
    for student, expect in (("ada", "passed"), ("dee", "NotImplementedError")):
        path = course / "submitted" / student / ASSIGNMENT / "ex02_determinants.ipynb"
        nb = nbformat.reads(path.read_text(), as_version=4)
        client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(folder)}})
        client.execute()
        tests = [c for c in nb.cells if nbgrader_meta(c).get("grade")]
        assert len(tests) == 7
        for cell in tests:
            text = "".join(o.get("text", "") for o in cell.outputs)
            errors = [o for o in cell.outputs if o.output_type == "error"]
            if expect == "passed":
                assert errors == [] and "public tests passed" in text, text
            else:
                assert [e.ename for e in errors] == ["NotImplementedError"]


def test_the_export_command_as_the_cli_will_register_it(tmp_path, capsys):
    """Does `mlmath nbgrader export COURSE --assignment ps2 --exercises ex02,ex03` (the
    subcommand add_nbgrader registers) write the course and say what to run next, and is a
    bad assignment name a usage error (2)?"""
    import argparse

    from grader.integrations.nbgrader_course import add_nbgrader

    parser = argparse.ArgumentParser(prog="mlmath")
    add_nbgrader(parser.add_subparsers(dest="command"))
    course = tmp_path / "course"
    args = parser.parse_args(["nbgrader", "export", str(course), "--assignment", "ps2",
                              "--exercises", "ex02,ex03", "--solutions", str(SOLUTIONS),
                              "--exercises-dir", str(EXERCISES)])
    assert args.func(args) == 0
    assert "nbgrader generate_assignment ps2" in capsys.readouterr().out
    assert assignment_exercises(course, "ps2") == GRADED
    args = parser.parse_args(["nbgrader", "export", str(course), "--assignment", "../x",
                              "--solutions", str(SOLUTIONS), "--exercises-dir", str(EXERCISES)])
    assert args.func(args) == 2
    assert "assignment name" in capsys.readouterr().err


def test_a_test_cells_score_and_output_come_from_the_task():
    """Is a test cell's auto score mlmath's task score (scaled if the hidden tests total
    other points than the cell), None (manual grading) without a result or with a fault, and
    its output the status, messages and hints a learner may see?"""
    from grader.integrations.nbgrader_gradebook import task_output, task_score

    partly = {"status": "partly", "score": 1.0, "max_score": 2.0,
              "messages": ["your answer did not pass this check."], "hints": ["mind the sign"]}
    assert task_score(partly, 2) == 1.0
    assert task_score(partly, 4) == 2.0
    assert task_score(None, 2) is None
    assert task_score({**partly, "status": "grader fault"}, 2) is None
    out = task_output("2.2", partly, 2, "Laplace expansion")
    assert out["name"] == "stderr" and out["text"].startswith(
        "Task 2.2 (Laplace expansion): 1 / 2 points, partly: some checks passed")
    assert "hint: mind the sign" in out["text"]
    passed = task_output("2.2", {**partly, "status": "passed", "score": 2.0}, 2, "L")
    assert passed["name"] == "stdout" and "hint" not in passed["text"]


@needs_nbgrader
def test_the_course_is_checked_before_anyone_is_graded(course):
    """Does check_course refuse a course whose assignment nbgrader never released into its
    gradebook, with the command to run?"""
    from grader.integrations.nbgrader_gradebook import check_course

    with pytest.raises(FileNotFoundError, match="nbgrader generate_assignment ps1"):
        check_course(course, ASSIGNMENT)
    with pytest.raises(FileNotFoundError, match="mlmath nbgrader export"):
        check_course(course, "ps9")
