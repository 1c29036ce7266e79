"""Is the data folder's disk the problem? Told apart from a damaged database.

SQLite answers "disk I/O error" or "unable to open database file" when it cannot
create or grow its files (a full disk, a read-only file system or folder), and
"file is not a database" or "malformed" when the file itself is bad. Only the
second may ever lead to moving a file aside; the first is the disk's fault, and
the store then opens read-only (fieldclient.store.db).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

# SQLite result codes that blame the environment, not the file's content.
_DISK_CODES = ("SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_FULL", "SQLITE_READONLY",
               "SQLITE_PERM")
_PROBE_BYTES = 64 * 1024  # about what opening a store writes (WAL, shared memory, a page)


class Trouble(Exception):
    """The database file could not be read for a reason outside it."""


def is_disk_error(exc: BaseException) -> bool:
    """Whether an sqlite3 error blames the disk rather than the database file."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    if name:
        return name.startswith(_DISK_CODES)
    text = str(exc).lower()
    return any(t in text for t in ("disk i/o error", "unable to open", "disk is full",
                                   "readonly database", "read-only"))


def problem(folder: Path) -> str | None:
    """'full' or 'read_only' when `folder` cannot take a small write, else None. Probed
    by writing (and deleting) a scratch file: the only check that works the same for a
    full disk, a read-only mount, permissions and every operating system."""
    try:
        fd, name = tempfile.mkstemp(prefix=".enlace-probe-", dir=folder)
    except OSError as exc:
        return _reason(exc)
    try:
        try:
            os.write(fd, b"\0" * _PROBE_BYTES)
            os.fsync(fd)
        except OSError as exc:
            return _reason(exc)
        return None
    finally:
        os.close(fd)
        try:
            os.unlink(name)
        except OSError:
            pass


def _reason(exc: OSError) -> str:
    return "full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "read_only"
