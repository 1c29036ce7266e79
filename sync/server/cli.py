"""`fieldsync`: run the sync service and administer it.

    fieldsync [--database URL] serve [--host H] [--port P] [--tls-cert F --tls-key F]
                                     [--trusted-proxy ADDR ...]
    fieldsync agency add SLUG --name NAME --kind KIND
    fieldsync user add USERNAME --role ROLE [--agency SLUG]   (password: prompt or stdin)
    fieldsync user list | user disable USERNAME [--enable] | user passwd USERNAME
    fieldsync device list [--user U] | device revoke DEVICE_ID [--wipe [--push-first]]
    fieldsync audit verify [--export FILE] [--checkpoint FILE ...] [--public-key B64]
    fieldsync audit export [--out FILE] [--key PEM] [--checkpoints FILE]
    fieldsync audit checkpoint [--out FILE] [--key PEM]
    fieldsync oversight export --from T --to T --agency SLUG -o DIR [--key PEM]
    fieldsync oversight verify DIR [--public-key B64] [--checkpoint FILE ...]
    fieldsync demo-seed
--database defaults to $FIELDSYNC_DATABASE, then SQLite in the data folder
($FIELDSYNC_DATA_DIR or the platform's user data folder for "enlace-server").
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import getpass
import json
import secrets
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sync.protocol import envelope
from sync.protocol.vocab import AGENCY_KIND, ROLE
from sync.server import accounts, anchor, audit, db
from sync.server.auth import Passwords
from sync.server.settings import Settings, default_data_dir, resolve_database_url

AUDIT_KEY = "audit-ed25519.pem"  # in the data folder: the signing key, outside the database
CHECKPOINTS = "audit-checkpoints.jsonl"
DEMO_AGENCIES = [
    ("sedena", "Secretaría de la Defensa Nacional", "military"),
    ("semar", "Secretaría de Marina", "military"),
    ("gn", "Guardia Nacional", "federal"),
    ("fgr", "Fiscalía General de la República", "federal"),
    ("pol-jal", "Policía del Estado de Jalisco", "state"),
    ("pol-gro", "Policía Estatal de Guerrero", "state"),
    ("pol-nl", "Fuerza Civil de Nuevo León", "state"),
    ("mun-gdl", "Policía Municipal de Guadalajara", "municipal"),
    ("mun-aca", "Policía Municipal de Acapulco", "municipal"),
    ("mun-mty", "Policía Municipal de Monterrey", "municipal"),
    ("pc-jal", "Protección Civil Jalisco", "civil"),
]
DEMO_USERS = [
    ("demo-admin", "admin", None),
    ("demo-commander", "commander", "sedena"),
    ("demo-liaison", "liaison", "gn"),
    ("demo-observer", "observer", None),
]


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="fieldsync", description="Enlace central sync service")
    ap.add_argument("--database", help="SQLAlchemy URL (default: $FIELDSYNC_DATABASE or SQLite)")
    sub = ap.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("serve", help="run the HTTP service")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--tls-cert", type=Path)
    s.add_argument("--tls-key", type=Path)
    s.add_argument("--log-level", default="info")
    s.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDR",
                   help="a reverse proxy whose X-Forwarded-For names the client (repeatable; "
                        "also $FIELDSYNC_TRUSTED_PROXIES, comma-separated)")

    ag = sub.add_parser("agency", help="manage agencies").add_subparsers(dest="sub", required=True)
    a = ag.add_parser("add")
    a.add_argument("slug")
    a.add_argument("--name", required=True)
    a.add_argument("--kind", required=True, choices=AGENCY_KIND.values)

    us = sub.add_parser("user", help="manage accounts").add_subparsers(dest="sub", required=True)
    u = us.add_parser("add")
    u.add_argument("username")
    u.add_argument("--role", required=True, choices=ROLE.values)
    u.add_argument("--agency")
    u.add_argument("--display-name")
    us.add_parser("list")
    d = us.add_parser("disable")
    d.add_argument("username")
    d.add_argument("--enable", action="store_true", help="re-enable instead")
    p = us.add_parser("passwd")
    p.add_argument("username")

    dv = sub.add_parser("device", help="manage signed-in devices").add_subparsers(dest="sub", required=True)
    dl = dv.add_parser("list")
    dl.add_argument("--user")
    dr = dv.add_parser("revoke")
    dr.add_argument("device_id")
    dr.add_argument("--wipe", action="store_true",
                    help="the laptop erases its data key and database at its next contact")
    dr.add_argument("--push-first", action="store_true",
                    help="with --wipe: the laptop first sends the changes it holds")

    au = sub.add_parser("audit", help="verify or export the audit trail").add_subparsers(
        dest="sub", required=True)
    av = au.add_parser("verify")
    av.add_argument("--export", type=Path, help="verify a signed export file instead")
    av.add_argument("--public-key", help="expected signer (base64 raw Ed25519 key)")
    av.add_argument("--checkpoint", type=Path, action="append", default=[],
                    help="a file of signed checkpoints the trail must still hold (repeatable)")
    ae = au.add_parser("export")
    ae.add_argument("--out", type=Path, help="output file (default: stdout)")
    ae.add_argument("--key", type=Path, help="Ed25519 private key PEM (created if missing)")
    ae.add_argument("--checkpoints", type=Path,
                    help="append the exported head's checkpoint here (default: the data folder)")
    ac = au.add_parser("checkpoint", help="sign the current head of the trail")
    ac.add_argument("--out", type=Path, help="append to this file (default: the data folder)")
    ac.add_argument("--key", type=Path, help="Ed25519 private key PEM (created if missing)")

    ov = sub.add_parser("oversight", help="signed export of detentions and use of force "
                        "for oversight, and its verifier").add_subparsers(dest="sub", required=True)
    oe = ov.add_parser("export", help="one agency's records of a period, with their audit trail")
    oe.add_argument("--from", dest="start", required=True, metavar="TIME",
                    help="start of the period (ISO 8601 with a zone, e.g. 2026-11-30T00:00Z)")
    oe.add_argument("--to", dest="end", required=True, metavar="TIME", help="end (excluded)")
    oe.add_argument("--agency", required=True, metavar="SLUG")
    oe.add_argument("-o", "--out", type=Path, required=True, metavar="DIR")
    oe.add_argument("--key", type=Path, help="the server's Ed25519 key PEM (default: the data "
                    "folder's, as serve and audit use)")
    oe.add_argument("--checkpoints", type=Path, help="the server's checkpoint file (default: "
                    "the data folder's)")
    ovv = ov.add_parser("verify", help="check an export folder (no server, no database)")
    ovv.add_argument("folder", type=Path)
    ovv.add_argument("--public-key", help="the server's key (base64), as oversight was given it")
    ovv.add_argument("--checkpoint", type=Path, action="append", default=[],
                     help="signed checkpoints kept by oversight (repeatable)")
    ovv.add_argument("--quiet", action="store_true", help="only the verdict")

    sub.add_parser("demo-seed", help="create the demo agencies and one account per role")
    return ap


def _read_password(prompt: str) -> str:
    """From a prompt on a terminal; from one line of stdin otherwise (scripts)."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("Repeat: ") != first:
            raise accounts.AccountError("passwords do not match")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _engine(url: str) -> Engine:
    engine = db.make_engine(url)
    db.migrate(engine)
    return engine


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = resolve_database_url(args.database)
    settings = Settings.from_env(url)
    try:
        return _dispatch(args, settings)
    except accounts.AccountError as exc:
        print(f"fieldsync: {exc}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.cmd == "serve":
        return _serve(args, settings)
    if args.cmd == "audit" and args.sub == "verify" and args.export:
        # An export is checked on its own: oversight runs this with no database at all.
        return _report(audit.verify_export(args.export.read_bytes(), args.public_key,
                                           _checkpoints(args.checkpoint)))
    if args.cmd == "oversight" and args.sub == "verify":
        # as audit verify --export: oversight runs this with no server and no database
        from sync.server import oversight_verify

        argv = [str(args.folder), *(["--public-key", args.public_key] if args.public_key else []),
                *[a for p in args.checkpoint for a in ("--checkpoint", str(p))],
                *(["--quiet"] if args.quiet else [])]
        return oversight_verify.main(argv)
    engine = _engine(settings.database_url)
    if args.cmd == "oversight":
        return _oversight_export(args, engine)
    if args.cmd == "agency":
        accounts.add_agency(engine, args.slug, args.name, args.kind)
        print(f"agency {args.slug} created")
    elif args.cmd == "user":
        return _user(args, settings, engine)
    elif args.cmd == "device":
        if args.sub == "list":
            for d in accounts.list_devices(engine, args.user):
                state = f"revoked {d['revoked_at']}" if d["revoked_at"] else "active"
                if d["wiped_at"]:
                    state += f", wiped {d['wiped_at']}"
                elif d["wipe"]:
                    state += f", wipe pending ({d['wipe']})"
                print(f"{d['id']}  {d['username']:<20} {d['name']:<24} "
                      f"last seen {d['last_seen_at'] or '-'}  {state}")
        else:
            if args.push_first and not args.wipe:
                print("--push-first goes with --wipe", file=sys.stderr)
                return 2
            wipe = (envelope.WIPE_AFTER_PUSH if args.push_first else envelope.WIPE_NOW) \
                if args.wipe else None
            accounts.revoke_device(engine, args.device_id, actor="admin-cli", wipe=wipe)
            print(f"device {args.device_id} revoked" + (f" (wipe: {wipe})" if wipe else ""))
    elif args.cmd == "audit":
        return _audit(args, engine)
    elif args.cmd == "demo-seed":
        _demo_seed(engine, Passwords(settings))
    return 0


def _user(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    if args.sub == "add":
        pw = _read_password(f"Password for {args.username}: ")
        accounts.add_user(engine, Passwords(settings), args.username, pw, args.role, args.agency,
                          display_name=args.display_name)
        print(f"user {args.username} created ({args.role}{', ' + args.agency if args.agency else ''})")
    elif args.sub == "list":
        for u in accounts.list_users(engine):
            flag = "  DISABLED" if u["disabled"] else ""
            print(f"{u['username']:<24} {u['role']:<10} {u['agency'] or '-':<10}{flag}")
    elif args.sub == "disable":
        accounts.set_disabled(engine, args.username, not args.enable)
        print(f"user {args.username} {'enabled' if args.enable else 'disabled'}")
    elif args.sub == "passwd":
        pw = _read_password(f"New password for {args.username}: ")
        accounts.set_password(engine, Passwords(settings), args.username, pw)
        print(f"password of {args.username} changed")
    return 0


def _report(problems: list[str]) -> int:
    for p in problems:
        print(f"FAIL: {p}")
    if problems:
        return 1
    print("audit trail intact")
    return 0


def _checkpoints(paths: list[Path]) -> list[dict[str, Any]]:
    return [cp for p in paths for cp in anchor.read_checkpoints(p)]


def _audit(args: argparse.Namespace, engine: Engine) -> int:
    if args.sub == "verify":
        problems = audit.verify(engine)
        if args.checkpoint:
            problems += anchor.check(engine, _checkpoints(args.checkpoint), args.public_key)
        return _report(problems)
    key_path = args.key or default_data_dir() / AUDIT_KEY
    key = audit.load_or_create_key(key_path)
    if args.sub == "checkpoint":
        cp = anchor.make_checkpoint(engine, key)
        anchor.append(args.out or default_data_dir() / CHECKPOINTS, cp)
        print(json.dumps(cp, sort_keys=True))
        return 0
    cps = args.checkpoints or default_data_dir() / CHECKPOINTS

    def on_head(audit_id: int, audit_hash: str) -> None:
        anchor.append(cps, audit.checkpoint(audit_id, audit_hash, key))

    if args.out:
        with args.out.open("wb") as fh:
            n = audit.export(engine, fh, key, on_head)
    else:
        n = audit.export(engine, sys.stdout.buffer, key, on_head)
    print(f"exported {n} audit rows; signer public key {audit.public_key_b64(key)}; "
          f"checkpoint of the head added to {cps}", file=sys.stderr)
    return 0


def _oversight_export(args: argparse.Namespace, engine: Engine) -> int:
    from sync.server import oversight

    key = audit.load_or_create_key(args.key or default_data_dir() / AUDIT_KEY)
    try:
        done = oversight.export(engine, key, args.agency, args.start, args.end, args.out,
                                args.checkpoints or default_data_dir() / CHECKPOINTS)
    except oversight.ExportError as exc:
        print(f"fieldsync: {exc}", file=sys.stderr)
        return 2
    print(f"exported {done.records} records of {args.agency} ({done.context} earlier originals "
          f"as context) and {done.audit_rows} audit rows to {done.folder}; signer public key "
          f"{audit.public_key_b64(key)}", file=sys.stderr)
    return 0


def _demo_seed(engine: Engine, passwords: Passwords) -> None:
    known = {u["username"] for u in accounts.list_users(engine)}
    for slug, name, kind in DEMO_AGENCIES:
        try:
            accounts.add_agency(engine, slug, name, kind)
        except accounts.AccountError:
            pass  # already there: seeding twice is harmless
    print("demo agencies: " + ", ".join(s for s, _, _ in DEMO_AGENCIES))
    print("demo accounts (passwords are shown only now):")
    for username, role, agency in DEMO_USERS:
        if username in known:
            print(f"  {username:<16} {role:<10} already exists (password unchanged)")
            continue
        pw = secrets.token_urlsafe(12)
        accounts.add_user(engine, passwords, username, pw, role, agency)
        print(f"  {username:<16} {role:<10} {agency or '-':<8} password: {pw}")


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from sync.server import serving
    from sync.server.app import create_app

    if bool(args.tls_cert) != bool(args.tls_key):
        raise accounts.AccountError("--tls-cert and --tls-key go together")
    data = default_data_dir()
    settings = dataclasses.replace(
        settings, trusted_proxies=tuple(args.trusted_proxy) + settings.trusted_proxies,
        audit_key=settings.audit_key or data / AUDIT_KEY,
        checkpoint_file=settings.checkpoint_file or data / CHECKPOINTS)
    app = create_app(settings)
    engine = app.state.services.engine
    scheme = "https" if args.tls_cert else "http"
    shown_host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0", "::") else args.host
    print(f"fieldsync: database {engine.url.render_as_string(hide_password=True)}", flush=True)
    print(f"fieldsync: serving on {scheme}://{shown_host}:{args.port}/ "
          f"(API docs at /docs, schema at /openapi.json)", flush=True)
    if accounts.count_users(engine) == 0:
        print("fieldsync: no accounts yet. Create one with\n"
              "    fieldsync agency add sedena --name 'SEDENA' --kind military\n"
              "    fieldsync user add ana --role commander --agency sedena\n"
              "or try the demo data: fieldsync demo-seed", flush=True)
    # Everything allocated so far lives for the whole process; freezing it
    # and collecting young objects less often keeps the collector from
    # rescanning it on every 5,000-change push (~15% of push CPU).
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    serving.run(app, settings, host=args.host, port=args.port, log_level=args.log_level,
                tls_cert=args.tls_cert, tls_key=args.tls_key)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
