"""Attack: print the hidden inputs (to stdout and stderr), then answer correctly."""

import sys


def largest(xs):
    print("hidden inputs:", list(xs))
    print("hidden inputs:", list(xs), file=sys.stderr)
    best = xs[0]
    for x in xs:
        best = x if x > best else best
    return best
