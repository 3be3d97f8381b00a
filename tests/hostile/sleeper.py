"""Attack: block in a long sleep inside a graded call (CPU limits never stop a sleep)."""

import time


def add(a, b):
    time.sleep(3600)
    return a + b
