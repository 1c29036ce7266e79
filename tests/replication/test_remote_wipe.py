"""Remote wipe (issue 14 item 5), against a real fieldsync on loopback: a device revoked
with the wipe policy is unreadable after its next contact, sends what it holds first when
the order says so, erases without being unlocked when it is locked, and the server keeps
the acknowledgement in its audit trail. Older clients only see `device_revoked`."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fieldclient.replication import wipe
from fieldclient.replication.account import current_account
from fieldclient.replication.errors import DeviceRevoked
from fieldclient.store import crypto
from fieldclient.store.db import DB_NAME, open_store
from sync.protocol.envelope import WIPE_AFTER_PUSH, WIPE_NOW
from tests.replication.support import PY, ROOT

MARKER = "ZQXJ-DETENIDO-5120"


def _audit(server: Any, action: str) -> list[dict[str, Any]]:
    con = sqlite3.connect(server.db.removeprefix("sqlite:///"))
    try:
        rows = con.execute("SELECT device_id, detail FROM audit WHERE action = ?",
                           (action,)).fetchall()
    finally:
        con.close()
    return [{"device_id": d, **json.loads(e or "{}")} for d, e in rows]


def _revoke(server: Any, device: str, *flags: str) -> None:
    r = server.cli("device", "revoke", device, *flags)
    assert r.returncode == 0, r.stderr


def _unreadable(folder: Path) -> None:
    """No database, no key, no marker anywhere in the folder; reopening makes a new, empty
    store (never the old one)."""
    assert not (folder / DB_NAME).exists() and not (folder / crypto.KEY_FILE).exists()
    held = [p.name for p in folder.rglob("*") if p.is_file() and MARKER.encode() in p.read_bytes()]
    assert held == []


def _two_units(c: Any) -> None:
    """One unit synced, one still waiting (both carry the marker in their notes)."""
    c.writer.create_unit({"callsign": "HALCON 1", "agency": "sedena", "kind": "infantry",
                          "notes": MARKER})
    assert c.sync().complete
    c.writer.create_unit({"callsign": "HALCON 2", "agency": "sedena", "kind": "infantry",
                          "notes": MARKER})


@pytest.mark.parametrize("policy", [WIPE_AFTER_PUSH, WIPE_NOW])
def test_a_revoked_device_with_the_wipe_policy_erases_at_its_next_contact(
        server, make_client, policy: str) -> None:
    """Proves `fieldsync device revoke --wipe [--push-first]` makes the laptop's next sync
    erase its key and database (pushing the waiting change first only with --push-first),
    tell the server, which audits `device.wiped` with the counts, and the token is gone."""
    c = make_client(f"w-{policy}", server.url, "ana")
    _two_units(c)
    acct = current_account(c.store)
    assert acct is not None
    _revoke(server, acct.device_id, "--wipe", *(["--push-first"] if policy == WIPE_AFTER_PUSH else []))
    before = server.count_changes("unit")
    with pytest.raises(DeviceRevoked) as err:
        c.sync()
    assert err.value.wipe == policy
    done = wipe.wipe_store(c.engine, err.value, c.creds)
    _unreadable(c.folder)
    pushed = policy == WIPE_AFTER_PUSH
    # with --push-first the round that met the order had already sent it (the server
    # takes pushes from that device until it says it erased); without, nothing was taken
    assert done.unsent == (0 if pushed else 1)
    assert server.count_changes("unit") == before + (1 if pushed else 0)
    audited = _audit(server, "device.wiped")
    assert {"device_id": acct.device_id, "pushed": done.pushed, "unsent": done.unsent,
            "locked": False} in audited
    assert done.acknowledged and wipe.last_wipe(c.folder) == done
    assert c.creds.get_token(acct.server, acct.username) is None
    fresh = open_store(c.folder)  # a new, empty store: the old one is gone for good
    try:
        assert current_account(fresh) is None
    finally:
        fresh.close()
    c.store = fresh  # make_client closes it again at the end


def test_a_locked_laptop_erases_without_being_unlocked(server, make_client) -> None:
    """Proves a laptop whose store is closed (locked: data key dropped) learns of the wipe
    order from its check-in and erases its folder without the key; the server audits it
    as erased while locked."""
    c = make_client("w-locked", server.url, "ana")
    _two_units(c)
    acct = current_account(c.store)
    assert acct is not None
    c.close()  # the idle lock: the store closed, its key wiped from memory
    assert wipe.check_in(c.folder, acct, c.creds) is None  # still standing: nothing done
    assert (c.folder / DB_NAME).exists()
    _revoke(server, acct.device_id, "--wipe")
    done = wipe.check_in(c.folder, acct, c.creds)
    assert done is not None and done.locked and done.acknowledged
    _unreadable(c.folder)
    assert any(a["device_id"] == acct.device_id and a["locked"]
               for a in _audit(server, "device.wiped"))
    c.store = open_store(c.folder)


@pytest.mark.keyring
def test_old_clients_see_a_plain_revocation_and_the_cli_erases(
        server, secret_service, tmp_path: Path) -> None:
    """Proves the wipe order is additive on the wire (an old client reads code and detail
    of device_revoked as before) and `fieldclient sync` carries it out (exit 4, says so)."""
    import requests

    folder = tmp_path / "cli"
    env = {**secret_service, "ENLACE_TESTING": "1"}
    r = subprocess.run([PY, "-m", "fieldclient.cli", "--data-dir", str(folder), "login",
                        "--server", server.url, "--username", "beto", "--device-name", "cli"],
                       input="pw-beto-long-enough\n", env=env, cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    store = open_store(folder)
    acct = current_account(store)
    store.close()
    assert acct is not None
    _revoke(server, acct.device_id, "--wipe")
    body = requests.get(server.url + "/v1/me", timeout=10,
                        headers={"Authorization": "Bearer " + acct.device_id + ".x"}).json()
    assert set(body) == {"code", "detail"}  # a wrong secret learns nothing of the order
    r = subprocess.run([PY, "-m", "fieldclient.cli", "--data-dir", str(folder), "--lang", "en",
                        "sync"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 4, r.stderr
    assert "data was erased" in r.stderr
    assert not (folder / DB_NAME).exists() and not (folder / crypto.KEY_FILE).exists()
