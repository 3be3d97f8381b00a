"""Attack: return an object whose ``__reduce__`` creates a file wherever it is unpickled."""

import os

CONFIG: dict = {}


def _touch(path):
    with open(path, "w") as f:
        f.write("unpickled")
    return 5.0


class Payload:
    def __reduce__(self):
        return (_touch, (os.path.join(CONFIG["canary"], "reduce-" + CONFIG["token"]),))

    def __reduce_ex__(self, protocol):
        return self.__reduce__()

    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


def add(a, b):
    return Payload()
