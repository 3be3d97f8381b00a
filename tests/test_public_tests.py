"""The public tests: they pass on solutions/, and on the untouched exercises/ every task is
'not started' with its OWN stub. Run in pytest subprocesses (grader.check.selfcheck)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.check.selfcheck import NOT_STARTED, PASSED, render, run_public_tests
from grader.cli import main
from grader.course.tasks import exercise_files, public_test_files, read_tasks

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
CONTRACT_SLUGS = ["ex01_logs", "ex02_determinants", "ex03_inner_products", "ex04_chain_rule",
                  "ex05_neural_network", "ex06_denoising"]
FOUND = [p.stem for p in exercise_files(SOLUTIONS)]
TASKS = read_tasks(SOLUTIONS)
TIMEOUT = 900

pytestmark = pytest.mark.skipif(not FOUND, reason="no solution files yet")


def _tested() -> list[str]:
    return [p.stem[len("test_"):] for p in public_test_files(EXERCISES)
            if p.stem[len("test_"):] in FOUND]


@pytest.fixture(scope="module")
def on_solutions():
    """The public tests run against solutions/ (MLMATH_EXERCISE_DIR)."""
    return run_public_tests(EXERCISES, _tested(), module_dir=SOLUTIONS, timeout=TIMEOUT)


@pytest.fixture(scope="module")
def on_exercises():
    """The public tests run against the untouched exercises/."""
    return run_public_tests(EXERCISES, _tested(), timeout=TIMEOUT)


def test_all_six_exercises_are_present():
    """Does the course hold exactly the six exercises of the contract, each with public tests?"""
    assert FOUND == CONTRACT_SLUGS
    assert [p.stem for p in exercise_files(EXERCISES)] == CONTRACT_SLUGS
    assert [p.stem[len("test_"):] for p in public_test_files(EXERCISES)] == CONTRACT_SLUGS


def _question(test) -> bool:
    """A 'think it over' question: not graded, no task marker (see _feedback.check_answer)."""
    return test.name.startswith("test_think_it_over[")


@pytest.mark.parametrize("exercise", FOUND)
def test_every_task_has_public_tests_with_its_marker(exercise, on_solutions):
    """Does every declared task have public tests, and every public test a declared task?"""
    declared = {t.id for t in TASKS if t.exercise == exercise}
    mine = [t for t in on_solutions.tests if t.file == f"test_{exercise}.py"]
    assert mine, f"no public tests ran for {exercise}"
    untagged = [t.name for t in mine if t.task is None and not _question(t)]
    assert untagged == [], f"public tests without a task marker: {untagged}"
    mine = [t for t in mine if not _question(t)]
    undeclared = sorted({t.task for t in mine} - declared)
    assert undeclared == [], f"markers of undeclared tasks: {undeclared}"
    untested = sorted(declared - {t.task for t in mine})
    assert untested == [], f"tasks without public tests: {untested}"


@pytest.mark.parametrize("exercise", FOUND)
def test_public_tests_pass_on_the_solutions(exercise, on_solutions):
    """Do all public tests of the exercise pass when pointed at solutions/?"""
    assert not [e for e in on_solutions.collect_errors if exercise in e["file"]], \
        on_solutions.collect_errors
    failed = [f"{t.name}: {t.exc_type}: {t.message}" for t in on_solutions.tests
              if t.file == f"test_{exercise}.py" and t.outcome not in ("passed", "skipped")]
    assert failed == []
    declared = {t.id for t in TASKS if t.exercise == exercise}
    statuses = {t.id: t.status for t in on_solutions.tasks if t.id in declared}
    assert set(statuses.values()) == {PASSED}


@pytest.mark.parametrize("exercise", FOUND)
def test_untouched_exercise_fails_with_each_tasks_own_stub(exercise, on_exercises):
    """On the untouched exercise, does every test fail with its OWN task's NotImplementedError?"""
    assert not [e for e in on_exercises.collect_errors if exercise in e["file"]], \
        on_exercises.collect_errors
    mine = [t for t in on_exercises.tests if t.file == f"test_{exercise}.py"]
    questions = [t for t in mine if _question(t)]
    assert questions and all(t.outcome == "skipped" for t in questions)  # not answered yet
    mine = [t for t in mine if not _question(t)]
    assert mine
    wrong = [f"{t.name} (task {t.task}): {t.exc_type}: {t.message}" for t in mine
             if not t.not_started]
    assert wrong == []


