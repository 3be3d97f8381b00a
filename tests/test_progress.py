"""grader/grading/progress.py: a tqdm bar on a terminal, throttled plain lines anywhere else.

The clock is passed in, so what is printed depends on the updates alone, never on how fast
the machine runs the test.
"""

from __future__ import annotations

import io

from grader.grading.progress import Progress


class Clock:
    """A clock that moves only when told to."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_lines_every_tenth_of_the_run():
    """Not on a terminal, with fast updates: one clean line per 10 %, and the last one?"""
    out, clock = io.StringIO(), Clock()
    bar = Progress(100, out, clock=clock)
    for i in range(100):
        clock.now += 0.01
        bar.update(failed=i in (5, 50, 51), student=f"student{i:03d}")
    bar.close()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert len(lines) == 10
    assert lines[0].startswith("graded 10/100 (10%)  grader faults 1  ")
    assert lines[-1].startswith("graded 100/100 (100%)  grader faults 3  100.0/s")
    assert "left 00:00" in lines[-1] and lines[-1].endswith("last: student099")


def test_log_lines_every_five_seconds_when_slow():
    """With slow updates, is a line printed once 5 s have passed, not at every update?"""
    out, clock = io.StringIO(), Clock()
    bar = Progress(1000, out, clock=clock)
    for _ in range(20):
        clock.now += 1.0  # one submission a second: 20 s, 2 % of the run
        bar.update()
    lines = out.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == ["5/1000", "10/1000", "15/1000", "20/1000"]
    assert "1.0/s" in lines[-1] and "elapsed 00:20" in lines[-1] and "left 16:20" in lines[-1]


def test_close_prints_the_final_state_once():
    """Does close() print the state not yet printed, and nothing twice?"""
    out, clock = io.StringIO(), Clock()
    bar = Progress(1000, out, clock=clock)
    bar.update(student="ann")
    assert out.getvalue() == ""  # throttled
    bar.close()
    bar.close()
    (line,) = out.getvalue().splitlines()
    assert line.startswith("graded 1/1000 (0%)") and line.endswith("last: ann")


def test_terminal_gets_a_tqdm_bar():
    """On a terminal: a redrawn bar with done/total, rate, time left, faults, the student?"""
    out = Terminal()
    with Progress(5, out) as bar:
        for i, name in enumerate(["ann", "bob", "cy", "dee", "eve"]):
            bar.update(failed=i == 1, student=name)
    text = out.getvalue()
    assert "\r" in text and "5/5" in text and "100%" in text
    assert "grader faults 1" in text and "last: eve" in text
    assert "submission/s" in text or "s/submission" in text  # tqdm's rate
    assert "<00:00" in text  # elapsed<remaining


def test_student_names_cannot_drive_the_terminal():
    """Are control characters in a student's name replaced before printing?"""
    out = io.StringIO()
    bar = Progress(1, out, clock=Clock())
    bar.update(student="mallory\x1b[2J\x1b]0;pwned\x07")
    bar.close()
    assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue()
    assert "mallory?[2J" in out.getvalue()
