"""Headless sync commands for scripts and relay machines.

    fieldclient [--data-dir D] login --server URL --username U [--ca-cert F] [--device-name N]
    fieldclient [--data-dir D] sync          one full round
    fieldclient [--data-dir D] status [--json]
    fieldclient [--data-dir D] logout

Exit codes: 0 done; 1 sync incomplete (changes not confirmed yet or the pull not
caught up); 2 bad input or not signed in; 3 server unreachable or TLS
failure; 4 sign-in refused or device revoked. The password comes from a
prompt on a terminal, otherwise from the first line of stdin; it and the
token are never printed.
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

from fieldclient.core.errors import InvalidInput, UserFacingError
from fieldclient.replication import account
from fieldclient.replication.engine import SyncEngine
from fieldclient.replication.errors import (
    AuthFailed,
    DeviceRevoked,
    NotSignedIn,
    TlsFailure,
    Unreachable,
)
from fieldclient.replication.http import is_plain_http
from fieldclient.replication.worker import status_snapshot
from fieldclient.store.db import Store, default_data_dir, open_store

EXIT_OK, EXIT_INCOMPLETE, EXIT_USAGE, EXIT_NETWORK, EXIT_AUTH = 0, 1, 2, 3, 4


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


def _err(msg: str) -> None:
    print(f"fieldclient: {msg}", file=sys.stderr)


def _exit_for(exc: UserFacingError) -> int:
    if isinstance(exc, Unreachable | TlsFailure):
        return EXIT_NETWORK
    if isinstance(exc, AuthFailed | DeviceRevoked):
        return EXIT_AUTH
    return EXIT_USAGE


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
        _err(str(exc))
        return _exit_for(exc)
    print(f"signed in to {acct.server} as {acct.username} (device {acct.device_id})")
    return EXIT_OK


def cmd_sync(args: argparse.Namespace, store_opener: Callable[[], Store] | None = None) -> int:
    with _opened(args, store_opener) as store:
        return _sync(store)


def _sync(store: Store) -> int:
    engine = SyncEngine(store)
    try:
        res = engine.round()
    except DeviceRevoked as exc:
        wipe = engine.sign_out_revoked()
        _err(str(exc))
        if wipe:
            _err("site policy: erasing local data of this revoked device")
            engine.wipe()
        else:
            _err("signed out; local data kept")
        return EXIT_AUTH
    except NotSignedIn as exc:
        _err(str(exc) + " Use: fieldclient login --server URL --username U")
        return EXIT_USAGE
    except UserFacingError as exc:
        _err(str(exc))
        return _exit_for(exc)
    finally:
        engine.close()
    print(
        f"pushed {res.pushed} (rejected {res.rejected}), pulled {res.pulled}, "
        f"pending {res.waiting}"
    )
    if res.rejected:
        _err(f"{res.rejected} change(s) rejected by the server; see `status`")
    return EXIT_OK if res.complete else EXIT_INCOMPLETE


def cmd_status(args: argparse.Namespace, store_opener: Callable[[], Store] | None = None) -> int:
    with _opened(args, store_opener) as store:
        snap = status_snapshot(SyncEngine(store))
    snap.pop("state", None)  # no live connection here; see pending/last_sync/last_error
    if getattr(args, "json", False):
        print(json.dumps(snap, sort_keys=True))
    else:
        for key in ("server", "username", "pending", "rejected", "conflicts", "held", "cursor",
                    "last_sync", "last_error"):
            print(f"{key:<11} {snap.get(key) if snap.get(key) is not None else '-'}")
    return EXIT_OK


def cmd_logout(args: argparse.Namespace, store_opener: Callable[[], Store] | None = None) -> int:
    with _opened(args, store_opener) as store:
        if account.current_account(store) is None:
            print("not signed in")
            return EXIT_OK
        try:
            told = account.logout(store)
        except UserFacingError as exc:
            _err(str(exc))
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
        _err(str(exc))
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
