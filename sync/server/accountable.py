"""Push, phase 2, for the records that own their visibility: detentions and use-of-force
reports (`Entity.original`, sync.protocol.accountability).

They are append-only like positions, but their visibility is their own (the owning
agency and oversight), not a unit's. So the server keeps, for each original, a row in
`records` (agency, visibility `agency`, and in its state the record as it stands: the
original overlaid with its amendments and hand-over, field by field by HLC, plus the
use-of-force reports that name a detention), and logs the original and every later
record with the original's id as their `scope`: pulls filter them with the same
visibility rule as any record, and a record's history is one index range.

The checks: the authorisation rules (`sync.protocol.rules.write_problem`, with the
original, the unit, incident or detention the record names), then the rules that need
the record as it stands (`accountability.follow_up_problem`). An original is written
once: a second record under its id is refused (`original_immutable` for someone who can see
it, `id_taken` otherwise: sync.server.applier), so an edit cannot pass for a replay; the
same record sent again by its author is a duplicate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sync.protocol import Problem, codec
from sync.protocol.accountability import ENVELOPE, follow_up_problem
from sync.protocol.rules import Actor, Holder, write_problem
from sync.server.records import Record

# Fields naming other records whose visibility the rules check.
LINKS = ("unit_id", "incident_id", "detention_id")


def link_ids(d: codec.Decoded) -> list[Any]:
    """The records a change names that phase 2 must load (its original is its scope)."""
    f = d.change.fields
    return [v for v in (getattr(f, n, None) for n in LINKS) if v is not None]


def holder(rec: Record | None) -> Holder | None:
    if rec is None:
        return None
    return Holder(rec.entity, rec.agency, rec.visibility, author=rec.values.get("author"))


def apply(records: dict[str, Record], who: Actor, d: codec.Decoded, eid: str,
          hlc: str) -> tuple[str, Problem | None]:
    """Check one record and fold it into `records`; returns (its scope, the refusal)."""
    entity = d.entity
    fields = d.fields()
    for name in entity.stamped:  # the server's, whatever a client sent
        fields[name] = who.username
    original_id = fields.get(entity.original or "")
    scope = original_id or eid
    for name, f in entity.fields.items():
        if not f.client and fields.get(name) is not None:
            return scope, Problem("unknown_field", entity=entity.name, name=name)
    original = records.get(original_id) if original_id else None
    links = {n: holder(records.get(str(fields[n]))) for n in LINKS
             if n in entity.fields and fields.get(n) is not None}
    problem = write_problem(who, entity, fields, existing=holder(original), links=links)
    if problem is not None:
        return scope, problem
    if original is not None:
        problem = follow_up_problem(entity, original.values, fields,
                                    len(original.links.get("use_of_force", ())))
        if problem is not None:
            return scope, problem
        _fold(original, fields, hlc, who.username)
    else:
        values = {k: v for k, v in fields.items() if v is not None}
        records[eid] = Record(eid, entity.name, fields[entity.owner or "agency"], "agency",
                              values, dict.fromkeys(values, hlc),
                              dict.fromkeys(values, who.username), dirty=True)
    detention = fields.get("detention_id")
    if entity.name == "use_of_force" and detention is not None:
        rec = records[str(detention)]  # write_problem refused an unknown one
        rec.links.setdefault("use_of_force", []).append(eid)
        rec.dirty = True
    return scope, None


def _fold(rec: Record, fields: dict[str, Any], hlc: str, username: str) -> None:
    """A later record's fields into the record as it stands (per field, by HLC)."""
    for name, value in fields.items():
        if value is None or name in ENVELOPE:
            continue
        if hlc > rec.hlcs.get(name, ""):
            rec.values[name], rec.hlcs[name], rec.authors[name] = value, hlc, username
    rec.dirty = True


def rebuild(docs: Iterable[Any]) -> dict[str, Record]:
    """The records rows of accountability records, rebuilt from their change-log documents
    (entity, entity id, scope, doc) in seq order, as `apply` folds them (for
    `fieldsync audit verify`, sync.server.audit_state)."""
    out: dict[str, Record] = {}
    for entity, eid, scope, doc in docs:
        change = json.loads(doc)
        fields, hlc, author = dict(change["fields"]), str(change["hlc"]), change.get("author")
        if scope == eid:
            values = {k: v for k, v in fields.items() if v is not None}
            out[eid] = Record(eid, entity, fields.get("agency"), "agency", values,
                              dict.fromkeys(values, hlc), dict.fromkeys(values, author or ""))
        elif scope in out:
            _fold(out[scope], fields, hlc, author or "")
        detention = fields.get("detention_id")
        if entity == "use_of_force" and detention in out:
            out[detention].links.setdefault("use_of_force", []).append(eid)
    return out
