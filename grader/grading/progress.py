"""Progress of a grading run, as people know it: a tqdm bar on a terminal, plain lines in a log.

On a terminal the bar shows done/total, percentage, elapsed time, time left, the rate, the
number of grader faults and the student graded last. Anywhere else (CI logs, ``2> file``,
a notebook's captured stderr) a bar's carriage returns make a mess, so one plain line is
printed at most every ``every_s`` seconds or every tenth of the run, whichever comes first,
and always for the last submission::

    graded 120/1000 (12%)  grader faults 0  2.1/s  elapsed 00:57  left 06:59  last: alice

"grader faults" counts submissions the grader itself could not grade (never the learner's
fault; they are graded again on the next run).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


def _clock_text(seconds: float | None) -> str:
    from tqdm import tqdm

    return "--:--" if seconds is None else tqdm.format_interval(max(0.0, seconds))


def _printable(text: str, limit: int = 40) -> str:
    clean = "".join(c if c.isprintable() else "?" for c in text)
    return clean if len(clean) <= limit else clean[:limit - 1] + "…"


class Progress:
    """Progress of ``total`` submissions on ``stream``.

    Args:
        total: submissions to grade.
        stream: where to write (stderr by default).
        every_s: seconds between plain lines when ``stream`` is not a terminal.
        clock: a monotonic clock (tests pass their own, so nothing depends on timing).
    """

    def __init__(self, total: int, stream: TextIO | None = None, *, every_s: float = 5.0,
                 clock: Callable[[], float] = time.monotonic):
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.every_s = every_s
        self.clock = clock
        self.done = 0
        self.failed = 0
        self.student: str | None = None
        self.start = clock()
        self._last_line_at = self.start
        self._last_line_done = 0
        self._closed = False
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())
        self._bar = None
        if self.tty:
            from tqdm import tqdm

            self._bar = tqdm(total=total, file=self.stream, unit="submission",
                             desc="grading", dynamic_ncols=True, leave=True,
                             bar_format="{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                                        "[{elapsed}<{remaining}, {rate_fmt}]{postfix}")
            self._bar.set_postfix_str("grader faults 0", refresh=False)

    def update(self, failed: bool = False, student: str | None = None) -> None:
        """One more submission done; ``failed`` if the grader could not grade it."""
        self.done += 1
        self.failed += bool(failed)
        if student is not None:
            self.student = student
        if self._bar is not None:
            post = f"grader faults {self.failed}"
            if self.student is not None:
                post += f", last: {_printable(self.student)}"
            self._bar.set_postfix_str(post, refresh=False)
            self._bar.update(1)
            return
        now = self.clock()
        step = max(1, self.total // 10)
        if (self.done >= self.total or now - self._last_line_at >= self.every_s
                or self.done - self._last_line_done >= step):
            self._print_line(now)

    def line(self, now: float | None = None) -> str:
        """The plain progress line for the state now."""
        now = self.clock() if now is None else now
        elapsed = now - self.start
        rate = self.done / elapsed if elapsed > 0 else None
        left = (self.total - self.done) / rate if rate else None
        pct = 100 * self.done / self.total if self.total else 100.0
        text = (f"graded {self.done}/{self.total} ({pct:.0f}%)  grader faults {self.failed}  "
                f"{f'{rate:.1f}/s' if rate else '?/s'}  elapsed {_clock_text(elapsed)}  "
                f"left {_clock_text(left) if self.done < self.total else '00:00'}")
        if self.student is not None:
            text += f"  last: {_printable(self.student)}"
        return text

    def _print_line(self, now: float) -> None:
        self._last_line_at, self._last_line_done = now, self.done
        print(self.line(now), file=self.stream, flush=True)

    def close(self) -> None:
        """Finish: close the bar, or print the final line if it was not printed yet."""
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.close()
        elif self._last_line_done != self.done or self.done == 0:
            self._print_line(self.clock())

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
