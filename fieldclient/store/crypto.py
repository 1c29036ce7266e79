"""The store's data key and the only ways it is kept: wrapped, never in the clear.

The local database is encrypted by SQLCipher (fieldclient.store.db) with a random 256-bit
data key. `enlace.key`, beside the database, holds that key wrapped (AES-256-GCM) in one
or more slots:

- `keyring`: by a random key kept in the OS keyring (the secure backends of
  fieldclient.core.keyrings, as for the device token), service `enlace-store`, account
  the store's id;
- `passphrase`: by a key derived from a passphrase with Argon2id (cost and salt in the
  slot).

A new store gets the passphrase slot when the site profile says `"store_key":
"passphrase"` or a passphrase is given ($ENLACE_STORE_PASSPHRASE for headless relays),
else the keyring slot when a secure keyring works, else a passphrase the person chooses.
Without a slot that opens, the store stays closed: there is no plain-text way round.

The file also holds an Argon2id verifier of the signed-in user's password (written at
each online sign-in) so the idle lock can check it offline, and the count of wrong
attempts, which spaces further attempts out (a person at the keyboard; someone with the
disk attacks Argon2 directly, which is what its cost is for).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldclient.core import keyrings
from fieldclient.core.errors import (
    MIN_PASSPHRASE,
    InvalidInput,
    PassphraseNeeded,
    StoreKeyMissing,
    StoreWriteFailed,
    WrongPassphrase,
)
from fieldclient.core.i18n import QT_TRANSLATE_NOOP

KEY_FILE = "enlace.key"
SITE_PROFILE = "site-profile.json"  # the same file fieldclient.trust.profile writes
KEYRING_SERVICE = "enlace-store"
ENV_PASSPHRASE = "ENLACE_STORE_PASSPHRASE"
ENV_KDF_MEMORY = "ENLACE_KDF_MEMORY_KIB"
ENV_KDF_TIME = "ENLACE_KDF_TIME_COST"
_FORMAT = 1
_TYPE = "enlace-store-key"
# Wrong attempts allowed before they are spaced out, and the longest wait between two.
FREE_ATTEMPTS = 3
MAX_WAIT_S = 300


class DataKey:
    """The 32 bytes that open the database, in a buffer `wipe()` zeroes (Python may still
    hold copies it made on the way; see docs/client.md for what that means)."""

    def __init__(self, raw: bytes | bytearray) -> None:
        if len(raw) != 32:
            raise ValueError("a data key is 32 bytes")
        self._raw: bytearray | None = bytearray(raw)

    @classmethod
    def new(cls) -> DataKey:
        return cls(secrets.token_bytes(32))

    @property
    def present(self) -> bool:
        return self._raw is not None

    def pragma(self) -> str:
        """The SQLCipher key statement (a raw key: no second, slow derivation per connection)."""
        if self._raw is None:
            raise PermissionError("the data key was dropped (store locked)")
        return f"PRAGMA key = \"x'{self._raw.hex()}'\""

    def bytes(self) -> bytes:
        if self._raw is None:
            raise PermissionError("the data key was dropped (store locked)")
        return bytes(self._raw)

    def wipe(self) -> None:
        if self._raw is not None:
            for i in range(len(self._raw)):
                self._raw[i] = 0
            self._raw = None

    def __repr__(self) -> str:  # never the key itself, in a log or a traceback
        return "DataKey(<hidden>)" if self._raw is not None else "DataKey(<dropped>)"


@dataclass
class Unlock:
    """What may open a store's key: a passphrase (or None) and the keyring backend to use
    (None: the session's default, checked against the secure list)."""

    passphrase: str | None = None
    keyring: Any | None = None

    @classmethod
    def from_env(cls) -> Unlock:
        return cls(passphrase=os.environ.get(ENV_PASSPHRASE) or None)

    def backend(self) -> Any | None:
        """The secure keyring to use, or None when there is none."""
        try:
            chosen = keyrings.secure_backend(self.keyring if self.keyring is not None
                                             else keyrings.default_backend())
        except Exception:  # noqa: BLE001 - a keyring that fails to load is no keyring
            return None
        return chosen


@dataclass
class KeyFile:
    path: Path
    store_id: str
    slots: list[dict[str, Any]]
    verifier: dict[str, str] | None = None
    failures: dict[str, float] = field(default_factory=dict)

    def kinds(self) -> set[str]:
        return {s["kind"] for s in self.slots}

    def save(self) -> None:
        doc = {"type": _TYPE, "format": _FORMAT, "store_id": self.store_id, "slots": self.slots,
               "verifier": self.verifier, "failures": self.failures}
        write_private(self.path, json.dumps(doc, indent=1).encode())


def key_path(data_dir: Path) -> Path:
    return data_dir / KEY_FILE


def load(data_dir: Path) -> KeyFile | None:
    """The key file of a data folder, or None when it has none (a new or plain store)."""
    path = key_path(data_dir)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise StoreKeyMissing(str(data_dir), f"{KEY_FILE}: {exc}", False) from None
    if not isinstance(doc, dict) or doc.get("type") != _TYPE or doc.get("format") != _FORMAT:
        raise StoreKeyMissing(str(data_dir), f"{KEY_FILE} is not an Enlace key file", False)
    return KeyFile(path, str(doc["store_id"]), list(doc.get("slots") or []),
                   doc.get("verifier"), dict(doc.get("failures") or {}))


def site_policy(data_dir: Path) -> dict[str, Any]:
    """The policies of the site profile provisioned into this folder (read before the
    database can be opened; the profile was verified when it was provisioned)."""
    try:
        doc = json.loads((data_dir / SITE_PROFILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    pol = doc.get("policies") if isinstance(doc, dict) else None
    return pol if isinstance(pol, dict) else {}


def passphrase_required(data_dir: Path) -> bool:
    return site_policy(data_dir).get("store_key") == "passphrase"


# -- creating ------------------------------------------------------------------------


def create(data_dir: Path, unlock: Unlock) -> tuple[KeyFile, DataKey]:
    """A new data key for this folder, wrapped as the site and the machine allow."""
    key = DataKey.new()
    kf = KeyFile(key_path(data_dir), uuid.uuid4().hex, [])
    backend = None if (passphrase_required(data_dir) or unlock.passphrase) else unlock.backend()
    if backend is not None:
        try:
            kf.slots.append(_keyring_slot(backend, kf.store_id, key))
        except Exception:  # noqa: BLE001 - a keyring that cannot store: the passphrase route
            backend = None
    if backend is None:
        if not unlock.passphrase:
            raise PassphraseNeeded(str(data_dir), new=True)
        check_new_passphrase(unlock.passphrase)
        kf.slots.append(_passphrase_slot(unlock.passphrase, kf.store_id, key))
    kf.save()
    return kf, key


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "The passphrase must have at least {min} characters."), min=MIN_PASSPHRASE)


def add_passphrase(data_dir: Path, key: DataKey, passphrase: str) -> None:
    """Add (or replace) the passphrase slot: a way in when the keyring is lost."""
    check_new_passphrase(passphrase)
    kf = load(data_dir)
    if kf is None:
        raise StoreKeyMissing(str(data_dir), f"no {KEY_FILE}", False)
    kf.slots = [s for s in kf.slots if s["kind"] != "passphrase"]
    kf.slots.append(_passphrase_slot(passphrase, kf.store_id, key))
    kf.save()


def _keyring_slot(backend: Any, store_id: str, key: DataKey) -> dict[str, Any]:
    kek = secrets.token_bytes(32)
    backend.set_password(KEYRING_SERVICE, store_id, kek.hex())
    if backend.get_password(KEYRING_SERVICE, store_id) != kek.hex():
        raise OSError("the keyring did not keep the key")
    return {"kind": "keyring", "service": KEYRING_SERVICE, **_wrap(kek, store_id, key)}


def _passphrase_slot(passphrase: str, store_id: str, key: DataKey) -> dict[str, Any]:
    kdf = {"alg": "argon2id", **kdf_cost(), "salt": _b64(secrets.token_bytes(16))}
    return {"kind": "passphrase", "kdf": kdf,
            **_wrap(_derive(passphrase, kdf), store_id, key)}


def kdf_cost() -> dict[str, int]:
    """Argon2id cost for new slots and verifiers: 64 MiB, 3 passes, 4 lanes (RFC 9106's
    second recommended setting); lower only through the environment, never below OWASP's
    floor of 19 MiB and 2 passes (the tests run at that floor)."""
    def env(name: str, default: int) -> int:
        value = os.environ.get(name, "")
        return int(value) if value.isdigit() else default

    return {"m": max(env(ENV_KDF_MEMORY, 64 * 1024), 19 * 1024),
            "t": max(env(ENV_KDF_TIME, 3), 2), "p": 4}


def _derive(passphrase: str, kdf: dict[str, Any]) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(passphrase.encode("utf-8"), _unb64(kdf["salt"]), time_cost=int(kdf["t"]),
                           memory_cost=int(kdf["m"]), parallelism=int(kdf["p"]), hash_len=32,
                           type=Type.ID)


def _wrap(kek: bytes, store_id: str, key: DataKey) -> dict[str, str]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    sealed = AESGCM(kek).encrypt(nonce, key.bytes(), _aad(store_id))
    return {"nonce": _b64(nonce), "wrapped": _b64(sealed)}


def _unwrap(kek: bytes, store_id: str, slot: dict[str, Any]) -> DataKey | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        raw = AESGCM(kek).decrypt(_unb64(slot["nonce"]), _unb64(slot["wrapped"]), _aad(store_id))
    except (InvalidTag, KeyError, ValueError):
        return None
    return DataKey(raw)


def _aad(store_id: str) -> bytes:
    return f"enlace data key {store_id}".encode()


# -- opening -------------------------------------------------------------------------


def open_key(data_dir: Path, unlock: Unlock) -> DataKey:
    """The data key of this folder through the first slot that opens. A wrong passphrase
    counts towards the wait before the next attempt."""
    kf = load(data_dir)
    if kf is None:
        raise StoreKeyMissing(str(data_dir), f"no {KEY_FILE}", False)
    why = ""
    for slot in kf.slots:
        if slot["kind"] == "keyring":
            got, why = _from_keyring(unlock, kf, slot)
            if got is not None:
                return got
    phrase = next((s for s in kf.slots if s["kind"] == "passphrase"), None)
    if phrase is None:
        raise StoreKeyMissing(str(data_dir), why or "no slot", False)
    if not unlock.passphrase:
        if why:
            raise StoreKeyMissing(str(data_dir), why, True)
        raise PassphraseNeeded(str(data_dir), new=False)
    return attempt(kf, lambda: _unwrap(_derive(unlock.passphrase or "", phrase["kdf"]),
                                       kf.store_id, phrase))


def _from_keyring(unlock: Unlock, kf: KeyFile, slot: dict[str, Any]) -> tuple[DataKey | None, str]:
    backend = unlock.backend()
    if backend is None:
        return None, "no secure keyring"
    try:
        kek_hex = backend.get_password(slot.get("service", KEYRING_SERVICE), kf.store_id)
    except Exception as exc:  # noqa: BLE001 - keyring raises many types
        return None, type(exc).__name__
    if not kek_hex:
        return None, "no entry"
    try:
        kek = bytes.fromhex(kek_hex)
    except ValueError:
        return None, "entry unreadable"
    key = _unwrap(kek, kf.store_id, slot)
    return (key, "") if key is not None else (None, "entry does not match")


def attempt(kf: KeyFile, check: Callable[[], DataKey | bool | None]) -> Any:
    """Run one passphrase or password check under the local rate limit: after
    FREE_ATTEMPTS wrong ones, each waits twice as long as the last (at most MAX_WAIT_S).
    Returns what `check` gave; raises WrongPassphrase on a miss or while waiting."""
    wait = int(kf.failures.get("until", 0) - time.time())
    if wait > 0:
        raise WrongPassphrase(str(kf.path.parent), wait)
    got = check()
    if got:
        if kf.failures:
            kf.failures = {}
            _save_quietly(kf)
        return got
    count = int(kf.failures.get("count", 0)) + 1
    delay = 0 if count < FREE_ATTEMPTS else min(MAX_WAIT_S, 2 ** (count - FREE_ATTEMPTS))
    kf.failures = {"count": count, "until": time.time() + delay}
    _save_quietly(kf)
    raise WrongPassphrase(str(kf.path.parent), delay)


def _save_quietly(kf: KeyFile) -> None:
    try:
        kf.save()
    except StoreWriteFailed:
        pass  # a full disk: the count is not kept, the attempt still failed


# -- the idle lock's verifier ------------------------------------------------------------


def set_verifier(data_dir: Path, username: str, password: str) -> None:
    """Keep an Argon2id verifier of the password the user just signed in with (online)."""
    from argon2 import PasswordHasher

    kf = load(data_dir)
    if kf is None:
        return
    cost = kdf_cost()
    hasher = PasswordHasher(time_cost=cost["t"], memory_cost=cost["m"], parallelism=cost["p"])
    kf.verifier = {"user": username, "hash": hasher.hash(password)}
    kf.save()


def verifier_user(data_dir: Path) -> str | None:
    kf = load(data_dir)
    return kf.verifier.get("user") if kf is not None and kf.verifier else None


def check_password(data_dir: Path, password: str) -> bool:
    """The password against the local verifier, rate-limited; WrongPassphrase on a miss."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    kf = load(data_dir)
    if kf is None or not kf.verifier:
        return False

    def check() -> bool:
        try:
            return PasswordHasher().verify(kf.verifier["hash"], password)  # type: ignore[index]
        except (VerificationError, InvalidHashError):
            return False

    return bool(attempt(kf, check))


# -- destroying ----------------------------------------------------------------------


def destroy(data_dir: Path, unlock: Unlock | None = None) -> None:
    """Make the data key unrecoverable: the keyring entry deleted, the key file overwritten
    and removed. Needs no passphrase and no open store (a locked laptop can do it)."""
    kf = None
    try:
        kf = load(data_dir)
    except StoreKeyMissing:
        pass
    if kf is not None and "keyring" in kf.kinds():
        backend = (unlock or Unlock()).backend()
        if backend is not None:
            try:
                backend.delete_password(KEYRING_SERVICE, kf.store_id)
            except Exception:  # noqa: BLE001 - gone already, or the keyring is locked
                pass
    shred(key_path(data_dir))


def shred(path: Path) -> None:
    """Overwrite a file with zeros, flush it to the disk, then remove it. (On flash disks
    the old blocks may survive the overwrite; the database itself is encrypted.)"""
    try:
        fd = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        return
    try:
        size = os.fstat(fd).st_size
        chunk = b"\0" * 65536
        done = 0
        while done < size:
            done += os.write(fd, chunk[: min(len(chunk), size - done)])
        os.fsync(fd)
    finally:
        os.close(fd)
    os.unlink(path)


def write_private(path: Path, data: bytes) -> None:
    """Write atomically (temporary file, fsync, rename, fsync of the folder), mode 0600."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        sync_dir(path.parent)
    except OSError as exc:
        raise StoreWriteFailed(f"{path.name}: {exc.strerror or exc}") from exc


def sync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename is durable only then; POSIX)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
