"""What hidden suites import: the task decorator and the errors student calls raise.

A hidden test declares its task, points and learner-safe hint beside it::

    @task("1.2", points=2, hint="exp(1000) overflows; subtract the maximum first.",
          forbid=("scipy",), functions=("log_sum_exp",))
    def test_log_sum_exp_is_stable(student):
        x = np.array([1000.0, 1000.0])
        assert np.isclose(student.log_sum_exp(x), 1000 + np.log(2))

The test's docstring is its question ("Does det_laplace agree with numpy on random matrices
of sizes 1 to 6?"): a failing check's message starts with it, so it must name the property
checked and never the hidden inputs or expected values (tests/test_messages.py checks every
hidden test). Answers are read through the return-type and dtype policy of
grader/judge/policy.py (``scalar``, ``fixed``, ``array``, ``close``), which accepts every
documented spelling of an answer and names a wrong type or dtype.

``student`` is a proxy for the learner's module of the suite's exercise: every call runs in
the sandbox and returns fresh plain data (numbers, arrays, SymPy trees), so the comparison
happens here, on values the learner's objects can no longer influence. Learners see the hint,
never the assertion text, the inputs or the expected values.

``forbid`` names calls the task may not use (``"numpy.linalg.det"``; a module such as
``"scipy"`` means anything in it; ``"sympy.Expr.diff"`` also means any ``.diff`` method).
``functions`` names the task's functions (or classes) in the learner's file. The forbidden
names are then looked for only where the task's code is:

- the bodies of those functions, and of every function, class or module-level variable of the
  same file that they mention, transitively: a helper the learner wrote and called from the
  task's function is part of the task;
- the file's module-level imports only tell what a name means (``from numpy.linalg import
  det``, then ``det(A)`` in the task's function, is a use on the line of ``det(A)``); an import
  by itself, such as ``import scipy`` at the top, costs nothing;
- code under ``if __name__ == "__main__":`` never runs when graded and is never looked at.

So ``np.linalg.det`` inside the function of a task that allows it never costs the points of a
task that forbids it. The same names are also replaced, inside the sandbox and only while the
test's calls run, by a stub that raises, which catches what the source does not show
(``getattr(np.linalg, "d" + "et")``). Without ``functions``, the whole file is searched (the
old behaviour; every hidden suite of the course declares ``functions``). ``GLOBAL_FORBIDDEN``
is always searched in the whole file: importing the reference library is never allowed.
"""

from __future__ import annotations

import pytest

from grader.faults import GraderFault

GLOBAL_FORBIDDEN = ("mlmath", "solutions", "grader")


def _names(value, what: str, task_id: str) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value)
    if not all(isinstance(n, str) and n for n in names):
        raise ValueError(f"task {task_id}: {what} must be names (strings), got {value!r}")
    return names


VISIBILITIES = ("hidden", "after_published", "after_due_date", "visible")


def task(task_id: str, *, points: float = 1, hint: str, forbid: tuple[str, ...] = (),
         functions: tuple[str, ...] = (), visibility: str | None = None):
    """Mark a hidden test as one check of task ``task_id`` worth ``points``.

    Args:
        task_id: ``"2.3"``.
        points: what this check is worth.
        hint: learner-safe advice shown when the check fails.
        forbid: dotted names the task's code may not use (see the module docstring).
        functions: the task's functions or classes in the learner's file; ``forbid`` is
            checked in their code and in what they call from the same file.
        visibility: when Gradescope shows this check's result to the learner (one of
            VISIBILITIES; default: the autograder's, ``after_due_date``).
    """
    if not hint:
        raise ValueError(f"hidden test for task {task_id} needs a learner-safe hint")
    functions = _names(functions, "functions", task_id)
    if not all(name.isidentifier() for name in functions):
        raise ValueError(f"task {task_id}: functions must be plain names, got {functions!r}")
    if visibility is not None and visibility not in VISIBILITIES:
        raise ValueError(f"task {task_id}: visibility must be one of {', '.join(VISIBILITIES)},"
                         f" got {visibility!r}")
    return pytest.mark.mlmath_task(task_id=task_id, points=points, hint=hint,
                                   forbid=_names(forbid, "forbid", task_id),
                                   functions=functions, visibility=visibility)


class StudentCodeError(Exception):
    """A call into the student's code did not return a usable value.

    Attributes:
        kind: machine-readable outcome (not_started, missing, import, exception, exit,
            crash, timeout, submission_timeout, unsupported, forbidden, protocol).
        message: learner-safe text: no hidden inputs, expected values or grader traceback.
        task: for ``not_started``, the task the stub names.
    """

    def __init__(self, kind: str, message: str, task: str | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.task = task


class SuiteError(GraderFault):
    """A hidden suite broke a rule of this API: a bug in the grader, never the learner's.

    Raised before anything is sent to the sandbox, from the suite's own code alone (so no
    submission can cause it), for example by ``student.probe`` when the probe would compute a
    verdict inside the sandbox instead of returning raw values (see grader/judge/probes.py).
    Being a GraderFault, the judge records it as a grader fault: no score is stored.
    """
