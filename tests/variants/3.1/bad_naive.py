"""sqrt(sum(v**2)) as written: 1e200 squared overflows, 1e-200 squared underflows."""
import numpy as np


def norm(v):
    v = np.asarray(v, dtype=float)
    with np.errstate(over="ignore", under="ignore"):
        return float(np.sqrt(np.sum(v * v)))
