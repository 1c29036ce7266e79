"""Revocation bites at once (issue 10, holes 4 and 9): a pull already parked in its
long-poll is re-checked before it sends anything, and re-enabling a disabled user does
not bring its old device tokens back."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from starlette.testclient import TestClient
from sync_helpers import PASSWORD, Api, unit, wait_until

from sync.server import accounts


def _waiting(c: TestClient) -> int:
    text = c.get("/v1/metrics").text
    return int(next(ln.split()[1] for ln in text.splitlines()
                    if ln.startswith("fieldsync_waiting_pulls")))


@pytest.mark.parametrize("how", ["revoke", "disable"])
def test_a_parked_pull_gets_nothing_after_revocation(client: TestClient, app, how: str) -> None:  # noqa: ANN001
    """Proves a pull parked in wait=20 when its device is revoked (or its user disabled)
    answers 401 instead of the agency-only unit pushed afterwards."""
    api = Api(client)
    info = api.login("lia-sedena")
    cursor = api.pull("lia-sedena")["next"]
    done: dict[str, Any] = {}

    def waiter() -> None:
        done["r"] = client.get("/v1/changes", params={"after": cursor, "wait": 20},
                               headers=api.h("lia-sedena"))

    t = threading.Thread(target=waiter)
    t.start()
    wait_until(lambda: _waiting(client) >= 1)
    engine = app.state.services.engine
    if how == "revoke":
        accounts.revoke_device(engine, info["device_id"], actor="test")
    else:
        accounts.set_disabled(engine, "lia-sedena")
    secret = unit(agency="sedena", visibility="agency")
    api.push_ok("cmd-sedena", secret)
    t.join(20)
    r = done["r"]
    assert r.status_code == 401 and secret["entity_id"] not in r.text


def test_re_enabling_a_user_does_not_revive_old_tokens(api: Api, app) -> None:  # noqa: ANN001
    """Proves a user disabled and enabled again must sign in anew: the token from before
    answers 401 device_revoked, a fresh sign-in works."""
    api.login("lia-gn")
    old = api.h("lia-gn")
    engine = app.state.services.engine
    accounts.set_disabled(engine, "lia-gn")
    accounts.set_disabled(engine, "lia-gn", False)
    r = api.http.get("/v1/me", headers=old)
    assert r.status_code == 401 and r.json()["code"] == "device_revoked"
    r = api.http.post("/v1/auth/login", json={"username": "lia-gn", "password": PASSWORD,
                                              "device_name": "again"})
    assert r.status_code == 200
