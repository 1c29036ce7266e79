"""Joint operations on the command line (registered by fieldclient/cli.py):

    fieldclient op create CODE --name N --lead SLUG [--agencies A,B] --authority civil|military
                              --legal-basis KIND [--legal-ref TEXT] [--area FILE|JSON]
                              --starts TIME [--ends TIME] [--status S] [--instructions T]
    fieldclient op set CODE [--name N] [--status S] [--starts T] [--ends T] [--area ...] ...
    fieldclient op join CODE AGENCY [AGENCY ...]      add participating agencies
    fieldclient op leave CODE AGENCY [AGENCY ...]     remove them (their laptops lose the
                                                      operation's records at their next sync)
    fieldclient op list [--json]
    fieldclient assign CALLSIGN --operation CODE --role R --commanding-agency SLUG
                              [--from TIME] [--to TIME] [--agency SLUG]
    fieldclient handover --operation CODE (--unit CALLSIGN | --incident ID | --scene TEXT)
                              --from-agency SLUG --to-agency SLUG [--from-person P]
                              [--to-person P] [--latlon LAT,LON] [--at TIME] [--reason T]
    fieldclient handover ack HANDOVER_ID [--to-person P] [--at TIME] [--note T]
    fieldclient handover list [--operation CODE] [--json]    (overdue ones flagged)

An area is GeoJSON: a Polygon geometry, a Feature holding one, or just its coordinates,
in a file or given inline. Everything goes through the same checks and rules as the
window (`core.validation`, `sync.protocol`, `LocalWriter`); exit codes as fieldclient's.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP

EXIT_OK = 0


def register(sub: Any) -> None:
    from sync.protocol.vocab import (
        ASSIGNMENT_ROLE,
        AUTHORITY,
        LEGAL_BASIS,
        OPERATION_STATUS,
    )

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("--lang", choices=("es", "en"), default=argparse.SUPPRESS,
                        help=argparse.SUPPRESS)

    op = sub.add_parser("op", help="joint operations: create, change, join, leave, list")
    osub = op.add_subparsers(dest="op_command", metavar="ACTION", required=True)

    def op_fields(q: argparse.ArgumentParser, creating: bool) -> None:
        q.add_argument("--name", required=creating)
        q.add_argument("--authority", required=creating, choices=AUTHORITY.values,
                       help="who has command")
        q.add_argument("--legal-basis", required=creating, choices=LEGAL_BASIS.values)
        q.add_argument("--legal-ref", metavar="TEXT",
                       help="the agreement, request or declaration (e.g. its number)")
        q.add_argument("--area", metavar="FILE|JSON", help="GeoJSON polygon ('' clears it)")
        q.add_argument("--starts", required=creating, metavar="TIME",
                       help="ISO-8601 (local time unless it has an offset or Z) or a DTG")
        q.add_argument("--ends", metavar="TIME", help="('' clears it)")
        q.add_argument("--status", choices=OPERATION_STATUS.values)
        q.add_argument("--instructions", metavar="TEXT",
                       help="rules for the operation, use-of-force instructions")

    p = osub.add_parser("create", parents=[common], help="create an operation your agency leads")
    p.add_argument("code")
    p.add_argument("--lead", required=True, metavar="SLUG", help="lead agency (your own)")
    p.add_argument("--agencies", metavar="A,B", default="",
                   help="the other participating agencies")
    op_fields(p, creating=True)
    p.set_defaults(func=cmd_op_create)

    p = osub.add_parser("set", parents=[common], help="change fields of an operation")
    p.add_argument("code")
    op_fields(p, creating=False)
    p.set_defaults(func=cmd_op_set)

    for name, func, what in (("join", cmd_op_join, "add participating agencies"),
                             ("leave", cmd_op_leave, "remove participating agencies")):
        p = osub.add_parser(name, parents=[common], help=what)
        p.add_argument("code")
        p.add_argument("agencies", nargs="+", metavar="AGENCY")
        p.set_defaults(func=func)

    p = osub.add_parser("list", parents=[common], help="list operations (tab-separated)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_op_list)

    p = sub.add_parser("assign", parents=[common],
                       help="assign a unit to an operation (again: change the assignment)")
    p.add_argument("callsign")
    p.add_argument("--operation", required=True, metavar="CODE")
    p.add_argument("--role", choices=ASSIGNMENT_ROLE.values)
    p.add_argument("--commanding-agency", metavar="SLUG",
                   help="who gives the unit orders in this operation")
    p.add_argument("--from", dest="starts", metavar="TIME")
    p.add_argument("--to", dest="ends", metavar="TIME", help="end of the assignment")
    p.add_argument("--agency", metavar="SLUG",
                   help="agency of the unit, when several units share the callsign")
    p.set_defaults(func=cmd_assign)

    h = sub.add_parser("handover", parents=[common],
                       help="hand over command of a unit, incident or scene; 'ack', 'list'")
    h.add_argument("--operation", metavar="CODE")
    what = h.add_mutually_exclusive_group()
    what.add_argument("--unit", metavar="CALLSIGN")
    what.add_argument("--incident", metavar="ID")
    what.add_argument("--scene", metavar="TEXT", help="the scene, as people name it")
    h.add_argument("--from-agency", metavar="SLUG")
    h.add_argument("--from-person", metavar="NAME")
    h.add_argument("--to-agency", metavar="SLUG")
    h.add_argument("--to-person", metavar="NAME")
    h.add_argument("--latlon", metavar="LAT,LON", help="where the scene is")
    h.add_argument("--at", metavar="TIME", help="default now")
    h.add_argument("--reason")
    h.set_defaults(func=cmd_handover)
    hsub = h.add_subparsers(dest="handover_command", metavar="ACTION")
    p = hsub.add_parser("ack", parents=[common],
                        help="acknowledge a hand-over to your agency")
    p.add_argument("handover_id")
    p.add_argument("--to-person", metavar="NAME", help="who takes command")
    p.add_argument("--at", metavar="TIME", help="default now")
    p.add_argument("--note")
    p.set_defaults(func=cmd_handover_ack)
    p = hsub.add_parser("list", parents=[common], help="hand-overs and whether acknowledged")
    p.add_argument("--operation", metavar="CODE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_handover_list)


# -- helpers ------------------------------------------------------------------------


def read_area(text: str) -> list[Any] | None:
    """The polygon's rings from GeoJSON given inline or in a file ('' -> none)."""
    if not text.strip():
        return None
    source = text
    if not text.lstrip().startswith(("{", "[")):
        try:
            source = Path(text).read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Cannot read {path}: {why}"),
                               field="area", path=text, why=exc.strerror or str(exc)) from None
    try:
        doc = json.loads(source)
    except ValueError as exc:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "The area is not GeoJSON ({why})."), field="area", why=str(exc)) from None
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features") or []
        doc = features[0] if len(features) == 1 else doc
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = doc.get("geometry")
    if isinstance(doc, dict):
        if doc.get("type") != "Polygon":
            raise InvalidInput(QT_TRANSLATE_NOOP(
                "errors", "The area must be one GeoJSON Polygon (got {kind})."),
                field="area", kind=str(doc.get("type")))
        doc = doc.get("coordinates")
    return doc if isinstance(doc, list) else [doc]


