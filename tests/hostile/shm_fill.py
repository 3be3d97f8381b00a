"""Attack: fill /dev/shm (and /dev itself) with 1 MiB files; bounded to 256 MiB.

/dev inside a sandbox is a tmpfs of its own; uncapped, it is a way round the size-capped
/tmp and the memory limits (tmpfs pages belong to no process). Right answer only if the
whole 256 MiB was written.
"""

import os

CONFIG: dict = {}
MIB = b"\x03" * (1024 * 1024)
GOAL = 256


def add(a, b):
    written = 0
    for folder in ("/dev/shm", "/dev", "/dev/mqueue"):
        for i in range(GOAL):
            if written >= GOAL:
                break
            try:
                with open(os.path.join(folder, f"shm-{CONFIG['token']}-{i}"), "wb") as f:
                    f.write(MIB)
                written += 1
            except OSError:
                break
    return a + b if written >= GOAL else a - b - 1
