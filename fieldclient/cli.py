"""The `fieldclient` command line (`python main.py ...` is the same thing).

    fieldclient [--data-dir D] [--lang es|en]                 open the window
    fieldclient [--data-dir D] --self-test                    offscreen self-test
    fieldclient [--data-dir D] demo                           load the demo deployment
    fieldclient [--data-dir D] export --format csv|geojson [--what units|positions|incidents]
                                      [--output F] [--bom]
    fieldclient [--data-dir D] unit add CALLSIGN --agency SLUG --kind K [--echelon E]
                                      [--status S] [--visibility shared|agency|operation]
                                      [--parent CALLSIGN] [--name N] [--strength N]
                                      [--sidc SIDC] [--commander C] [--notes T]
                                      [--operation CODE]
    fieldclient [--data-dir D] unit set CALLSIGN [--callsign NEW] [--status S] ... (same fields)
    fieldclient [--data-dir D] unit retire CALLSIGN
    fieldclient [--data-dir D] unit list [--agency SLUG] [--status S]
    fieldclient [--data-dir D] position log CALLSIGN (--latlon LAT,LON | --mgrs STR | --dms STR)
                                      [--source S] [--at ISO8601|DTG] [--note N] [--accuracy M]
    fieldclient [--data-dir D] db quarantine                  move a refused database aside
    fieldclient [--data-dir D] op|assign|handover ...         joint operations (ops_cli.py)
    fieldclient [--data-dir D] detention add|amend|handover|list ...   (see cli_records.py)
    fieldclient [--data-dir D] force add|amend|list ...
    fieldclient [--data-dir D] zone import|list ...            jurisdiction zones (zones_cli.py)
    fieldclient [--data-dir D] report sitrep --operation CODE [--at TIME]
                                      --format pdf|csv|geojson -o FILE   (report/cli.py)

The data folder is ``--data-dir``, else the environment variable ENLACE_DATA_DIR,
else the platform's user data folder. Headless commands never import Qt; they
go through the same input parsing (``fieldclient.core.validation``), the same
entity definitions and rules (``sync.protocol``) and the same write path
(``LocalWriter``, one outbox row per change) as the window.

Exit codes:
    0  done
    1  failed unexpectedly (a bug; details on stderr) or the self-test failed
    2  bad input, unknown unit/agency, or a usage error (message on stderr)
    5  the database was refused (not an Enlace database, damaged, or written by a
       newer version); the file was not changed
    6  the change could not be saved (read-only or full disk); nothing was written.
       On such a disk the database opens read-only: reading commands still work (with
       a warning on stderr), every command that writes exits 6
Sub-commands of other areas may use 1-4 with their own documented meanings (sync: 3
network, 4 sign-in refused).

Sub-commands of other areas are registered explicitly (``SUBCOMMANDS``): each module
exports ``register(subparsers)``, which adds its parsers and sets
``parser.set_defaults(func=handler)``. Every handler is called as
``handler(args, store_opener) -> int``; ``store_opener()`` opens (once) and returns the
``Store`` of the chosen data folder, and ``args.data_dir`` holds that folder as a string.
``register`` must not import Qt.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fieldclient.core.errors import (
    InvalidInput,
    NotFound,
    StoreCorrupt,
    StoreLocked,
    StoreReadOnly,
    StoreTooNew,
    StoreWriteFailed,
    UserFacingError,
)
from fieldclient.core.i18n import QT_TRANSLATE_NOOP

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED, EXIT_WRITE = 0, 1, 2, 5, 6
EXIT_LOCKED = 9  # the store's key could not be had (no passphrase, keyring, wrong key)

StoreOpener = Callable[[], Any]
log = logging.getLogger("fieldclient.cli")


class _Opener:
    """Opens the store on first use only, so `--help` and bad arguments touch no file.
    A store that opened read-only (full or read-only disk) is said so on stderr: reads
    go on, and a command that writes fails with the same message (exit 6)."""

    def __init__(self, data_dir: Path, lang: str | None = None) -> None:
        self.data_dir = data_dir
        self.lang = lang
        self.store: Any = None

    def __call__(self) -> Any:
        if self.store is None:
            from fieldclient.store.db import open_store

            self.store = open_store(self.data_dir, _ask_passphrase(self.data_dir, self.lang))
            if self.store.read_only:
                _print_error(StoreReadOnly(str(self.data_dir), self.store.read_only),
                             self.lang, prefix="warning: ")
        return self.store

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def _ask_passphrase(data_dir: Path, lang: str | None) -> Any:
    """What opens the store's key: the keyring, $ENLACE_STORE_PASSPHRASE, or (on a
    terminal, only when the folder needs one) a passphrase typed without echo."""
    from fieldclient.core.errors import PassphraseNeeded, StoreKeyMissing
    from fieldclient.store import crypto

    unlock = crypto.Unlock.from_env()
    if unlock.passphrase or not sys.stdin.isatty():
        return unlock
    try:
        kf = crypto.load(data_dir)
    except StoreKeyMissing:
        return unlock
    new = kf is None and (crypto.passphrase_required(data_dir) or unlock.backend() is None)
    needs = new or (kf is not None and "passphrase" in kf.kinds()
                    and ("keyring" not in kf.kinds() or unlock.backend() is None))
    if not needs:
        return unlock
    import getpass

    from fieldclient.core.i18n import translate, translate_error

    print(translate_error(PassphraseNeeded(str(data_dir), new), lang), file=sys.stderr)
    prompt, again = QT_TRANSLATE_NOOP("errors", "Passphrase: "), QT_TRANSLATE_NOOP(
        "errors", "Passphrase again: ")
    phrase = getpass.getpass(translate("errors", prompt, lang))
    if new and getpass.getpass(translate("errors", again, lang)) != phrase:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The two passphrases differ."))
    return crypto.Unlock(passphrase=phrase)


# -- parser ---------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    from sync.protocol.vocab import ECHELON, POSITION_SOURCE, UNIT_KIND, UNIT_STATUS, VISIBILITY

    common = argparse.ArgumentParser(add_help=False)
    # Global options are also accepted after the command (`unit list --data-dir D`).
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("--lang", choices=("es", "en"), default=argparse.SUPPRESS,
                        help=argparse.SUPPRESS)

    ap = argparse.ArgumentParser(
        prog="fieldclient",
        description="Enlace field client. Without a command, opens the window.",
        epilog="Exit codes: 0 ok, 1 failed, 2 bad input, 5 database refused, 6 could not save, "
               "9 database locked (its key could not be had).",
    )
    ap.add_argument("--data-dir", metavar="D", help="data folder (default: $ENLACE_DATA_DIR or "
                    "the user data folder)")
    ap.add_argument("--lang", choices=("es", "en"), help="language of the window and messages")
    ap.add_argument("--self-test", action="store_true",
                    help="start the app offscreen, write and read back one of each record, exit")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", parents=[common], help="load the demo deployment (idempotent)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("export", parents=[common], help="export units, positions or incidents")
    p.add_argument("--format", required=True, choices=("csv", "geojson"))
    p.add_argument("--what", default="units", choices=("units", "positions", "incidents"))
    p.add_argument("--output", "-o", metavar="F", help="file to write (default: stdout)")
    p.add_argument("--bom", action="store_true",
                   help="start a CSV file with a UTF-8 byte-order mark (for Excel)")
    p.set_defaults(func=cmd_export)

    unit = sub.add_parser("unit", help="create, edit and list units")
    usub = unit.add_subparsers(dest="unit_command", metavar="ACTION", required=True)

    def unit_fields(q: argparse.ArgumentParser, creating: bool) -> None:
        q.add_argument("--agency", required=creating, metavar="SLUG")
        q.add_argument("--kind", required=creating, choices=UNIT_KIND.values)
        q.add_argument("--echelon", choices=ECHELON.values)
        q.add_argument("--status", choices=UNIT_STATUS.values)
        q.add_argument("--visibility", choices=VISIBILITY.values)
        q.add_argument("--parent", metavar="CALLSIGN", help="superior unit ('' clears it)")
        q.add_argument("--name")
        q.add_argument("--strength", metavar="N")
        q.add_argument("--sidc", help="MIL-STD-2525 code (default derived from agency and kind)"
                       if creating else "MIL-STD-2525 code")
        q.add_argument("--commander")
        q.add_argument("--notes")
        q.add_argument("--operation", metavar="CODE",
                       help="joint operation it belongs to ('' clears it); with --visibility "
                       "operation only its agencies see the unit")

    p = usub.add_parser("add", parents=[common], help="create a unit")
    p.add_argument("callsign")
    unit_fields(p, creating=True)
    p.set_defaults(func=cmd_unit_add)

    p = usub.add_parser("set", parents=[common], help="change fields of a unit")
    p.add_argument("callsign", help="callsign of the unit to change")
    p.add_argument("--match-agency", metavar="SLUG",
                   help="agency of the unit, when several units share the callsign")
    p.add_argument("--callsign", dest="new_callsign", metavar="NEW", help="new callsign")
    unit_fields(p, creating=False)
    p.set_defaults(func=cmd_unit_set)

    p = usub.add_parser("retire", parents=[common], help="retire a unit (it is kept, not deleted)")
    p.add_argument("callsign")
    p.add_argument("--match-agency", metavar="SLUG")
    p.set_defaults(func=cmd_unit_retire)

    p = usub.add_parser("list", parents=[common], help="list units (tab-separated)")
    p.add_argument("--agency", metavar="SLUG")
    p.add_argument("--status", choices=UNIT_STATUS.values)
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_unit_list)

    pos = sub.add_parser("position", help="log positions")
    psub = pos.add_subparsers(dest="position_command", metavar="ACTION", required=True)
    p = psub.add_parser(
        "log", parents=[common], help="log a position for a unit",
        epilog="A value starting with '-' needs '=': --latlon=-16.85,-99.88",
    )
    p.add_argument("callsign")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--latlon", metavar="LAT,LON", help="decimal degrees")
    where.add_argument("--mgrs", metavar="STR", help="MGRS reference, e.g. 14QMG8600648224")
    where.add_argument("--dms", metavar="STR", help="e.g. \"19 25 42.1 N 99 07 59.9 W\"")
    p.add_argument("--source", default="manual", choices=POSITION_SOURCE.values)
    p.add_argument("--at", metavar="TIME", help="observed time: ISO-8601 (local time unless it "
                   "has an offset or Z) or a DTG like 291730Z NOV 26; default now")
    p.add_argument("--note")
    p.add_argument("--accuracy", metavar="M", help="accuracy in metres")
    p.add_argument("--agency", metavar="SLUG",
                   help="agency of the unit, when several units share the callsign")
    p.set_defaults(func=cmd_position_log)

    db = sub.add_parser("db", help="database maintenance")
    dsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    p = dsub.add_parser("quarantine", parents=[common],
                        help="move the database file aside (renamed, never deleted)")
    p.set_defaults(func=cmd_db_quarantine, needs_store=False)

    for register in _subcommands():
        register(sub)
    return ap


def _subcommands() -> tuple[Callable[[Any], None], ...]:
    """The other areas' sub-commands, each added by the `register` its module exports."""
    from fieldclient.cli_records import register as register_records
    from fieldclient.map.cli_maps import register as register_maps
    from fieldclient.ops_cli import register as register_ops
    from fieldclient.replication.cli_sync import register as register_sync
    from fieldclient.report.cli import register as register_report
    from fieldclient.trust.cli import register as register_trust
    from fieldclient.zones_cli import register as register_zones

    return (register_records, register_maps, register_sync, register_trust, register_ops,
            register_zones, register_report)