def _clean(entity: str, fields: dict[str, Any], s: Any, creating: bool) -> dict[str, Any]:
    from fieldclient.core.validation import check_input
    from fieldclient.store import queries

    agencies = {a.id for a in queries.agencies(s)}
    return check_input(entity, fields, creating=creating, agencies=agencies or None)


def _op_fields(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, attr in (("name", "name"), ("authority", "authority"),
                      ("legal_basis", "legal_basis"), ("legal_reference", "legal_ref"),
                      ("starts_at", "starts"), ("ends_at", "ends"), ("status", "status"),
                      ("instructions", "instructions")):
        value = getattr(args, attr, None)
        if value is not None:
            out[key] = value
    if args.area is not None:
        out["area"] = read_area(args.area)
    return out


def _writer(store: Any) -> Any:
    from fieldclient.store.writer import LocalWriter

    return LocalWriter(store)


# -- operations ----------------------------------------------------------------------


def cmd_op_create(args: argparse.Namespace, store_opener: Any) -> int:
    store = store_opener()
    fields = {"code": args.code, "lead_agency": args.lead, "agencies": args.agencies,
              **_op_fields(args)}
    with store.session() as s:
        clean = _clean("operation", fields, s, creating=True)
    print(_writer(store).create_record("operation", clean))
    return EXIT_OK


def cmd_op_set(args: argparse.Namespace, store_opener: Any) -> int:
    from fieldclient.store import operations

    store = store_opener()
    fields = _op_fields(args)
    if not fields:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "Nothing to change: give at least one field, e.g. --status active."))
    with store.session() as s:
        op_id = operations.by_code(s, args.code).id
        clean = _clean("operation", fields, s, creating=False)
    changed = _writer(store).update_record("operation", op_id, clean)
    print(("changed: " + ", ".join(changed)) if changed else "no change")
    return EXIT_OK


