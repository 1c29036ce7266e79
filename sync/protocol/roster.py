"""Agencies, units and their position reports."""

from __future__ import annotations

from sync.protocol.checks import needs_operation
from sync.protocol.entity import Entity, Field, Writers, register
from sync.protocol.fields import (
    SIDC_RE,
    Choice,
    Int,
    Number,
    Ref,
    Slug,
    Text,
    Time,
)
from sync.protocol.i18n import QT_TRANSLATE_NOOP as N
from sync.protocol.limits import MAX_SHORT, MAX_TEXT
from sync.protocol.vocab import (
    AGENCY_KIND,
    ECHELON,
    POSITION_SOURCE,
    UNIT_KIND,
    UNIT_STATUS,
    VISIBILITY,
)

MAX_STRENGTH = 100_000
MAX_ACCURACY_M = 1_000_000

AGENCY = register(Entity(
    "agency", N("entities", "Agency"), "reference",
    {
        "name": Field("name", Text(), N("fields", "Name"), required=True, nullable=False),
        "kind": Field("kind", Choice(AGENCY_KIND), N("fields", "Kind"), required=True,
                      nullable=False),
    },
    Writers(create=("admin",), edit=("admin",), own_agency=False),
    owner=None,
    id_kind=Slug(),
))

UNIT = register(Entity(
    "unit", N("entities", "Unit"), "mergeable",
    {
        "callsign": Field("callsign", Text(identifier=True), N("fields", "Callsign"),
                          required=True, nullable=False),
        "name": Field("name", Text(), N("fields", "Name")),
        "agency": Field("agency", Slug(), N("fields", "Agency"), required=True, nullable=False),
        "kind": Field("kind", Choice(UNIT_KIND), N("fields", "Kind"), required=True,
                      nullable=False),
        "echelon": Field("echelon", Choice(ECHELON), N("fields", "Echelon")),
        "sidc": Field("sidc", Text(max_len=30, identifier=True, pattern=SIDC_RE.pattern,
                                   pattern_problem="bad_sidc"),
                      N("fields", "Symbol code (SIDC)")),
        "parent_id": Field("parent_id", Ref("unit"), N("fields", "Reports to")),
        "commander": Field("commander", Text(), N("fields", "Commander")),
        "strength": Field("strength", Int(0, MAX_STRENGTH), N("fields", "Strength")),
        "status": Field("status", Choice(UNIT_STATUS), N("fields", "Status"), required=True,
                        nullable=False, default="available"),
        "visibility": Field("visibility", Choice(VISIBILITY), N("fields", "Visibility"),
                            required=True, nullable=False, default="shared"),
        "notes": Field("notes", Text(max_len=MAX_TEXT, long=True), N("fields", "Notes")),
        # revision 4: the joint operation it belongs to (see sync/protocol/operations.py)
        "operation_id": Field("operation_id", Ref("operation"), N("fields", "Operation")),
    },
    Writers(create=("commander",), edit=("commander",)),
    must_see=("operation_id",),
    checks=(needs_operation,),
))

POSITION = register(Entity(
    "position", N("entities", "Position report"), "append",
    {
        "unit_id": Field("unit_id", Ref("unit"), N("fields", "Unit"), required=True, nullable=False),
        "lat": Field("lat", Number(-90, 90), N("fields", "Latitude"), required=True,
                     nullable=False),
        "lon": Field("lon", Number(-180, 180), N("fields", "Longitude"), required=True,
                     nullable=False),
        "accuracy_m": Field("accuracy_m", Number(0, MAX_ACCURACY_M), N("fields", "Accuracy (m)")),
        "observed_at": Field("observed_at", Time(), N("fields", "Observed at"), required=True,
                             nullable=False),
        "source": Field("source", Choice(POSITION_SOURCE), N("fields", "Source"), nullable=False,
                        default="manual"),
        "note": Field("note", Text(max_len=MAX_TEXT, long=True), N("fields", "Note")),
        "reported_by": Field("reported_by", Text(max_len=MAX_SHORT), N("fields", "Reported by"),
                             stamped=True),
    },
    Writers(create=("commander", "liaison")),
    scope="unit_id",
    owner=None,
))
