"""A data folder holding the demo deployment is not signed in to a server by accident."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldclient.core.errors import InvalidInput
from fieldclient.demo import load_demo
from fieldclient.replication import account
from fieldclient.replication.credentials import MemoryCredentialStore
from fieldclient.store.db import open_store
from fieldclient.store.models import Outbox
from tests.replication.support import Server, password


def test_demo_folder_is_refused_before_anything_is_sent(server: Server, tmp_path: Path) -> None:
    """Proves sign-in refuses a demo folder with unsent changes and sends nothing, and that
    --allow-demo-data (for demo servers) signs in."""
    store = open_store(tmp_path / "demo")
    try:
        load_demo(store)
        creds = MemoryCredentialStore()
        with pytest.raises(InvalidInput, match="demo deployment"):
            account.login(store, server.url, "ana", password("ana"), "laptop", credentials=creds)
        assert account.current_account(store) is None
        with store.session() as s:
            assert s.query(Outbox).filter(Outbox.state != "waiting").count() == 0
        acct = account.login(store, server.url, "ana", password("ana"), "laptop",
                             credentials=creds, allow_demo_data=True)
        assert acct.username == "ana"
    finally:
        store.close()


def test_empty_folder_signs_in_normally(server: Server, tmp_path: Path) -> None:
    """Proves the guard leaves an ordinary data folder alone."""
    store = open_store(tmp_path / "real")
    try:
        assert not account.holds_unsent_demo(store)
        acct = account.login(store, server.url, "ana", password("ana"), "laptop",
                             credentials=MemoryCredentialStore())
        assert acct.username == "ana"
    finally:
        store.close()