def _membership(args: argparse.Namespace, store_opener: Any, join: bool) -> int:
    from fieldclient.store import operations

    store = store_opener()
    with store.session() as s:
        op = operations.by_code(s, args.code)
        have = list(op.agencies or [])
        given = [a.strip() for a in args.agencies if a.strip()]
        now = [*have, *(a for a in given if a not in have)] if join else \
            [a for a in have if a not in given]
        clean = _clean("operation", {"agencies": now}, s, creating=False)
        op_id = op.id
    changed = _writer(store).update_record("operation", op_id, clean)
    print(("participants: " + ", ".join(clean["agencies"])) if changed else "no change")
    return EXIT_OK


def cmd_op_join(args: argparse.Namespace, store_opener: Any) -> int:
    return _membership(args, store_opener, join=True)


def cmd_op_leave(args: argparse.Namespace, store_opener: Any) -> int:
    return _membership(args, store_opener, join=False)


def cmd_op_list(args: argparse.Namespace, store_opener: Any) -> int:
    from fieldclient.store import operations

    with store_opener().session() as s:
        ops = operations.operations(s)
        rows: list[dict[str, Any]] = [{"id": o.id, "code": o.code, "name": o.name, "lead_agency": o.lead_agency,
                 "agencies": list(o.agencies or []), "authority": o.authority,
                 "legal_basis": o.legal_basis, "legal_reference": o.legal_reference,
                 "status": o.status, "starts_at": o.starts_at.isoformat(),
                 "ends_at": o.ends_at.isoformat() if o.ends_at else None} for o in ops]
    out = sys.stdout
    if args.json:
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
        return EXIT_OK
    out.write("code\tname\tlead\tagencies\tauthority\tstatus\tstarts_at\tends_at\n")
    for r in rows:
        cells = [r["code"], r["name"], r["lead_agency"], ",".join(r["agencies"]),
                 r["authority"], r["status"], r["starts_at"], r["ends_at"] or ""]
        out.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells) + "\n")
    return EXIT_OK


# -- assignments --------------------------------------------------------------------


def cmd_assign(args: argparse.Namespace, store_opener: Any) -> int:
    from fieldclient.cli import _unit_id
    from fieldclient.store import operations
    from fieldclient.store.models import Assignment

    store = store_opener()
    fields: dict[str, Any] = {}
    for key, attr in (("role", "role"), ("commanding_agency", "commanding_agency"),
                      ("starts_at", "starts"), ("ends_at", "ends")):
        if getattr(args, attr) is not None:
            fields[key] = getattr(args, attr)
    with store.session() as s:
        op_id = operations.by_code(s, args.operation).id
        uid = _unit_id(s, args.callsign, args.agency)
        aid = operations.assignment_id(op_id, uid)
        exists = s.get(Assignment, aid) is not None
        if not exists:
            fields = {"operation_id": op_id, "unit_id": uid, **fields}
        clean = _clean("assignment", fields, s, creating=not exists)
    writer = _writer(store)
    if exists:
        changed = writer.update_record("assignment", aid, clean)
        print(("changed: " + ", ".join(changed)) if changed else "no change")
    else:
        print(writer.create_record("assignment", clean, record_id=aid))
    return EXIT_OK


