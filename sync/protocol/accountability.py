"""Accountability records: detentions and use-of-force reports (protocol revision 4).

Both are append-only and never change: a correction is a new record of the same
kind, an *amendment*, that names the original (`amends`), gives a reason and
carries only the fields it corrects; a detention's hand-over to a prosecutor or
judge (puesta a disposición) may likewise come later as a *hand-over* record. The
record as it stands is the original overlaid with its later records, field by
field in HLC order (`overlay`), the same on the server and on every laptop.

They hold personal data, so unlike every other kind they own their visibility:
the owning agency (`agency`, the detaining unit's) and oversight only - never
shared, never an operation's (`Entity.need_to_know`). Who may create, amend and
read them is in `sync.protocol.rules`; the rules that need the original (same
agency, the author or a commander amends, one hand-over, force needs a report
before the hand-over) are `follow_up_problem` and `closing_problem` here, run by
the server on every push and by the local writer before it queues one.

Fields marked `personal` are withheld from anyone but the original's author when
records are pulled (`redact`); the full record is opened through the server,
which logs every such opening in its audit trail (docs/protocol.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sync.protocol.entity import Entity, Field, Writers, register
from sync.protocol.fields import Bool, Choice, Int, Number, Ref, Slug, Text, Time
from sync.protocol.i18n import QT_TRANSLATE_NOOP as N
from sync.protocol.limits import MAX_SHORT, MAX_TEXT
from sync.protocol.problems import Problem
from sync.protocol.vocab import (
    CUSTODY_AUTHORITY,
    DETENTION_ENTRY,
    FORCE_ENTRY,
    FORCE_LEVEL,
    LEGAL_GROUND,
    SEX,
)

REVISION = 4  # the protocol revision that introduced these kinds
MAX_PEOPLE = 10_000  # people affected by one use of force

# Fields of every record that are about the record itself, not what it reports: an
# amendment's overlay never carries them over to the record as it stands.
ENVELOPE = ("kind", "amends", "amend_reason", "agency", "created_at", "author", "redacted")
ORIGINAL_KINDS = {"detention": "record", "use_of_force": "report"}
AMENDMENT, HANDOVER = "amendment", "handover"
# Per kind, what an original must hold (besides `agency` and `created_at`).
REQUIRED = {
    "detention": ("unit_id", "detained_at", "legal_ground", "motive"),
    "use_of_force": ("unit_id", "occurred_at", "level", "circumstances", "necessity"),
}
HANDOVER_FIELDS = ("authority", "handed_over_at")


def _long(max_len: int = MAX_TEXT) -> Text:
    return Text(max_len=max_len, long=True)


def _envelope(entity: str, entry_vocab: Any) -> dict[str, Field]:
    return {
        "kind": Field("kind", Choice(entry_vocab), N("fields", "Kind of record"),
                      required=True, nullable=False),
        "amends": Field("amends", Ref(entity), N("fields", "Corrects record")),
        "amend_reason": Field("amend_reason", Text(max_len=MAX_TEXT, long=True, blank_ok=False),
                              N("fields", "Reason for the correction")),
        "agency": Field("agency", Slug(), N("fields", "Owning agency"), required=True,
                        nullable=False),
    }


def _tail() -> dict[str, Field]:
    return {
        "created_at": Field("created_at", Time(), N("fields", "Written at"), required=True,
                            nullable=False),
        "author": Field("author", Text(max_len=MAX_SHORT), N("fields", "Author"), stamped=True),
        "redacted": Field("redacted", Bool(), N("fields", "Personal data withheld"),
                          client=False),
    }


def _place() -> dict[str, Field]:
    return {
        "lat": Field("lat", Number(-90, 90), N("fields", "Latitude")),
        "lon": Field("lon", Number(-180, 180), N("fields", "Longitude")),
        "address": Field("address", _long(1000), N("fields", "Address or place")),
    }


def _links() -> dict[str, Field]:
    return {
        "incident_id": Field("incident_id", Ref("incident"), N("fields", "Incident")),
        # An operation (issue 12) is named by its id; the id is checked as an id only, so
        # records can name operations before this version knows the kind.
        "operation_id": Field("operation_id", Ref("operation"), N("fields", "Operation")),
    }


# -- rules of one record -------------------------------------------------------------


def _content(entity: Entity) -> tuple[str, ...]:
    return tuple(n for n in entity.fields if n not in ENVELOPE)


def _given(values: Mapping[str, Any], name: str) -> bool:
    value = values.get(name)
    return value is not None and not (isinstance(value, str) and not value.strip())


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _record_rule(entity_name: str) -> Any:
    def rule(values: Mapping[str, Any]) -> Problem | None:
        from sync.protocol.entity import ENTITIES

        entity = ENTITIES[entity_name]
        kind = values.get("kind")
        content = [n for n in _content(entity) if values.get(n) is not None]
        if kind == ORIGINAL_KINDS[entity_name]:
            if values.get("amends") is not None:
                return Problem("original_has_no_target", "amends")
            if values.get("amend_reason") is not None:
                return Problem("not_for_kind", "amend_reason", kind=kind)
            for name in REQUIRED[entity_name]:
                if not _given(values, name):
                    return Problem("required", name)
            return _original_rule(entity_name, values)
        if values.get("amends") is None:
            return Problem("follow_up_needs_original", "amends")
        if kind == AMENDMENT:
            if not _given(values, "amend_reason"):
                return Problem("amendment_needs_reason", "amend_reason")
            if not content:
                return Problem("amendment_empty", "amend_reason")
            return None
        # a hand-over: who the person was handed to and when, nothing else
        for name in HANDOVER_FIELDS:
            if values.get(name) is None:
                return Problem("required", name)
        for name in [*content, "amend_reason"]:
            if name not in HANDOVER_FIELDS and values.get(name) is not None:
                return Problem("not_for_kind", name, kind=kind)
        return None
    return rule


def _original_rule(entity_name: str, values: Mapping[str, Any]) -> Problem | None:
    if (values.get("lat") is None) != (values.get("lon") is None):
        return Problem("both_or_neither", "lat", other="lon")
    if entity_name == "detention":
        if not (_given(values, "person_name") or _given(values, "person_description")):
            return Problem("name_or_description", "person_name")
        if (values.get("authority") is None) != (values.get("handed_over_at") is None):
            return Problem("both_or_neither", "authority", other="handed_over_at")
        # no report can name a detention before it exists: force means a later hand-over
        return times_problem(values) or closing_problem(values, 0)
    return force_counts_problem(values)


def times_problem(values: Mapping[str, Any]) -> Problem | None:
    """A detention's hand-over cannot come before the detention (on a record as it stands)."""
    detained, handed = _when(values.get("detained_at")), _when(values.get("handed_over_at"))
    if detained is not None and handed is not None and handed < detained:
        return Problem("handover_before_detention", "handed_over_at")
    return None