# -- helpers --------------------------------------------------------------------


def _unit_id(session: Any, callsign: str, agency: str | None = None) -> str:
    from fieldclient.store import queries

    uid = queries.find_unit_by_callsign(session, callsign, agency)
    if uid is None:
        raise NotFound(
            QT_TRANSLATE_NOOP("errors", "No unit has the callsign {callsign}."), callsign=callsign
        )
    return uid


def _unit_fields(args: argparse.Namespace, session: Any) -> dict[str, Any]:
    """The unit fields given on the command line (parent callsign resolved to an id)."""
    out: dict[str, Any] = {}
    for key in ("agency", "kind", "echelon", "status", "visibility", "name", "strength", "sidc",
                "commander", "notes"):
        value = getattr(args, key, None)
        if value is not None:
            out[key] = value
    if getattr(args, "new_callsign", None) is not None:
        out["callsign"] = args.new_callsign
    if args.parent is not None:
        out["parent_id"] = _unit_id(session, args.parent) if args.parent.strip() else None
    if args.operation is not None:
        from fieldclient.store.operations import by_code

        out["operation_id"] = by_code(session, args.operation).id if args.operation.strip() \
            else None
    return out


def _print_error(exc: UserFacingError, lang: str | None, prefix: str = "") -> None:
    from fieldclient.core.i18n import translate

    message = exc.render(lambda context, text: translate(context, text, lang))
    print(f"fieldclient: {prefix}{message}", file=sys.stderr)


