"""Forms the product first: it underflows to 0 and log(0) = -inf."""
import numpy as np


def log_product(p):
    return float(np.log(np.prod(p)))