@pytest.mark.parametrize("exercise", FOUND)
def test_untouched_exercise_is_reported_not_started(exercise, on_exercises):
    """Does the check table list every task of the untouched exercise as 'not started'?"""
    declared = [t for t in TASKS if t.exercise == exercise]
    rows = {t.id: t for t in on_exercises.tasks}
    assert {t.id: rows[t.id].status for t in declared} == {t.id: NOT_STARTED for t in declared}
    text = render(on_exercises, "check")
    for task in declared:
        assert any(line.split()[:1] == [task.id] and "not started" in line
                   for line in text.splitlines()), task.id
    assert "all tests passed" not in text.lower()


def test_mlmath_check_command_on_the_repository(capsys):
    """Does `mlmath check <first exercise>` run on the repository's exercises/ and exit 1?"""
    exercise = _tested()[0]
    assert main(["check", exercise[:4], "--dir", str(EXERCISES), "--timeout", str(TIMEOUT)]) == 1
    out = capsys.readouterr().out
    assert "not started" in out and "FAILED" not in out
    assert "hidden tests" in out


# ------------------------------------------------------------ forbidden calls, public and hidden


def _hidden_forbids() -> dict[str, set]:
    """``{task: {(forbid, functions)}}`` declared by the hidden suites' ``@task(...)`` marks."""
    import importlib.util

    found: dict[str, set] = {}
    for path in sorted((ROOT / "grader" / "suites").glob("ex*/test_hidden*.py")):
        spec = importlib.util.spec_from_file_location(f"_suite_{path.parent.name}_{path.stem}",
                                                      path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for value in vars(module).values():
            for mark in getattr(value, "pytestmark", []):
                if mark.name == "mlmath_task" and mark.kwargs.get("forbid"):
                    found.setdefault(mark.kwargs["task_id"], set()).add(
                        (tuple(mark.kwargs["forbid"]), tuple(mark.kwargs["functions"])))
    return found


def _public_forbids() -> dict[str, set]:
    """The public tests' ``FORBIDDEN`` declarations (their constant assignments, run alone)."""
    import ast

    found: dict[str, set] = {}
    for path in public_test_files(EXERCISES):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = [node for node in tree.body if isinstance(node, ast.Assign)
                     and all(isinstance(t, ast.Name) and (t.id == "FORBIDDEN"
                                                          or t.id.startswith("NO_"))
                             for t in node.targets)]
        namespace: dict = {}
        exec(compile(ast.Module(constants, []), str(path), "exec"), namespace)
        for task, (forbid, functions) in namespace.get("FORBIDDEN", {}).items():
            found.setdefault(task, set()).add((tuple(forbid), tuple(functions)))
    return found


def test_public_tests_forbid_what_the_hidden_suites_forbid():
    """Does every hidden forbid= have the same public declaration (same names, same functions)?"""
    assert _public_forbids() == _hidden_forbids()


def _spellings(name: str) -> tuple[str, ...]:
    """How a text may name a forbidden call: ``numpy.linalg.det`` as ``np.linalg.det``..."""
    if name.startswith("numpy."):
        return ("np." + name[len("numpy."):], name)
    if name == "sympy.Expr.diff":
        return (".diff(",)
    if name.startswith("sympy."):
        return ("sp." + name[len("sympy."):], name)
    return (name,)


def _task_texts(path: Path) -> tuple[str, dict[str, str]]:
    """An exercise's intro (before its first task) and each task's text (to the next task)."""
    text = path.read_text(encoding="utf-8")
    pieces = re.split(r"^(# #+ Task \d+\.\d+ .*)$", text, flags=re.M)
    tasks = {}
    for header, body in zip(pieces[1::2], pieces[2::2], strict=True):
        tasks[re.match(r"# #+ Task (\d+\.\d+)", header).group(1)] = header + body
    return pieces[0], tasks


def test_every_forbidden_call_is_stated_in_the_text():
    """Is every call a hidden suite forbids named in its task's text or the exercise's intro?"""
    missing = []
    for path in exercise_files(SOLUTIONS):
        intro, tasks = _task_texts(path)
        number = path.name[2:4].lstrip("0")
        for task, declared in _hidden_forbids().items():
            if task.split(".")[0] != number:
                continue
            for forbid, _ in declared:
                for name in forbid:
                    if not any(s in intro or s in tasks[task] for s in _spellings(name)):
                        missing.append(f"Task {task}: {name}")
    assert missing == [], "\n".join(missing)
