"""Conflict records: a concurrent edit the server detected (invariant 5).

The server writes every field; a client may only mark one resolved (a person
resolves a conflict by making a normal change, then says so here).
"""

from __future__ import annotations

from sync.protocol.entity import Entity, Field, Writers, register
from sync.protocol.fields import HLC_RE as _HLC
from sync.protocol.fields import AnyValue, Choice, Ref, Text, Time
from sync.protocol.i18n import QT_TRANSLATE_NOOP as N
from sync.protocol.vocab import CONFLICT_RESOLUTION, CONFLICT_STATUS

_HLC_TEXT = Text(max_len=100, pattern=_HLC.pattern, pattern_problem="bad_hlc")

CONFLICT = register(Entity(
    "conflict", N("entities", "Conflict"), "mergeable",
    {
        "entity": Field("entity", Text(max_len=40, identifier=True), N("fields", "Record type"),
                        required=True, client=False),
        "entity_id": Field("entity_id", Ref(), N("fields", "Record"), required=True,
                           client=False),
        "field": Field("field", Text(max_len=64, identifier=True), N("fields", "Field"),
                       required=True, client=False),
        "winner_value": Field("winner_value", AnyValue(), N("fields", "Value that stands"),
                              client=False),
        "loser_value": Field("loser_value", AnyValue(), N("fields", "Overwritten value"),
                             client=False),
        "winner_hlc": Field("winner_hlc", _HLC_TEXT, N("fields", "Clock of the value that stands"),
                            client=False),
        "loser_hlc": Field("loser_hlc", _HLC_TEXT, N("fields", "Clock of the overwritten value"),
                           client=False),
        "winner_by": Field("winner_by", Text(), N("fields", "Written by (stands)"), client=False),
        "loser_by": Field("loser_by", Text(), N("fields", "Written by (overwritten)"),
                          client=False),
        "detected_at": Field("detected_at", Time(event=False), N("fields", "Detected at"),
                             client=False),
        "status": Field("status", Choice(CONFLICT_STATUS), N("fields", "Status"), required=True,
                        nullable=False),
        "resolution": Field("resolution", Choice(CONFLICT_RESOLUTION), N("fields", "Resolution")),
    },
    Writers(edit=("commander", "liaison"), own_agency=False),
    scope="entity_id",
    owner=None,
))
