"""Who may see and write what: one set of rules for the server and the client.

The server applies them to every push and pull; the client's local writer
applies them before it accepts an edit, with the signed-in user as the actor and
its last-pulled copy of the record, so the laptop refuses up front what the
server would refuse. A record the actor may not see is answered exactly as one
that does not exist (no owner, no kind, no existence is revealed).

Visibility (`can_see`): `shared` records are seen by every agency, `agency` ones by
their owner, `operation` ones by their owner and the participants of their operation
(revision 4, sync/protocol/operations.py); observers see everything. Both sides build
the `Holder` of a stored record the same way (`audience`), resolving an operation's
participants from their copy of the operation.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sync.protocol.entity import Entity
from sync.protocol.fields import Ref
from sync.protocol.operations import participants
from sync.protocol.problems import Problem

WRITER_ROLES = ("commander", "liaison")


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    agency: str | None


@dataclass(frozen=True)
class Holder:
    """What the rules need of an existing record: its kind, owner and visibility; for
    a record of an operation, that operation and its participants (for a hand-over,
    `agency` is the receiving agency, the one that may acknowledge it); for an
    accountability record, who wrote the original (they may amend it)."""

    entity: str
    agency: str | None
    visibility: str | None
    participants: frozenset[str] | None = None
    operation: str | None = None
    author: str | None = None


def audience(entity: Entity, record_id: str,
             values: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(owning agency, visibility, operation) of a record with these values, as the
    server's `records` table and the client's Holders keep them. An operation belongs to
    itself; its assignments and hand-overs to it."""
    agency = values.get(entity.owner) if entity.owner else None
    if entity.name == "handover":
        agency = values.get("to_agency")
    visibility = values.get("visibility") if "visibility" in entity.fields else entity.visibility
    if entity.name == "operation":
        return agency, visibility, record_id
    return agency, visibility, values.get("operation_id")


def holder_of(entity: Entity, record_id: str, values: Mapping[str, Any],
              operation: Mapping[str, Any] | None = None) -> Holder:
    """The Holder of a stored record from its values; `operation`: the values of the
    operation it belongs to, whose participants may see it (None: not known here)."""
    agency, visibility, op = audience(entity, record_id, values)
    if entity.name == "operation":
        operation = values
    members = participants(operation) if visibility == "operation" and operation else None
    return Holder(entity.name, agency, visibility, members, op)


def can_see(actor: Actor, agency: str | None, visibility: str | None,
            members: Collection[str] | None = None) -> bool:
    """Visibility of records and of everything that inherits theirs. `members`: the
    participants of the record's operation (for visibility `operation`)."""
    if actor.role == "observer":
        return True
    if actor.role == "admin":
        return False  # admins manage accounts and agencies, not operations
    if visibility == "shared" or (agency is not None and agency == actor.agency):
        return True
    return visibility == "operation" and bool(members) and actor.agency in members  # type: ignore[operator]


def sees(actor: Actor, record: Holder | None, entity: str | None = None) -> bool:
    return (record is not None and (entity is None or record.entity == entity)
            and can_see(actor, record.agency, record.visibility, record.participants))


def audience_change(before: Holder, after: Holder) -> tuple[bool, bool]:
    """Whether a change of a record's visibility (its owner and visibility before and
    after) took sight of it from someone (narrowed) and gave it to someone (widened).
    The server then tells those who lost it to remove it (a withdrawal) and those who
    gained it to fetch its history (a reveal), see docs/protocol.md. A new kind of
    visibility (participants of an operation) answers here from its own rule; an
    unknown pair answers both, which is always safe: a withdrawal goes only to whoever
    cannot see the record now, a reveal only to whoever can."""
    if (before.agency, before.visibility, before.participants) == \
            (after.agency, after.visibility, after.participants):
        return False, False
    known = {"shared", "agency"}
    if before.visibility in known and after.visibility in known \
            and before.agency == after.agency:
        return before.visibility == "shared", after.visibility == "shared"
    if before.visibility == after.visibility == "operation" and before.agency == after.agency:
        was, now = before.participants or frozenset(), after.participants or frozenset()
        return bool(was - now), bool(now - was)
    return True, True


