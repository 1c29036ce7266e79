"""A plain store of an earlier version becomes an encrypted one at start, atomically.

1. The plain database's write-ahead log is folded into it and then overwritten, and the
   process takes the file's exclusive lock (another Enlace on the same folder makes this
   wait, then fail).
2. `sqlcipher_export` copies every table, index and the schema version into
   `enlace.db.encrypting`, encrypted with the folder's data key; it is flushed to disk.
3. A hard link `enlace.db.plain` keeps the plain file, then the encrypted one is renamed
   over `enlace.db` (one atomic step) and the folder flushed.
4. The plain file is overwritten with zeros and removed, and so is its emptied log.

A kill or a power cut at any point leaves `enlace.db` either the old plain database or
the new encrypted one, complete, outbox included: before step 3 the next start converts
again (`finish_interrupted` drops the half-made copy; the link is the same file as the
plain database, so it is only unlinked), after it the next start finishes step 4.
The data key is in `enlace.key` before step 2 starts, so an encrypted `enlace.db` always
has its key.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import sqlcipher3.dbapi2 as cipher

from fieldclient.core.errors import StoreWriteFailed
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.store import disk
from fieldclient.store.crypto import DataKey, shred, sync_dir

log = logging.getLogger(__name__)

DB_NAME = "enlace.db"
NEW_SUFFIX = ".encrypting"
OLD_SUFFIX = ".plain"


def _step(name: str) -> None:
    """A named point of the conversion (tests kill the process at each one)."""


class ConversionFailed(StoreWriteFailed):
    """The plain store could not be encrypted (a full disk, most likely): it was left as
    it was and nothing was lost."""

    def __init__(self, path: str, why: str) -> None:
        from fieldclient.core.errors import UserFacingError

        UserFacingError.__init__(self, QT_TRANSLATE_NOOP(
            "errors",
            "The database in {path} could not be encrypted ({why}). It was left as it was and "
            "nothing was lost; start Enlace again once that is put right."), path=path, why=why)
        self.path = path


def finish_interrupted(data: Path) -> None:
    """Tidy up after a conversion a crash cut short (see the module docstring)."""
    path = data / DB_NAME
    new = path.with_name(path.name + NEW_SUFFIX)
    old = path.with_name(path.name + OLD_SUFFIX)
    for side in (new, new.with_name(new.name + "-journal")):
        if side.exists():
            side.unlink()
    if old.exists():
        if path.exists() and os.path.samefile(old, path):
            old.unlink()  # the replace never happened: this is the live plain database
        else:
            _shred_plain(old)


def encrypt_plain(data: Path, key: DataKey) -> None:
    """Encrypt the plain `enlace.db` of `data` in place (see the module docstring)."""
    path = data / DB_NAME
    new = path.with_name(path.name + NEW_SUFFIX)
    old = path.with_name(path.name + OLD_SUFFIX)
    finish_interrupted(data)
    log.info("encrypting the local database of an earlier version")
    try:
        con = cipher.connect(str(path), isolation_level=None)
    except cipher.DatabaseError as exc:
        raise ConversionFailed(str(data), str(exc)) from None
    try:
        try:
            con.execute("PRAGMA busy_timeout = 10000")
            _step("checkpoint")
            busy, _, _ = con.execute("PRAGMA wal_checkpoint(FULL)").fetchone()
            if busy:
                raise ConversionFailed(str(data), "another program is using the database")
            _zero(path.with_name(path.name + "-wal"))  # its pages are in the file now
            # Exclusive from here: no other process can write the plain file while it is
            # copied (its writes would be lost with the old file).
            con.execute("PRAGMA journal_mode = DELETE")
            con.execute("PRAGMA locking_mode = EXCLUSIVE")
            con.execute("BEGIN EXCLUSIVE")
            con.execute("COMMIT")
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if os.name == "posix":  # owner only from the start: SQLite would use the umask
                os.close(os.open(new, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600))
                os.chmod(new, 0o600)
            con.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.bytes().hex()}'\"", (str(new),))
            _step("attached")
            con.execute("PRAGMA enc.temp_store = MEMORY")
            con.execute("SELECT sqlcipher_export('enc')")
            con.execute(f"PRAGMA enc.user_version = {int(version)}")
            con.execute("DETACH DATABASE enc")
            _step("exported")
        except cipher.DatabaseError as exc:
            raise ConversionFailed(str(data), _why(exc, data)) from None
        _fsync(new)
        _step("flushed")
        os.link(path, old)
        _step("linked")
        os.replace(new, path)
        sync_dir(data)
        _step("replaced")
    except OSError as exc:
        raise ConversionFailed(str(data), exc.strerror or str(exc)) from None
    finally:
        con.close()
        if new.exists():
            new.unlink()
    _shred_plain(old)
    _step("shredded")


def _shred_plain(old: Path) -> None:
    shred(old)
    for suffix in ("-wal", "-journal"):
        side = old.with_name(DB_NAME + suffix)
        if side.exists() and side.stat().st_size > 0:
            shred(side)
    sync_dir(old.parent)


def _zero(path: Path) -> None:
    """Overwrite a file's bytes with zeros in place (it stays, empty of content)."""
    try:
        fd = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        return
    try:
        size = os.fstat(fd).st_size
        os.write(fd, b"\0" * size)
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _why(exc: BaseException, data: Path) -> str:
    if disk.is_disk_error(exc):
        return {"full": "the disk is full", "read_only": "the disk cannot be written"}.get(
            disk.problem(data) or "", str(exc))
    return str(exc)
