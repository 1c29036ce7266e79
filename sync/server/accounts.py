"""Agencies, users and devices: sign-in, sign-out and the admin operations.

Every operation that changes an account writes its audit row in the same
transaction (db.write_tx), so the trail cannot miss one or record one that
did not happen.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from sync.merge import HybridClock
from sync.protocol import ERR_RATE_LIMITED, SLUG_RE, codec
from sync.protocol.envelope import UserInfo
from sync.protocol.vocab import AGENCY_KIND, ROLE
from sync.server import changelog, db
from sync.server.audit import digest as audit_digest
from sync.server.audit import now_iso
from sync.server.auth import Passwords, Principal, new_token
from sync.server.errors import ApiError, forbidden, unauthenticated
from sync.server.settings import Settings
from sync.server.throttle import Throttle


class AccountError(ValueError):
    """An admin operation that cannot be done; the message says why."""


@dataclass(frozen=True)
class LoginResult:
    token: str
    device_id: str
    user: UserInfo


def user_info(row: Any) -> UserInfo:
    return UserInfo(
        username=row.username, agency=row.agency, role=row.role, display_name=row.display_name
    )


def begin_login(throttle: Throttle, username: str, addr: str) -> None:
    """Count this sign-in attempt before its password is verified; 429 when too many."""
    retry = throttle.begin(username, addr)
    if retry:
        secs = max(1, int(retry) + 1)
        raise ApiError(429, ERR_RATE_LIMITED, f"too many failed sign-ins; try again in {secs} s",
                       {"Retry-After": str(secs)})


def check_password(engine: Engine, passwords: Passwords, username: str, password: str) -> Any:
    """The user row if the password is right and the account enabled, else None (the
    Argon2 work; an unknown name costs the same as a wrong password)."""
    with engine.connect() as conn:
        row = conn.execute(select(db.users).where(db.users.c.username == username)).first()
    ok = passwords.verify(row.password_hash if row else None, password)
    return row if ok and row is not None and not row.disabled else None


def finish_login(engine: Engine, passwords: Passwords, throttle: Throttle, settings: Settings,
                 row: Any, password: str, device_name: str, addr: str) -> LoginResult:
    """After a correct password: the attempt is taken back and a device is created."""
    throttle.succeeded(row.username, addr)
    token, device_id, token_hash = new_token()
    now = now_iso()
    expires = int(time.time()) + settings.token_ttl_s
    with db.write_tx(engine) as conn:
        conn.execute(db.devices.insert().values(
            id=device_id, user_id=row.id, name=device_name, token_hash=token_hash,
            created_at=now, expires_at=expires, last_seen_at=now, revoked_at=None,
        ))
        extra: dict[str, Any] = {"addr": addr, "expires_at": expires,
                                 "token": audit_digest(token_hash)}
        if passwords.needs_rehash(row.password_hash):
            new_hash = passwords.hash(password)
            conn.execute(db.users.update().where(db.users.c.id == row.id)
                         .values(password_hash=new_hash))
            extra["pw"] = audit_digest(new_hash)
        changelog.insert_and_audit(
            conn, [], "login", actor=row.username, device_id=device_id,
            subject=device_name, extra=extra,
        )
    return LoginResult(token, device_id, user_info(row))


def login(engine: Engine, passwords: Passwords, throttle: Throttle, settings: Settings,
          username: str, password: str, device_name: str, addr: str) -> LoginResult:
    """The three steps of a sign-in in one call (the HTTP handler runs them apart, to
    bound how many Argon2 verifications run at once)."""
    begin_login(throttle, username, addr)
    row = check_password(engine, passwords, username, password)
    if row is None:
        raise unauthenticated("wrong username or password, or account disabled")
    return finish_login(engine, passwords, throttle, settings, row, password, device_name, addr)


def logout(engine: Engine, who: Principal) -> None:
    revoke_device(engine, who.device_id or "", actor=who.username, action="logout")


def revoke_device(engine: Engine, device_id: str, *, actor: str, action: str = "device.revoke") -> None:
    with db.write_tx(engine) as conn:
        row = conn.execute(select(db.devices).where(db.devices.c.id == device_id)).first()
        if row is None:
            raise AccountError(f"no device {device_id!r}")
        if row.revoked_at is None:
            conn.execute(db.devices.update().where(db.devices.c.id == device_id)
                         .values(revoked_at=now_iso()))
        changelog.insert_and_audit(conn, [], action, actor=actor, device_id=device_id, subject=row.name)


def _server_clock() -> HybridClock:
    return HybridClock("admin-cli")


def add_agency(engine: Engine, slug: str, name: str, kind: str, *, actor: str = "admin-cli") -> None:
    """Create an agency and publish it as an `agency` change so clients learn of it."""
    if not SLUG_RE.match(slug):
        raise AccountError("agency slug must be lower-case letters, digits and '-' (max 40)")
    if kind not in AGENCY_KIND:
        raise AccountError(f"kind must be one of {', '.join(AGENCY_KIND.values)}")
    if not name.strip():
        raise AccountError("agency name must not be empty")
    with db.write_tx(engine) as conn:
        if conn.execute(select(db.agencies.c.slug).where(db.agencies.c.slug == slug)).first():
            raise AccountError(f"agency {slug!r} already exists")
        now = now_iso()
        conn.execute(db.agencies.insert().values(slug=slug, name=name.strip(), kind=kind, created_at=now))
        fields = {"name": name.strip(), "kind": kind}
        hlc = _server_clock().now()
        row = changelog.server_row(changelog.max_seq(conn) + 1, str(uuid.uuid4()), "agency", slug,
                                   fields, hlc, None, codec.stamps(actor, None, now), creates=True)
        changelog.insert_and_audit(conn, [row], "agency.add", actor=actor, device_id=None, subject=slug)


def add_user(
    engine: Engine,
    passwords: Passwords,
    username: str,
    password: str,
    role: str,
    agency: str | None,
    *,
    display_name: str | None = None,
    actor: str = "admin-cli",
) -> None:
    if role not in ROLE:
        raise AccountError(f"role must be one of {', '.join(ROLE.values)}")
    if not username or len(username) > 100 or username != username.strip():
        raise AccountError("username must be 1-100 characters without surrounding spaces")
    if len(password) < 8:
        raise AccountError("password must be at least 8 characters")
    if role in ("commander", "liaison") and not agency:
        raise AccountError(f"a {role} must belong to an agency (--agency)")
    pw_hash = passwords.hash(password)
    with db.write_tx(engine) as conn:
        if agency and not conn.execute(select(db.agencies).where(db.agencies.c.slug == agency)).first():
            raise AccountError(f"no agency {agency!r}; create it with `fieldsync agency add`")
        if conn.execute(select(db.users.c.id).where(db.users.c.username == username)).first():
            raise AccountError(f"user {username!r} already exists")
        conn.execute(db.users.insert().values(
            username=username, password_hash=pw_hash, agency=agency, role=role,
            display_name=display_name, disabled=False, created_at=now_iso(),
        ))
        changelog.insert_and_audit(conn, [], "user.add", actor=actor, device_id=None,
                                   subject=username, extra={"role": role, "agency": agency,
                                                            "pw": audit_digest(pw_hash)})


def list_users(engine: Engine) -> list[dict[str, Any]]:
    q = select(db.users.c.username, db.users.c.agency, db.users.c.role,
               db.users.c.disabled, db.users.c.created_at).order_by(db.users.c.username)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def count_users(engine: Engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(db.users.c.id).limit(1)).all())


def set_disabled(engine: Engine, username: str, disabled: bool = True, *, actor: str = "admin-cli") -> None:
    """Disabling also signs out every device of the user, so enabling the account again
    does not bring old tokens back: the user signs in anew."""
    with db.write_tx(engine) as conn:
        res = conn.execute(db.users.update().where(db.users.c.username == username)
                           .values(disabled=disabled))
        if res.rowcount == 0:
            raise AccountError(f"no user {username!r}")
        revoked: list[str] = []
        if disabled:
            uid = select(db.users.c.id).where(db.users.c.username == username).scalar_subquery()
            d = db.devices.c
            revoked = sorted(conn.execute(select(d.id).where(d.user_id == uid,
                                                             d.revoked_at.is_(None))).scalars())
            if revoked:
                conn.execute(db.devices.update().where(d.id.in_(revoked)).values(revoked_at=now_iso()))
        changelog.insert_and_audit(conn, [], "user.disable" if disabled else "user.enable",
                                   actor=actor, device_id=None, subject=username,
                                   extra={"revoked": revoked} if revoked else None)


def set_password(engine: Engine, passwords: Passwords, username: str, password: str,
                 *, actor: str = "admin-cli") -> None:
    if len(password) < 8:
        raise AccountError("password must be at least 8 characters")
    pw_hash = passwords.hash(password)
    with db.write_tx(engine) as conn:
        res = conn.execute(db.users.update().where(db.users.c.username == username)
                           .values(password_hash=pw_hash))
        if res.rowcount == 0:
            raise AccountError(f"no user {username!r}")
        changelog.insert_and_audit(conn, [], "user.passwd", actor=actor, device_id=None,
                                   subject=username, extra={"pw": audit_digest(pw_hash)})


def list_devices(engine: Engine, username: str | None = None) -> list[dict[str, Any]]:
    q = (select(db.devices.c.id, db.users.c.username, db.devices.c.name, db.devices.c.created_at,
                db.devices.c.last_seen_at, db.devices.c.revoked_at)
         .join(db.users, db.users.c.id == db.devices.c.user_id)
         .order_by(db.devices.c.created_at))
    if username:
        q = q.where(db.users.c.username == username)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def require_role(who: Principal, *roles: str) -> None:
    if who.role not in roles:
        raise forbidden(f"this needs the role {' or '.join(roles)}")

