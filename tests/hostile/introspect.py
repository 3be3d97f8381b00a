"""Attack: read the expected value off the calling test's frame or code object.

In a process shared with pytest the caller is ``test_add`` and its constants hold the
expected result: the constants that are not the inputs are the answer.
"""

import gc
import inspect
import sys
import types


def _answer_from(code, a, b):
    consts = [c for c in code.co_consts if type(c) is float and c not in (a, b)]
    return consts[-1] if consts else None


def _spy(a, b):
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name.startswith("test_"):
            found = _answer_from(frame.f_code, a, b)
            if found is not None:
                return found
        frame = frame.f_back
    for info in inspect.stack(0):
        if info.function.startswith("test_"):
            found = _answer_from(info.frame.f_code, a, b)
            if found is not None:
                return found
    for obj in gc.get_objects():
        if isinstance(obj, types.FunctionType) and obj.__name__ == "test_add":
            found = _answer_from(obj.__code__, a, b)
            if found is not None:
                return found
    return None


def add(a, b):
    found = _spy(a, b)
    return found if found is not None else a - b - 1
