"""Incidents and the entries of their log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.protocol.checks import both_or_neither, needs_operation
from sync.protocol.entity import Entity, Field, Writers, register
from sync.protocol.fields import Choice, Int, Number, Ref, Slug, SlugList, Text, Time
from sync.protocol.i18n import QT_TRANSLATE_NOOP as N
from sync.protocol.limits import MAX_SHORT, MAX_TEXT
from sync.protocol.problems import Problem
from sync.protocol.vocab import ENTRY_KIND, INCIDENT_KIND, INCIDENT_STATUS, VISIBILITY


def _void_reason(values: Mapping[str, Any]) -> Problem | None:
    if values.get("status") == "voided" and not (values.get("void_reason") or "").strip():
        return Problem("void_needs_reason", "void_reason")
    return None


def _entry_kind(values: Mapping[str, Any]) -> Problem | None:
    kind = values.get("kind")
    if kind == "amendment" and values.get("amends") is None:
        return Problem("amend_needs_target", "amends")
    if kind != "amendment" and values.get("amends") is not None:
        return Problem("only_amendment_targets", "amends")
    if kind == "assignment" and values.get("unit_id") is None:
        return Problem("assignment_needs_unit", "unit_id")
    if kind == "status" and values.get("status") is None:
        return Problem("status_needs_status", "status")
    return None


INCIDENT = register(Entity(
    "incident", N("entities", "Incident"), "mergeable",
    {
        "title": Field("title", Text(), N("fields", "Title"), required=True, nullable=False),
        "kind": Field("kind", Choice(INCIDENT_KIND), N("fields", "Kind"), required=True,
                      nullable=False),
        "severity": Field("severity", Int(1, 5), N("fields", "Severity"), required=True,
                          nullable=False),
        "status": Field("status", Choice(INCIDENT_STATUS), N("fields", "Status"), required=True,
                        nullable=False, default="open"),
        "lat": Field("lat", Number(-90, 90), N("fields", "Latitude")),
        "lon": Field("lon", Number(-180, 180), N("fields", "Longitude")),
        "occurred_at": Field("occurred_at", Time(), N("fields", "Occurred at"), required=True,
                             nullable=False),
        "agency": Field("agency", Slug(), N("fields", "Reporting agency"), required=True,
                        nullable=False),
        "agencies": Field("agencies", SlugList(), N("fields", "Involved agencies"), default=[]),
        "visibility": Field("visibility", Choice(VISIBILITY), N("fields", "Visibility"),
                            required=True, nullable=False, default="shared"),
        "void_reason": Field("void_reason", Text(max_len=MAX_TEXT, long=True),
                             N("fields", "Reason for voiding")),
        # revision 4: the joint operation it belongs to (see sync/protocol/operations.py)
        "operation_id": Field("operation_id", Ref("operation"), N("fields", "Operation")),
    },
    Writers(create=("commander", "liaison"), edit=("commander",)),
    must_see=("operation_id",),
    checks=(both_or_neither("lat", "lon"), _void_reason, needs_operation),
))

INCIDENT_ENTRY = register(Entity(
    "incident_entry", N("entities", "Incident log entry"), "append",
    {
        "incident_id": Field("incident_id", Ref("incident"), N("fields", "Incident"), required=True,
                             nullable=False),
        "kind": Field("kind", Choice(ENTRY_KIND), N("fields", "Kind"), required=True,
                      nullable=False),
        "body": Field("body", Text(max_len=MAX_TEXT, long=True, blank_ok=False),
                      N("fields", "Text"), required=True, nullable=False),
        "amends": Field("amends", Ref("incident_entry"), N("fields", "Corrects entry")),
        "unit_id": Field("unit_id", Ref("unit"), N("fields", "Unit")),
        "status": Field("status", Choice(INCIDENT_STATUS), N("fields", "New status")),
        "created_at": Field("created_at", Time(), N("fields", "Written at"), required=True,
                            nullable=False),
        "author": Field("author", Text(max_len=MAX_SHORT), N("fields", "Author"), stamped=True),
    },
    Writers(create=("commander", "liaison")),
    scope="incident_id",
    owner=None,
    checks=(_entry_kind,),
))
