"""Joint operations: the operation itself, the assignment of units to it, and the
hand-overs of command between agencies within it.

An operation is led by one agency (`lead_agency`) and joined by others (`agencies`);
together they are its participants (`participants`). Records that belong to an
operation with visibility `operation` (units, incidents, and through them their
positions and entries; assignments and hand-overs always) are seen by its
participants only, and by oversight (`sync.protocol.rules.can_see`). The area is a
polygon (`fields.Polygon`), so later records (zones, reports, detentions) can reuse
both the kind and `participants`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.protocol.checks import both_or_neither, ends_after_starts
from sync.protocol.entity import Entity, Field, Writers, register
from sync.protocol.fields import Choice, Number, Polygon, Ref, Slug, SlugList, Text, Time
from sync.protocol.i18n import QT_TRANSLATE_NOOP as N
from sync.protocol.limits import MAX_SHORT, MAX_TEXT
from sync.protocol.problems import Problem
from sync.protocol.vocab import (
    ASSIGNMENT_ROLE,
    AUTHORITY,
    HANDOVER_KIND,
    HANDOVER_SUBJECT,
    LEGAL_BASIS,
    OPERATION_STATUS,
)


def participants(values: Mapping[str, Any]) -> frozenset[str]:
    """The agencies taking part in an operation (its fields): the lead and the others."""
    out = set(values.get("agencies") or ())
    if values.get("lead_agency"):
        out.add(values["lead_agency"])
    return frozenset(out)


OPERATION = register(Entity(
    "operation", N("entities", "Operation"), "mergeable",
    {
        "code": Field("code", Text(max_len=40, identifier=True), N("fields", "Code"),
                      required=True, nullable=False),
        "name": Field("name", Text(), N("fields", "Name"), required=True, nullable=False),
        "lead_agency": Field("lead_agency", Slug(), N("fields", "Lead agency"), required=True,
                             nullable=False),
        "agencies": Field("agencies", SlugList(), N("fields", "Participating agencies"),
                          default=[]),
        "authority": Field("authority", Choice(AUTHORITY), N("fields", "Authority"),
                           required=True, nullable=False),
        "legal_basis": Field("legal_basis", Choice(LEGAL_BASIS), N("fields", "Legal basis"),
                             required=True, nullable=False),
        "legal_reference": Field("legal_reference", Text(), N("fields", "Legal reference")),
        "area": Field("area", Polygon(), N("fields", "Area")),
        "starts_at": Field("starts_at", Time(event=False), N("fields", "Starts at"),
                           required=True, nullable=False),
        "ends_at": Field("ends_at", Time(event=False), N("fields", "Ends at")),
        "status": Field("status", Choice(OPERATION_STATUS), N("fields", "Status"),
                        required=True, nullable=False, default="planned"),
        "instructions": Field("instructions", Text(max_len=MAX_TEXT, long=True),
                              N("fields", "Instructions")),
    },
    Writers(create=("commander",), edit=("commander",)),
    owner="lead_agency",
    visibility="operation",
    agency_refs=("lead_agency", "agencies"),
    since=4,
    checks=(ends_after_starts("starts_at", "ends_at"),),
))

ASSIGNMENT = register(Entity(
    "assignment", N("entities", "Assignment"), "mergeable",
    {
        "operation_id": Field("operation_id", Ref("operation"), N("fields", "Operation"),
                              required=True, nullable=False),
        "unit_id": Field("unit_id", Ref("unit"), N("fields", "Unit"), required=True,
                         nullable=False),
        "role": Field("role", Choice(ASSIGNMENT_ROLE), N("fields", "Role"), required=True,
                      nullable=False),
        "commanding_agency": Field("commanding_agency", Slug(), N("fields", "Commanding agency"),
                                   required=True, nullable=False),
        "starts_at": Field("starts_at", Time(event=False), N("fields", "From")),
        "ends_at": Field("ends_at", Time(event=False), N("fields", "Until")),
    },
    Writers(create=("commander",), edit=("commander",)),
    scope="operation_id",
    owner=None,
    visibility="operation",
    must_see=("unit_id",),
    fixed=("operation_id", "unit_id"),
    agency_refs=("commanding_agency",),
    since=4,
    checks=(ends_after_starts("starts_at", "ends_at"),),
))


_SUBJECT_FIELD = {"unit": "unit_id", "incident": "incident_id", "scene": "scene"}
_HANDOVER_ONLY = ("subject", "unit_id", "incident_id", "scene", "lat", "lon", "from_agency",
                  "from_person", "to_agency")


def _handover_kind(values: Mapping[str, Any]) -> Problem | None:
    if values.get("kind") == "acknowledgement":
        if values.get("acknowledges") is None:
            return Problem("ack_needs_target", "acknowledges")
        for name in _HANDOVER_ONLY:
            if values.get(name) is not None:
                return Problem("not_in_ack", name)
        return None
    if values.get("acknowledges") is not None:
        return Problem("only_ack_targets", "acknowledges")
    for name in ("subject", "from_agency", "to_agency"):
        if values.get(name) is None:
            return Problem("required", name)
    wanted = _SUBJECT_FIELD.get(values["subject"])
    if wanted is not None and values.get(wanted) is None:
        return Problem("subject_needs_record", wanted)
    for name in _SUBJECT_FIELD.values():
        if name != wanted and values.get(name) is not None:
            return Problem("not_for_subject", name, subject=values["subject"])
    return None


HANDOVER = register(Entity(
    "handover", N("entities", "Hand-over of command"), "append",
    {
        "operation_id": Field("operation_id", Ref("operation"), N("fields", "Operation"),
                              required=True, nullable=False),
        "kind": Field("kind", Choice(HANDOVER_KIND), N("fields", "Kind"), nullable=False,
                      default="handover"),
        "subject": Field("subject", Choice(HANDOVER_SUBJECT), N("fields", "Handed over")),
        "unit_id": Field("unit_id", Ref("unit"), N("fields", "Unit")),
        "incident_id": Field("incident_id", Ref("incident"), N("fields", "Incident")),
        "scene": Field("scene", Text(), N("fields", "Scene")),
        "lat": Field("lat", Number(-90, 90), N("fields", "Latitude")),
        "lon": Field("lon", Number(-180, 180), N("fields", "Longitude")),
        "from_agency": Field("from_agency", Slug(), N("fields", "From agency")),
        "from_person": Field("from_person", Text(), N("fields", "From (person)")),
        "to_agency": Field("to_agency", Slug(), N("fields", "To agency")),
        "to_person": Field("to_person", Text(), N("fields", "To (person)")),
        "acknowledges": Field("acknowledges", Ref("handover"), N("fields", "Acknowledges")),
        "at": Field("at", Time(), N("fields", "At"), required=True, nullable=False),
        "reason": Field("reason", Text(max_len=MAX_TEXT, long=True), N("fields", "Reason")),
        "recorded_by": Field("recorded_by", Text(max_len=MAX_SHORT), N("fields", "Recorded by"),
                             stamped=True),
    },
    Writers(create=("commander",)),
    scope="operation_id",
    owner=None,
    visibility="operation",
    must_see=("unit_id", "incident_id"),
    agency_refs=("from_agency", "to_agency"),
    since=4,
    checks=(both_or_neither("lat", "lon"), _handover_kind),
))
