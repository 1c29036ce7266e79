"""Signed site profiles: how one site's laptops are configured, signed by its deployment key.

A profile is `NAME.json` with `NAME.json.minisig` beside it (minisign; site IT can sign it
with `minisign -S` or `packaging/signing.py profile-sign`):

    {"type": "enlace-site-profile", "format": 1, "name": "CP Guadalajara", "serial": 3,
     "server_url": "https://cp-gdl.example:8443", "ca_cert": "-----BEGIN CERTIFICATE-----…",
     "default_agency": "sedena", "device_name_pattern": "GDL-{hostname}",
     "policies": {"wipe_on_revoke": true, "offline_expiry_hours": 72, "idle_lock_minutes": 10,
                  "handover_ack_minutes": 30, "custody_warn_minutes": 60,
                  "custody_alert_minutes": 180}}

The signing key must be a deployment key of the build's root metadata or the one pinned in
this data folder at first provisioning (`--trust-key`). Provisioning writes where the
client keeps its settings: the meta table (server URL, CA path, site_* policies), the CA in
`trust/server-ca.pem`, the profile and its signature as `site-profile.json(.minisig)`.
A profile holds no secret (unknown fields are refused, so none can slip in).
The custody thresholds turn a detention amber and red (fieldclient.core.custody); they
are the deployment's configuration, not legal advice.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldclient.core import custody
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.replication import account
from fieldclient.replication.http import normalise_server_url
from fieldclient.store import meta
from fieldclient.store.db import Store
from fieldclient.trust.minisign import BadSignature, MinisignError, PublicKey, Signature
from fieldclient.trust.root import Key

PROFILE_TYPE = "enlace-site-profile"
PINNED_KEY = "deployment-key.pub"
CA_FILE = "server-ca.pem"
CONTEXT = "profile"
# Exit codes of `enlace provision` when it refuses a profile.
UNREADABLE, UNSIGNED, ALTERED, UNTRUSTED, OLDER, CONFLICT = 30, 31, 32, 33, 34, 35

META_NAME = "site_profile_name"
META_SERIAL = "site_profile_serial"
META_SIGNER = "site_profile_signer"
META_KEY = "site_profile_key"
META_AGENCY = "site_default_agency"
META_DEVICE_PATTERN = "site_device_name_pattern"
META_OFFLINE_HOURS = "site_offline_expiry_hours"
META_IDLE_MINUTES = "site_idle_lock_minutes"
SITE_KEYS = (META_NAME, META_SERIAL, META_SIGNER, META_KEY, META_AGENCY, META_DEVICE_PATTERN,
             META_OFFLINE_HOURS, META_IDLE_MINUTES, account.META_WIPE_POLICY,
             meta.HANDOVER_ACK_MINUTES, custody.META_WARN, custody.META_ALERT)

_TOP = {"type", "format", "name", "serial", "server_url", "ca_cert", "default_agency",
        "device_name_pattern", "policies"}
# store_key: "passphrase" wraps a new store's data key by a passphrase even where a
# keyring works (read before the database opens: fieldclient.store.crypto.site_policy).
# sync_while_locked: background sync goes on under the idle lock (replication/locking.py).
_POLICIES = {"wipe_on_revoke", "offline_expiry_hours", "idle_lock_minutes",
             "handover_ack_minutes", "custody_warn_minutes", "custody_alert_minutes",
             "store_key", "sync_while_locked"}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_PLACEHOLDERS = {"hostname", "user"}


class ProfileRefused(Exception):
    """A profile that must not configure this laptop; `code` is the exit code."""

    def __init__(self, code: int, template: str, **params: Any) -> None:
        self.code, self.template, self.params = code, template, params
        super().__init__(template.format(**params))


@dataclass(frozen=True)
class SiteProfile:
    name: str
    serial: int
    server_url: str
    ca_cert: str | None
    default_agency: str | None
    device_name_pattern: str
    wipe_on_revoke: bool
    offline_expiry_hours: int
    idle_lock_minutes: int
    handover_ack_minutes: int = meta.DEFAULT_HANDOVER_ACK_MINUTES
    custody_warn_minutes: int = 0  # 0: the default (custody.DEFAULT_WARN)
    custody_alert_minutes: int = 0


def _bad(template: str, **params: Any) -> ProfileRefused:
    return ProfileRefused(UNREADABLE, template, **params)


def parse(raw: bytes) -> SiteProfile:
    """The profile's settings, each checked; anything unknown or out of range is refused."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _bad(QT_TRANSLATE_NOOP("profile", "The site profile is not a JSON file.")) from None
    if not isinstance(doc, dict) or doc.get("type") != PROFILE_TYPE or doc.get("format") != 1:
        raise _bad(QT_TRANSLATE_NOOP("profile", "This file is not an Enlace site profile."))
    extra = sorted(set(doc) - _TOP) + sorted(set(doc.get("policies") or {}) - _POLICIES)
    if extra:
        raise _bad(QT_TRANSLATE_NOOP("profile", "The site profile has unknown fields: {fields}."),
                   fields=", ".join(extra))
    name, serial = doc.get("name"), doc.get("serial")
    if not isinstance(name, str) or not name.strip() or len(name) > 120:
        raise _bad(QT_TRANSLATE_NOOP("profile", "The site profile needs a name."))
    if not isinstance(serial, int) or isinstance(serial, bool) or serial < 1:
        raise _bad(QT_TRANSLATE_NOOP("profile", "The serial number must be a whole number from 1."))
    try:
        url = normalise_server_url(str(doc.get("server_url") or ""))
    except Exception:
        raise _bad(QT_TRANSLATE_NOOP(
            "profile", "The server URL must be https:// (plain http only for this computer).")) \
            from None
    ca = doc.get("ca_cert")
    if ca is not None:
        _check_pem(ca)
    agency = doc.get("default_agency")
    if agency is not None and (not isinstance(agency, str) or not _SLUG.match(agency)):
        raise _bad(QT_TRANSLATE_NOOP(
            "profile", "The default agency {value!r} is not an agency id."), value=agency)
    pattern = doc.get("device_name_pattern", "{hostname}")
    _check_pattern(pattern)
    pol = doc.get("policies") or {}
    if not isinstance(pol, dict):
        raise _bad(QT_TRANSLATE_NOOP("profile", "policies must be an object."))
    wipe = pol.get("wipe_on_revoke", False)
    if not isinstance(wipe, bool):
        raise _bad(QT_TRANSLATE_NOOP("profile", "wipe_on_revoke must be true or false."))
    if not isinstance(pol.get("sync_while_locked", False), bool):
        raise _bad(QT_TRANSLATE_NOOP("profile", "sync_while_locked must be true or false."))
    if pol.get("store_key", "keyring") not in ("keyring", "passphrase"):
        raise _bad(QT_TRANSLATE_NOOP("profile", "store_key must be keyring or passphrase."))
    hours = _whole(pol.get("offline_expiry_hours", 0), "offline_expiry_hours", 24 * 365)
    minutes = _whole(pol.get("idle_lock_minutes", 0), "idle_lock_minutes", 24 * 60)
    ack = _whole(pol.get("handover_ack_minutes", meta.DEFAULT_HANDOVER_ACK_MINUTES),
                 "handover_ack_minutes", 24 * 60)
    warn = _whole(pol.get("custody_warn_minutes", 0), "custody_warn_minutes", 7 * 24 * 60)
    alert = _whole(pol.get("custody_alert_minutes", 0), "custody_alert_minutes", 7 * 24 * 60)
    if warn and alert and alert < warn:
        raise _bad(QT_TRANSLATE_NOOP(
            "profile", "custody_alert_minutes must not be less than custody_warn_minutes."))
    return SiteProfile(name.strip(), serial, url, ca, agency, pattern, wipe, hours, minutes,
                       ack, warn, alert)


