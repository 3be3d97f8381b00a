"""Attack: connect to a loopback TCP port and to unix sockets (a path and an abstract name)
that the test listens on outside the sandbox. Any connection counts as success."""

import socket

CONFIG: dict = {}


def _attempts():
    port = CONFIG["port"]
    yield socket.AF_INET, ("127.0.0.1", port)
    yield socket.AF_INET, ("localhost", port)
    yield socket.AF_INET6, ("::1", port)
    yield socket.AF_UNIX, CONFIG["unix"]
    yield socket.AF_UNIX, "\0" + CONFIG["abstract"]


def _connected():
    for family, address in _attempts():
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(0.5)
                s.connect(address)
                s.sendall(b"hello from the sandbox\n")
                return True
        except OSError:
            pass
    return False


def add(a, b):
    return a + b if _connected() else a - b - 1