# -- commands -------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace, store_opener: StoreOpener) -> int:
    from fieldclient.demo import load_demo

    added = load_demo(store_opener())
    if any(added.values()):
        print("demo loaded: " + ", ".join(f"{n} {k}" for k, n in added.items()))
    else:
        print("demo already loaded; nothing to add")
    return EXIT_OK


EXPORTED = QT_TRANSLATE_NOOP(
    "errors", "{n} {what} written to {path}. The file is NOT encrypted (only the database "
    "is): keep it on this laptop or a protected medium, and delete it when done.")


def cmd_export(args: argparse.Namespace, store_opener: StoreOpener) -> int:
    from fieldclient.store.export import export, export_to_path

    store = store_opener()
    if args.output and args.output != "-":
        try:
            n = export_to_path(store, args.format, args.what, args.output, bom=args.bom)
        except OSError as exc:
            raise InvalidInput(
                QT_TRANSLATE_NOOP("errors", "Cannot write {path}: {why}"), field="output", path=args.output,
                why=exc.strerror or str(exc),
            ) from None
        from fieldclient.core.i18n import translate

        said = translate("errors", EXPORTED, getattr(args, "lang", None) or _env_lang())
        print(said.format(n=n, what=args.what, path=str(Path(args.output).resolve())),
              file=sys.stderr)
    else:
        out = sys.stdout
        if hasattr(out, "reconfigure"):
            out.reconfigure(encoding="utf-8", newline="")  # CSV rows end in \r\n already
        export(store, args.format, args.what, out)
        out.flush()
    return EXIT_OK