def force_counts_problem(values: Mapping[str, Any]) -> Problem | None:
    """Injured and dead are among the people affected; medical aid after the force."""
    affected = values.get("people_affected")
    for name in ("injured", "deaths"):
        n = values.get(name)
        if affected is not None and n is not None and n > affected:
            return Problem("more_than_affected", name, other="people_affected")
    if values.get("medical_aid") is False and (
            values.get("medical_aid_at") is not None or _given(values, "medical_aid_by")):
        return Problem("aid_details_without_aid", "medical_aid_at")
    occurred, aid = _when(values.get("occurred_at")), _when(values.get("medical_aid_at"))
    if occurred is not None and aid is not None and aid < occurred:
        return Problem("aid_before_force", "medical_aid_at")
    return None


# -- the definitions -----------------------------------------------------------------

_WRITERS = Writers(create=("commander", "liaison"), edit=("commander",))

DETENTION = register(Entity(
    "detention", N("entities", "Detention record"), "append",
    {
        **_envelope("detention", DETENTION_ENTRY),
        "unit_id": Field("unit_id", Ref("unit"), N("fields", "Detaining unit")),
        **_links(),
        "person_name": Field("person_name", Text(), N("fields", "Name of the detained person"),
                             personal=True),
        "person_description": Field(
            "person_description", _long(2000),
            N("fields", "Description of the person (if the name is unknown)"), personal=True),
        "age": Field("age", Int(0, 120), N("fields", "Age")),
        "sex": Field("sex", Choice(SEX), N("fields", "Sex")),
        "disability": Field("disability", _long(2000), N("fields", "Disability noted")),
        "injuries": Field("injuries", _long(2000),
                          N("fields", "Visible injuries at the detention")),
        **_place(),
        "detained_at": Field("detained_at", Time(), N("fields", "Detained at")),
        "motive": Field("motive", _long(), N("fields", "Reason for the detention")),
        "legal_ground": Field("legal_ground", Choice(LEGAL_GROUND), N("fields", "Legal ground")),
        "officers": Field("officers", _long(2000),
                          N("fields", "Officers who made the detention (names, ranks)")),
        "force_used": Field("force_used", Bool(), N("fields", "Force was used")),
        "relative_notified": Field("relative_notified", Bool(),
                                   N("fields", "A relative or trusted person was told")),
        "notified_person": Field("notified_person", Text(), N("fields", "Who was told"),
                                 personal=True),
        "belongings": Field("belongings", _long(), N("fields", "Belongings taken")),
        "authority": Field("authority", Choice(CUSTODY_AUTHORITY), N("fields", "Handed over to")),
        "handed_over_at": Field("handed_over_at", Time(), N("fields", "Handed over at")),
        **_tail(),
    },
    _WRITERS,
    original="amends",
    need_to_know=True,
    since=REVISION,
    checks=(_record_rule("detention"),),
))

