"""Attack: fork up to 300 children that leave the session (setsid) and sleep for a minute.

Bounded so a regression cannot take the machine down. Each child execs ``sleep`` under a
marker name, so the test can find any that survive their sandbox. Right answer only if all
300 children were created.
"""

import os
import time

CONFIG: dict = {}
GOAL = 300


def add(a, b):
    made = 0
    for _ in range(GOAL):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            try:
                os.setsid()
                marker = "mlmath-hostile-sleeper-" + CONFIG["token"]
                os.execv("/usr/bin/sleep", [marker, "60"])
            finally:
                time.sleep(60)
                os._exit(0)
        made += 1
    return a + b if made == GOAL else a - b - 1
