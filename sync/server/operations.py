"""The server's side of joint operations (protocol revision 4, sync/protocol/operations.py).

- which references of a change the rules look at (`refs_of`): the unit of an assignment,
  the unit or incident and the acknowledged hand-over of a hand-over, the operation of a
  unit or incident; the applier loads them before applying a batch;
- a hand-over as the rules see it (`handover_holder`): its receiving agency and operation,
  read from the change log for an acknowledgement;
- when the participants of an operation change: one audit row naming who joined and who
  left (`membership_audit`), and which of its records to withdraw from those who left or
  to reveal to those who joined (`members`: its units, incidents and assignments);
- one audit row per hand-over and acknowledgement (`handover_audit`).

Who may see and write what stays in `sync.protocol.rules`, shared with the client.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from sync.protocol import ENTITIES
from sync.protocol.entity import Entity
from sync.protocol.operations import participants
from sync.protocol.rules import Holder, holder_of
from sync.server import audit
from sync.server.auth import Principal

_REFS: dict[str, tuple[str, ...]] = {}
_doc = msgspec.json.Decoder()


def refs_of(entity: Entity) -> tuple[str, ...]:
    """Reference fields of a change whose records the rules need (besides an append's scope)."""
    names = _REFS.get(entity.name)
    if names is None:
        names = entity.must_see
        if entity.scope and entity.record == "mergeable" and entity.name != "conflict":
            names = (entity.scope, *names)
        if entity.name == "handover":
            names = (*names, "acknowledges")
        _REFS[entity.name] = names
    return names


def handover_holder(record_id: str, fields: Mapping[str, Any]) -> Holder:
    """A hand-over as the rules see it: its receiving agency and its operation."""
    return holder_of(ENTITIES["handover"], record_id, fields)


def handovers_from_log(rows: Iterable[tuple[str, str]]) -> dict[str, Holder]:
    """(entity_id, doc) rows of the change log -> the hand-overs among them."""
    out: dict[str, Holder] = {}
    for rid, doc in rows:
        change = _doc.decode(doc)
        if change.get("entity") == "handover":
            out[rid] = handover_holder(rid, change.get("fields") or {})
    return out


def membership_audit(chain: audit.Chain, who: Principal, operation_id: str,
                     before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> None:
    """One audit row when an operation is created or its participants change."""
    was = participants(before) if before is not None else frozenset()
    now = participants(after)
    if before is not None and was == now:
        return
    chain.append("operation_membership", actor=who.username, device_id=who.device_id,
                 subject=operation_id, detail={
                     "code": after.get("code"), "lead_agency": after.get("lead_agency"),
                     "participants": sorted(now), "joined": sorted(now - was),
                     "left": sorted(was - now)})


def handover_audit(chain: audit.Chain, who: Principal, handover_id: str,
                   fields: Mapping[str, Any]) -> None:
    """One audit row per hand-over of command and per acknowledgement."""
    detail = {k: v for k, v in fields.items() if v is not None and k in (
        "operation_id", "kind", "subject", "unit_id", "incident_id", "scene", "from_agency",
        "from_person", "to_agency", "to_person", "acknowledges", "at", "reason")}
    chain.append("handover", actor=who.username, device_id=who.device_id,
                 subject=handover_id, detail=detail)
