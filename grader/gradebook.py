"""The gradebook: one SQLite file (WAL) that survives crashes and makes regrading a no-op.

Each graded submission is one row keyed by (student, submission hash, suite hash), written
in its own transaction the moment its grading finishes. A run killed with ``kill -9`` loses
at most the submissions being graded at that instant; the next run skips every key already
present, so each student is graded exactly once for the same files and suites.
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
"""


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

    def save(self, result: dict) -> None:
        """Store one student's result (a dict from the judge) in a single transaction."""
        self.db.execute(
            "INSERT OR IGNORE INTO grades VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (result["student"], result["submission_hash"], result["suite_hash"], time.time(),
             result["isolation"], result["score"], result["max_score"],
             json.dumps(result, sort_keys=True)))

    def result(self, student: str, submission_hash: str, suite_hash: str) -> dict | None:
        row = self.db.execute(
            "SELECT result FROM grades WHERE student=? AND submission_hash=? AND suite_hash=?",
            (student, submission_hash, suite_hash)).fetchone()
        return json.loads(row[0]) if row else None

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM grades").fetchone()[0]

    def close(self) -> None:
        self.db.close()
