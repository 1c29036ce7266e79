"""The idle lock and offline expiry, without Qt (the lock screen is ui/idle_lock.py).

Site profile policies (read from the folder's profile before the database opens):
- `idle_lock_minutes`: minutes without input before the window locks (default 15;
  0 turns the lock off);
- `sync_while_locked`: whether background sync goes on while locked (default false:
  the data key is dropped and only the revocation check-in runs, which needs no key);
- `offline_expiry_hours`: after this long without reaching the server, data is shown
  again only after an online sign-in (0: never). The outbox is kept and sent after it.

Unlocking: a store wrapped by the keyring needs the signed-in user's password, checked
offline against the verifier kept at the last online sign-in (store.crypto), then the
keyring gives the key; a store wrapped by a passphrase needs that passphrase. Both are
rate-limited (store.crypto.attempt).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fieldclient.core.errors import WrongPassphrase
from fieldclient.replication.account import META_LAST_OK, META_SIGNED_IN_AT, current_account
from fieldclient.store import crypto
from fieldclient.store.db import Store, open_store

DEFAULT_IDLE_MINUTES = 15
# A clock set this far before the last contact is not believed (expiry cannot be dodged
# by turning the date back).
CLOCK_BACK_TOLERANCE = timedelta(days=1)


@dataclass(frozen=True)
class Policy:
    idle_minutes: int = DEFAULT_IDLE_MINUTES
    sync_while_locked: bool = False
    offline_expiry_hours: int = 0


def policy(data_dir: Path) -> Policy:
    pol = crypto.site_policy(data_dir)

    def whole(name: str, default: int) -> int:
        value = pol.get(name, default)
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
            else default

    return Policy(whole("idle_lock_minutes", DEFAULT_IDLE_MINUTES),
                  pol.get("sync_while_locked") is True, whole("offline_expiry_hours", 0))


def expired(store: Store, now: datetime | None = None, pol: Policy | None = None) -> bool:
    """True when data may be shown only after an online sign-in: signed in to a server,
    an expiry set, and the last contact with the server too long ago (or the clock
    turned back before it)."""
    pol = pol or policy(store.data_dir)
    if pol.offline_expiry_hours <= 0 or current_account(store) is None:
        return False
    now = now or datetime.now(UTC)
    contacts = [_when(store.get_meta(k)) for k in (META_LAST_OK, META_SIGNED_IN_AT)]
    last = max((c for c in contacts if c is not None), default=None)
    if last is None:
        return True
    return now - last > timedelta(hours=pol.offline_expiry_hours) \
        or last - now > CLOCK_BACK_TOLERANCE


def _when(text: str | None) -> datetime | None:
    try:
        when = datetime.fromisoformat(text or "")
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def needs_passphrase(data_dir: Path) -> bool:
    """Whether the unlock secret is the folder's passphrase (else the user's password)."""
    kf = crypto.load(data_dir)
    return kf is not None and "keyring" not in kf.kinds()


def has_verifier(data_dir: Path) -> bool:
    return crypto.verifier_user(data_dir) is not None


def unlock(data_dir: Path, secret: str, keyring: Any | None = None) -> Store:
    """The store again, after the idle lock: WrongPassphrase for a wrong secret (spaced
    out after repeated misses), StoreLocked when the key cannot be had."""
    if needs_passphrase(data_dir):
        return open_store(data_dir, crypto.Unlock(passphrase=secret, keyring=keyring))
    if has_verifier(data_dir) and not crypto.check_password(data_dir, secret):
        raise WrongPassphrase(str(data_dir))
    return open_store(data_dir, crypto.Unlock(passphrase=None, keyring=keyring))
