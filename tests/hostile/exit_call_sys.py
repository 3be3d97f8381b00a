"""Attack: sys.exit(0) inside a graded call."""

import sys


def add(a, b):
    sys.exit(0)