def cmd_unit_add(args: argparse.Namespace, store_opener: StoreOpener) -> int:
    from fieldclient.core.sidc import default_sidc
    from fieldclient.core.validation import check_input
    from fieldclient.store import queries
    from fieldclient.store.writer import LocalWriter

    store = store_opener()
    with store.session() as s:
        agencies = {a.id: a.kind for a in queries.agencies(s)}
        fields = {"callsign": args.callsign, **_unit_fields(args, s)}
    # With no agency list yet (fresh folder, never synced) any well-formed slug is accepted.
    clean = check_input("unit", fields, creating=True, agencies=set(agencies) or None)
    if not clean.get("sidc"):
        clean["sidc"] = default_sidc(agencies.get(clean["agency"]), clean["kind"],
                                     clean.get("echelon"))
    uid = LocalWriter(store).create_unit(clean)
    print(uid)
    return EXIT_OK


def cmd_unit_set(args: argparse.Namespace, store_opener: StoreOpener) -> int:
    from fieldclient.core.validation import check_input
    from fieldclient.store import queries
    from fieldclient.store.writer import LocalWriter

    store = store_opener()
    with store.session() as s:
        uid = _unit_id(s, args.callsign, args.match_agency)
        agencies = {a.id for a in queries.agencies(s)}
        fields = _unit_fields(args, s)
    if not fields:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "Nothing to change: give at least one field, e.g. --status assigned."))
    clean = check_input("unit", fields, creating=False, agencies=agencies or None)
    changed = LocalWriter(store).update_unit(uid, clean)
    print(("changed: " + ", ".join(changed)) if changed else "no change")
    return EXIT_OK


def cmd_unit_retire(args: argparse.Namespace, store_opener: StoreOpener) -> int:
    from fieldclient.store.writer import LocalWriter

    store = store_opener()
    with store.session() as s:
        uid = _unit_id(s, args.callsign, args.match_agency)
    LocalWriter(store).retire_unit(uid)
    print("retired")
    return EXIT_OK


