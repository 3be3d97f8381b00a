"""What a learner reads when a hidden check fails (issue 11): which property failed and why.

A class of wrong, stub, crashing and mistyped submissions is graded once through the CLI;
every failing hidden test's message is read back from the gradebook. None may be only a
generic sentence: each names the check's question (the test's docstring), or the task, file
or function it concerns. A crash names the task, the exception and the learner's own line;
the grader's own read-back of a saved file is not reported as the learner's exception.
"""

from __future__ import annotations

import ast
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from grader.judge.session import UNCHECKABLE, WRONG_ANSWER, _with_question

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "grader" / "suites"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_variants import VARIANTS, splice  # noqa: E402

GENERIC = {WRONG_ANSWER, UNCHECKABLE, WRONG_ANSWER.capitalize(), UNCHECKABLE.capitalize(),
           "the sandbox sent a malformed answer.", "your code raised an exception."}
CRASH_LINE = "    1 / 0  # the learner's crash\n"


def solution(name: str) -> str:
    return (ROOT / "solutions" / f"{name}.py").read_text(encoding="utf-8")


def exercises() -> list[str]:
    return sorted(p.stem for p in (ROOT / "solutions").glob("ex0*_*.py"))


def crashing(text: str) -> str:
    """Every solution region starts with a division by zero, at the region's indentation."""
    return re.sub(r"^( *)# BEGIN SOLUTION\n", lambda m: m.group(0) + m.group(1)
                  + CRASH_LINE.strip() + "\n", text, flags=re.MULTILINE)


def all_mistakes(name: str) -> str:
    """The solution with the first ``bad_`` variant of every task of the exercise spliced in."""
    number = int(name[2:4])
    text = solution(name)
    for folder in sorted(VARIANTS.glob(f"{number}.*")):
        bad = sorted(folder.glob("bad_*.py"))
        if bad:
            text = splice(text, bad[0].read_text(encoding="utf-8"))
    return text


def returns_none(text: str) -> str:
    """Every solution region returns None at once (the wrong type everywhere)."""
    return re.sub(r"^( *)# BEGIN SOLUTION\n", lambda m: m.group(0) + m.group(1)
                  + "return None\n", text, flags=re.MULTILINE)


UNREADABLE_SAVE = '''
def save_params(path, params):
    with open(path, "w") as f:  # not an .npz: numpy cannot read it back
        f.write("W1, b1, W2, b2")
'''


def write_class(root: Path) -> None:
    students = {
        "stubs": {f"{n}.py": (ROOT / "exercises" / f"{n}.py").read_text("utf-8")
                  for n in exercises()},
        "mistakes": {f"{n}.py": all_mistakes(n) for n in exercises()},
        "crashes": {f"{n}.py": crashing(solution(n)) for n in exercises()},
        "nones": {f"{n}.py": returns_none(solution(n)) for n in exercises()},
        "unreadable_save": {"ex05_neural_network.py": splice(solution("ex05_neural_network"),
                                                             UNREADABLE_SAVE)},
    }
    for student, files in students.items():
        (root / student).mkdir(parents=True)
        for name, text in files.items():
            (root / student / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("messages")
    write_class(root / "class")
    out = root / "out"
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(root / "class"),
                           "--out", str(out), "--jobs", "2", "--no-similarity"],
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        rows = db.execute("SELECT student, result FROM grades").fetchall()
    return {student: json.loads(result) for student, result in rows}, root / "class"


def failing(result: dict) -> list[dict]:
    return [t for t in result["tests"] if t["outcome"] not in ("passed", "grader_fault")]


def is_generic(record: dict) -> bool:
    """Whether a failing test's message is only a generic sentence: it neither states the
    check's question nor names the task, a file or a function."""
    message = record["message"]
    if message in GENERIC:
        return True
    specific = (record.get("question") and record["question"] in message) or \
        message.startswith(f"Task {record['task']}") or ".py" in message or "`" in message
    return not specific


def test_no_failing_check_says_only_a_generic_sentence(graded):
    """Over a class of wrong, stub, crashing and mistyped submissions, is the share of failing
    hidden tests whose message is only a generic sentence 0?"""
    results, _ = graded
    records = [t for r in results.values() for t in failing(r)]
    assert len(records) > 300  # every kind of failure, many times
    generic = [(t["task"], t["test"], t["message"]) for t in records if is_generic(t)]
    assert generic == [], f"{len(generic)} of {len(records)} generic"


def test_a_wrong_answer_states_the_question_it_failed(graded):
    """Does a wrong answer's message start with the question its check asks?"""
    results, _ = graded
    wrong = [t for t in failing(results["mistakes"]) if t["kind"] == "wrong"]
    assert len(wrong) >= 30
    for t in wrong:
        assert t["question"].endswith("?") and t["message"].startswith(t["question"]), t