USE_OF_FORCE = register(Entity(
    "use_of_force", N("entities", "Use-of-force report"), "append",
    {
        **_envelope("use_of_force", FORCE_ENTRY),
        "unit_id": Field("unit_id", Ref("unit"), N("fields", "Unit")),
        "officers": Field("officers", _long(2000), N("fields", "Officers involved")),
        "occurred_at": Field("occurred_at", Time(), N("fields", "Occurred at")),
        **_place(),
        "level": Field("level", Choice(FORCE_LEVEL), N("fields", "Level of force")),
        "means": Field("means", _long(2000), N("fields", "Weapons or means used")),
        "people_affected": Field("people_affected", Int(0, MAX_PEOPLE),
                                 N("fields", "People affected")),
        "injured": Field("injured", Int(0, MAX_PEOPLE), N("fields", "People injured")),
        "deaths": Field("deaths", Int(0, MAX_PEOPLE), N("fields", "Deaths")),
        "injury_details": Field("injury_details", _long(2000), N("fields", "Injuries")),
        "medical_aid": Field("medical_aid", Bool(), N("fields", "Medical aid given")),
        "medical_aid_at": Field("medical_aid_at", Time(), N("fields", "Medical aid at")),
        "medical_aid_by": Field("medical_aid_by", Text(), N("fields", "Medical aid given by")),
        "circumstances": Field("circumstances", _long(), N("fields", "Circumstances")),
        "necessity": Field("necessity", _long(), N("fields", "Why force was necessary")),
        "detention_id": Field("detention_id", Ref("detention"), N("fields", "Detention")),
        **_links(),
        **_tail(),
    },
    _WRITERS,
    original="amends",
    need_to_know=True,
    since=REVISION,
    checks=(_record_rule("use_of_force"),),
))

ACCOUNTABLE = (DETENTION, USE_OF_FORCE)


# -- records as they stand -------------------------------------------------------------


def overlay(original: Mapping[str, Any],
            later: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """An original record with its amendments and hand-over applied: for each field the
    value of the latest record (by HLC) that sets it. `later`: (hlc, fields) pairs in
    any order. Envelope fields stay the original's."""
    out = dict(original)
    for _hlc, fields in sorted(later, key=lambda pair: pair[0]):
        for name, value in fields.items():
            if value is not None and name not in ENVELOPE:
                out[name] = value
    return out


def amended_fields(later: Iterable[Mapping[str, Any]]) -> list[str]:
    """The fields some amendment corrected (in first-corrected order)."""
    out: dict[str, None] = {}
    for fields in later:
        if fields.get("kind") == AMENDMENT:
            for name, value in fields.items():
                if value is not None and name not in ENVELOPE:
                    out[name] = None
    return list(out)


def follow_up_problem(entity: Entity, standing: Mapping[str, Any],
                      follow_up: Mapping[str, Any], reports: int) -> Problem | None:
    """Whether an amendment or hand-over fits the record as it stands (`standing`:
    `overlay` of the original and what came after it; `reports`: use-of-force reports
    naming this detention). The rules on who may write it are `rules.write_problem`."""
    kind = follow_up.get("kind")
    if entity.name == "detention" and kind == HANDOVER \
            and standing.get("handed_over_at") is not None:
        return Problem("already_handed_over", "handed_over_at").at(entity=entity.name)
    after = overlay(standing, [("", follow_up)])
    problem = (times_problem(after) if entity.name == "detention"
               else force_counts_problem(after))
    if problem is None and entity.name == "detention":
        problem = closing_problem(after, reports)
    return problem.at(entity=entity.name) if problem is not None else None


def closing_problem(standing: Mapping[str, Any], reports: int) -> Problem | None:
    """A detention that records force is handed over only once a use-of-force report
    names it (the report first, then the hand-over)."""
    if standing.get("handed_over_at") is not None and standing.get("force_used") and not reports:
        return Problem("force_needs_report", "handed_over_at")
    return None


# -- personal data ---------------------------------------------------------------------


def initials(name: str | None) -> str | None:
    """"Juan Pérez García" -> "J. P. G." (what lists show)."""
    if not name:
        return name
    parts = [p for p in name.replace(".", " ").split() if p]
    return " ".join(p[0].upper() + "." for p in parts) or None


def redact(entity: Entity, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as someone other than the original's author receives them in a pull:
    names as initials, other personal fields withheld, and `redacted` set."""
    out = dict(fields)
    touched = False
    for name, f in entity.fields.items():
        if f.personal and out.get(name) is not None:
            out[name] = initials(out[name]) if name == "person_name" else None
            touched = True
    if touched:
        out["redacted"] = True
    return out
