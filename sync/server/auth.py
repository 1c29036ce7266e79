"""Passwords, device tokens, the login rate limiter and request authentication.

Passwords: Argon2id (memory-hard). Device tokens: `<device id>.<secret>` with
a 256-bit random secret; only SHA-256 of the secret is stored and it is
compared in constant time. A token dies when its device is revoked (logout
or `fieldsync device revoke`), when it expires, or when its user is disabled.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, bindparam, select

from sync.protocol import ERR_DEVICE_REVOKED, ERR_RATE_LIMITED
from sync.protocol.rules import Actor
from sync.server import db
from sync.server.errors import ApiError, unauthenticated
from sync.server.settings import Settings


@dataclass(frozen=True)
class Principal(Actor):
    """Who is calling: the user behind a device token (an Actor for sync.protocol.rules)."""

    user_id: int = 0
    display_name: str | None = None
    device_id: str | None = None


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self._ph = PasswordHasher(
            time_cost=settings.kdf_time_cost,
            memory_cost=settings.kdf_memory_kib,
            parallelism=settings.kdf_parallelism,
        )
        # Verified against when the username is unknown, so a miss costs as
        # much time as a wrong password and does not reveal which names exist.
        self._dummy = self._ph.hash(secrets.token_hex(16))

    def hash(self, password: str) -> str:
        return self._ph.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._ph.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._ph.check_needs_rehash(stored)


def new_token() -> tuple[str, str, str]:
    """(token, device_id, sha256 of the secret) for a new device session."""
    device_id = str(uuid.uuid4())
    secret = secrets.token_urlsafe(32)  # 256 bits
    return f"{device_id}.{secret}", device_id, _digest(secret)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# Built once: it runs on every request, and building it cost more than running it.
_BY_DEVICE = (
    select(
        db.devices.c.token_hash, db.devices.c.expires_at, db.devices.c.revoked_at,
        db.users.c.id, db.users.c.username, db.users.c.agency, db.users.c.role,
        db.users.c.display_name, db.users.c.disabled,
    )
    .join(db.users, db.users.c.id == db.devices.c.user_id)
    .where(db.devices.c.id == bindparam("d"))
)


def authenticate(engine: Engine, authorization: str | None) -> Principal:
    """The Principal for an `Authorization: Bearer` header, or a 401 ApiError."""
    if not authorization:
        raise unauthenticated("missing bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated("expected 'Authorization: Bearer <token>'")
    device_id, _, secret = token.strip().partition(".")
    try:
        uuid.UUID(device_id)
    except ValueError:
        raise unauthenticated("invalid token") from None
    with engine.connect() as conn:
        row = conn.execute(_BY_DEVICE, {"d": device_id}).first()
    if row is None or not hmac.compare_digest(row.token_hash, _digest(secret)):
        raise unauthenticated("invalid token")
    if row.revoked_at is not None:
        raise ApiError(
            401, ERR_DEVICE_REVOKED, "this device has been signed out; sign in again",
            {"WWW-Authenticate": "Bearer"},
        )
    if row.expires_at < time.time():
        raise unauthenticated("token expired; sign in again")
    if row.disabled:
        raise unauthenticated("account disabled")
    return Principal(username=row.username, role=row.role, agency=row.agency, user_id=row.id,
                     display_name=row.display_name, device_id=device_id)


class LoginLimiter:
    """Failed-login counters per username and per client address (per process).

    Sliding window: after N failures inside the window, further attempts are
    refused with 429 until the oldest failure ages out. A success clears the
    user's counter but not the address's, so one good account cannot be used
    to reset a password-guessing run from the same address.
    """

    def __init__(self, per_user: int, per_addr: int, window_s: float) -> None:
        self.per_user, self.per_addr, self.window = per_user, per_addr, window_s
        self._fails: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails[key]
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def check(self, username: str, addr: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key, cap in ((f"u:{username.lower()}", self.per_user), (f"a:{addr}", self.per_addr)):
                q = self._recent(key, now)
                if len(q) >= cap:
                    retry = max(1, int(q[0] + self.window - now) + 1)
                    raise ApiError(
                        429, ERR_RATE_LIMITED,
                        f"too many failed sign-ins; try again in {retry} s",
                        {"Retry-After": str(retry)},
                    )

    def failed(self, username: str, addr: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._fails) > 50_000:  # guessing random usernames must not grow memory forever
                for key in [k for k in self._fails if not self._recent(k, now)]:
                    del self._fails[key]
            self._fails[f"u:{username.lower()}"].append(now)
            self._fails[f"a:{addr}"].append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._fails.pop(f"u:{username.lower()}", None)
