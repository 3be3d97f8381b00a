"""Honest parts of every hostile submission: largest and Counter (3 points).

The attacker file appended after this one redefines ``add`` (or, for the leak attacks,
``largest``). ``wrong`` is what an attack returns when it failed: never the right sum.
"""

CONFIG: dict = {}


def wrong(a, b):
    return a - b - 1


def add(a, b):
    return a + b


def largest(xs):
    best = xs[0]
    for x in xs:
        best = x if x > best else best
    return best


class Counter:
    def __init__(self):
        self.count = 0

    def tick(self):
        self.count += 1
