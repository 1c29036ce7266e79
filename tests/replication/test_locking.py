"""Offline expiry and the idle lock's offline password check (issue 14 items 3, 4), with a
real fieldsync: the verifier kept at sign-in checks the password with no network, wrong
passwords are spaced out, and a laptop offline too long needs an online sign-in, after
which its waiting change is sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from fieldclient.core.errors import WrongPassphrase
from fieldclient.replication import locking
from fieldclient.replication.account import META_LAST_OK, META_SIGNED_IN_AT
from fieldclient.store import crypto
from tests.replication.support import password


def _ago(**kw: float) -> str:
    return (datetime.now(UTC) - timedelta(**kw)).isoformat(timespec="seconds")


def test_the_password_is_checked_offline_against_the_sign_in_verifier(server, make_client) -> None:
    """Proves sign-in keeps an Argon2id verifier (not the password) that accepts the right
    password with the server stopped, refuses a wrong one, and makes the fourth miss in a
    row wait; the store then unlocks with the passphrase that wraps its key."""
    c = make_client("verify", server.url, "ana")
    kf = crypto.load(c.folder)
    assert kf is not None and kf.verifier is not None
    assert kf.verifier["user"] == "ana" and kf.verifier["hash"].startswith("$argon2id$")
    assert password("ana") not in (c.folder / crypto.KEY_FILE).read_text()
    assert crypto.check_password(c.folder, password("ana"))
    waits = []
    for _ in range(crypto.FREE_ATTEMPTS + 1):
        with pytest.raises(WrongPassphrase) as err:
            crypto.check_password(c.folder, "not-her-password")
        waits.append(err.value.wait_s)
    assert waits[0] == 0 and waits[-1] > 0
    with pytest.raises(WrongPassphrase):  # even the right one waits now
        crypto.check_password(c.folder, password("ana"))


def test_offline_too_long_needs_an_online_sign_in_and_keeps_the_outbox(server, make_client) -> None:
    """Proves with a 72-hour site expiry: 4 days without contact is expired, 1 day is not,
    a clock turned 3 days back before the last contact is expired too; an online sign-in
    lifts it and the change made before it is then sent."""
    c = make_client("expiry", server.url, "ana")
    (c.folder / crypto.SITE_PROFILE).write_text(
        json.dumps({"policies": {"offline_expiry_hours": 72}}))
    pol = locking.policy(c.folder)
    assert pol.offline_expiry_hours == 72 and pol.idle_minutes == locking.DEFAULT_IDLE_MINUTES
    c.writer.create_unit({"callsign": "HALCON 4", "agency": "sedena", "kind": "infantry"})
    for key in (META_LAST_OK, META_SIGNED_IN_AT):
        c.store.set_meta(key, _ago(days=4))
    assert locking.expired(c.store)
    c.store.set_meta(META_SIGNED_IN_AT, _ago(days=1))
    assert not locking.expired(c.store)
    assert locking.expired(c.store, now=datetime.now(UTC) - timedelta(days=3))
    c.store.set_meta(META_SIGNED_IN_AT, _ago(days=4))
    assert locking.expired(c.store)
    c.sign_in("expiry")  # online sign-in
    assert not locking.expired(c.store)
    res = c.sync()
    assert res.pushed == 1 and res.complete
