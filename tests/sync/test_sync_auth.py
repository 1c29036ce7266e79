"""Accounts and device tokens: hashing, expiry, revocation, rate limiting."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from sqlalchemy import select, update
from starlette.testclient import TestClient
from sync_helpers import PASSWORD, Api, fast_settings, unit

from sync.server import accounts, db
from sync.server.app import create_app


def test_login_returns_token_device_and_user(api: Api) -> None:
    """Proves login answers a token, a device id and the user's role and agency."""
    r = api.login("cmd-sedena", device="puesto-norte")
    assert r["user"]["role"] == "commander" and r["user"]["agency"] == "sedena"
    device_id, secret = r["token"].split(".", 1)
    assert device_id == r["device_id"] and len(secret) >= 43  # 32 random bytes, base64url


def test_tokens_and_passwords_are_stored_only_as_hashes(api: Api, app) -> None:  # noqa: ANN001
    """Proves no table holds a token, its secret or a password: the device row keeps the
    SHA-256 of the secret, the user row an Argon2id hash."""
    token = api.login("lia-gn")["token"]
    device_id, secret = token.split(".", 1)
    engine = app.state.services.engine
    with engine.connect() as c:
        for table in db.metadata.sorted_tables:  # every table, every column
            for row in c.execute(select(table)).all():
                text = " ".join(str(v) for v in row)
                assert secret not in text and PASSWORD not in text, table.name
        (stored,) = c.execute(select(db.devices.c.token_hash)
                              .where(db.devices.c.id == device_id)).scalars().all()
        hashes = c.execute(select(db.users.c.password_hash)).scalars().all()
    assert stored == hashlib.sha256(secret.encode()).hexdigest()
    assert all(h.startswith("$argon2id$") for h in hashes)


def test_wrong_password_and_unknown_user_answer_the_same_401(api: Api, app, monkeypatch) -> None:  # noqa: ANN001
    """Proves a bad login answers 401 {code, detail} without telling which part was wrong, and
    an unknown name costs one Argon2id verification (against a stand-in hash) like a known one,
    so the time taken does not reveal which usernames exist."""
    passwords = app.state.services.passwords
    verified: list[str] = []

    class Counting:  # PasswordHasher has slots: wrap it rather than patch it
        def __init__(self, real: Any) -> None:
            self.real = real

        def verify(self, stored: str, password: str) -> bool:
            verified.append(stored)
            return bool(self.real.verify(stored, password))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.real, name)

    monkeypatch.setattr(passwords, "_ph", Counting(passwords._ph))
    a = api.http.post("/v1/auth/login", json={"username": "lia-gn", "password": "nope", "device_name": "x"})
    b = api.http.post("/v1/auth/login", json={"username": "ghost", "password": "nope", "device_name": "x"})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json() and a.json()["code"] == "unauthenticated"
    assert len(verified) == 2 and all(h.startswith("$argon2id$") for h in verified)
    assert verified[0] != verified[1]  # the unknown name was checked against the stand-in


def test_missing_wrong_and_malformed_tokens_are_401(api: Api) -> None:
    """Proves every request without a valid token answers 401 unauthenticated."""
    api.login("lia-gn")
    good = api.tokens["lia-gn"]
    for hdr in ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"},
                {"Authorization": "Bearer not-a-token"},
                {"Authorization": "Bearer " + good[:-2] + "xx"},
                {"Authorization": "Bearer 00000000-0000-0000-0000-000000000000.abc"}):
        for method, path in (("GET", "/v1/changes"), ("POST", "/v1/changes"), ("GET", "/v1/me")):
            r = api.http.request(method, path, headers=hdr, json={"changes": []})
            assert r.status_code == 401 and r.json()["code"] == "unauthenticated", (hdr, path)


def test_expired_token_is_401(api: Api, app) -> None:  # noqa: ANN001
    """Proves a token past its expiry is refused."""
    info = api.login("lia-gn")
    with app.state.services.engine.begin() as c:
        c.execute(update(db.devices).where(db.devices.c.id == info["device_id"])
                  .values(expires_at=int(time.time()) - 1))
    r = api.http.get("/v1/me", headers=api.h("lia-gn"))
    assert r.status_code == 401 and "expired" in r.json()["detail"]