def _whole(value: Any, field: str, top: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= top:
        raise _bad(QT_TRANSLATE_NOOP(
            "profile", "{field} must be a whole number from 0 to {top}."), field=field, top=top)
    return value


def _check_pem(ca: Any) -> None:
    from cryptography import x509

    if not isinstance(ca, str) or "-----BEGIN CERTIFICATE-----" not in ca:
        raise _bad(QT_TRANSLATE_NOOP("profile", "ca_cert must hold a PEM certificate."))
    try:
        x509.load_pem_x509_certificates(ca.encode())
    except ValueError:
        raise _bad(QT_TRANSLATE_NOOP("profile", "ca_cert is not a valid certificate.")) from None


def _check_pattern(pattern: Any) -> None:
    names = re.findall(r"\{([^{}]*)\}", pattern) if isinstance(pattern, str) else None
    if names is None or not pattern.strip() or len(pattern) > 80 \
            or any(n not in _PLACEHOLDERS for n in names):
        raise _bad(QT_TRANSLATE_NOOP(
            "profile", "device_name_pattern may use only {{hostname}} and {{user}}."))


def device_name(pattern: str) -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    return pattern.format(hostname=socket.gethostname() or "laptop", user=user)[:200]


# -- verification --------------------------------------------------------------------


def signature_path(profile: Path) -> Path:
    return profile.with_name(profile.name + ".minisig")


def pinned_key(data_dir: Path) -> PublicKey | None:
    path = data_dir / account.TRUST_DIR / PINNED_KEY
    try:
        return PublicKey.parse(path.read_text(encoding="utf-8"))
    except (OSError, MinisignError):
        return None


def verify(profile: Path, trusted: dict[str, Key]) -> tuple[SiteProfile, Key, bytes, str]:
    """(profile, signer, raw bytes, signature text) or ProfileRefused with the reason."""
    try:
        raw = profile.read_bytes()
    except OSError as exc:
        raise _bad(QT_TRANSLATE_NOOP("profile", "Cannot read {path}: {why}"),
                   path=str(profile), why=exc.strerror or str(exc)) from None
    sig_path = signature_path(profile)
    try:
        sig_text = sig_path.read_text(encoding="utf-8")
        sig = Signature.parse(sig_text)
    except (OSError, UnicodeDecodeError, MinisignError):
        raise ProfileRefused(UNSIGNED, QT_TRANSLATE_NOOP(
            "profile", "The site profile is not signed: {sig} is missing or is not a minisign "
            "signature. Ask the site's IT for the signed profile."), sig=sig_path.name) from None
    key = trusted.get(sig.key)
    if key is None:
        raise ProfileRefused(UNTRUSTED, QT_TRANSLATE_NOOP(
            "profile", "The site profile is signed by key {key}, which this laptop does not "
            "trust. Compare the key ID with the one your IT department gave you, then run "
            "provision again with --trust-key."), key=sig.key)
    try:
        sig.verify(key.public, raw)
    except BadSignature:
        raise ProfileRefused(ALTERED, QT_TRANSLATE_NOOP(
            "profile", "The site profile was altered after {signer} signed it: its signature "
            "does not match. Nothing was changed."), signer=key.name) from None
    return parse(raw), key, raw, sig_text


def trusted_keys(data_dir: Path, root: str | None) -> dict[str, Key]:
    """Deployment keys of the build's (or the given) root metadata plus the one pinned in
    this data folder."""
    from fieldclient.trust.root import TRUST_DIR, RootError, bundle_dir, pinned_root

    keys: dict[str, Key] = {}
    own = bundle_dir()
    where = Path(root) if root else (own / TRUST_DIR if own else None)
    if where is not None and where.exists():
        try:
            keys.update(pinned_root(where).deployment_keys)
        except RootError:
            pass  # a broken root lends no trust; the pinned key may still do
    pinned = pinned_key(data_dir)
    if pinned is not None:
        keys.setdefault(pinned.id, Key(pinned.id, f"deployment key {pinned.id}", pinned))
    return keys


# -- applying --------------------------------------------------------------------------


def apply(store: Store, prof: SiteProfile, signer: Key, raw: bytes, sig_text: str,
          pin: PublicKey | None = None) -> None:
    """Configure the data folder of `store` from a verified profile."""
    acct = account.current_account(store)
    if acct is not None and acct.server != prof.server_url:
        raise ProfileRefused(CONFLICT, QT_TRANSLATE_NOOP(
            "profile", "This laptop is signed in to {current}; sign out before provisioning it "
            "for {server}."), current=acct.server, server=prof.server_url)
    active = store.get_meta(META_SERIAL)
    if active and store.get_meta(META_NAME) == prof.name and int(active) > prof.serial:
        raise ProfileRefused(OLDER, QT_TRANSLATE_NOOP(
            "profile", "This profile (serial {got}) is older than the active one (serial {have})."),
            got=prof.serial, have=int(active))
    trust = store.data_dir / account.TRUST_DIR
    trust.mkdir(parents=True, exist_ok=True)
    ca_path = ""
    if prof.ca_cert:
        ca_path = str(_write(trust / CA_FILE, prof.ca_cert.encode()))
    if pin is not None:
        _write(trust / PINNED_KEY, pin.text(f"Enlace deployment key {pin.id}").encode())
    _write(store.data_dir / account.SITE_PROFILE, raw)
    _write(store.data_dir / (account.SITE_PROFILE + ".minisig"), sig_text.encode())
    values = {
        account.META_SERVER: prof.server_url, account.META_CA: ca_path,
        META_NAME: prof.name, META_SERIAL: str(prof.serial), META_SIGNER: signer.name,
        META_KEY: signer.id, META_AGENCY: prof.default_agency or "",
        META_DEVICE_PATTERN: prof.device_name_pattern,
        META_OFFLINE_HOURS: str(prof.offline_expiry_hours),
        META_IDLE_MINUTES: str(prof.idle_lock_minutes),
        account.META_WIPE_POLICY: "1" if prof.wipe_on_revoke else "0",
        meta.HANDOVER_ACK_MINUTES: str(prof.handover_ack_minutes),
        custody.META_WARN: str(prof.custody_warn_minutes or ""),
        custody.META_ALERT: str(prof.custody_alert_minutes or ""),
    }
    with store.transaction() as s:
        for key, value in values.items():
            store.set_meta(key, value, session=s)


def _write(path: Path, data: bytes) -> Path:
    """Write atomically, readable by this user only (the folder may be shared by mistake)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


@dataclass(frozen=True)
class Active:
    name: str
    serial: int
    signer: str
    key_id: str
    server: str
    default_agency: str
    device_name_pattern: str
    wipe_on_revoke: bool
    offline_expiry_hours: int
    idle_lock_minutes: int


def active(store: Store) -> Active | None:
    """The profile this data folder was provisioned with, or None."""
    name = store.get_meta(META_NAME)
    if not name:
        return None

    def num(key: str) -> int:
        try:
            return int(store.get_meta(key) or 0)
        except ValueError:
            return 0

    return Active(name, num(META_SERIAL), store.get_meta(META_SIGNER) or "",
                  store.get_meta(META_KEY) or "", store.get_meta(account.META_SERVER) or "",
                  store.get_meta(META_AGENCY) or "", store.get_meta(META_DEVICE_PATTERN) or "",
                  store.get_meta(account.META_WIPE_POLICY) == "1", num(META_OFFLINE_HOURS),
                  num(META_IDLE_MINUTES))


def default_device_name(store: Store) -> str:
    """The device name offered at sign-in: the site's pattern, else the host name."""
    pattern = store.get_meta(META_DEVICE_PATTERN)
    return device_name(pattern) if pattern else (socket.gethostname() or "")
