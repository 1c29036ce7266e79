"""A write transaction of the store is serialised whole, its reads included: the pull and
the push of one sync round write from two threads, and each reads a record before it
writes it (a merge, a rejected edit undone). Were the reads outside the write lock, one
would write back what it read before the other committed and undo the other's change
(the stateful test caught a unit keeping the HLC of a rejected edit that way)."""

from __future__ import annotations

import pytest

from fieldclient.store.db import Store, connect_folder
from fieldclient.store.models import Meta


def test_a_write_transaction_holds_the_write_lock_from_its_first_read(store: Store) -> None:
    """Proves another writer cannot start while a transaction has only read so far."""
    other = connect_folder(store.data_dir)
    try:
        other.execute("PRAGMA busy_timeout = 0")
        with store.transaction() as s:
            s.get(Meta, "anything")  # a read, no write yet
            with pytest.raises(Exception, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once it committed
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_reading_session_does_not_block_writers(store: Store) -> None:
    """Proves a plain session (the UI's reads) takes no write lock."""
    other = connect_folder(store.data_dir)
    try:
        other.execute("PRAGMA busy_timeout = 0")
        with store.session() as s:
            s.get(Meta, "anything")
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()
