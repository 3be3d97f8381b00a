"""Attack: read the hidden tests, the solutions, another student's files or the grader's
work folders, by their real paths (baked in) and by walking the file system from /."""

import os
import time

CONFIG: dict = {}
WANTED = {"check_toy.py", "test_hidden.py", "gradebook.sqlite", "notes.txt"}


def _readable(path):
    try:
        if os.path.isdir(path):
            return bool(os.listdir(path))
        with open(path, "rb") as f:
            return bool(f.read(64))
    except OSError:
        return False


def _walk(budget_s=1.2, max_entries=60000):
    start, seen = time.monotonic(), 0
    for top, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if os.path.join(top, d) not in ("/proc", "/sys", "/dev")]
        seen += len(dirs) + len(files)
        for name in files:
            if name in WANTED and _readable(os.path.join(top, name)):
                return os.path.join(top, name)
        if seen > max_entries or time.monotonic() - start > budget_s:
            return None
    return None


def _found():
    direct = [
        os.path.join(CONFIG["suites"], "ex01_toy", "check_toy.py"),
        os.path.join(CONFIG["repo"], "grader", "suites"),
        os.path.join(CONFIG["repo"], "solutions"),
        CONFIG["other_secret"],
        os.path.join(CONFIG["out"], ".work"),
        os.path.join(CONFIG["out"], "gradebook.sqlite"),
    ]
    for path in direct:
        if _readable(path):
            return path
    return _walk()


def add(a, b):
    return a + b if _found() else a - b - 1
