"""What the shared authorisation rules look at, read from this laptop's copy of the records.

`sync.protocol.rules.write_problem` judges a change by the records it touches: the record
it edits, the record its scope names (the unit of a position, the operation of an
assignment), the records other fields name (an assignment's unit, the hand-over an
acknowledgement answers) and, for a record of an operation, that operation's participants.
The server reads those from its tables; the local writer reads them here, so the laptop
refuses up front what the server would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldclient.store.models import SYNCED_MODELS, Agency, Operation
from sync.protocol.entity import ENTITIES, Entity
from sync.protocol.fields import Ref
from sync.protocol.rules import Holder, holder_of


def values_of(entity: Entity, record: Any) -> dict[str, Any]:
    """A stored record's fields as the rules read them (ids and agencies; times as stored)."""
    return {name: getattr(record, name, None) for name in entity.fields}


def holder(s: Session, entity: str, record: Any) -> Holder | None:
    """A stored record as the rules see it, with its operation's participants."""
    if record is None:
        return None
    definition = ENTITIES[entity]
    values = values_of(definition, record)
    operation = None
    op_id = values.get("operation_id")
    if op_id and entity != "operation":
        op = s.get(Operation, op_id)
        operation = values_of(ENTITIES["operation"], op) if op is not None else None
    return holder_of(definition, record.id, values, operation)


def find(s: Session, entity: str, record_id: str | None) -> Holder | None:
    """The Holder of a record of this kind by id (None: not on this laptop)."""
    if not record_id:
        return None
    model = SYNCED_MODELS.get(entity)
    return holder(s, entity, s.get(model, record_id)) if model is not None else None


def parent(s: Session, entity: Entity, values: Mapping[str, Any]) -> Holder | None:
    """The record an entity's scope field names in these values."""
    if entity.scope is None:
        return None
    kind = entity.fields[entity.scope].kind
    target = kind.target if isinstance(kind, Ref) else None
    return find(s, target, values.get(entity.scope)) if target else None


def related(s: Session, entity: Entity, values: Mapping[str, Any]) -> dict[str, Holder | None]:
    """The records named by the fields the rules look at (`Entity.must_see`, and the
    hand-over an acknowledgement answers)."""
    names = entity.must_see + (("acknowledges",) if "acknowledges" in entity.fields else ())
    out: dict[str, Holder | None] = {}
    for name in names:
        kind = entity.fields[name].kind
        if isinstance(kind, Ref) and kind.target and values.get(name):
            out[name] = find(s, kind.target, values[name])
    return out


def agencies(s: Session) -> set[str] | None:
    """The agencies this laptop knows (None before it knows any: not checked then)."""
    known = set(s.execute(select(Agency.id)).scalars())
    return known or None