def role_problem(actor: Actor, entity: Entity) -> Problem | None:
    """Why this role may never write this kind of record (None: it may, state permitting).
    Needs no state, so the server checks it before touching the database."""
    if actor.role == "observer":
        return Problem("read_only", entity=entity.name)
    if actor.role == "admin" and "admin" not in entity.writers.create + entity.writers.edit:
        return Problem("admin_scope", entity=entity.name)
    allowed = entity.writers.create + entity.writers.edit
    if actor.role not in allowed:
        code = "role_may_not_create" if entity.record == "append" or not entity.writers.edit \
            else "role_may_not_edit"
        return Problem(code, entity=entity.name, role=actor.role)
    return None


def write_problem(
    actor: Actor,
    entity: Entity,
    fields: Mapping[str, Any],
    *,
    existing: Holder | None = None,
    parent: Holder | None = None,
    related: Mapping[str, Holder | None] | None = None,
    agencies: Collection[str] | None = None,
    links: Mapping[str, Holder | None] | None = None,
) -> Problem | None:
    """Why `actor` may not make this change (None: allowed).

    `existing`: the record the change edits, if it exists (mergeable records), or the
    original an amendment or hand-over follows (accountability records).
    `parent`: the record named by the entity's scope field (the unit of a position,
    the incident of an entry, the record a conflict is about, the operation of an
    assignment), if it exists.
    `related`: the records named by the change's other reference fields that the rules
    look at (`Entity.must_see`, the hand-over an acknowledgement answers), by field;
    a name missing or None: no such record here.
    `agencies`: the agencies of the deployment, where known (None: not checked).
    `links`: for accountability records, the records named by their unit, incident and
    detention fields (field name -> the record, None when it is unknown).
    """
    problem = role_problem(actor, entity)
    if problem is not None:
        return problem
    if entity.original is not None:
        return _accountable_problem(actor, entity, fields, existing, links or {})
    if entity.scope is not None:
        scope_entity = _scope_entity(entity)
        if not sees(actor, parent, scope_entity):
            return Problem("unknown_record", entity=scope_entity or entity.name)
    related = related or {}
    for name in entity.must_see:
        if fields.get(name) is not None:
            target = _target(entity, name)
            if not sees(actor, related.get(name), target):
                return Problem("unknown_record", name, entity=target or entity.name)
    if agencies is not None:
        problem = _agency_problem(entity, fields, agencies)
        if problem is not None:
            return problem
    if entity.record == "append":
        if actor.role not in entity.writers.create:
            return Problem("role_may_not_create", entity=entity.name, role=actor.role)
        return _operation_problem(actor, entity, fields, parent, related)
    if existing is not None and existing.entity != entity.name:
        return Problem("id_taken", entity=entity.name)
    if existing is None:
        return _create_problem(actor, entity, fields) or _operation_problem(
            actor, entity, fields, parent, related)
    if entity.scope is None and entity.record != "reference" and not sees(actor, existing):
        # (reference records, such as agencies, are public)
        return Problem("unknown_record", entity=entity.name)
    if actor.role not in entity.writers.edit:
        return Problem("role_may_not_edit", entity=entity.name, role=actor.role)
    not_client = set(fields) - entity.client_fields
    if not_client:
        return Problem("conflict_fields" if entity.name == "conflict" else "unknown_field",
                       entity=entity.name, name=sorted(not_client)[0])
    if entity.owner and entity.writers.own_agency:
        if existing.agency != actor.agency:
            return Problem("not_owner", entity=entity.name, agency=existing.agency)
        if entity.owner in fields and fields[entity.owner] != existing.agency:
            return Problem("cannot_move", entity.owner, entity.name)
    for name in entity.fixed:
        if name in fields:
            return Problem("fixed_field", name, entity.name)
    return _operation_problem(actor, entity, fields, parent, related, editing=True)


def _create_problem(actor: Actor, entity: Entity, fields: Mapping[str, Any]) -> Problem | None:
    if actor.role not in entity.writers.create:
        if entity.scope is not None and entity.writers.edit:
            # e.g. a conflict: only the server creates one; to a client it is unknown
            return Problem("unknown_record", entity=entity.name)
        return Problem("role_may_not_create", entity=entity.name, role=actor.role)
    missing = entity.missing_on_create(fields)
    if missing:
        return Problem("missing_on_create", entity=entity.name, fields=missing)
    if entity.owner and entity.writers.own_agency and fields.get(entity.owner) != actor.agency:
        return Problem("own_agency_only", entity.owner, entity.name, agency=actor.agency)
    return None


