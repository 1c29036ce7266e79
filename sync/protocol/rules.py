"""Who may see and write what: one set of rules for the server and the client.

The server applies them to every push and pull; the client's local writer
applies them before it accepts an edit, with the signed-in user as the actor and
its last-pulled copy of the record, so the laptop refuses up front what the
server would refuse. A record the actor may not see is answered exactly as one
that does not exist (no owner, no kind, no existence is revealed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sync.protocol.entity import Entity
from sync.protocol.fields import Ref
from sync.protocol.problems import Problem

WRITER_ROLES = ("commander", "liaison")


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    agency: str | None


@dataclass(frozen=True)
class Holder:
    """What the rules need of an existing record: its kind, owner and visibility (and, for
    an accountability record, who wrote the original: they may amend it)."""

    entity: str
    agency: str | None
    visibility: str | None
    author: str | None = None


def can_see(actor: Actor, agency: str | None, visibility: str | None) -> bool:
    """Visibility of records and of everything that inherits theirs."""
    if actor.role == "observer":
        return True
    if actor.role == "admin":
        return False  # admins manage accounts and agencies, not operations
    return visibility == "shared" or (agency is not None and agency == actor.agency)


def sees(actor: Actor, record: Holder | None, entity: str | None = None) -> bool:
    return (record is not None and (entity is None or record.entity == entity)
            and can_see(actor, record.agency, record.visibility))


def audience_change(before: Holder, after: Holder) -> tuple[bool, bool]:
    """Whether a change of a record's visibility (its owner and visibility before and
    after) took sight of it from someone (narrowed) and gave it to someone (widened).
    The server then tells those who lost it to remove it (a withdrawal) and those who
    gained it to fetch its history (a reveal), see docs/protocol.md. A new kind of
    visibility (participants of an operation) answers here from its own rule; an
    unknown pair answers both, which is always safe: a withdrawal goes only to whoever
    cannot see the record now, a reveal only to whoever can."""
    if (before.agency, before.visibility) == (after.agency, after.visibility):
        return False, False
    known = {"shared", "agency"}
    if before.visibility in known and after.visibility in known \
            and before.agency == after.agency:
        return before.visibility == "shared", after.visibility == "shared"
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
    links: Mapping[str, Holder | None] | None = None,
) -> Problem | None:
    """Why `actor` may not make this change (None: allowed).

    `existing`: the record the change edits, if it exists (mergeable records), or the
    original an amendment or hand-over follows (accountability records).
    `parent`: the record named by the entity's scope field (the unit of a position,
    the incident of an entry, the record a conflict is about), if it exists.
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
    if entity.record == "append":
        if actor.role not in entity.writers.create:
            return Problem("role_may_not_create", entity=entity.name, role=actor.role)
        return None
    if existing is not None and existing.entity != entity.name:
        return Problem("id_taken", entity=entity.name)
    if existing is None:
        return _create_problem(actor, entity, fields)
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
    return None


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
    kind = entity.fields[entity.scope].kind if entity.scope else None
    return kind.target if isinstance(kind, Ref) else None
