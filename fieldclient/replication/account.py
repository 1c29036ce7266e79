"""Sign-in state of a data folder: who is signed in to which server, and sign-out.

The meta table holds only a non-secret pointer (server URL, username, device
id, CA file kept in the data folder); the token itself lives in the credential
store (the OS keyring). Signing in to another server or as another user starts the
laptop afresh from what that account may see: the records the previous one synced are
removed and pulled again (a laptop handed from one agency's officer to another's must
not keep showing the first agency's records). It is refused while the previous
account's changes still wait to be sent: sent with the new account's token, they would
carry the wrong author to the server and its audit trail.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import delete, func, select, text

from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.replication.apply import META_CURSOR
from fieldclient.replication.credentials import CredentialStore, default_credentials
from fieldclient.replication.errors import NotSignedIn, SyncError
from fieldclient.replication.http import SyncHttp, normalise_server_url
from fieldclient.store import crypto, meta
from fieldclient.store.db import Store
from fieldclient.store.models import (
    SYNCED_MODELS,
    HeldChange,
    Meta,
    Outbox,
    Reveal,
    Reviewed,
    ServerRecord,
)
from sync.protocol.envelope import LoginResponse

log = logging.getLogger(__name__)

META_SERVER = "sync_server"
META_USERNAME = meta.SIGNED_IN_USER
META_DEVICE = "sync_device_id"
META_CA = "sync_ca_cert"
META_ROLE = meta.SIGNED_IN_ROLE
META_AGENCY = meta.SIGNED_IN_AGENCY
META_CURSOR_OWNER = "sync_cursor_owner"
META_LAST_OK = "sync_last_ok"
META_SIGNED_IN_AT = "sync_signed_in_at"  # the last online sign-in (offline expiry counts from it)
META_LAST_ERROR = "sync_last_error"
META_STATE = "sync_state"  # what the last sync found: online or offline (for `status`)
META_WIPE_POLICY = "site_wipe_on_revoke"
META_REVOKED = "sync_revoked"
# What the last sync learnt about the server (its protocol, its clock, what it found);
# the keys are those of versions.py, clock.py and META_STATE.
SERVER_FACTS = ("sync_server_revision", "sync_min_client_revision", "sync_server_entities",
                "sync_clock_offset_ms", META_STATE)
SITE_PROFILE = "site-profile.json"
TRUST_DIR = "trust"


@dataclass(frozen=True)
class Account:
    server: str
    username: str
    device_id: str
    ca_cert: str | None
    role: str | None = None
    agency: str | None = None


_ACCOUNT_KEYS = (META_SERVER, META_USERNAME, META_DEVICE, META_CA, META_ROLE, META_AGENCY)


def current_account(store: Store) -> Account | None:
    """Who this data folder is signed in as (one read of `meta`), or None."""
    with store.session() as s:
        values: dict[str, str] = {k: v for k, v in s.execute(
            select(Meta.key, Meta.value).where(Meta.key.in_(_ACCOUNT_KEYS)))}
    server, user, device = (values.get(META_SERVER), values.get(META_USERNAME),
                            values.get(META_DEVICE))
    if not (server and user and device):
        return None
    return Account(
        server=server,
        username=user,
        device_id=device,
        ca_cert=values.get(META_CA) or None,
        role=values.get(META_ROLE) or None,
        agency=values.get(META_AGENCY) or None,
    )


def _keep_ca(store: Store, ca_cert: str | None) -> str | None:
    """Copy the CA file into the data folder: it may come from a USB stick that leaves."""
    if not ca_cert:
        return None
    src = Path(ca_cert).expanduser()
    try:
        data = src.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "The CA certificate file cannot be read: {why}"),
            field="ca_cert",
            why=exc.strerror or str(exc),
        ) from None
    if b"-----BEGIN CERTIFICATE-----" not in data:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "The CA file holds no PEM certificate."), field="ca_cert"
        )
    dest_dir = store.data_dir / TRUST_DIR
    dest_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    dest = dest_dir / "server-ca.pem"
    if src.resolve() != dest.resolve():
        shutil.copyfile(src, dest)
        dest.chmod(0o600)
    return str(dest)


def login(
    store: Store,
    server_url: str,
    username: str,
    password: str,
    device_name: str,
    ca_cert: str | None = None,
    credentials: CredentialStore | None = None,
    allow_demo_data: bool = False,
) -> Account:
    """Sign this data folder in: ask the server for a device token and keep it in the keyring.

    A folder holding the demo deployment with changes still waiting is refused unless
    `allow_demo_data`: signing in would send made-up units and incidents to a real
    operation's server.
    """
    creds = credentials or default_credentials()
    url = normalise_server_url(server_url)
    if not username.strip() or not password or not device_name.strip():
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Server, username, password and device name are required.")
        )
    if not allow_demo_data and holds_unsent_demo(store):
        raise InvalidInput(
            QT_TRANSLATE_NOOP(
                "errors",
                "This data folder holds the demo deployment, and signing in would send its "
                "made-up units and incidents to the server. Use a new data folder for real "
                "work, or move this one aside.",
            )
        )
    _check_unsent_of_another(store, f"{url}|{username.strip()}")
    # Fail before the network round trip when no safe keyring exists.
    creds.get_token(url, username)
    ca_path = _keep_ca(store, ca_cert) if ca_cert else None
    http = SyncHttp(url, ca_path)
    try:
        raw = http.login(username.strip(), password, device_name.strip())
    finally:
        http.close()
    try:
        resp = msgspec.convert(raw, LoginResponse)
    except msgspec.ValidationError:
        raise SyncError(
            QT_TRANSLATE_NOOP("errors", "The server's answer to the sign-in was not understood.")
        ) from None
    creds.set_token(url, resp.user.username, resp.token)
    # the idle lock checks this password offline from now on (store.crypto verifier)
    crypto.set_verifier(store.data_dir, resp.user.username, password)
    owner = f"{url}|{resp.user.username}"
    with store.transaction() as s:
        prev_owner = s.get(Meta, META_CURSOR_OWNER)
        if prev_owner is not None and prev_owner.value != owner:
            _check_unsent_of_another(store, owner, s)
            # What another account or server may see differs: what the previous one
            # synced goes, and comes again with this one's pull if it may see it; freed
            # pages are overwritten (personal data of detentions among them).
            s.execute(text("PRAGMA secure_delete=ON"))
            models: list[type[Any]] = [*SYNCED_MODELS.values(), Reviewed]
            for model in models:
                s.execute(delete(model))
            s.execute(delete(ServerRecord))
            s.execute(delete(Outbox))  # only confirmed or refused changes are left here
        if prev_owner is None or prev_owner.value != owner:
            # pull everything again, and drop what was held from the other feed (it comes
            # again if it applies here)
            s.merge(Meta(key=META_CURSOR, value="0"))
            s.merge(Meta(key=META_CURSOR_OWNER, value=owner))
            s.execute(delete(HeldChange))
            s.execute(delete(Reveal))
            # what the other server speaks and its clock say nothing about this one
            s.execute(delete(Meta).where(Meta.key.in_(SERVER_FACTS)))
        for key, value in (
            (META_SERVER, url),
            (META_USERNAME, resp.user.username),
            (META_DEVICE, resp.device_id),
            (META_CA, ca_path or ""),
            (META_ROLE, resp.user.role),
            (META_AGENCY, resp.user.agency or ""),
            (meta.USER, resp.user.username),
            (META_LAST_ERROR, ""),
            (META_REVOKED, ""),
            (META_SIGNED_IN_AT, datetime.now(UTC).isoformat(timespec="seconds")),
        ):
            s.merge(Meta(key=key, value=value))
    return current_account(store)  # type: ignore[return-value]


def _check_unsent_of_another(store: Store, owner: str, s: Any = None) -> None:
    """Refuse a sign-in as another account (`owner`: "url|username") while changes of the
    account signed in before still wait to be sent."""
    if s is None:
        with store.session() as s2:
            return _check_unsent_of_another(store, owner, s2)
    prev = s.get(Meta, META_CURSOR_OWNER)
    if prev is None or prev.value == owner:
        return None
    waiting = s.scalar(select(func.count()).select_from(Outbox).where(
        Outbox.state.in_(("waiting", "sent"))))
    if waiting:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors",
            "{count} change(s) made here by {user} have not reached the server yet. Sign in "
            "as {user} and sync to send them first: another account cannot send them in "
            "their name."), count=waiting, user=prev.value.rsplit("|", 1)[-1])
    return None


def holds_unsent_demo(store: Store) -> bool:
    """True when the demo deployment was loaded here and local changes still wait to be sent."""
    if store.get_meta(meta.DEMO_LOADED) is None:
        return False
    with store.session() as s:
        return s.query(Outbox.seq).filter(Outbox.state == "waiting").first() is not None


def token_for(store: Store, credentials: CredentialStore | None = None) -> tuple[Account, str]:
    acct = current_account(store)
    if acct is None:
        raise NotSignedIn()
    token = (credentials or default_credentials()).get_token(acct.server, acct.username)
    if not token:
        raise NotSignedIn()
    return acct, token


def forget_sign_in(store: Store, credentials: CredentialStore | None = None) -> None:
    """Delete the token and the pointer; local data and the outbox stay."""
    acct = current_account(store)
    if acct is not None:
        (credentials or default_credentials()).delete_token(acct.server, acct.username)
    with store.transaction() as s:
        s.execute(delete(Meta).where(Meta.key.in_((META_USERNAME, META_DEVICE, META_ROLE,
                                                   META_AGENCY))))


def logout(store: Store, credentials: CredentialStore | None = None) -> bool:
    """Sign out: tell the server (best effort), then forget the token. True if the server heard."""
    creds = credentials or default_credentials()
    told = False
    acct = current_account(store)
    if acct is None:
        return False
    try:
        token = creds.get_token(acct.server, acct.username)
    except SyncError:
        token = None
    if token:
        http = SyncHttp(acct.server, acct.ca_cert, token)
        try:
            http.logout()
            told = True
        except SyncError as exc:
            log.info("server not told about sign-out: %s", type(exc).__name__)
        finally:
            http.close()
    forget_sign_in(store, creds)
    return told


def wipe_policy(store: Store) -> bool:
    """Site policy: erase local data when the server says this device is revoked."""
    if (store.get_meta(META_WIPE_POLICY) or "").lower() in ("1", "true", "yes"):
        return True
    profile = store.data_dir / SITE_PROFILE
    if profile.exists():
        try:
            data: Any = json.loads(profile.read_text(encoding="utf-8"))
            return bool(isinstance(data, dict) and data.get("wipe_on_revoke"))
        except (OSError, ValueError):
            log.warning("site profile %s unreadable; not wiping", profile)
    return False


def wipe_local_data(store: Store) -> None:
    """Erase every synced record, the outbox and the sync state (a revoked device).

    secure_delete overwrites freed pages, VACUUM rebuilds the file and the WAL
    is truncated, so the records do not linger in free pages.
    """
    with store.transaction() as s:
        s.execute(text("PRAGMA secure_delete=ON"))
        for model in SYNCED_MODELS.values():
            s.execute(delete(model))
        s.execute(delete(Outbox))
        s.execute(delete(HeldChange))
        s.execute(delete(ServerRecord))
        s.execute(delete(Reveal))
        s.execute(delete(Reviewed))
        s.execute(delete(Meta).where(Meta.key.like("sync_%")))
    with store.engine.connect() as con:
        con.exec_driver_sql("VACUUM")
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    trust = store.data_dir / TRUST_DIR
    if trust.exists():
        shutil.rmtree(trust, ignore_errors=True)


def mark_revoked(store: Store, credentials: CredentialStore | None = None) -> bool:
    """Sign out after a revoked answer; returns whether site policy asks for a wipe."""
    try:
        forget_sign_in(store, credentials)
    except SyncError:
        # The keyring is unusable: still drop the pointer so nothing tries the token again.
        with store.transaction() as s:
            s.execute(delete(Meta).where(Meta.key.in_((META_USERNAME, META_DEVICE))))
    store.set_meta(META_REVOKED, "1")
    return wipe_policy(store)
