"""Push: validate, authorise, merge and log a batch of changes.

Work is split in two phases so the serialised part stays short:
1. `prepare` (no lock, no database): envelope and field validation, role
   checks that need no state, clock skew. Failures become `rejected` results.
2. `Applier` (inside db.write_tx): duplicate detection, checks that need
   current state (ownership, visibility of the unit/incident), per-field merge
   and conflict records, then one bulk insert of change rows, the state rows
   and one audit row pinning them.
Each change gets its own result; a bad change never sinks its batch.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, bindparam, select, text

from sync.merge import FieldConflict, HybridClock, hlc_millis, merge_upsert
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
from sync.server.validate import Prepared, fast_position, position_doc, stamps_json

WRITERS = ("commander", "liaison")
_last_seen: dict[str, float] = {}  # device id -> monotonic time its last_seen_at was written
Result = dict[str, Any]


@dataclass
class Outcome:
    results: list[Result]
    last_seq: int
    accepted: int


def _reject(change_id: str, reason: str) -> Result:
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


def _prepare_one(item: Any, i: int, who: Principal) -> Prepared | Result:
    try:
        change = Change.model_validate(item)
    except ValidationError as exc:
        cid = item.get("change_id") if isinstance(item, dict) else None
        try:
            cid = str(uuid.UUID(str(cid)))
        except ValueError:
            # Without a usable change_id there is nothing to report a result
            # against, so the request as a whole is refused.
            raise invalid(f"changes[{i}]: {_describe(exc)}") from None
        return _reject(cid, _describe(exc))
    cid = str(change.change_id)
    reason = _role_reason(who, change.entity)
    if reason:
        return _reject(cid, reason)
    raw = dict(change.fields)
    for stamped in SERVER_STAMPED.get(change.entity, ()):  # author fields are the server's
        raw.pop(stamped, None)
    if change.entity == "conflict" and not set(raw) <= CLIENT_CONFLICT_FIELDS:
        return _reject(cid, "clients may only change a conflict's status and resolution")
    try:
        fields = validate_fields(change.entity, change.op, raw)
    except ValueError as exc:
        return _reject(cid, str(exc))
    for stamped in SERVER_STAMPED.get(change.entity, ()):
        fields.pop(stamped, None)
    return Prepared(i, cid, change.entity, change.entity_id, change.op, fields,
                    dict(change.base), change.hlc)


def prepare(items: list[Any], who: Principal) -> list[Prepared | Result]:
    """Phase 1: each item becomes a Prepared change or a rejected result."""
    out: list[Prepared | Result] = []
    limit_ms = int(time.time() * 1000) + MAX_FUTURE_SKEW_MS
    writer = who.role in WRITERS
    for i, item in enumerate(items):
        p = (fast_position(item, i) if writer else None) or _prepare_one(item, i, who)
        if isinstance(p, Prepared) and hlc_millis(p.hlc) > limit_ms:
            p = _reject(p.change_id, "hlc is more than 24 hours ahead of server time")
        out.append(p)
    return out


def _envelope(entity: str, entity_id: str, op: str, fields: dict[str, Any],
              base: dict[str, str], hlc: str) -> tuple[Any, ...]:
    stamped = SERVER_STAMPED.get(entity, ())
    return (entity, entity_id, op, {k: v for k, v in fields.items() if k not in stamped}, base, hlc)


def same_change(stored_doc: str, p: Prepared) -> bool:
    """Is `p` the change already stored under its change_id (a replay)?

    Compared on the normalised envelope without server stamps, so only a
    genuinely different change reusing a change_id is refused. Comparing on
    demand (replays are rare) keeps a per-change hash off the hot path."""
    d = json.loads(stored_doc)
    mine = _envelope(p.entity, p.entity_id, p.op, p.fields, p.base, p.hlc)
    return _envelope(d["entity"], d["entity_id"], d["op"], d["fields"], d["base"], d["hlc"]) == mine


_LOOKUPS: dict[tuple[str, str, str], Any] = {}  # (dialect, column, cols) -> statement


def _lookup(conn: Connection, column: str, cols: str, keys: list[str]) -> Sequence[Any]:
    """Rows of `changes` whose `column` is one of `keys`, in one statement."""
    if not keys:
        return []
    dialect = conn.dialect.name
    stmt = _LOOKUPS.get((dialect, column, cols))
    if stmt is None:
        if dialect == "sqlite":
            stmt = text(f"SELECT {cols} FROM changes WHERE {column} IN (SELECT value FROM json_each(:k))")
        elif dialect == "postgresql":
            stmt = text(f"SELECT {cols} FROM changes WHERE {column} = ANY(:k)")
        else:
            c = db.changes.c
            stmt = select(*[c[n.strip()] for n in cols.split(",")]).where(
                c[column].in_(bindparam("k", expanding=True)))
        _LOOKUPS[(dialect, column, cols)] = stmt
    return conn.execute(stmt, {"k": json.dumps(keys) if dialect == "sqlite" else keys}).all()


class Applier:
    """Phase 2 for one batch, inside the write transaction."""

    def __init__(self, conn: Connection, who: Principal, clock: HybridClock,
                 seq: int | None = None) -> None:
        self.conn, self.who, self.clock = conn, who, clock
        self.received_at = now_iso()
        self.stamps = stamps_json(who.username, who.device_id, self.received_at)
        self.rows: list[dict[str, Any]] = []
        self.seq = changelog.max_seq(conn) if seq is None else seq
        self.records: dict[str, Record] = {}
        self.stored: dict[str, tuple[int, str]] = {}  # change_id -> (seq, doc) already in the log
        self.batch: dict[str, tuple[int, Prepared]] = {}  # change_id -> accepted in this batch
        self.appended: dict[str, int] = {}  # append-only entity_id -> seq
        self.entries: dict[str, str] = {}  # incident_entry id -> its incident id
        self.visible: dict[str, bool] = {}  # unit/incident id -> may this caller see it
        self.max_hlc = ""

    def load(self, items: list[Prepared]) -> None:
        for cid, seq, doc in _lookup(self.conn, "change_id", "change_id, seq, doc",
                                     [p.change_id for p in items]):
            self.stored[cid] = (seq, doc)
        ids = [p.entity_id for p in items if p.op == "append"]
        ids += [p.fields["amends"] for p in items if p.fields.get("amends")]
        for eid, seq, ent, scope in _lookup(self.conn, "entity_id", "entity_id, seq, entity, scope", ids):
            if ent in APPEND_ONLY:
                self.appended[eid] = seq
            if ent == "incident_entry":
                self.entries[eid] = scope
        wanted = {p.entity_id for p in items if p.op == "upsert"}
        wanted |= {p.fields["unit_id"] if p.entity == "position" else p.fields["incident_id"]
                   for p in items if p.op == "append"}
        self.records = load_records(self.conn, sorted(wanted))
        # a conflict is visible through the record it is about
        targets = {r.values["entity_id"] for r in self.records.values()
                   if r.entity == "conflict" and r.values.get("entity_id")}
        targets -= set(self.records)
        self.records.update(load_records(self.conn, sorted(targets)))

    def apply(self, p: Prepared) -> Result:
        cid = p.change_id
        if p.fast and cid not in self.batch and cid not in self.stored \
                and p.entity_id not in self.appended:
            # The common case inlined (a new, well-formed position of a unit
            # the caller may see): same outcome as the general path below.
            uid = p.fields["unit_id"]
            ok = self.visible.get(uid)
            if ok is None:
                ok = self._can_see(uid, "unit")
            if ok:
                p.scope = uid
                p.fields["reported_by"] = self.who.username
                self.seq = seq = self.seq + 1
                self.rows.append({"seq": seq, "change_id": cid, "entity": "position",
                                  "entity_id": p.entity_id, "op": "append", "scope": uid,
                                  "doc": position_doc(p, seq, self.stamps)})
                self.batch[cid] = (seq, p)
                self.appended[p.entity_id] = seq
                if p.hlc > self.max_hlc:
                    self.max_hlc = p.hlc
                return {"change_id": cid, "status": "applied", "seq": seq, "reason": None}
        if cid in self.batch or cid in self.stored:
            seq, same = self._replay(p)
            if not same:
                return _reject(cid, "change_id was already used for a different change; "
                               "the original stands")
            return {"change_id": cid, "status": "duplicate", "seq": seq, "reason": None}
        if p.op == "append":
            if p.entity_id in self.appended:
                return {"change_id": cid, "status": "duplicate",
                        "seq": self.appended[p.entity_id], "reason": "record already exists"}
            reason = self._check_append(p)
        elif p.entity == "agency":
            reason = self._apply_agency(p)
        else:
            reason = self._apply_upsert(p)
        if reason:
            return _reject(cid, reason)
        seq = self._emit(p, self.who.username, self.who.device_id)
        self.batch[cid] = (seq, p)
        if p.op == "append":
            self.appended[p.entity_id] = seq
        if p.hlc > self.max_hlc:
            self.max_hlc = p.hlc
        return {"change_id": cid, "status": "applied", "seq": seq, "reason": None}

    def _replay(self, p: Prepared) -> tuple[int, bool]:
        if p.change_id in self.batch:
            seq, q = self.batch[p.change_id]
            return seq, (_envelope(q.entity, q.entity_id, q.op, q.fields, q.base, q.hlc)
                         == _envelope(p.entity, p.entity_id, p.op, p.fields, p.base, p.hlc))
        seq, doc = self.stored[p.change_id]
        return seq, same_change(doc, p)

    def _emit(self, p: Prepared, author: str | None, device: str | None) -> int:
        self.seq += 1
        if p.fast:
            doc = position_doc(p, self.seq, self.stamps)
            self.rows.append({"seq": self.seq, "change_id": p.change_id, "entity": p.entity,
                              "entity_id": p.entity_id, "op": p.op, "scope": p.scope, "doc": doc})
        else:
            self.rows.append(changelog.make_row(
                self.seq, p.change_id, p.entity, p.entity_id, p.op, p.fields, p.base, p.hlc,
                author=author, device_id=device, received_at=self.received_at, scope=p.scope,
            ))
        return self.seq

    def _can_see(self, rid: str, entity: str) -> bool:
        ok = self.visible.get(rid)
        if ok is None:
            rec = self.records.get(rid)
            ok = (rec is not None and rec.entity == entity
                  and can_see(self.who, rec.agency, rec.visibility))
            self.visible[rid] = ok
        return ok

    def _check_append(self, p: Prepared) -> str | None:
        if p.entity == "position":
            p.scope = p.fields["unit_id"]
            if not self._can_see(p.scope, "unit"):
                return "unknown unit (or not visible to you)"
            p.fields["reported_by"] = self.who.username
            return None
        p.scope = p.fields["incident_id"]
        if not self._can_see(p.scope, "incident"):
            return "unknown incident (or not visible to you)"
        amends = p.fields.get("amends")
        if amends and self.entries.get(amends) != p.scope:
            return "an amendment must point at an existing entry of the same incident"
        p.fields["author"] = self.who.username
        self.entries[p.entity_id] = p.scope
        return None

    def _apply_agency(self, p: Prepared) -> str | None:
        a = db.agencies
        if self.conn.execute(select(a.c.slug).where(a.c.slug == p.entity_id)).first():
            if p.fields:
                self.conn.execute(a.update().where(a.c.slug == p.entity_id).values(**p.fields))
            return None
        missing = REQUIRED_ON_CREATE["agency"] - set(p.fields)
        if missing:
            return f"a new agency needs: {', '.join(sorted(missing))}"
        self.conn.execute(a.insert().values(slug=p.entity_id, created_at=now_iso(), **p.fields))
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
            rec = Record(p.entity_id, p.entity, who.agency, p.fields["visibility"], {}, {}, {}, new=True)
            self.records[p.entity_id] = rec
            p.scope = p.entity_id
        else:
            if who.role != "commander" or rec.agency != who.agency:
                return f"only a commander of {rec.agency} may edit this {p.entity}"
            if "agency" in p.fields and p.fields["agency"] != rec.agency:
                return "a record cannot be moved to another agency"
            p.scope = p.entity_id
        assert rec is not None  # each branch above returned or bound the record
        was_visibility = rec.visibility
        result = merge_upsert(rec.values, rec.hlcs, p.fields, p.base, p.hlc, exists=not rec.new)
        authors_before = dict(rec.authors)
        rec.values, rec.hlcs = result.values, result.hlcs
        for name in result.applied:
            rec.authors[name] = who.username
        rec.dirty = True
        if p.entity != "conflict":
            rec.visibility = rec.values.get("visibility", rec.visibility)
            self.visible.pop(rec.id, None)
        if p.entity != "conflict":  # two people resolving one conflict: last writer wins
            for fc in result.conflicts:
                self._conflict(p, fc, authors_before)
        if was_visibility == "agency" and rec.visibility == "shared" and not rec.new:
            self._reveal(rec)
        rec.new = False
        return None

    def _conflict(self, p: Prepared, fc: FieldConflict, authors_before: dict[str, str]) -> None:
        """Record a concurrent edit once, whichever order the two edits arrived in."""
        cid = str(fc.conflict_id(p.entity, p.entity_id))
        if cid not in self.records:
            self.records.update(load_records(self.conn, [cid]))
        if cid in self.records:
            return
        mine, theirs = self.who.username, authors_before.get(fc.field)
        winner_by, loser_by = (mine, theirs) if fc.winner_hlc == p.hlc else (theirs, mine)
        fields = {
            "entity": p.entity, "entity_id": p.entity_id, "field": fc.field,
            "winner_value": fc.winner_value, "loser_value": fc.loser_value,
            "winner_hlc": fc.winner_hlc, "loser_hlc": fc.loser_hlc,
            "winner_by": winner_by, "loser_by": loser_by, "detected_at": self.received_at,
            "status": "open", "resolution": None,
        }
        hlc = self.clock.now()
        self.records[cid] = Record(cid, "conflict", None, None, dict(fields),
                                   dict.fromkeys(fields, hlc), dict.fromkeys(fields, "server"),
                                   dirty=True)
        self._emit(Prepared(-1, str(uuid.uuid4()), "conflict", cid, "upsert", fields, {}, hlc,
                            scope=p.entity_id), "server", None)

    def _reveal(self, rec: Record) -> None:
        """A record that turns shared is re-sent whole, one change per distinct HLC,
        so other agencies get every field with its true HLC (merging stays exact;
        for laptops that already have the record these are no-ops)."""
        groups: dict[str, dict[str, Any]] = {}
        for name, hlc in rec.hlcs.items():
            groups.setdefault(hlc, {})[name] = rec.values.get(name)
        for hlc in sorted(groups):
            self._emit(Prepared(-1, str(uuid.uuid4()), rec.entity, rec.id, "upsert", groups[hlc],
                                {}, hlc, scope=rec.id), "server", None)

    def finish(self) -> None:
        if self.max_hlc:
            self.clock.observe(self.max_hlc)  # later server HLCs sort after what was seen
        if self.rows:
            changelog.insert_and_audit(self.conn, self.rows, "push", actor=self.who.username,
                                       device_id=self.who.device_id)
        save_records(self.conn, [r for r in self.records.values() if r.dirty], self.seq)
        device = self.who.device_id
        now = time.monotonic()
        # "last seen" is for operators (device list); minute precision is plenty
        # and spares a write per push from busy devices.
        if device and now - _last_seen.get(device, -1e9) > 60:
            _last_seen[device] = now
            self.conn.execute(
                db.devices.update().where(db.devices.c.id == bindparam("d"))
                .values(last_seen_at=self.received_at), {"d": device},
            )


def push(engine: Engine, who: Principal, items: list[Any], clock: HybridClock) -> Outcome:
    """Validate, authorise and store one batch; returns one result per change, in order."""
    from sync.server.writer import apply_prepared

    prepared = prepare(items, who)
    with db.write_tx(engine) as conn:
        out = apply_prepared(conn, who, prepared, clock)
        if out.accepted and engine.dialect.name == "postgresql":
            # Delivered at commit: wakes long-polls in every server process.
            conn.execute(text("SELECT pg_notify('fieldsync', :s)"), {"s": str(out.last_seq)})
    return out


def results_json(results: list[Result]) -> bytes:
    """The push response; the common 'applied' result is assembled without the encoder."""
    enc = json.JSONEncoder(separators=(",", ":")).encode
    parts = [
        '{"change_id":"' + r["change_id"] + '","status":"applied","seq":' + str(r["seq"])
        + ',"reason":null}' if r["status"] == "applied" else enc(r)
        for r in results
    ]
    return ('{"results":[' + ",".join(parts) + "]}").encode()