# -- hand-overs ---------------------------------------------------------------------


def cmd_handover(args: argparse.Namespace, store_opener: Any) -> int:
    from fieldclient.cli import _unit_id
    from fieldclient.core import coords
    from fieldclient.core.timefmt import utcnow
    from fieldclient.store import operations

    if not args.operation:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "Say which operation: --operation CODE."), field="operation_id")
    store = store_opener()
    fields: dict[str, Any] = {"kind": "handover"}
    with store.session() as s:
        fields["operation_id"] = operations.by_code(s, args.operation).id
        if args.unit is not None:
            fields.update(subject="unit", unit_id=_unit_id(s, args.unit))
        elif args.incident is not None:
            fields.update(subject="incident", incident_id=args.incident)
        elif args.scene is not None:
            fields.update(subject="scene", scene=args.scene)
        if args.latlon:
            fields["lat"], fields["lon"], _square = coords.locate(args.latlon, "dd")
        for key in ("from_agency", "from_person", "to_agency", "to_person", "reason"):
            if getattr(args, key) is not None:
                fields[key] = getattr(args, key)
        fields["at"] = args.at or utcnow()
        clean = _clean("handover", fields, s, creating=True)
    print(_writer(store).hand_over(clean))
    return EXIT_OK


def cmd_handover_ack(args: argparse.Namespace, store_opener: Any) -> int:
    from fieldclient.core.errors import NotFound
    from fieldclient.core.timefmt import utcnow
    from fieldclient.store.models import Handover

    store = store_opener()
    with store.session() as s:
        original = s.get(Handover, args.handover_id.strip())
        if original is None or original.kind != "handover":
            raise NotFound(QT_TRANSLATE_NOOP("errors", "No hand-over has the id {id}."),
                           id=args.handover_id)
        fields: dict[str, Any] = {"operation_id": original.operation_id,
                                  "kind": "acknowledgement", "acknowledges": original.id}
        for key, attr in (("to_person", "to_person"), ("reason", "note")):
            if getattr(args, attr) is not None:
                fields[key] = getattr(args, attr)
        fields["at"] = args.at or utcnow()
        clean = _clean("handover", fields, s, creating=True)
    print(_writer(store).hand_over(clean))
    return EXIT_OK


def cmd_handover_list(args: argparse.Namespace, store_opener: Any) -> int:
    from fieldclient.core.timefmt import utcnow
    from fieldclient.store import operations
    from fieldclient.store.models import Incident, Unit

    now = utcnow()
    with store_opener().session() as s:
        op_id = operations.by_code(s, args.operation).id if args.operation else None
        threshold = operations.ack_threshold(s)
        rows = operations.handovers(s, op_id)
        codes = {o.id: o.code for o in operations.operations(s)}

        def subject(h: operations.HandoverRow) -> str:
            if h.unit_id:
                unit = s.get(Unit, h.unit_id)
                return unit.callsign if unit else h.unit_id
            if h.incident_id:
                inc = s.get(Incident, h.incident_id)
                return inc.title if inc else h.incident_id
            return h.scene or ""

        listed = [{"id": h.id, "operation": codes.get(h.operation_id, h.operation_id),
                   "at": h.at.isoformat(), "subject": h.subject, "what": subject(h),
                   "from_agency": h.from_agency, "from_person": h.from_person,
                   "to_agency": h.to_agency, "to_person": h.to_person,
                   "acknowledged_at": h.acknowledged_at.isoformat() if h.acknowledged_at
                   else None, "overdue": h.overdue(now, threshold)} for h in rows]
    out = sys.stdout
    if args.json:
        for r in listed:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
        return EXIT_OK
    out.write("id\toperation\tat\tsubject\twhat\tfrom\tto\tacknowledged\n")
    for r in listed:
        state = r["acknowledged_at"] or ("OVERDUE" if r["overdue"] else "waiting")
        cells = [r["id"], r["operation"], r["at"], r["subject"] or "", r["what"],
                 r["from_agency"] or "", r["to_agency"] or "", state]
        out.write("\t".join(str(c).replace("\t", " ").replace("\n", " ") for c in cells) + "\n")
    return EXIT_OK
