"""The gradebook: one SQLite file (WAL) that survives crashes and makes regrading a no-op.

Each graded submission is one row keyed by (student, submission hash, suite hash), written
in its own transaction the moment its grading finishes. A run killed with ``kill -9`` loses
at most the submissions being graded at that instant; the next run skips every key already
present, so each student is graded exactly once for the same files and suites.

``mlmath grade --regrade`` grades on purpose again: the row it replaces is moved to the
``history`` table (with the time it was superseded), never overwritten. Results that hold a
grader fault are never stored at all (see :mod:`grader.faults`).
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS grades (
    student          TEXT NOT NULL,
    submission_hash  TEXT NOT NULL,
    suite_hash       TEXT NOT NULL,
    graded_at        REAL NOT NULL,
    isolation        TEXT NOT NULL,
    score            REAL NOT NULL,
    max_score        REAL NOT NULL,
    result           TEXT NOT NULL,
    PRIMARY KEY (student, submission_hash, suite_hash)
);
CREATE TABLE IF NOT EXISTS history (
    student          TEXT NOT NULL,
    submission_hash  TEXT NOT NULL,
    suite_hash       TEXT NOT NULL,
    graded_at        REAL NOT NULL,
    isolation        TEXT NOT NULL,
    score            REAL NOT NULL,
    max_score        REAL NOT NULL,
    result           TEXT NOT NULL,
    superseded_at    REAL NOT NULL
);
"""
COLUMNS = "student, submission_hash, suite_hash, graded_at, isolation, score, max_score, result"


class Gradebook:
    """A SQLite gradebook at ``path`` (created if missing)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def has(self, student: str, submission_hash: str, suite_hash: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM grades WHERE student=? AND submission_hash=? AND suite_hash=?",
            (student, submission_hash, suite_hash)).fetchone()
        return row is not None

    def save(self, result: dict, *, replace: bool = False) -> None:
        """Store one student's result (a dict from the judge) in a single transaction.

        With ``replace`` (a regrade), a stored result for the same key moves to ``history``.
        """
        key = (result["student"], result["submission_hash"], result["suite_hash"])
        row = (*key, time.time(), result["isolation"], result["score"], result["max_score"],
               json.dumps(result, sort_keys=True))
        where = "student=? AND submission_hash=? AND suite_hash=?"
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            if replace:
                self.db.execute(f"INSERT INTO history SELECT {COLUMNS}, ? FROM grades "
                                f"WHERE {where}", (time.time(), *key))
                self.db.execute(f"DELETE FROM grades WHERE {where}", key)
            self.db.execute("INSERT OR IGNORE INTO grades VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)

    def history(self, student: str) -> list[dict]:
        """Earlier results of ``student`` that a regrade replaced, oldest first."""
        rows = self.db.execute("SELECT result FROM history WHERE student=? ORDER BY "
                               "superseded_at", (student,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def result(self, student: str, submission_hash: str, suite_hash: str) -> dict | None:
        row = self.db.execute(
            "SELECT result FROM grades WHERE student=? AND submission_hash=? AND suite_hash=?",
            (student, submission_hash, suite_hash)).fetchone()
        return json.loads(row[0]) if row else None

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM grades").fetchone()[0]

    def close(self) -> None:
        self.db.close()
