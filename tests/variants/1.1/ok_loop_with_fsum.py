"""A plain loop over math.log, added up with math.fsum (exact summation)."""
import math


def log_product(p):
    return math.fsum(math.log(float(pi)) for pi in p)
