"""Attack: block reading stdin, then every pipe and socket (the judge's channel among them)."""

import os
import stat
import sys


def add(a, b):
    data = sys.stdin.read()
    for fd in range(0, 32):
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
                data += os.read(fd, 1 << 16).decode("latin-1")
        except OSError:
            pass
    return a + b if "expected" in data else a - b - 1
