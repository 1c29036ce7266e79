"""Headless sync commands for scripts and relay machines.

    fieldclient [--data-dir D] login --server URL --username U [--ca-cert F] [--device-name N]
    fieldclient [--data-dir D] sync          one full round
    fieldclient [--data-dir D] status [--json]
    fieldclient [--data-dir D] logout

Exit codes of `sync` (the first that applies, in this order):
    8  this version of Enlace is too old for the server: nothing was sent or received
    4  sign-in refused or device revoked
    3  server unreachable or TLS failure
    2  bad input or not signed in
    7  the server rejected changes (now or earlier, not dismissed nor sent again):
       they are listed by `status` and in the window's Sync panel
    1  incomplete: changes still waiting for the server's confirmation, or the pull
       not caught up
    0  everything was confirmed and the pull caught up
    6  (from `fieldclient`) the disk is full or read-only: nothing could be recorded
A clock off by more than a few minutes is warned about on stderr whatever the code.
The password comes from a prompt on a terminal, otherwise from the first line of
stdin; it and the token are never printed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fieldclient.core import timefmt
from fieldclient.core.errors import InvalidInput, StoreReadOnly, UserFacingError
from fieldclient.core.i18n import QT_TRANSLATE_NOOP, env_lang, translate, translate_error
from fieldclient.replication import account, clock
from fieldclient.replication.engine import SyncEngine
from fieldclient.replication.errors import (
    AuthFailed,
    DeviceRevoked,
    NotSignedIn,
    TlsFailure,
    Unreachable,
)
from fieldclient.replication.http import is_plain_http
from fieldclient.replication.versions import ClientTooOld
from fieldclient.replication.worker import status_snapshot
from fieldclient.store.db import Store, default_data_dir, open_store

EXIT_OK, EXIT_INCOMPLETE, EXIT_USAGE, EXIT_NETWORK, EXIT_AUTH = 0, 1, 2, 3, 4
EXIT_REJECTED, EXIT_TOO_OLD = 7, 8


def register(subparsers: Any) -> None:
    """Add login, sync, status and logout to the `fieldclient` command line."""
    p = subparsers.add_parser("login", help="sign this data folder in to a sync server")
    p.add_argument("--server", required=True, help="server URL (https://…; http only for loopback)")
    p.add_argument("--username", required=True)
    p.add_argument("--ca-cert", help="PEM file of the CA that signed the server's certificate")
    p.add_argument("--device-name", default=None, help="name of this device (default: host name)")
    p.add_argument("--allow-demo-data", action="store_true",
                   help="sign in even though this folder holds the demo deployment (demo servers)")
    p.set_defaults(func=cmd_login)

    p = subparsers.add_parser("sync", help="push pending changes and pull new ones, once")
    p.set_defaults(func=cmd_sync)

    p = subparsers.add_parser("status", help="show sync state")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_status)

    p = subparsers.add_parser("logout", help="sign out and delete the device token")
    p.set_defaults(func=cmd_logout)


@contextmanager
def _opened(args: argparse.Namespace, store_opener: Callable[[], Store] | None) -> Iterator[Store]:
    """The store from fieldclient.cli's opener (closed by it), or one opened here.

    Store errors (refused, too new, unwritable) propagate: fieldclient.cli maps them
    to its exit codes 5 and 6.
    """
    if store_opener is not None:
        yield store_opener()
        return
    store = open_store(getattr(args, "data_dir", None) or default_data_dir())
    try:
        yield store
    finally:
        store.close()


def _err(msg: str | UserFacingError) -> None:
    """A message on stderr; a UserFacingError (or a message marked in context "errors")
    in the language of the command line (--lang, else the environment)."""
    text = (translate_error(msg, _lang) if isinstance(msg, UserFacingError)
            else translate("errors", msg, _lang))
    print(f"fieldclient: {text}", file=sys.stderr)


_lang: str | None = env_lang()


def _exit_for(exc: UserFacingError) -> int:
    if isinstance(exc, ClientTooOld):
        return EXIT_TOO_OLD
    if isinstance(exc, Unreachable | TlsFailure):
        return EXIT_NETWORK
    if isinstance(exc, AuthFailed | DeviceRevoked):
        return EXIT_AUTH
    return EXIT_USAGE


CLOCK_AHEAD = QT_TRANSLATE_NOOP(
    "errors", "warning: this computer's clock is {amount} ahead of the sync server's. "
    "Correct the date, time and time zone: changes stamped by a wrong clock are refused, "
    "and are sent again by themselves once the clock is right.")
CLOCK_BEHIND = QT_TRANSLATE_NOOP(
    "errors", "warning: this computer's clock is {amount} behind the sync server's. "
    "Correct the date, time and time zone.")
REJECTED = QT_TRANSLATE_NOOP(
    "errors", "{n} change(s) were rejected by the server and are not on it; see "
    "`fieldclient status` or the Sync panel (dismiss them or send them again).")


def _clock_warning(offset_ms: int | None) -> None:
    if not clock.skewed(offset_ms):
        return
    assert offset_ms is not None
    template = CLOCK_AHEAD if offset_ms < 0 else CLOCK_BEHIND
    _err(translate("errors", template, _lang).format(amount=timefmt.apart(offset_ms)))


def read_password(prompt: str = "Password: ") -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\r\n")


def cmd_login(args: argparse.Namespace, store_opener: Callable[[], Store] | None = None) -> int:
    with _opened(args, store_opener) as store:
        return _login(args, store)


def _login(args: argparse.Namespace, store: Store) -> int:
    try:
        if is_plain_http(args.server):
            _err("warning: plain http:// (no encryption); allowed only on this computer")
        password = read_password()
        if not password:
            raise InvalidInput("A password is required.")
        acct = account.login(
            store,
            args.server,
            args.username,
            password,
            args.device_name or socket.gethostname() or "fieldclient",
            args.ca_cert,
            allow_demo_data=args.allow_demo_data,
        )
    except UserFacingError as exc:
        _err(exc)
        return _exit_for(exc)
    print(f"signed in to {acct.server} as {acct.username} (device {acct.device_id})")
    return EXIT_OK


def cmd_sync(args: argparse.Namespace, store_opener: Callable[[], Store] | None = None) -> int:
    _set_lang(args)
    with _opened(args, store_opener) as store:
        return _sync(store)


def _set_lang(args: argparse.Namespace) -> None:
    global _lang
    _lang = getattr(args, "lang", None) or env_lang()


def _sync(store: Store) -> int:
    if store.read_only:  # a full or read-only disk: nothing could be recorded
        raise StoreReadOnly(str(store.data_dir), store.read_only)
    engine = SyncEngine(store)
    try:
        res = engine.round()
    except DeviceRevoked as exc:
        wipe = engine.sign_out_revoked()
        _err(exc)
        if wipe:
            _err("site policy: erasing local data of this revoked device")
            engine.wipe()
        else:
            _err("signed out; local data kept")
        return EXIT_AUTH
    except NotSignedIn as exc:
        _err(translate_error(exc, _lang) + " Use: fieldclient login --server URL --username U")
        return EXIT_USAGE
    except UserFacingError as exc:
        _clock_warning(clock.offset(store))
        _err(exc)
        return _exit_for(exc)
    finally:
        engine.close()
    print(
        f"pushed {res.pushed} (rejected {res.rejected}), pulled {res.pulled}, "
        f"pending {res.waiting}"
    )
    _clock_warning(res.clock_offset_ms)
    if res.still_rejected:
        _err(translate("errors", REJECTED, _lang).format(n=res.still_rejected))
        return EXIT_REJECTED
    return EXIT_OK if res.complete else EXIT_INCOMPLETE


def cmd_status(args: argparse.Namespace, store_opener: Callable[[], Store] | None = None) -> int:
    _set_lang(args)
    with _opened(args, store_opener) as store:
        snap = status_snapshot(SyncEngine(store))
    # `state` is what the last sync found (no connection is made here): one of
    # worker.STATES; see docs/replication.md.
    if getattr(args, "json", False):
        print(json.dumps(snap, sort_keys=True))
    else:
        for key in ("state", "server", "username", "pending", "rejected", "conflicts", "held",
                    "cursor", "last_sync", "last_error", "clock_offset_s"):
            print(f"{key:<14} {snap.get(key) if snap.get(key) is not None else '-'}")
        if snap["clock_skew"]:
            _clock_warning(int(snap["clock_offset_s"] * 1000))
    return EXIT_OK


def cmd_logout(args: argparse.Namespace, store_opener: Callable[[], Store] | None = None) -> int:
    with _opened(args, store_opener) as store:
        if account.current_account(store) is None:
            print("not signed in")
            return EXIT_OK
        try:
            told = account.logout(store)
        except UserFacingError as exc:
            _err(exc)
            return _exit_for(exc)
    print("signed out" + ("" if told else " (server not reachable; token deleted here)"))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (`python -m fieldclient.replication.cli_sync`), same commands."""
    ap = argparse.ArgumentParser(prog="fieldclient")
    ap.add_argument("--data-dir", default=None)
    register(ap.add_subparsers(dest="cmd", required=True))
    args = ap.parse_args(argv)
    try:
        return int(args.func(args))
    except UserFacingError as exc:  # the store was refused or cannot be written
        _err(exc)
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
