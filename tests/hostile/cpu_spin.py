"""Attack: spin the CPU forever inside a graded call."""


def add(a, b):
    n = 0
    while True:
        n += 1
