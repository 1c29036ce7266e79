"""The local store is encrypted (issue 14 item 1): nothing readable on disk, a key that
is only ever wrapped (keyring or Argon2id passphrase), never a plain-text way round, and a
database from another laptop refused without being touched or called disposable."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from fieldclient.core.errors import (
    PassphraseNeeded,
    StoreKeyMissing,
    StoreWrongKey,
    WrongPassphrase,
)
from fieldclient.store import crypto
from fieldclient.store.crypto import Unlock
from fieldclient.store.db import DB_NAME, connect_folder, open_store
from fieldclient.store.writer import LocalWriter

MARKER = "ZQXJ-MARCA-7781"
PHRASE = "tests-passphrase-long-enough"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _with_unit(folder: Path, unlock: Unlock | None = None) -> None:
    store = open_store(folder, unlock)
    w = LocalWriter(store)
    uid = w.create_unit({"callsign": "HALCON 9", "agency": "sedena", "kind": "infantry",
                         "notes": MARKER})
    w.log_position(uid, 19.4, -99.1, note=MARKER)
    store.close()


def _files_hold(folder: Path, needle: bytes) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_database_and_its_log_hold_nothing_readable(tmp_path: Path) -> None:
    """Proves a record's note is in no file of the data folder (database, write-ahead log,
    key file), the database has no SQLite header, and SQLCipher's temporary store is memory."""
    store = open_store(tmp_path)
    w = LocalWriter(store)
    uid = w.create_unit({"callsign": "HALCON 9", "agency": "sedena", "kind": "infantry",
                         "notes": MARKER})
    w.log_position(uid, 19.4, -99.1, note=MARKER)
    # while open: the change is in the write-ahead log, not yet in the database file
    assert (tmp_path / (DB_NAME + "-wal")).stat().st_size > 0
    assert _files_hold(tmp_path, MARKER.encode()) == []
    with store.session() as s:
        assert s.connection().exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY
    store.close()
    assert _files_hold(tmp_path, MARKER.encode()) == []
    assert not (tmp_path / DB_NAME).read_bytes().startswith(b"SQLite format 3")
    con = connect_folder(tmp_path)
    assert con.execute("SELECT notes FROM unit").fetchall() == [(MARKER,)]
    con.close()


def test_a_database_from_another_laptop_is_refused_untouched(tmp_path: Path) -> None:
    """Proves a database copied over this laptop's own (its key file stays) is refused as
    encrypted with another key, the message does not suggest moving aside or deleting it,
    and neither the database nor the key file is changed."""
    _with_unit(tmp_path / "other")
    _with_unit(tmp_path / "mine")
    mine = tmp_path / "mine"
    shutil.copyfile(tmp_path / "other" / DB_NAME, mine / DB_NAME)
    before = (_digest(mine / DB_NAME), _digest(mine / crypto.KEY_FILE))
    with pytest.raises(StoreWrongKey) as err:
        open_store(mine)
    text = str(err.value).lower()
    assert "another laptop" in text and "not changed" in text
    assert "delete" not in text and "move it aside" not in text
    assert (_digest(mine / DB_NAME), _digest(mine / crypto.KEY_FILE)) == before


def test_wrong_passphrases_are_refused_and_spaced_out(tmp_path: Path) -> None:
    """Proves a wrong passphrase opens nothing, the fourth wrong one in a row makes the
    next attempt wait (even with the right passphrase), and no passphrase asks for one."""
    _with_unit(tmp_path)
    with pytest.raises(PassphraseNeeded) as need:
        open_store(tmp_path, Unlock(passphrase=None, keyring=_null()))
    assert not need.value.new
    waits = []
    for _ in range(crypto.FREE_ATTEMPTS + 1):
        with pytest.raises(WrongPassphrase) as err:
            open_store(tmp_path, Unlock(passphrase="not the passphrase"))
        waits.append(err.value.wait_s)
    assert waits[:crypto.FREE_ATTEMPTS - 1] == [0] * (crypto.FREE_ATTEMPTS - 1)
    assert waits[-1] > 0
    with pytest.raises(WrongPassphrase) as err:
        open_store(tmp_path, Unlock(passphrase=PHRASE))
    assert err.value.wait_s > 0 and "try again in" in str(err.value)
    kf = crypto.load(tmp_path)
    assert kf is not None
    kf.failures = {}
    kf.save()
    open_store(tmp_path, Unlock(passphrase=PHRASE)).close()


def _null():  # type: ignore[no-untyped-def]
    from keyring.backends import null

    return null.Keyring()


def test_no_secure_keyring_and_no_passphrase_creates_nothing(tmp_path: Path) -> None:
    """Proves a new folder without a secure keyring and without a passphrase asks for one
    (new) and writes neither a key file nor a plain database."""
    with pytest.raises(PassphraseNeeded) as err:
        open_store(tmp_path, Unlock(passphrase=None, keyring=_null()))
    assert err.value.new
    assert not (tmp_path / crypto.KEY_FILE).exists()
    db = tmp_path / DB_NAME
    assert not db.exists() or db.stat().st_size == 0


def test_key_file_holds_the_key_only_wrapped(tmp_path: Path) -> None:
    """Proves the key file holds a passphrase slot (Argon2id with its cost and salt) and
    not the data key itself."""
    store = open_store(tmp_path)
    raw = store.key.bytes() if store.key else b""
    store.close()
    doc = json.loads((tmp_path / crypto.KEY_FILE).read_text())
    assert [s["kind"] for s in doc["slots"]] == ["passphrase"]
    assert doc["slots"][0]["kdf"]["alg"] == "argon2id"
    text = (tmp_path / crypto.KEY_FILE).read_bytes()
    assert raw.hex().encode() not in text and raw not in text


@pytest.mark.keyring
def test_keyring_route_and_a_lost_keyring_entry(tmp_path: Path, secret_service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Proves with a real Secret Service and no passphrase the key is wrapped by a key in
    the keyring (slot `keyring`), the store reopens through it, and once the entry is gone
    opening refuses (key missing, no plain-text way round) with the file unchanged; a
    site profile asking for a passphrase gets the passphrase slot despite the keyring."""
    from keyring.backends import SecretService

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service["DBUS_SESSION_BUS_ADDRESS"])
    backend = SecretService.Keyring()
    unlock = Unlock(passphrase=None, keyring=backend)
    folder = tmp_path / "k"
    _with_unit(folder, unlock)
    kf = crypto.load(folder)
    assert kf is not None and kf.kinds() == {"keyring"}
    open_store(folder, unlock).close()
    backend.delete_password(crypto.KEYRING_SERVICE, kf.store_id)
    before = _digest(folder / DB_NAME)
    with pytest.raises(StoreKeyMissing) as err:
        open_store(folder, unlock)
    assert not err.value.passphrase_route and "keyring" in str(err.value)
    assert _digest(folder / DB_NAME) == before
    site = tmp_path / "site"
    site.mkdir()
    (site / crypto.SITE_PROFILE).write_text(json.dumps({"policies": {"store_key": "passphrase"}}))
    with pytest.raises(PassphraseNeeded):
        open_store(site, unlock)
    open_store(site, Unlock(passphrase=PHRASE, keyring=backend)).close()
    site_kf = crypto.load(site)
    assert site_kf is not None and site_kf.kinds() == {"passphrase"}
