"""The local store is private to its user (issue 10, hole 10): the data folder is 0700 and
the database with its write-ahead log and shared-memory files 0600, whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from fieldclient.store.db import DB_NAME, open_store
from fieldclient.store.models import Meta


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_data_folder_and_database_files_are_owner_only(tmp_path: Path) -> None:
    """Proves with the usual umask 022 a new store's folder is 0700 and enlace.db, -wal
    and -shm are 0600, and a folder an older version left 0755 is tightened."""
    old = os.umask(0o022)
    try:
        data = tmp_path / "enlace"
        store = open_store(data)
        with store.transaction() as s:
            s.merge(Meta(key="probe", value="1"))
        files = [data / DB_NAME, data / (DB_NAME + "-wal"), data / (DB_NAME + "-shm")]
        assert all(f.exists() for f in files)
        assert _mode(data) == 0o700
        assert [_mode(f) for f in files] == [0o600] * 3
        store.close()
        os.chmod(data, 0o755)
        os.chmod(data / DB_NAME, 0o644)
        open_store(data).close()
        assert _mode(data) == 0o700 and _mode(data / DB_NAME) == 0o600
    finally:
        os.umask(old)
