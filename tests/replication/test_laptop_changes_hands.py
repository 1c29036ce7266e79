"""A laptop handed to another person: what the first user could see must not stay for the
second, and the first user's unsent changes must not go out under the second user's name.

Signing in as another account (or to another server) used to keep every record and only
restart the pull: a state police liaison signing in on a SEDENA laptop kept seeing
SEDENA's agency-only units, and SEDENA's unsent edits would have been pushed with the
liaison's token, so the server and the audit trail would name the wrong author."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldclient.core.errors import InvalidInput
from fieldclient.replication import account
from fieldclient.replication.credentials import MemoryCredentialStore
from fieldclient.replication.engine import SyncEngine
from fieldclient.store.db import open_store
from fieldclient.store.models import Outbox, Unit
from fieldclient.store.writer import LocalWriter
from tests.replication.support import Server, password


def test_another_account_starts_from_what_it_may_see(fresh_server: Server,
                                                     tmp_path: Path) -> None:
    """Proves that after ana (sedena) synced an agency-only unit, gus (gn) signing in on
    the same folder no longer holds it, while a shared unit comes back with gus's pull;
    and that ana signing in again gets hers back. (A server of its own: the agency-only
    unit would differ between the shared server's laptops in other tests.)"""
    server = fresh_server
    store = open_store(tmp_path / "laptop")
    creds = MemoryCredentialStore()
    try:
        account.login(store, server.url, "ana", password("ana"), "laptop", credentials=creds)
        w = LocalWriter(store)
        secret = w.create_unit({"callsign": "SIGILO-1", "agency": "sedena", "kind": "police",
                                "visibility": "agency"})
        shared = w.create_unit({"callsign": "ABIERTA-1", "agency": "sedena", "kind": "police"})
        assert SyncEngine(store, creds).round().complete

        account.login(store, server.url, "gus", password("gus"), "laptop", credentials=creds)
        with store.session() as s:
            assert s.get(Unit, secret) is None  # gone before any pull
        assert SyncEngine(store, creds).round().complete
        with store.session() as s:
            assert s.get(Unit, secret) is None
            assert s.get(Unit, shared) is not None  # what gus may see comes again

        account.login(store, server.url, "ana", password("ana"), "laptop", credentials=creds)
        assert SyncEngine(store, creds).round().complete
        with store.session() as s:
            assert s.get(Unit, secret) is not None
    finally:
        store.close()


def test_unsent_changes_of_another_account_refuse_the_sign_in(server: Server,
                                                              tmp_path: Path) -> None:
    """Proves gus cannot sign in while ana's changes wait to be sent (they would go out in
    gus's name), that nothing was sent or removed, and that ana can sign in and send them."""
    store = open_store(tmp_path / "laptop")
    creds = MemoryCredentialStore()
    try:
        account.login(store, server.url, "ana", password("ana"), "laptop", credentials=creds)
        unit = LocalWriter(store).create_unit({"callsign": "PENDIENTE-1", "agency": "sedena",
                                               "kind": "police"})
        with pytest.raises(InvalidInput, match="ana"):
            account.login(store, server.url, "gus", password("gus"), "laptop",
                          credentials=creds)
        assert account.current_account(store).username == "ana"  # type: ignore[union-attr]
        with store.session() as s:
            assert s.get(Unit, unit) is not None
            assert [r.state for r in s.query(Outbox)] == ["waiting"]
        account.login(store, server.url, "ana", password("ana"), "laptop", credentials=creds)
        assert SyncEngine(store, creds).round().complete
    finally:
        store.close()
