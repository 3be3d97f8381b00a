"""Attack: rewrite the sandbox's own answering code so that the error it reports for
``largest`` carries the hidden inputs in every free-text field the judge might show.

The child process that answers the judge runs in the same interpreter as this module, so
its ``Server.handle`` can be replaced at import time.
"""

import json
import sys

_main = sys.modules.get("__main__")
_Server = getattr(_main, "Server", None)
if _Server is not None:
    _original = _Server.handle

    def _handle(self, req):
        if req.get("func") != "largest":
            return _original(self, req)
        leak = "inputs " + json.dumps(req.get("args"))
        return {"ok": False, "error": {"kind": "unsupported", "detail": leak, "type": leak,
                                       "name": leak, "seconds": leak, "task": leak,
                                       "line": leak}}

    _Server.handle = _handle


def largest(xs):
    raise ValueError("not reached when the patch works")
