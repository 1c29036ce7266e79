"""Jurisdiction zones: whose territory a place is (revision 5).

A zone is the territory of one agency (`agency`, its owner) at one level (a
municipality, a state, a military region or zone...), an area of one or more
polygons (`fields.MultiPolygon`, as GeoJSON writes a MultiPolygon's coordinates;
a single polygon is a list of one). Only a commander of the zone's agency creates or
edits it (`Writers` with the owner: the shared rules in `sync.protocol.rules`), and it
is seen by every agency unless made `agency` only, since knowing whose territory a
place is is the point. Clients tag incidents and positions with the zones they fall
in (fieldclient/store/zones.py); the server stores zones like any mergeable record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.protocol.entity import Entity, Field, Writers, register
from sync.protocol.fields import Choice, MultiPolygon, Slug, Text
from sync.protocol.i18n import QT_TRANSLATE_NOOP as N
from sync.protocol.limits import MAX_TEXT, MAX_ZONE_VERTICES
from sync.protocol.problems import Problem
from sync.protocol.vocab import VISIBILITY, ZONE_LEVEL


def _not_of_an_operation(values: Mapping[str, Any]) -> Problem | None:
    """A territory belongs to no operation: shared or its agency's own."""
    if values.get("visibility") == "operation":
        return Problem("zone_visibility", "visibility")
    return None


ZONE = register(Entity(
    "zone", N("entities", "Jurisdiction zone"), "mergeable",
    {
        "name": Field("name", Text(), N("fields", "Name"), required=True, nullable=False),
        "agency": Field("agency", Slug(), N("fields", "Agency"), required=True, nullable=False),
        "level": Field("level", Choice(ZONE_LEVEL), N("fields", "Level"), required=True,
                       nullable=False),
        "geometry": Field("geometry", MultiPolygon(MAX_ZONE_VERTICES), N("fields", "Boundary"),
                          required=True, nullable=False),
        "visibility": Field("visibility", Choice(VISIBILITY), N("fields", "Visibility"),
                            required=True, nullable=False, default="shared"),
        "notes": Field("notes", Text(max_len=MAX_TEXT, long=True), N("fields", "Notes")),
    },
    Writers(create=("commander",), edit=("commander",)),
    agency_refs=("agency",),
    since=5,
    checks=(_not_of_an_operation,),
))
