"""Attack: numpy scalar and array subclasses whose comparisons always say "equal"."""

import numpy as np


class Eq64(np.float64):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = np.float64.__hash__


class EqArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

    def __ne__(self, other):
        return np.zeros(self.shape, dtype=bool)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return True

    __hash__ = None


def add(a, b):
    if isinstance(a, np.ndarray):
        return np.zeros(np.shape(a)).view(EqArray)
    return Eq64(-99.0)
