"""Faults of the grader or its environment: never a student's score.

A sandbox that cannot start, a library the known-good probe cannot import, a worker that
dies, a hidden test whose own code raises: each is reported to the instructor with what went
wrong and where, and no score is stored, so the next run grades those students again.
"""

from __future__ import annotations


class GraderFault(Exception):
    """Something on the grader's side failed; the message is for the instructor."""


# What a learner is told about a check that could not run through no fault of theirs.
FAULT_MESSAGE = ("this check could not run because of a problem in the grader, not in your "
                 "code; it will be graded again.")
