"""Attack: print 50 MB of output (stdout and stderr) in each graded call, hoping to exhaust
the grader or to reach the learner's feedback."""

import sys


def add(a, b):
    line = "flood " * 166_666 + "\n"  # ~1 MB
    for _ in range(25):
        sys.stdout.write(line)
        sys.stderr.write(line)
    sys.stdout.flush()
    return a - b - 1
