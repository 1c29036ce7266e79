"""Remote wipe: a device the server revoked with the wipe policy erases its local data.

The server answers the device's next request with `device_revoked` and `wipe`
("now", or "after_push": first send what the outbox holds; sync.protocol.envelope).
Then, in this order:
1. (after_push) every waiting change is pushed, as far as the link allows;
2. the data key is destroyed (its keyring entry deleted, `enlace.key` overwritten and
   removed: fieldclient.store.crypto.destroy), so the database can never be read again,
   and the database with its log is removed, along with the copied CA;
3. `wiped.json` says what happened (no record content: counts and the server's name);
4. the server is told (`POST /v1/device/wiped`, kept in its audit trail), then the
   device token is deleted from the keyring. An acknowledgement that cannot be sent
   is sent again at the next start (`retry_ack`).

A laptop that is locked (its data key dropped) learns of the revocation from a check-in
(`check_in`, `GET /v1/me` with the token) and erases without being unlocked: step 1 is
skipped then (the outbox cannot be read without the key, which is the point).
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from fieldclient.replication.account import TRUST_DIR, Account
from fieldclient.replication.credentials import CredentialStore, default_credentials
from fieldclient.replication.errors import DeviceRevoked
from fieldclient.replication.http import SyncHttp
from fieldclient.store import crypto
from fieldclient.store.db import DB_NAME
from sync.protocol.envelope import WIPE_AFTER_PUSH, WipeReport

log = logging.getLogger(__name__)

MARKER = "wiped.json"
# The window's settings (ui/settings.py, which this Qt-free module cannot import): they
# keep the last map view, and where people were looking is operational too.
WINDOW_SETTINGS = "enlace-ui.ini"


@dataclass
class Wiped:
    server: str
    username: str
    device_id: str
    at: str
    pushed: int
    unsent: int
    locked: bool
    acknowledged: bool = False


def erase_folder(data_dir: Path, unlock: crypto.Unlock | None = None) -> None:
    """Destroy the data key, then remove the database and its side files (encrypted, and
    now unreadable by anyone), the window's settings and the CA the folder kept."""
    crypto.destroy(data_dir, unlock)
    for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", DB_NAME + "-journal",
                 WINDOW_SETTINGS):
        try:
            (data_dir / name).unlink()
        except FileNotFoundError:
            pass
    shutil.rmtree(data_dir / TRUST_DIR, ignore_errors=True)
    crypto.sync_dir(data_dir)


def wipe_store(engine: object, exc: DeviceRevoked, credentials: CredentialStore | None = None,
               unlock: crypto.Unlock | None = None) -> Wiped:
    """Carry out the server's wipe order on an open store (`engine` is its SyncEngine):
    push first where the order says so, erase, tell the server. The store is closed."""
    from fieldclient.replication.account import current_account
    from fieldclient.replication.engine import SyncEngine
    from fieldclient.store import outbox

    assert isinstance(engine, SyncEngine)
    store = engine.store
    creds = credentials or engine.credentials
    acct = current_account(store)
    pushed = 0
    if exc.wipe == WIPE_AFTER_PUSH:
        try:
            pushed, _ = engine.push_everything()
        except Exception as err:  # noqa: BLE001 - a failed push must not stop the erasure
            log.warning("push before the wipe stopped: %s", type(err).__name__)
    with store.session() as s:
        unsent = outbox.counts(s).pending
    engine.close()
    store.close()
    return _erase_and_tell(store.data_dir, acct, creds, pushed, unsent, False, unlock)


def check_in(data_dir: Path, acct: Account, credentials: CredentialStore | None = None,
             unlock: crypto.Unlock | None = None) -> Wiped | None:
    """While locked: ask the server whether this device still stands (`GET /v1/me`); on
    a wipe order, erase without the data key. Network trouble is not an order: None."""
    creds = credentials or default_credentials()
    token = creds.get_token(acct.server, acct.username)
    if not token:
        return None
    http = SyncHttp(acct.server, acct.ca_cert, token)
    try:
        http.me()
    except DeviceRevoked as exc:
        if exc.wipe:
            return _erase_and_tell(data_dir, acct, creds, 0, 0, True, unlock)
        return None
    except Exception as err:  # noqa: BLE001 - offline: try again at the next check-in
        log.info("check-in failed: %s", type(err).__name__)
        return None
    finally:
        http.close()
    return None


def _erase_and_tell(data_dir: Path, acct: Account | None, creds: CredentialStore, pushed: int,
                    unsent: int, locked: bool, unlock: crypto.Unlock | None) -> Wiped:
    token = creds.get_token(acct.server, acct.username) if acct else None
    erase_folder(data_dir, unlock)
    done = Wiped(acct.server if acct else "", acct.username if acct else "",
                 acct.device_id if acct else "", datetime.now(UTC).isoformat(timespec="seconds"),
                 pushed, unsent, locked)
    log.warning("local data erased on the server's order (%d sent first, %d unsent)",
                pushed, unsent)
    _save(data_dir, done)
    if acct is not None and token:
        _acknowledge(data_dir, done, acct.ca_cert, token, creds)
    return done


def _acknowledge(data_dir: Path, done: Wiped, ca: str | None, token: str,
                 creds: CredentialStore) -> None:
    # the CA copied into the folder went with the folder's data: the site's own CA file
    # (site profile) or the system trust store verify the server from here on
    http = SyncHttp(done.server, ca if ca and Path(ca).exists() else None, token)
    try:
        http.wiped(WipeReport(pushed=done.pushed, unsent=done.unsent, locked=done.locked))
    except Exception as err:  # noqa: BLE001 - told again at the next start
        log.info("wipe not acknowledged yet: %s", type(err).__name__)
        return
    finally:
        http.close()
    done.acknowledged = True
    _save(data_dir, done)
    try:
        creds.delete_token(done.server, done.username)
    except Exception:  # noqa: BLE001 - the token is dead on the server anyway
        log.info("device token left in the keyring (revoked on the server)")


def retry_ack(data_dir: Path, credentials: CredentialStore | None = None) -> Wiped | None:
    """At start: the wipe a crash or a lost link left unacknowledged, told again."""
    done = last_wipe(data_dir)
    if done is None or done.acknowledged or not done.server:
        return done
    creds = credentials or default_credentials()
    try:
        token = creds.get_token(done.server, done.username)
    except Exception:  # noqa: BLE001 - no keyring now: next time
        return done
    if token:
        _acknowledge(data_dir, done, None, token, creds)
    return done


def last_wipe(data_dir: Path) -> Wiped | None:
    try:
        doc = json.loads((data_dir / MARKER).read_text(encoding="utf-8"))
        return Wiped(**doc)
    except (OSError, ValueError, TypeError):
        return None


def _save(data_dir: Path, done: Wiped) -> None:
    try:
        crypto.write_private(data_dir / MARKER, json.dumps(asdict(done)).encode())
    except Exception:  # noqa: BLE001 - the erasure itself is done
        log.warning("could not write %s", MARKER)
