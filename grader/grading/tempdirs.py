"""Private working folders: readable by nobody else, removed on every way out.

Students' code is copied into folders that sandboxes read, so each process keeps them under
one *root* of its own, mode 700: other users of the machine cannot list or read them (the
sandbox reaches its submission folder through a bind mount, not through the root). The root
holds its owner's pid; a root whose owner is gone (a run killed with ``kill -9``) is removed
by the next run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "mlmath-private-"


def private_root() -> Path:
    """A new root folder (mode 700) owned by this process."""
    root = Path(tempfile.mkdtemp(prefix=PREFIX))
    root.chmod(0o700)
    (root / "owner.pid").write_text(str(os.getpid()))
    return root


def readable_folder(root: Path, prefix: str) -> Path:
    """A folder inside ``root`` that a sandbox (maybe another uid) may read through a mount."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=root))
    folder.chmod(0o755)
    return folder


def remove(root: Path | None) -> None:
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale() -> int:
    """Remove roots under the temp folder whose owner process is gone; return how many."""
    removed = 0
    base = Path(tempfile.gettempdir())
    try:
        entries = list(base.glob(PREFIX + "*"))
    except OSError:
        return 0
    for root in entries:
        try:
            if root.is_symlink() or root.stat().st_uid != os.geteuid():
                continue
            pid = int((root / "owner.pid").read_text().strip() or 0)
        except (OSError, ValueError):
            continue
        if pid and not _alive(pid):
            shutil.rmtree(root, ignore_errors=True)
            removed += 1
    return removed
