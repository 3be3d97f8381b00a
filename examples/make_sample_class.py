"""Write the bundled sample class (examples/class/) from solutions/ and exercises/.

Each sample student is a set of exact edits to the reference files, so the class stays in
step with the exercises: rerun this script after changing solutions/ (a test checks that the
committed class is what it writes). The students cover what an instructor meets in a real
class: complete work, partial work, typical mistakes, broken files, a notebook, and cheating
attempts, each expected to score what examples/expected_scores.json says.

    python examples/make_sample_class.py
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASS = ROOT / "examples" / "class"
EXERCISES = ["ex01_logs", "ex02_determinants", "ex03_inner_products", "ex04_chain_rule",
             "ex05_neural_network", "ex06_denoising"]
MARKER = re.compile(r"^\s*# (BEGIN|END) SOLUTION.*\n", re.MULTILINE)


def solution(name: str) -> str:
    """A learner's finished file: the solution without its region markers."""
    return MARKER.sub("", (ROOT / "solutions" / f"{name}.py").read_text(encoding="utf-8"))


def stub(name: str) -> str:
    return (ROOT / "exercises" / f"{name}.py").read_text(encoding="utf-8")


def edit(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        sys.exit(f"make_sample_class: expected exactly one {old!r} to edit")
    return text.replace(old, new)


def as_notebook(source: str) -> str:
    """A notebook whose code cells are the file's cells (what Jupyter would save)."""
    cells = []
    for chunk in re.split(r"^# %%.*\n", source, flags=re.MULTILINE):
        if chunk.strip():
            cells.append({"cell_type": "code", "execution_count": None, "metadata": {},
                          "outputs": [], "source": chunk.rstrip("\n")})
    return json.dumps({"cells": cells, "metadata": {"kernelspec": {"name": "python3",
                       "display_name": "Python 3", "language": "python"}},
                       "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


CHEAT_ALWAYS_EQUAL = '''
# Every answer is an object that claims to equal anything.
class Anything(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__


def __getattr__(name):
    return lambda *args, **kwargs: Anything(0.0)
'''

CHEAT_PATCHES_JUDGE = '''
# Try to make every comparison pass, then hand in wrong answers.
import math
import numpy.testing
import pytest

math.isclose = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
pytest.approx = lambda expected, *a, **k: expected
'''

CHEAT_CONFTEST = '''
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
'''

CHEAT_SNOOPS = '''
# Look for the hidden tests and the solutions, and for other students.
import os

FOUND = []
for top in ("/work", "/home", "/root", os.path.expanduser("~"), "/tmp", ".."):
    try:
        FOUND += [os.path.join(top, n) for n in os.listdir(top)]
    except OSError:
        pass
'''


def students() -> dict[str, dict[str, str | bytes]]:
    every = {f"{n}.py": solution(n) for n in EXERCISES}
    mistakes = dict(every)
    mistakes["ex01_logs.py"] = edit(
        edit(every["ex01_logs.py"], "return y / p - (1 - y) / (1 - p)",
             "return y / p + (1 - y) / (1 - p)"),
        "np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m",
        "np.log(np.sum(np.exp(x), axis=axis, keepdims=True))")
    mistakes["ex02_determinants.py"] = edit(
        every["ex02_determinants.py"], "- b * (d * i - f * g)", "+ b * (d * i - f * g)")
    mistakes["ex03_inner_products.py"] = edit(
        every["ex03_inner_products.py"], "    return float(np.clip(c, -1.0, 1.0))",
        "    return float(c)")
    mistakes["ex05_neural_network.py"] = edit(
        every["ex05_neural_network.py"], "return {k: params[k] - lr * grads[k] for k in params}",
        "return {k: params[k] + lr * grads[k] for k in params}")
    broken = dict(every)
    broken["ex02_determinants.py"] = edit(every["ex02_determinants.py"], "def det_3x3(A):",
                                          "def det_3x3(A)")
    broken["ex03_inner_products.py"] = edit(
        every["ex03_inner_products.py"], "def cosine_similarity(u, v):",
        "def cosine_similarity(u, v):\n    while True:\n        pass")
    return {
        "ada_complete": every,
        "ben_two_of_six": {"ex01_logs.py": every["ex01_logs.py"],
                           "ex02_determinants.py": every["ex02_determinants.py"],
                           **{f"{n}.py": stub(n) for n in EXERCISES[2:]}},
        "cai_typical_mistakes": mistakes,
        "dee_notebooks": {
            "ex01_logs.ipynb": as_notebook(every["ex01_logs.py"]),
            "ex03_inner_products.ipynb": as_notebook(every["ex03_inner_products.py"])},
        "eli_syntax_error_and_loop": broken,
        "fay_latin1_file": {"ex01_logs.py": every["ex01_logs.py"].replace(
                                "# %%", "# %% café", 1).encode("latin-1", "replace"),
                            "ex02_determinants.py": every["ex02_determinants.py"]},
        "gus_broken_notebook": {"ex01_logs.ipynb": '{"cells": [ this is not json',
                                "ex03_inner_products.py": every["ex03_inner_products.py"]},
        "hal_untouched": {f"{n}.py": stub(n) for n in EXERCISES},
        "ivy_always_equal": {f"{n}.py": CHEAT_ALWAYS_EQUAL for n in EXERCISES},
        "jon_exits_at_import": {f"{n}.py": "import os\nos._exit(0)\n" + every[f"{n}.py"]
                                for n in EXERCISES},
        "kim_patches_the_judge": {
            "ex01_logs.py": CHEAT_PATCHES_JUDGE + mistakes["ex01_logs.py"],
            "ex02_determinants.py": CHEAT_PATCHES_JUDGE + mistakes["ex02_determinants.py"],
            "conftest.py": CHEAT_CONFTEST},
        "leo_snoops": {"ex03_inner_products.py": CHEAT_SNOOPS + every["ex03_inner_products.py"]},
    }


def write_class(dest: Path) -> int:
    """Write every sample student into ``dest`` (replacing it); return how many."""
    if dest.exists():
        shutil.rmtree(dest)
    everyone = students()
    for student, files in everyone.items():
        folder = dest / student
        folder.mkdir(parents=True)
        for name, content in files.items():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            (folder / name).write_bytes(data)
    return len(everyone)


def main() -> None:
    n = write_class(CLASS)
    print(f"wrote {n} students into {CLASS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
