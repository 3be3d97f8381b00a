"""Attack: objects that compare equal to everything, so a naive ``==`` check passes."""


class Anything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def add(a, b):
    return Anything()