def test_logout_and_revocation_answer_device_revoked(api: Api, app) -> None:  # noqa: ANN001
    """Proves a signed-out or revoked device gets 401 device_revoked, other devices keep working."""
    a = Api(api.http)
    a.login("cmd-sedena", device="a")
    b = Api(api.http)
    info_b = b.login("cmd-sedena", device="b")
    assert a.http.post("/v1/auth/logout", headers=a.h("cmd-sedena")).status_code == 204
    r = a.http.get("/v1/changes", headers=a.h("cmd-sedena"))
    assert r.status_code == 401 and r.json()["code"] == "device_revoked"
    assert b.http.get("/v1/me", headers=b.h("cmd-sedena")).status_code == 200
    accounts.revoke_device(app.state.services.engine, info_b["device_id"], actor="test")
    r = b.http.post("/v1/changes", headers=b.h("cmd-sedena"), json={"changes": [unit()]})
    assert r.status_code == 401 and r.json()["code"] == "device_revoked"


def test_disabled_user_cannot_use_token_or_log_in(api: Api, app) -> None:  # noqa: ANN001
    """Proves disabling an account stops its tokens and its logins."""
    api.login("lia-gn")
    accounts.set_disabled(app.state.services.engine, "lia-gn")
    assert api.http.get("/v1/me", headers=api.h("lia-gn")).status_code == 401
    r = api.http.post("/v1/auth/login", json={"username": "lia-gn", "password": PASSWORD, "device_name": "x"})
    assert r.status_code == 401


def test_failed_logins_are_rate_limited_per_user_and_per_address(sqlite_url: str) -> None:
    """Proves repeated failures answer 429 with Retry-After, per user and per address."""
    app = create_app(fast_settings(sqlite_url, login_fail_per_user=3, login_fail_per_addr=5))
    with TestClient(app) as c:
        def attempt(user: str, pw: str = "bad") -> int:
            return c.post("/v1/auth/login", json={"username": user, "password": pw,
                                                  "device_name": "x"}).status_code
        assert [attempt("lia-gn") for _ in range(3)] == [401, 401, 401]
        r = c.post("/v1/auth/login", json={"username": "lia-gn", "password": PASSWORD, "device_name": "x"})
        assert r.status_code == 429 and r.json()["code"] == "rate_limited" and "Retry-After" in r.headers
        assert attempt("cmd-sedena", PASSWORD) == 200  # another user is unaffected
        assert [attempt("observer") for _ in range(2)] == [401, 401]
        assert attempt("cmd-semar", PASSWORD) == 429  # the address is now over its limit


def test_login_and_logout_are_audited(api: Api, app) -> None:  # noqa: ANN001
    """Proves sign-in and sign-out each leave an audit row."""
    api.login("lia-gn")
    api.http.post("/v1/auth/logout", headers=api.h("lia-gn"))
    with app.state.services.engine.connect() as c:
        actions = c.execute(select(db.audit.c.action, db.audit.c.actor)).all()
    assert ("login", "lia-gn") in actions and ("logout", "lia-gn") in actions


def test_limiter_forgets_old_failures_so_memory_stays_bounded(app) -> None:  # noqa: ANN001
    """Proves failures age out of the window and a flood of random usernames leaves no
    lasting rows in the shared counter table."""
    from sync.server.throttle import DbStore, Throttle

    now = [1_000_000.0]
    engine = app.state.services.engine
    t = Throttle(per_pair=2, per_addr=10**9, per_user=10**9, window_s=60, lock_cap_s=60,
                 store=DbStore(engine), now=lambda: now[0])
    assert t.begin("ana", "10.0.0.1") == 0 and t.begin("ana", "10.0.0.1") == 0
    assert t.begin("ana", "10.0.0.1") > 0  # locked
    now[0] += 61
    assert t.begin("ana", "10.0.0.1") == 0  # the lock has passed
    for i in range(200):
        t.begin(f"user{i}", "10.0.0.2")
    with engine.connect() as c:
        assert c.execute(select(db.login_throttle)).all()
    now[0] += 90_000  # a day later
    Throttle(store=DbStore(engine), now=lambda: now[0]).begin("someone", "10.0.0.3")
    with engine.connect() as c:
        left = c.execute(select(db.login_throttle.c.key)).scalars().all()
    assert len(left) < 10, left
