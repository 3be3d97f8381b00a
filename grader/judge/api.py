"""What hidden suites import: the task decorator and the error student calls raise.

A hidden test declares its task, points and learner-safe hint beside it::

    @task("1.3", points=2, hint="exp(1000) overflows; subtract the maximum first.",
          forbid=("scipy.special.logsumexp",))
    def test_log_sum_exp_is_stable(student):
        x = np.array([1000.0, 1000.0])
        assert np.isclose(student.log_sum_exp(x), 1000 + np.log(2))

``student`` is a proxy for the learner's module of the suite's exercise: every call runs in
the sandbox and returns fresh plain data (numbers, arrays, SymPy trees), so the comparison
happens here, on values the learner's objects can no longer influence. ``forbid`` names
calls the task may not use: they are looked for in the source before running and replaced by
a stub that raises inside the sandbox while the test's calls run. Learners see the hint, never
the assertion text, the inputs or the expected values.
"""

from __future__ import annotations

import pytest

GLOBAL_FORBIDDEN = ("mlmath", "solutions", "grader")


def task(task_id: str, *, points: float = 1, hint: str, forbid: tuple[str, ...] = ()):
    """Mark a hidden test as one check of task ``task_id`` worth ``points``."""
    if not hint:
        raise ValueError(f"hidden test for task {task_id} needs a learner-safe hint")
    return pytest.mark.mlmath_task(task_id=task_id, points=points, hint=hint,
                                   forbid=tuple(forbid))


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
