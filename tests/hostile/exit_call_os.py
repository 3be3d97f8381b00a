"""Attack: os._exit(0) inside a graded call, killing the process that answers."""

import os


def add(a, b):
    os._exit(0)
