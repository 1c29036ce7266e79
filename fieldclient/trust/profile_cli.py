"""`enlace provision PROFILE` and `enlace site-profile` (registered by fieldclient.trust.cli).

    enlace [--data-dir D] provision PROFILE [--trust-key KEY.pub] [--root FILE|DIR]
                                            [--username U [--device-name N]]
    enlace [--data-dir D] site-profile [--json]

provision verifies PROFILE against PROFILE.minisig and a trusted deployment key (from the
build's root metadata, the key pinned in this data folder, or --trust-key, which pins it),
then configures the data folder. With --username it also signs in (password from a prompt
or the first line of stdin). Exit codes: 0 done; 2 bad input; 30 unreadable profile;
31 unsigned; 32 altered; 33 signed by an untrusted key; 34 older than the active one;
35 signed in to another server; 3/4 as `login` when signing in fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fieldclient.core.errors import UserFacingError
from fieldclient.core.i18n import QT_TRANSLATE_NOOP, translate_error
from fieldclient.store.db import Store
from fieldclient.trust import profile
from fieldclient.trust.minisign import MinisignError, PublicKey
from fieldclient.trust.root import Key

EXIT_USAGE = 2
PROVISIONED = QT_TRANSLATE_NOOP(
    "profile", "provisioned: site profile “{name}” (serial {serial}) signed by {signer} "
    "(key {key}); server {server}")
PINNED = QT_TRANSLATE_NOOP(
    "profile", "The deployment key {key} is now trusted for this data folder.")
NONE_ACTIVE = QT_TRANSLATE_NOOP("profile", "No site profile is active in this data folder.")
BAD_KEY = QT_TRANSLATE_NOOP("profile", "The key file {path} is not a minisign public key.")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("provision", help="configure this laptop from a signed site profile")
    p.add_argument("profile", metavar="PROFILE", help="site profile (PROFILE.minisig beside it)")
    p.add_argument("--trust-key", metavar="KEY.pub",
                   help="deployment public key to trust and pin (first provisioning)")
    p.add_argument("--root", metavar="FILE|DIR",
                   help="root metadata whose deployment keys are trusted (default: this build's)")
    p.add_argument("--username", help="also sign in as this user")
    p.add_argument("--device-name", help="device name (default: the profile's pattern)")
    p.set_defaults(func=cmd_provision)

    p = subparsers.add_parser("site-profile", help="show the active site profile")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_site_profile)


def cmd_provision(args: argparse.Namespace, store_opener: Callable[[], Store]) -> int:
    from fieldclient.trust.cli import language

    lang = language(args)
    store = store_opener()
    keys = profile.trusted_keys(store.data_dir, args.root)
    pin = None
    if args.trust_key:
        try:
            pin = PublicKey.parse(Path(args.trust_key).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, MinisignError):
            print(_say(BAD_KEY, lang).format(path=args.trust_key), file=sys.stderr)
            return EXIT_USAGE
        keys[pin.id] = Key(pin.id, f"deployment key {pin.id}", pin)
    try:
        prof, signer, raw, sig = profile.verify(Path(args.profile), keys)
        if pin is not None and signer.id != pin.id:
            pin = None  # signed by an already-trusted key: nothing new to pin
        profile.apply(store, prof, signer, raw, sig, pin)
    except profile.ProfileRefused as exc:
        print(_say(exc.template, lang).format(**exc.params), file=sys.stderr)
        return exc.code
    if pin is not None:
        print(_say(PINNED, lang).format(key=pin.id))
    print(_say(PROVISIONED, lang).format(name=prof.name, serial=prof.serial, signer=signer.name,
                                         key=signer.id, server=prof.server_url))
    if args.username:
        return _sign_in(args, store, prof, lang)
    return 0


def _sign_in(args: argparse.Namespace, store: Store, prof: profile.SiteProfile,
             lang: str | None) -> int:
    from fieldclient.replication import account
    from fieldclient.replication.cli_sync import read_password
    from fieldclient.replication.errors import AuthFailed, DeviceRevoked, TlsFailure, Unreachable

    try:
        acct = account.login(
            store, prof.server_url, args.username, read_password(),
            args.device_name or profile.device_name(prof.device_name_pattern),
            store.get_meta(account.META_CA) or None,
        )
    except UserFacingError as exc:
        print(f"enlace: {translate_error(exc, lang)}", file=sys.stderr)
        if isinstance(exc, Unreachable | TlsFailure):
            return 3
        return 4 if isinstance(exc, AuthFailed | DeviceRevoked) else EXIT_USAGE
    print(f"signed in to {acct.server} as {acct.username} (device {acct.device_id})")
    return 0


def cmd_site_profile(args: argparse.Namespace, store_opener: Callable[[], Store]) -> int:
    from fieldclient.trust.cli import language

    current = profile.active(store_opener())
    if args.json:
        print(json.dumps(asdict(current) if current else None, ensure_ascii=False))
        return 0
    if current is None:
        print(_say(NONE_ACTIVE, language(args)))
        return 0
    for key, value in asdict(current).items():
        print(f"{key}\t{value}")
    return 0


def _say(text: str, lang: str | None) -> str:
    from fieldclient.core.i18n import translate

    return translate("profile", text, lang)