def _accountable_problem(actor: Actor, entity: Entity, fields: Mapping[str, Any],
                         original: Holder | None,
                         links: Mapping[str, Holder | None]) -> Problem | None:
    """Detentions and use-of-force reports: created by the commanders and liaison officers
    of the owning agency (the agency of the unit that acted, which must be theirs), about
    records they can see; amended by the original's author or a commander of the agency;
    read by the agency and oversight (`can_see` with visibility `agency`)."""
    if actor.role not in entity.writers.create:
        return Problem("role_may_not_create", entity=entity.name, role=actor.role)
    owner = fields.get(entity.owner or "")
    if owner != actor.agency:
        return Problem("own_agency_only", entity.owner, entity.name, agency=actor.agency)
    for name, link in links.items():
        kind = entity.fields[name].kind
        target = kind.target if isinstance(kind, Ref) else None
        if link is None or not sees(actor, link, target):
            return Problem("unknown_record", name, target or entity.name)
        if target in ("unit", "detention") and link.agency != owner:
            return Problem("other_agency_record", name, entity.name)
    if fields.get(entity.original or "") is None:
        return None
    if not sees(actor, original, entity.name):
        return Problem("unknown_record", entity.original, entity.name)
    assert original is not None  # sees() is False without one
    if fields.get("kind") == "amendment" and actor.username != original.author \
            and actor.role not in entity.writers.edit:
        return Problem("amend_not_author", entity=entity.name)
    return None


def _scope_entity(entity: Entity) -> str | None:
    """The kind of record the scope field names (None: any kind)."""
    return _target(entity, entity.scope) if entity.scope else None


def _target(entity: Entity, name: str) -> str | None:
    """The kind of record a reference field names (None: any kind)."""
    kind = entity.fields[name].kind
    return kind.target if isinstance(kind, Ref) else None


def _agency_problem(entity: Entity, fields: Mapping[str, Any],
                    agencies: Collection[str]) -> Problem | None:
    """Fields that must name agencies of the deployment (an operation's participants)."""
    for name in entity.agency_refs:
        value = fields.get(name)
        for slug in value if isinstance(value, list) else [value]:
            if slug is not None and slug not in agencies:
                return Problem("unknown_agency", name, entity.name, value=slug)
    return None


# -- joint operations (sync/protocol/operations.py) ----------------------------------


def _operation_problem(actor: Actor, entity: Entity, fields: Mapping[str, Any],
                       operation: Holder | None, related: Mapping[str, Holder | None],
                       editing: bool = False) -> Problem | None:
    """The rules of assignments and hand-overs beyond visibility and roles. An operation
    itself needs none here: its lead agency is its owner (only a commander of the lead
    creates or edits it, `Writers` and `owner`), and the agencies it names were checked."""
    if entity.name not in ("assignment", "handover") or operation is None:
        return None
    members = operation.participants or frozenset()
    if entity.name == "assignment":
        unit = related.get("unit_id")
        if not editing and unit is not None and actor.agency not in (operation.agency,
                                                                     unit.agency):
            return Problem("assign_not_commander", entity=entity.name, lead=operation.agency,
                           agency=unit.agency)
        if not editing and unit is not None and unit.agency not in members:
            return Problem("not_participant", "unit_id", entity.name, agency=unit.agency)
        commanding = fields.get("commanding_agency")
        if commanding is not None and commanding not in members:
            return Problem("not_participant", "commanding_agency", entity.name,
                           agency=commanding)
        return None
    if fields.get("kind") == "acknowledgement":
        original = related.get("acknowledges")
        if original is None or original.entity != "handover" \
                or original.operation != fields.get("operation_id"):
            return Problem("ack_mismatch", "acknowledges", entity.name)
        if original.agency != actor.agency:
            return Problem("ack_wrong_agency", "acknowledges", entity.name,
                           agency=original.agency)
        return None
    giver = fields.get("from_agency")
    if giver != actor.agency:
        return Problem("handover_not_giver", "from_agency", entity.name, agency=giver)
    receiver = fields.get("to_agency")
    if receiver is not None and receiver not in members:
        return Problem("not_participant", "to_agency", entity.name, agency=receiver)
    return None
