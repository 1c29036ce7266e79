"""`fieldclient detention ...` and `fieldclient force ...`: accountability records from
the command line (registered by fieldclient.cli; no Qt).

    fieldclient detention add CALLSIGN --legal-ground G --motive TEXT (--name N | --description T)
                          [--age N] [--sex S] [--at TIME] [--latlon LAT,LON | --mgrs | --dms]
                          [--address T] [--officers T] [--force] [--relative WHO]
                          [--belongings T] [--incident ID] [--operation ID]
                          [--to AUTHORITY --handed-over TIME] ...
    fieldclient detention amend ID --reason TEXT [any field of add]
    fieldclient detention handover ID --to AUTHORITY [--at TIME]
    fieldclient detention list [--json]
    fieldclient force add CALLSIGN --level 1-5|NAME --circumstances T --necessity T [--at TIME]
                      [--affected N] [--injured N] [--deaths N] [--medical-aid-at TIME]
                      [--medical-aid-by WHO] [--detention ID] ...
    fieldclient force amend ID --reason TEXT [any field of add]
    fieldclient force list [--json]

Every value goes through the same parsing and definition checks as the dialogs
(`core.validation.check_input`) and the same write path (`LocalWriter.append_record`):
a record is never changed, an amendment names it, says why and carries only what it
corrects. ID may be the first 8 or more characters of a record's id. Lists show the
detained person's initials only. Exit codes as the rest of the command line (2: bad
input, unknown record, not permitted).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fieldclient.core.errors import InvalidInput, NotFound
from fieldclient.core.i18n import QT_TRANSLATE_NOOP

Handler = Callable[[argparse.Namespace, Any], int]

# option -> field, per kind (the options of `add`, which `amend` also takes)
DETENTION_OPTIONS = {
    "name": "person_name", "description": "person_description", "age": "age", "sex": "sex",
    "disability": "disability", "injuries": "injuries", "address": "address",
    "at": "detained_at", "motive": "motive", "legal_ground": "legal_ground",
    "officers": "officers", "relative": "notified_person", "belongings": "belongings",
    "to": "authority", "handed_over": "handed_over_at", "incident": "incident_id",
    "operation": "operation_id",
}
FORCE_OPTIONS = {
    "officers": "officers", "at": "occurred_at", "address": "address", "level": "level",
    "means": "means", "affected": "people_affected", "injured": "injured", "deaths": "deaths",
    "injury_details": "injury_details", "medical_aid_at": "medical_aid_at",
    "medical_aid_by": "medical_aid_by", "circumstances": "circumstances",
    "necessity": "necessity", "detention": "detention_id", "incident": "incident_id",
    "operation": "operation_id",
}


def register(sub: Any) -> None:
    from sync.protocol.vocab import CUSTODY_AUTHORITY, FORCE_LEVEL, LEGAL_GROUND, SEX

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("--lang", choices=("es", "en"), default=argparse.SUPPRESS,
                        help=argparse.SUPPRESS)
    where = "A value starting with '-' needs '=': --latlon=-16.85,-99.88"

    def place(p: argparse.ArgumentParser) -> None:
        g = p.add_mutually_exclusive_group()
        g.add_argument("--latlon", metavar="LAT,LON", help="decimal degrees")
        g.add_argument("--mgrs", metavar="STR", help="MGRS reference")
        g.add_argument("--dms", metavar="STR", help="degrees, minutes, seconds")
        p.add_argument("--address", help="address or description of the place")
        p.add_argument("--officers", help="names and ranks of the officers (default: you)")
        p.add_argument("--incident", metavar="ID", help="incident id")
        p.add_argument("--operation", metavar="ID", help="operation id")

    def detention_fields(p: argparse.ArgumentParser, adding: bool) -> None:
        p.add_argument("--name", help="full name of the detained person")
        p.add_argument("--description", help="description, if the name is unknown")
        p.add_argument("--age", metavar="N")
        p.add_argument("--sex", choices=SEX.values)
        p.add_argument("--disability", help="disability noted")
        p.add_argument("--injuries", help="visible injuries at the detention")
        p.add_argument("--at", metavar="TIME", help="time of the detention (default now)"
                       if adding else "time of the detention")
        p.add_argument("--motive", required=adding, help="reason for the detention")
        p.add_argument("--legal-ground", required=adding, choices=LEGAL_GROUND.values)
        p.add_argument("--force", action="store_true", default=None, help="force was used")
        p.add_argument("--relative", metavar="WHO", help="relative or trusted person told")
        p.add_argument("--belongings", help="belongings taken")
        p.add_argument("--to", choices=CUSTODY_AUTHORITY.values, help="handed over to")
        p.add_argument("--handed-over", metavar="TIME", help="time of the hand-over")
        place(p)

    def force_fields(p: argparse.ArgumentParser, adding: bool) -> None:
        p.add_argument("--level", required=adding, metavar="LEVEL",
                       help="level of force, 1-5 or its name (Ley Nacional sobre el Uso de la "
                       f"Fuerza, art. 11): {', '.join(FORCE_LEVEL.values)}")
        p.add_argument("--at", metavar="TIME", help="time of the use of force (default now)"
                       if adding else "time of the use of force")
        p.add_argument("--means", help="weapons or means used")
        p.add_argument("--affected", metavar="N", help="people affected")
        p.add_argument("--injured", metavar="N", help="people injured")
        p.add_argument("--deaths", metavar="N")
        p.add_argument("--injury-details", metavar="T")
        aid = p.add_mutually_exclusive_group()
        aid.add_argument("--medical-aid", dest="medical_aid", action="store_true", default=None)
        aid.add_argument("--no-medical-aid", dest="medical_aid", action="store_false")
        p.add_argument("--medical-aid-at", metavar="TIME")
        p.add_argument("--medical-aid-by", metavar="WHO")
        p.add_argument("--circumstances", required=adding)
        p.add_argument("--necessity", required=adding, help="why force was necessary")
        p.add_argument("--detention", metavar="ID", help="the detention it belongs to")
        place(p)

    for kind, fields, help_text in (
            ("detention", detention_fields, "detention records (append-only, amendments)"),
            ("force", force_fields, "use-of-force reports (append-only, amendments)")):
        top = sub.add_parser(kind, help=help_text)
        tsub = top.add_subparsers(dest=f"{kind}_command", metavar="ACTION", required=True)
        p = tsub.add_parser("add", parents=[common], help=f"write a {kind} record", epilog=where)
        p.add_argument("callsign", help="the unit that acted")
        p.add_argument("--agency", metavar="SLUG", help="agency of the unit, if ambiguous")
        fields(p, True)
        p.set_defaults(func=_add(kind))
        p = tsub.add_parser("amend", parents=[common], epilog=where,
                            help="correct a record (a new amendment; the original stays)")
        p.add_argument("id", help="the original record's id (8 or more characters)")
        p.add_argument("--reason", required=True, help="why the record is corrected")
        fields(p, False)
        p.set_defaults(func=_amend(kind))
        if kind == "detention":
            p = tsub.add_parser("handover", parents=[common],
                                help="record the hand-over (puesta a disposición)")
            p.add_argument("id")
            p.add_argument("--to", required=True, choices=CUSTODY_AUTHORITY.values)
            p.add_argument("--at", metavar="TIME", help="time of the hand-over (default now)")
            p.set_defaults(func=cmd_handover)
        p = tsub.add_parser("list", parents=[common], help="list records as they stand")
        p.add_argument("--json", action="store_true", help="one JSON object per line")
        p.set_defaults(func=_list(kind))


def _entity(kind: str) -> str:
    return "detention" if kind == "detention" else "use_of_force"


def _given(args: argparse.Namespace, kind: str) -> dict[str, Any]:
    """The fields given as options (their text, parsed by check_input)."""
    options = DETENTION_OPTIONS if kind == "detention" else FORCE_OPTIONS
    out = {field: getattr(args, opt) for opt, field in options.items()
           if getattr(args, opt, None) is not None}
    level = out.get("level")
    if isinstance(level, str) and level.strip().isdigit():  # 3 is the third level's name
        from sync.protocol.vocab import FORCE_LEVEL

        n = int(level)
        out["level"] = FORCE_LEVEL.values[n - 1] if 1 <= n <= len(FORCE_LEVEL.values) else level
    flag = "force" if kind == "detention" else "medical_aid"
    if getattr(args, flag, None) is not None:
        out["force_used" if kind == "detention" else "medical_aid"] = getattr(args, flag)
    spot = _place(args)
    if spot is not None:
        out["lat"], out["lon"] = spot
    return out


def _place(args: argparse.Namespace) -> tuple[float, float] | None:
    from fieldclient.core import coords

    for opt, fmt in (("latlon", "dd"), ("mgrs", "mgrs"), ("dms", "dms")):
        value = getattr(args, opt, None)
        if value is not None:
            lat, lon, _square = coords.locate(value, fmt)
            return lat, lon
    return None


def _original(session: Any, entity: str, prefix: str) -> Any:
    """The original record an id (or its first characters) names."""
    from sqlalchemy import select

    from fieldclient.store.accountable import MODELS

    model = MODELS[entity]
    text = prefix.strip().lower()
    if len(text) < 8:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "Give at least the first 8 characters of the record's id."), field="id")
    rows = session.scalars(select(model).where(model.id.like(text + "%"),
                                               model.amends.is_(None))).all()
    if len(rows) != 1:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "No single record has the id {id}."),
                       id=prefix)
    return rows[0]


def _write(store: Any, entity: str, fields: dict[str, Any]) -> str:
    from fieldclient.core.validation import check_input
    from fieldclient.store.writer import LocalWriter

    clean = check_input(entity, {"created_at": datetime.now(UTC), **fields}, creating=True)
    return LocalWriter(store).append_record(entity, clean)


def _add(kind: str) -> Handler:
    def run(args: argparse.Namespace, store_opener: Any) -> int:
        from fieldclient.store import queries
        from fieldclient.store.models import Unit
        from fieldclient.store.writer import LocalWriter

        entity = _entity(kind)
        store = store_opener()
        with store.session() as s:
            uid = queries.find_unit_by_callsign(s, args.callsign, args.agency)
            if uid is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "No unit has the callsign {callsign}."),
                               callsign=args.callsign)
            agency = s.get(Unit, uid).agency
        fields = _given(args, kind)
        fields.setdefault("detained_at" if kind == "detention" else "occurred_at",
                          datetime.now(UTC))
        fields.setdefault("officers", LocalWriter(store).actor)
        fields.update({"kind": "record" if kind == "detention" else "report",
                       "agency": agency, "unit_id": uid})
        print(_write(store, entity, fields))
        return 0
    return run


def _amend(kind: str) -> Handler:
    def run(args: argparse.Namespace, store_opener: Any) -> int:
        entity = _entity(kind)
        store = store_opener()
        with store.session() as s:
            original = _original(s, entity, args.id)
            rid, agency = original.id, original.agency
        fields = _given(args, kind)
        fields.update({"kind": "amendment", "amends": rid, "agency": agency,
                       "amend_reason": args.reason})
        print(_write(store, entity, fields))
        return 0
    return run


def cmd_handover(args: argparse.Namespace, store_opener: Any) -> int:
    store = store_opener()
    with store.session() as s:
        original = _original(s, "detention", args.id)
        rid, agency = original.id, original.agency
    print(_write(store, "detention", {
        "kind": "handover", "amends": rid, "agency": agency, "authority": args.to,
        "handed_over_at": args.at or datetime.now(UTC)}))
    return 0


def _list(kind: str) -> Handler:
    def run(args: argparse.Namespace, store_opener: Any) -> int:
        from fieldclient.core import custody
        from fieldclient.store import accountable

        entity = _entity(kind)
        store = store_opener()
        thresholds = accountable.thresholds(store)
        now = datetime.now(UTC)
        with store.session() as s:
            rows = accountable.summaries(s, entity)
        rows.sort(key=lambda r: r.when or now)
        out = sys.stdout
        for i, r in enumerate(rows):
            v = r.values
            rec: dict[str, Any] = {"id": r.id, "agency": r.agency, "unit_id": v.get("unit_id"),
                                   "amendments": r.later, "amended": list(r.amended)}
            if kind == "detention":
                clock = custody.clock(v.get("detained_at"), v.get("handed_over_at"), now,
                                      thresholds)
                rec.update(person=r.initials, detained_at=_iso(v.get("detained_at")),
                           legal_ground=v.get("legal_ground"), authority=v.get("authority"),
                           handed_over_at=_iso(v.get("handed_over_at")),
                           custody=clock.state if clock else None,
                           custody_minutes=int(clock.elapsed.total_seconds() // 60)
                           if clock else None, force_reports=r.reports)
            else:
                rec.update(level=v.get("level"), occurred_at=_iso(v.get("occurred_at")),
                           injured=v.get("injured"), deaths=v.get("deaths"),
                           detention_id=v.get("detention_id"))
            if args.json:
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                continue
            if i == 0:
                out.write("\t".join(rec) + "\n")
            cells = [",".join(x) if isinstance(x, list) else "" if x is None else str(x)
                     for x in rec.values()]
            out.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells) + "\n")
        return 0
    return run


def _iso(when: Any) -> str | None:
    return when.isoformat(timespec="seconds") if isinstance(when, datetime) else None
