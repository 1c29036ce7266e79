"""Push: validate, authorise, merge and log a batch of changes.

Work is split in two phases so the serialised part stays short:
1. `prepare` (no lock, no database): envelope and field validation, role
   checks that need no state, clock skew. Failures become `rejected` results.
2. `apply` (inside db.write_tx): duplicate detection, checks that need
   current state (ownership, visibility of the unit/incident), per-field merge
   and conflict records, then one bulk insert of change rows, the state rows
   and one audit row pinning them.
Each change gets its own result; a bad change never sinks its batch.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, bindparam, select

from sync.merge import HybridClock, hlc_millis, merge_upsert
from sync.protocol import (
    APPEND_ONLY,
    CLIENT_CONFLICT_FIELDS,
    MAX_FUTURE_SKEW_MS,
    REQUIRED_ON_CREATE,
    SERVER_STAMPED,
    Change,
    _describe,
    validate_fields,
)
from sync.server import changelog, db
from sync.server.audit import now_iso
from sync.server.auth import Principal
from sync.server.errors import invalid
from sync.server.state import Record, can_see, load_records, save_records
from sync.server.validate import fast_position

WRITERS = ("commander", "liaison")
_CHUNK = 900  # stays under SQLite's bound-parameter limit on old builds


@dataclass
class Prepared:
    index: int
    change_id: str
    entity: str
    entity_id: str
    op: str
    fields: dict[str, Any]
    base: dict[str, str]
    hlc: str
    ehash: str
    scope: str | None = None


@dataclass
class Outcome:
    results: list[dict[str, Any]]
    last_seq: int = 0
    accepted: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)


def _reject(change_id: str, reason: str) -> dict[str, Any]:
    return {"change_id": change_id, "status": "rejected", "seq": None, "reason": reason}


def _role_reason(who: Principal, entity: str) -> str | None:
    """Why this role may never make this kind of change (None: it may, state permitting)."""
    if who.role == "observer":
        return "observers have read-only access"
    if who.role == "admin":
        return None if entity == "agency" else "admins manage accounts and agencies only"
    if entity == "agency":
        return "agencies are managed by an admin"
    if entity == "unit" and who.role != "commander":
        return "only a commander may create or edit units"
    return None


def prepare(items: list[Any], who: Principal) -> tuple[list[Prepared | dict[str, Any]], int]:
    """Phase 1: each item becomes a Prepared change or a rejected result."""
    out: list[Prepared | dict[str, Any]] = []
    limit_ms = int(time.time() * 1000) + MAX_FUTURE_SKEW_MS
    for i, item in enumerate(items):
        prepared = fast_position(item, i) if who.role in WRITERS else None
        if prepared is None:
            try:
                change = Change.model_validate(item)
            except ValidationError as exc:
                cid = item.get("change_id") if isinstance(item, dict) else None
                try:
                    cid = str(uuid.UUID(str(cid)))
                except ValueError:
                    raise invalid(f"changes[{i}]: {_describe(exc)}") from None
                out.append(_reject(cid, _describe(exc)))
                continue
            cid = str(change.change_id)
            reason = _role_reason(who, change.entity)
            if reason:
                out.append(_reject(cid, reason))
                continue
            raw = dict(change.fields)
            for stamped in SERVER_STAMPED.get(change.entity, ()):  # author fields are ignored
                raw.pop(stamped, None)
            if change.entity == "conflict" and not set(raw) <= CLIENT_CONFLICT_FIELDS:
                out.append(_reject(cid, "clients may only change a conflict's status and resolution"))
                continue
            try:
                fields = validate_fields(change.entity, change.op, raw)
            except ValueError as exc:
                out.append(_reject(cid, str(exc)))
                continue
            if change.entity in APPEND_ONLY:
                for stamped in SERVER_STAMPED.get(change.entity, ()):
                    fields.pop(stamped, None)
            base = dict(change.base)
            prepared = Prepared(
                i, cid, change.entity, change.entity_id, change.op, fields, base, change.hlc,
                changelog.env_hash(change.entity, change.entity_id, change.op, fields, base, change.hlc),
            )
        elif isinstance(prepared, dict):
            out.append(prepared)
            continue
        if hlc_millis(prepared.hlc) > limit_ms:
            out.append(_reject(prepared.change_id, "hlc is more than 24 hours ahead of server time"))
            continue
        out.append(prepared)
    return out, len(items)


def _in_chunks(conn: Connection, column: Any, cols: list[Any], keys: list[str]) -> list[Any]:
    rows: list[Any] = []
    for i in range(0, len(keys), _CHUNK):
        rows.extend(conn.execute(select(*cols).where(column.in_(keys[i:i + _CHUNK]))).all())
    return rows


class Applier:
    """Phase 2 for one batch, inside the write transaction."""

    def __init__(self, conn: Connection, who: Principal, clock: HybridClock) -> None:
        self.conn, self.who, self.clock = conn, who, clock
        self.received_at = now_iso()
        self.rows: list[dict[str, Any]] = []
        self.seq = changelog.max_seq(conn)
        self.records: dict[str, Record] = {}
        self.by_change: dict[str, tuple[int, str]] = {}  # change_id -> (seq, env_hash)
        self.appended: dict[str, int] = {}  # append-only entity_id -> seq
        self.entries: dict[str, str] = {}  # incident_entry id -> incident id

    def load(self, items: list[Prepared]) -> None:
        c = db.changes.c
        for cid, seq, eh in _in_chunks(self.conn, c.change_id, [c.change_id, c.seq, c.env_hash],
                                       [p.change_id for p in items]):
            self.by_change[cid] = (seq, eh)
        appends = [p.entity_id for p in items if p.op == "append"]
        amends = [p.fields["amends"] for p in items if p.fields.get("amends")]
        for eid, seq, ent, scope in _in_chunks(
            self.conn, c.entity_id, [c.entity_id, c.seq, c.entity, c.scope], appends + amends
        ):
            if ent in APPEND_ONLY:
                self.appended[eid] = seq
            if ent == "incident_entry":
                self.entries[eid] = scope
        wanted = {p.entity_id for p in items if p.op == "upsert"}
        wanted |= {p.fields.get("unit_id") or p.fields.get("incident_id") for p in items if p.op == "append"}
        wanted.discard(None)
        self.records = load_records(self.conn, sorted(wanted))
        # a conflict is visible through the record it is about
        targets = {r.values.get("entity_id") for r in self.records.values() if r.entity == "conflict"}
        targets -= set(self.records) | {None}
        self.records.update(load_records(self.conn, sorted(targets)))

    def _emit(self, p: Prepared, author: str | None, device: str | None) -> int:
        self.seq += 1
        self.rows.append(changelog.make_row(
            self.seq, p.change_id, p.entity, p.entity_id, p.op, p.fields, p.base, p.hlc,
            author=author, device_id=device, received_at=self.received_at, scope=p.scope,
            ehash=p.ehash,
        ))
        return self.seq

    def apply(self, p: Prepared) -> dict[str, Any]:
        seen = self.by_change.get(p.change_id)
        if seen:
            if seen[1] != p.ehash:
                return _reject(p.change_id, "change_id was already used for a different change; "
                               "the original stands")
            return {"change_id": p.change_id, "status": "duplicate", "seq": seen[0], "reason": None}
        if p.op == "append":
            if p.entity_id in self.appended:
                return {"change_id": p.change_id, "status": "duplicate",
                        "seq": self.appended[p.entity_id], "reason": "record already exists"}
            reason = self._check_append(p)
        elif p.entity == "agency":
            reason = self._apply_agency(p)
        else:
            reason = self._apply_upsert(p)
        if reason:
            return _reject(p.change_id, reason)
        seq = self._emit(p, self.who.username, self.who.device_id)
        self.by_change[p.change_id] = (seq, p.ehash)
        if p.op == "append":
            self.appended[p.entity_id] = seq
        self.clock.observe(p.hlc)
        return {"change_id": p.change_id, "status": "applied", "seq": seq, "reason": None}

    def _visible(self, rid: str, entity: str) -> Record | None:
        rec = self.records.get(rid)
        if rec is None or rec.entity != entity or not can_see(self.who, rec.agency, rec.visibility):
            return None
        return rec

    def _check_append(self, p: Prepared) -> str | None:
        if p.entity == "position":
            p.scope = p.fields["unit_id"]
            if self._visible(p.scope, "unit") is None:
                return "unknown unit (or not visible to you)"
            p.fields["reported_by"] = self.who.username
            return None
        p.scope = p.fields["incident_id"]
        if self._visible(p.scope, "incident") is None:
            return "unknown incident (or not visible to you)"
        amends = p.fields.get("amends")
        if amends and self.entries.get(amends) != p.scope:
            return "an amendment must point at an existing entry of the same incident"
        p.fields["author"] = self.who.username
        self.entries[p.entity_id] = p.scope
        return None

    def _apply_agency(self, p: Prepared) -> str | None:
        exists = self.conn.execute(
            select(db.agencies.c.slug).where(db.agencies.c.slug == p.entity_id)).first()
        if exists:
            if p.fields:
                self.conn.execute(db.agencies.update().where(db.agencies.c.slug == p.entity_id)
                                  .values(**p.fields))
            return None
        missing = REQUIRED_ON_CREATE["agency"] - set(p.fields)
        if missing:
            return f"a new agency needs: {', '.join(sorted(missing))}"
        self.conn.execute(db.agencies.insert().values(slug=p.entity_id, created_at=now_iso(), **p.fields))
        return None

    def _apply_upsert(self, p: Prepared) -> str | None:
        who = self.who
        rec = self.records.get(p.entity_id)
        if rec is not None and rec.entity != p.entity:
            return f"id {p.entity_id} belongs to a {rec.entity}, not a {p.entity}"
        if p.entity == "conflict":
            target = self.records.get(rec.values.get("entity_id", "")) if rec else None
            if target is None or not can_see(who, target.agency, target.visibility):
                return "unknown conflict (or not visible to you)"
            p.scope = target.id
        elif rec is None:
            missing = REQUIRED_ON_CREATE[p.entity] - set(p.fields)
            if missing:
                return f"a new {p.entity} needs: {', '.join(sorted(missing))}"
            if p.fields["agency"] != who.agency:
                return f"you may only create records of your own agency ({who.agency})"
            if p.base:
                return "a new record has no base"
            rec = Record(p.entity_id, p.entity, who.agency, p.fields["visibility"], {}, {}, {}, new=True)
            self.records[p.entity_id] = rec
            p.scope = p.entity_id
        else:
            if who.role != "commander" or rec.agency != who.agency:
                return f"only a commander of {rec.agency} may edit this {p.entity}"
            if "agency" in p.fields and p.fields["agency"] != rec.agency:
                return "a record cannot be moved to another agency"
            p.scope = p.entity_id
        was_visibility = rec.visibility
        result = merge_upsert(rec.values, rec.hlcs, p.fields, p.base, p.hlc, exists=not rec.new)
        authors_before = dict(rec.authors)
        rec.values, rec.hlcs = result.values, result.hlcs
        for name in result.applied:
            rec.authors[name] = who.username
        rec.dirty = True
        if p.entity != "conflict":
            rec.visibility = rec.values.get("visibility", rec.visibility)
        for fc in result.conflicts:
            self._conflict(p, fc, authors_before)
        if was_visibility == "agency" and rec.visibility == "shared" and not rec.new:
            self._reveal(rec)
        rec.new = False
        return None

    def _conflict(self, p: Prepared, fc: Any, authors_before: dict[str, str]) -> None:
        """Record a concurrent edit once, whichever order the two edits arrived in."""
        cid = str(fc.conflict_id(p.entity, p.entity_id))
        if cid not in self.records:
            self.records.update(load_records(self.conn, [cid]))
        if cid in self.records:
            return
        mine = self.who.username
        theirs = authors_before.get(fc.field)
        winner_by, loser_by = (mine, theirs) if fc.winner_hlc == p.hlc else (theirs, mine)
        fields = {
            "entity": p.entity, "entity_id": p.entity_id, "field": fc.field,
            "winner_value": fc.winner_value, "loser_value": fc.loser_value,
            "winner_hlc": fc.winner_hlc, "loser_hlc": fc.loser_hlc,
            "winner_by": winner_by, "loser_by": loser_by, "detected_at": self.received_at,
            "status": "open", "resolution": None,
        }
        hlc = self.clock.now()
        self.records[cid] = Record(
            cid, "conflict", None, None, dict(fields),
            dict.fromkeys(fields, hlc), dict.fromkeys(fields, "server"), dirty=True,
        )
        ehash = changelog.env_hash("conflict", cid, "upsert", fields, {}, hlc)
        self._emit(Prepared(-1, str(uuid.uuid4()), "conflict", cid, "upsert", fields, {}, hlc,
                            ehash, scope=p.entity_id), "server", None)

    def _reveal(self, rec: Record) -> None:
        """A record that turns shared is re-sent whole, one change per distinct HLC,
        so other agencies get every field with its true HLC (merging stays exact;
        the owning agency's laptops see no-ops)."""
        groups: dict[str, dict[str, Any]] = {}
        for name, hlc in rec.hlcs.items():
            groups.setdefault(hlc, {})[name] = rec.values.get(name)
        for hlc in sorted(groups):
            fields = groups[hlc]
            ehash = changelog.env_hash(rec.entity, rec.id, "upsert", fields, {}, hlc)
            self._emit(Prepared(-1, str(uuid.uuid4()), rec.entity, rec.id, "upsert", fields, {},
                                hlc, ehash, scope=rec.id), "server", None)

    def finish(self, action_extra: dict[str, Any]) -> None:
        if self.rows:
            changelog.insert_and_audit(
                self.conn, self.rows, "push", actor=self.who.username,
                device_id=self.who.device_id, extra=action_extra,
            )
        save_records(self.conn, [r for r in self.records.values() if r.dirty], self.seq)
        if self.who.device_id:
            self.conn.execute(
                db.devices.update().where(db.devices.c.id == bindparam("d")).values(last_seen_at=now_iso()),
                {"d": self.who.device_id},
            )


def push(engine: Any, who: Principal, items: list[Any], clock: HybridClock) -> Outcome:
    """Validate, authorise and store one batch; returns one result per change, in order."""
    prepared, _ = prepare(items, who)
    todo = [p for p in prepared if isinstance(p, Prepared)]
    results: list[dict[str, Any]] = [None] * len(prepared)  # type: ignore[list-item]
    with db.write_tx(engine) as conn:
        ap = Applier(conn, who, clock)
        if todo:
            ap.load(todo)
        for i, p in enumerate(prepared):
            results[i] = ap.apply(p) if isinstance(p, Prepared) else p
        ap.finish({})
        if ap.rows and engine.dialect.name == "postgresql":
            from sqlalchemy import text

            # Delivered at commit: wakes long-polls in every server process.
            conn.execute(text("SELECT pg_notify('fieldsync', :s)"), {"s": str(ap.seq)})
    return Outcome(results, ap.seq, len(ap.rows), ap.rows)


def results_json(results: list[dict[str, Any]]) -> bytes:
    return json.dumps({"results": results}, separators=(",", ":")).encode()
