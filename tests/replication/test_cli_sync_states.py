"""The sync commands tell the truth (issue 9 items 2, 6, 10): `status --json` always has
`state`; `sync` warns about a clock days off and exits non-zero (documented codes) when
something was rejected; a client too old for the server says so and sends nothing. Real
`fieldclient` processes, the token in a real Secret Service, a real `fieldsync`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldclient.replication.worker import STATES
from fieldclient.store.db import open_store
from fieldclient.store.models import Meta, Outbox
from fieldclient.store.writer import LocalWriter
from tests.replication.faultproxy import FaultProxy
from tests.replication.support import PY, ROOT, Server, password

pytestmark = pytest.mark.keyring


def _cli(env: dict[str, str], data: Path, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return subprocess.run([PY, "-m", "fieldclient.cli", "--data-dir", str(data), "--lang", "en",
                           *args], env=env, cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=120)


def _status(env: dict[str, str], data: Path) -> dict:  # type: ignore[type-arg]
    r = _cli(env, data, "status", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _login(env: dict[str, str], data: Path, url: str, user: str) -> None:
    r = _cli(env, data, "login", "--server", url, "--username", user,
             stdin=password(user) + "\n")
    assert r.returncode == 0, r.stderr


def test_status_state_clock_warning_and_exit_codes(server, secret_service, tmp_path):
    """Proves `status --json` carries `state` (signed_out, online, clock_skew), `sync`
    through a server whose clock reads 3 days behind warns that this clock is 3 days
    ahead, and `sync` exits 7 while a rejected change is listed, 0 once it is dismissed."""
    env = {**secret_service}
    data = tmp_path / "liaison"
    assert _status(env, data)["state"] == "signed_out"
    proxy = FaultProxy(server.port)
    try:
        _login(env, data, proxy.url, "gus")
        r = _cli(env, data, "sync")
        assert r.returncode == 0, r.stderr
        snap = _status(env, data)
        assert snap["state"] == "online" and snap["state"] in STATES

        proxy.clock_shift_ms = -3 * 24 * 3600 * 1000
        r = _cli(env, data, "sync")
        assert r.returncode == 0, r.stderr  # nothing waiting, nothing rejected
        assert "clock is 3 d 0 h ahead of the sync server's" in r.stderr
        assert _status(env, data)["state"] == "clock_skew"
        proxy.clock_shift_ms = 0

        # an edit the server refuses: a unit of gn, by a liaison (made without the sign-in
        # pointer, the way a change refused by rules that changed reaches the server)
        store = open_store(data)
        with store.transaction() as s:
            role = s.get(Meta, "sync_role")
            role.value, saved = "", role.value
        LocalWriter(store).create_unit({"callsign": "GN-9", "agency": "gn", "kind": "police"})
        with store.transaction() as s:
            s.get(Meta, "sync_role").value = saved
        r = _cli(env, data, "sync")
        assert r.returncode == 7, r.stderr
        assert "1 change(s) were rejected by the server" in r.stderr
        snap = _status(env, data)
        assert (snap["state"], snap["rejected"], snap["pending"]) == ("online", 1, 0)
        assert _cli(env, data, "sync").returncode == 7  # still listed: still non-zero
        with store.transaction() as s:
            seq = s.scalars(select(Outbox.seq).where(Outbox.state == "rejected")).one()
            s.get(Outbox, seq).state = "dismissed"
        store.close()
        r = _cli(env, data, "sync")
        assert r.returncode == 0, r.stderr
    finally:
        proxy.close()


def test_client_too_old_for_the_server_says_so_and_sends_nothing(secret_service, tmp_path):
    """Proves a server that needs a newer client makes `sync` exit 8 saying the version is
    too old, with nothing sent or pulled (the change still waiting, the cursor at 0), and
    `status --json` says `too_old`."""
    env = {**secret_service}
    srv = Server(tmp_path / "server", env={"FIELDSYNC_MIN_CLIENT_REVISION": "99"})
    srv.add_accounts()
    srv.start()
    try:
        data = tmp_path / "laptop"
        _login(env, data, srv.url, "ana")
        store = open_store(data)
        LocalWriter(store).create_unit({"callsign": "VIEJO", "agency": "sedena", "kind": "police"})
        store.close()
        r = _cli(env, data, "sync")
        assert r.returncode == 8, r.stderr
        assert "too old for the sync server" in r.stderr
        snap = _status(env, data)
        assert (snap["state"], snap["pending"], snap["cursor"]) == ("too_old", 1, 0)
        assert srv.count_changes("unit") == 0
    finally:
        srv.stop()
