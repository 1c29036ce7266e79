"""Passwords, device tokens and request authentication (the sign-in limiter is throttle.py).

Passwords: Argon2id (memory-hard). Device tokens: `<device id>.<secret>` with
a 256-bit random secret; only SHA-256 of the secret is stored and it is
compared in constant time. A token dies when its device is revoked (logout
or `fieldsync device revoke`), when it expires, or when its user is disabled.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any, NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine

from sync.protocol import ERR_DEVICE_REVOKED
from sync.protocol.rules import Actor
from sync.server.errors import ApiError, unauthenticated
from sync.server.settings import Settings


@dataclass(frozen=True)
class Principal(Actor):
    """Who is calling: the user behind a device token (an Actor for sync.protocol.rules)."""

    user_id: int = 0
    display_name: str | None = None
    device_id: str | None = None


class _Device(NamedTuple):
    token_hash: str
    expires_at: int
    revoked_at: str | None
    id: int
    username: str
    agency: str | None
    role: str
    display_name: str | None
    disabled: bool


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


_BY_DEVICE = (
    "SELECT d.token_hash, d.expires_at, d.revoked_at, u.id, u.username, u.agency, u.role,"
    " u.display_name, u.disabled, d.id FROM devices d JOIN users u ON u.id = d.user_id WHERE d.id"
)


def _token(authorization: str | None) -> tuple[str, str]:
    """(device id, secret) of an `Authorization: Bearer` header, or a 401 ApiError."""
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
    return device_id, secret


def _principal(device_id: str, secret: str, found: tuple[Any, ...] | None) -> Principal:
    if found is None or not hmac.compare_digest(found[0], _digest(secret)):
        raise unauthenticated("invalid token")
    row = _Device(*found)
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


def _devices(engine: Engine, ids: list[str]) -> dict[str, tuple[Any, ...]]:
    """Device and user rows by device id, looked up through the driver itself:
    SQLAlchemy's statement and result handling cost several times SQLite's own
    indexed look-up, and this runs for every request."""
    out: dict[str, tuple[Any, ...]] = {}
    with engine.connect() as conn:
        mark = "%s" if conn.dialect.name == "postgresql" else "?"
        raw = conn.connection.driver_connection
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            sql = f"{_BY_DEVICE} IN ({', '.join([mark] * len(chunk))})"
            for row in raw.execute(sql, chunk).fetchall():  # type: ignore[union-attr]
                out[row[-1]] = tuple(row[:-1])
    return out


def authenticate(engine: Engine, authorization: str | None) -> Principal:
    """The Principal for an `Authorization: Bearer` header, or a 401 ApiError."""
    device_id, secret = _token(authorization)
    return _principal(device_id, secret, _devices(engine, [device_id]).get(device_id))


def authenticate_many(engine: Engine,
                      authorizations: list[str | None]) -> list[Principal | ApiError]:
    """`authenticate` for several requests with one look-up (a group of pushes)."""
    tokens: list[tuple[str, str] | ApiError] = []
    for header in authorizations:
        try:
            tokens.append(_token(header))
        except ApiError as exc:
            tokens.append(exc)
    found = _devices(engine, sorted({t[0] for t in tokens if isinstance(t, tuple)}))
    out: list[Principal | ApiError] = []
    for t in tokens:
        try:
            out.append(t if isinstance(t, ApiError) else _principal(t[0], t[1], found.get(t[0])))
        except ApiError as exc:
            out.append(exc)
    return out