def cmd_unit_list(args: argparse.Namespace, store_opener: StoreOpener) -> int:
    from fieldclient.core.coords import format_dd
    from fieldclient.core.timefmt import utcnow
    from fieldclient.store import operations
    from fieldclient.store import queries as q

    with store_opener().session() as s:
        rows = q.roster_rows(s)
        parents = {r[q.R_ID]: r[q.R_CALLSIGN] for r in rows}
        command = operations.current_assignments(s, utcnow())  # the operational chain
    rows = [r for r in rows if (not args.agency or r[q.R_AGENCY] == args.agency)
            and (not args.status or r[q.R_STATUS] == args.status)]
    rows.sort(key=lambda r: (r[q.R_AGENCY], r[q.R_CALLSIGN]))
    out = sys.stdout
    if args.json:
        for r in rows:
            rec = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                   for k, v in zip(q.ROSTER_FIELDS, r, strict=True)}
            c = command.get(r[q.R_ID])
            rec.update(operation=c.code if c else None, role=c.role if c else None,
                       commanding_agency=c.commanding_agency if c else None)
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return EXIT_OK
    out.write("callsign\tagency\tkind\techelon\tstatus\tstrength\tparent\tposition\tobserved_at\t"
              "source\toperation\tcommanded_by\n")
    for r in rows:
        pos = format_dd(r[q.R_LAT], r[q.R_LON]) if r[q.R_LAT] is not None else ""
        seen = r[q.R_OBSERVED_AT].isoformat(timespec="seconds") if r[q.R_OBSERVED_AT] else ""
        cells = [r[q.R_CALLSIGN], r[q.R_AGENCY], r[q.R_KIND], r[q.R_ECHELON] or "",
                 r[q.R_STATUS], "" if r[q.R_STRENGTH] is None else str(r[q.R_STRENGTH]),
                 parents.get(r[q.R_PARENT_ID] or "", ""), pos, seen, r[q.R_SOURCE] or ""]
        c = command.get(r[q.R_ID])
        cells += [c.code, c.commanding_agency] if c else ["", ""]
        # Tabs and newlines inside user text would break the columns.
        out.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells) + "\n")
    return EXIT_OK


def cmd_position_log(args: argparse.Namespace, store_opener: StoreOpener) -> int:
    from fieldclient.core import coords
    from fieldclient.core.timefmt import utcnow
    from fieldclient.core.validation import check_input
    from fieldclient.store.writer import LocalWriter

    if args.latlon is not None:
        lat, lon, square = coords.locate(args.latlon, "dd")
    elif args.mgrs is not None:
        lat, lon, square = coords.locate(args.mgrs, "mgrs")
    else:
        lat, lon, square = coords.locate(args.dms, "dms")
    store = store_opener()
    with store.session() as s:
        uid = _unit_id(s, args.callsign, args.agency)
    clean = check_input("position", {
        "unit_id": uid, "lat": lat, "lon": lon, "observed_at": args.at or utcnow(),
        "source": args.source, "accuracy_m": args.accuracy, "note": args.note,
    }, creating=True)
    pid = LocalWriter(store).log_position(
        uid, clean["lat"], clean["lon"], observed_at=clean["observed_at"], source=clean["source"],
        accuracy_m=coords.accuracy_for(clean["accuracy_m"], square), note=clean["note"])
    print(f"{pid}\t{coords.format_dd(clean['lat'], clean['lon'])}\t"
          f"{coords.format_mgrs(clean['lat'], clean['lon'])}")
    return EXIT_OK


def cmd_db_quarantine(args: argparse.Namespace, store_opener: StoreOpener) -> int:
    from fieldclient.store.db import DB_NAME, quarantine

    path = Path(args.data_dir) / DB_NAME
    if not path.exists():
        raise NotFound(QT_TRANSLATE_NOOP("errors", "There is no database at {path}."),
                       path=str(path))
    print(f"moved aside: {quarantine(path)}")
    return EXIT_OK


# -- entry point ----------------------------------------------------------------


def _exit_code(exc: UserFacingError) -> int:
    if isinstance(exc, StoreLocked):
        return EXIT_LOCKED
    if isinstance(exc, StoreCorrupt | StoreTooNew):
        return EXIT_REFUSED
    if isinstance(exc, StoreWriteFailed):
        return EXIT_WRITE
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    from fieldclient.store.db import default_data_dir

    data_dir = Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()
    lang = args.lang or _env_lang()

    if args.command is None:
        from fieldclient import app  # Qt only from here on

        if args.self_test:
            return int(app.run_self_test(str(data_dir), args.lang))
        return int(app.run_gui(args))

    args.data_dir = str(data_dir)
    opener = _Opener(data_dir, lang)
    try:
        return int(args.func(args, opener) or 0)
    except UserFacingError as exc:
        _print_error(exc, lang)
        return _exit_code(exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `fieldclient export ... | head`: the reader left; not an error worth a trace.
        sys.stderr.close()
        return EXIT_OK
    except Exception:
        log.exception("command failed")
        print("fieldclient: the command failed unexpectedly (details above).", file=sys.stderr)
        return EXIT_FAILED
    finally:
        opener.close()


def _env_lang() -> str | None:
    from fieldclient.core.i18n import env_lang

    return env_lang()


if __name__ == "__main__":
    raise SystemExit(main())
