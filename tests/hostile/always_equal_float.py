"""Attack: a float subclass equal to everything, and an object claiming to be a float."""


class Everything(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __float__(self):
        return 5.0

    __hash__ = float.__hash__


class Impostor:
    """``isinstance(x, float)`` is True through ``__class__``; it is nothing of the kind."""

    @property
    def __class__(self):
        return float

    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


def add(a, b):
    if isinstance(a, float):
        return Everything(0.0)
    return Impostor()
