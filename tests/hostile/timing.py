"""Attack: encode the hidden inputs in how long a call takes (then answer correctly).

Defence, for the record: learners never see timings. Calls have a fixed wall-clock budget,
and the feedback reports per-task outcomes only (no durations, no per-call times), so the
time a call takes cannot carry anything back to the learner.
"""

import time


def largest(xs):
    time.sleep(min(max(float(x) for x in xs), 10.0) / 10.0)
    best = xs[0]
    for x in xs:
        best = x if x > best else best
    return best
