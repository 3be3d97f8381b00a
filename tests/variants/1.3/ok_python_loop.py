"""A loop with an if per label, math.log, and -inf for an impossible label."""
import math


def bernoulli_log_likelihood(p, y):
    total = 0.0
    for pi, yi in zip(p, y, strict=True):
        q = float(pi) if yi == 1 else 1.0 - float(pi)
        if q == 0.0:
            return -math.inf
        total += math.log(q)
    return total
