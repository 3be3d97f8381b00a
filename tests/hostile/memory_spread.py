"""Attack: spread memory over forked children, each under a per-process limit, 3 GiB in all.

Right answer only if all three children held their 1 GiB at the same time.
"""

import os
import time

CHILDREN = 3
EACH = 1024 * 1024 * 1024


def add(a, b):
    pids = []
    for _ in range(CHILDREN):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            try:
                block = b"\x01" * EACH
                time.sleep(1.0)
                os._exit(0 if len(block) == EACH else 1)
            except BaseException:
                os._exit(1)
        pids.append(pid)
    ok = 0
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        ok += os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return a + b if ok == CHILDREN else a - b - 1