def test_names_in_a_message_keep_their_spelling(graded):
    """After the question, is a file or function name left as written (never
    ``Ex02_determinants.py``), while a plain first word starts the sentence in capitals?"""
    results, _ = graded
    records = [t for r in results.values() for t in failing(r) if t.get("question")]
    after = [t["message"][len(t["question"]) + 1:] for t in records
             if t["message"].startswith(t["question"] + " ")]
    assert len(after) > 100
    for text in after:
        first = text.split(" ", 1)[0]
        assert not re.match(r"Ex\d\d_", first), text
        if first.isalpha():
            assert first[0].isupper(), text
    missing = _with_question("Is it right?", "ex02_determinants.py has no function `det_3x3`.")
    assert missing == "Is it right? ex02_determinants.py has no function `det_3x3`."


def test_a_crash_names_task_exception_and_the_learners_line(graded):
    """Does a crash name the task, the exception type and the line of the learner's own file
    where it happened (never a grader frame)?"""
    results, root = graded
    records = [t for t in failing(results["crashes"]) if t["kind"] == "exception"]
    assert len(records) > 100
    lines = {}
    for name in exercises():
        text = (root / "crashes" / f"{name}.py").read_text(encoding="utf-8").splitlines()
        lines[name] = {i for i, line in enumerate(text, start=1)
                       if line.strip() == CRASH_LINE.strip()}
    found = 0
    for t in records:
        match = re.search(r"raised ZeroDivisionError on line (\d+) of (ex0\d_\w+)\.py",
                          t["message"])
        assert t["message"].startswith(t["question"]) and f"Task {t['task']}:" in t["message"], t
        if match:
            assert int(match.group(1)) in lines[match.group(2)], t
            found += 1
        assert "grader" not in t["message"] and "site-packages" not in t["message"], t
    assert found >= 0.9 * len(records)


def test_a_type_mismatch_is_named(graded):
    """Does a None where a number, tuple or array is documented say 'returned None, expected
    ...' rather than 'did not pass'?"""
    results, _ = graded
    named = [t for t in failing(results["nones"]) if "returned None, expected" in t["message"]]
    assert len(named) >= 40
    assert any("expected a tuple (mu_hat, sigma_hat)" in t["message"] for t in named)


def test_the_graders_own_read_back_is_not_blamed_on_the_learner(graded):
    """When save_params writes a file numpy cannot read, does the learner read that the file
    could not be read back, not that their code raised ValueError?"""
    results, _ = graded
    (t,) = [t for t in results["unreadable_save"]["tests"]
            if t["test"] == "test_save_params_round_trip_with_numpy"]
    assert t["outcome"] == "failed"
    assert "np.load cannot read back" in t["message"]
    assert "raised" not in t["message"]


def _hidden_tests():
    for path in sorted(SUITES.glob("ex0*/test_hidden*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                yield path.parent.name, node


@pytest.mark.parametrize("suite, node", list(_hidden_tests()),
                         ids=lambda x: x if isinstance(x, str) else x.name)
def test_every_hidden_test_asks_a_learner_safe_question(suite, node):
    """Has every hidden test a docstring that is one question, with no list of hidden inputs
    and no expected value written as a number with many digits?"""
    doc = " ".join((ast.get_docstring(node) or "").split())
    assert doc.endswith("?") and len(doc) <= 240, doc
    assert not re.search(r"\[\s*-?\d", doc), doc  # no list of hidden inputs
    assert not re.search(r"\d\.\d{4,}", doc), doc  # no expected value in many digits


def test_the_learners_line_is_checked_against_their_own_file(tmp_path):
    """Is a reported line shown only if it names the call's own file and a line that file
    has (a forged answer can show nothing else), and given per cell for a notebook?"""
    from grader.judge.explain import CELL_MARK, NOTEBOOK_HEADER, CallContext, explain

    (tmp_path / "ex01_logs.py").write_text("a = 1\nb = 2\nc = 3\n", encoding="utf-8")
    ctx = CallContext(tmp_path, "ex01_logs", "log_product", "1.1", (), 3.0)

    def message(**fields):
        error = {"kind": "exception", "type": "ZeroDivisionError", **fields}
        return explain(error, ctx, from_sandbox=True).message

    assert message(file="ex01_logs.py", line=2) == (
        "Task 1.1: `log_product` raised ZeroDivisionError on line 2 of ex01_logs.py.")
    for forged in ({"file": "ex01_logs.py", "line": 99}, {"file": "../grader.py", "line": 2},
                   {"file": "ex01_logs.py", "line": "2"}, {"file": "ex01_logs.py", "line": 0}):
        assert "line" not in message(**forged), forged
    (tmp_path / "ex01_logs.py").write_text(
        f"{NOTEBOOK_HEADER}\n{CELL_MARK}1\nx = 1\n{CELL_MARK}4\ny = 1\nz = 1 / 0\n",
        encoding="utf-8")
    assert message(file="ex01_logs.py", line=6).endswith(
        "raised ZeroDivisionError in code cell 4 of ex01_logs.ipynb, line 2.")
    probe = CallContext(tmp_path, "ex01_logs", None, "5.10", (), 3.0)
    text = explain({"kind": "exception", "type": "ValueError"}, probe, from_sandbox=True).message
    assert "this check's own code raised ValueError" in text and "your code raised" not in text
