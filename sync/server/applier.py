"""Push, phase 2: apply prepared changes inside the write transaction.

A `Batch` is the state one transaction shares (a group of pushes, see
group_commit): what the log already holds for the changes at hand, the
materialised records they touch, and the rows accepted so far. Each push is
applied in order on it: duplicates, the authorisation rules that need state
(`sync.protocol.rules.write_problem`: visibility of the unit or incident,
ownership), per-field merge and conflict records; then one bulk insert of the
group's rows, the records it changed, and one audit row per push that pins its
rows, all in the same transaction. A bad change never sinks its batch.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from msgspec import UNSET
from sqlalchemy import Connection, bindparam, select

from sync.merge import FieldConflict, HybridClock, merge_upsert
from sync.protocol import ENTITIES, Problem, codec
from sync.protocol.entity import Entity
from sync.protocol.envelope import PushResult, Reveal, Withdrawal
from sync.protocol.operations import participants
from sync.protocol.rules import Holder, audience_change, sees, write_problem
from sync.server import accountable, audit, changelog, db, operations
from sync.server.audit import now_iso
from sync.server.auth import Principal
from sync.server.changelog import Row
from sync.server.pull import REVEAL, WITHDRAW
from sync.server.push import Item, rejected, same_change, same_record, stored_change
from sync.server.records import Record, load_records, members_of, save_records

_last_seen: dict[str, float] = {}  # device id -> monotonic time its last_seen_at was written
_STAMPED: dict[str, tuple[str, ...]] = {}


def _stamped(entity: Entity) -> tuple[str, ...]:
    names = _STAMPED.get(entity.name)
    if names is None:
        names = _STAMPED[entity.name] = tuple(entity.stamped)
    return names


@dataclass
class Outcome:
    results: list[PushResult]
    last_seq: int
    accepted: int  # rows this push added to the log (conflict records included)


@dataclass
class Push:
    """One push between the phases: who sent it and its prepared changes."""

    who: Principal
    items: list[Item]
    # per Decoded: (change_id, entity_id, the record its scope names, the entry it
    # amends, ((field, id) of the other references its rules look at))
    ids: list[Any] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # records accountability records name

    def __post_init__(self) -> None:
        ids: list[Any] = []
        links: list[Any] = []
        for d in self.items:
            if not isinstance(d, codec.Decoded):
                continue
            ch, f = d.change, d.change.fields
            refs = operations.refs_of(d.entity)
            ids.append((ch.change_id, ch.entity_id, _scope(d), getattr(f, "amends", None),
                        tuple((n, _set(getattr(f, n))) for n in refs) if refs else ()))
            if d.entity.original:
                links.extend(accountable.link_ids(d))
        self.ids, self.links = ids, links


def _scope(d: codec.Decoded) -> Any:
    """The record whose visibility governs an append: its scope field's (a position's
    unit), or for an accountability record its original (itself, for an original)."""
    e = d.entity
    if e.record != "append":
        return None
    if e.original is None:
        return getattr(d.change.fields, e.scope or "")
    return getattr(d.change.fields, e.original) or d.change.entity_id


def _set(value: Any) -> Any:
    return None if value is UNSET else value


def _lookup_sql(dialect: str, want: str, column: str) -> str:
    appends = f" AND {db.CREATES}" if column == "entity_id" else ""  # its unique index
    if dialect == "postgresql":
        return f"SELECT {want} FROM changes WHERE {column} = ANY(string_to_array(%s, ',')){appends}"
    return f"SELECT {want} FROM changes WHERE {column} IN (SELECT value FROM json_each(?)){appends}"


class Batch:
    """The state of one write transaction.

    Optimistic by default: it does not look each change up in the log first. A replay
    then either breaks a unique index when the rows are inserted, or is refused by a
    rule that needs state (a replay must answer `duplicate` whatever changed since,
    so `refused` is set); either way the caller runs the transaction again, `careful`,
    with every look-up. Replays are rare; the look-ups cost a fifth of a push.
    """

    def __init__(self, conn: Connection, clock: HybridClock, seq: int | None = None,
                 careful: bool = False) -> None:
        self.conn, self.clock, self.careful = conn, clock, careful
        self.refused = False  # a change was refused in phase 2
        self.seq = changelog.max_seq(conn) if seq is None else seq
        self.received_at = now_iso()
        self.rows: list[Row] = []
        self.audit = audit.Chain(conn)
        self.records: dict[str, Record] = {}
        self.stored: dict[str, tuple[int, str]] = {}  # change_id -> (seq, doc) logged before
        self.in_tx: dict[str, tuple[int, Any]] = {}  # change_id -> (seq, change) accepted here
        self.appended: dict[str, int] = {}  # append-only entity_id -> seq
        # append-only entity_id -> (author, change) of the record already holding it
        self.append_src: dict[str, tuple[str, Any]] = {}
        self.taken: set[str] = set()  # ids of mergeable records created in the log
        self.entries: dict[str, str] = {}  # incident_entry id -> its incident id
        self.handovers: dict[str, Holder] = {}  # hand-overs an acknowledgement may answer
        self._agencies: set[str] | None = None
        self.max_hlc = ""
        self._dialect = conn.dialect.name

    # -- look-ups, one round per set of pushes ---------------------------------

    def load(self, pushes: Sequence[Push]) -> None:
        cids: list[str] = []
        append_ids: list[str] = []
        acks: list[str] = []
        wanted: set[str] = set()
        for p in pushes:
            for cid, eid, scope, amends, refs in p.ids:
                if self.careful and cid not in self.in_tx:
                    cids.append(cid)
                if self.careful:  # who holds this id already, whatever its kind
                    append_ids.append(eid)
                if scope is not None:  # an append
                    wanted.add(scope)
                    if amends is not None:
                        append_ids.append(amends)
                else:
                    wanted.add(eid)
                for name, ref in refs:
                    if ref is None:
                        continue
                    if name == "acknowledges":
                        acks.append(ref)
                    else:
                        wanted.add(ref)
            wanted.update(p.links)
        for cid, seq, doc in self._lookup("change_id, seq, doc", "change_id", cids):
            self.stored[cid] = (seq, doc)
        found = self._lookup("entity_id, seq, entity, scope, doc", "entity_id",
                             [i for i in append_ids if i not in self.appended])
        for eid, seq, ent, scope, doc in found:
            if ENTITIES[ent].record == "append":
                self.appended[eid] = seq
                prev = stored_change(doc)
                self.append_src[eid] = (msgspec.json.decode(doc).get("author", ""), prev)
            else:
                self.taken.add(eid)
            if ent == "incident_entry":
                self.entries[eid] = scope
        self.handovers.update(operations.handovers_from_log(self._lookup(
            "entity_id, doc", "entity_id", [i for i in acks if i not in self.handovers])))
        self._load_records(wanted)

    def _lookup(self, want: str, column: str, keys: list[str]) -> Sequence[Any]:
        if not keys:
            return []
        if self._dialect == "postgresql":
            param: str = ",".join(keys)
        elif self._dialect == "sqlite":
            param = msgspec.json.encode(keys).decode()
        else:
            c = db.changes.c
            stmt = select(*[c[n.strip()] for n in want.split(",")]).where(
                c[column].in_(bindparam("k", expanding=True)))
            return self.conn.execute(stmt, {"k": keys}).all()
        if self._dialect != "postgresql":
            return self.conn.exec_driver_sql(_lookup_sql(self._dialect, want, column), (param,)).all()
        # Look-ups by key only. Before autovacuum has analysed a fast-growing log the
        # planner would seq-scan it for a batch's 5,000 keys (every push O(log size)).
        # Only for this statement: with seq scans off for the whole transaction, planning
        # the small audit statements took 10-50 ms each.
        self.conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        try:
            return self.conn.exec_driver_sql(_lookup_sql(self._dialect, want, column), (param,)).all()
        finally:
            self.conn.exec_driver_sql("SET LOCAL enable_seqscan = on")

    def _load_records(self, ids: set[str]) -> None:
        # With what the rules see through them: a conflict is visible through the record
        # it is about, a record of an operation through the operation's participants
        # (so at most three rounds: conflict, its record, that record's operation).
        ids -= self.records.keys()
        while ids:
            found = load_records(self.conn, sorted(ids))
            self.records.update(found)
            ids = {r.values["entity_id"] for r in found.values()
                   if r.entity == "conflict" and r.values.get("entity_id")}
            ids |= {r.operation for r in found.values() if r.operation}
            ids -= self.records.keys()

    # -- what the rules look at ------------------------------------------------------

    def holder(self, rec: Record | None) -> Holder | None:
        """A stored record as the rules see it (None: no such record yet)."""
        if rec is None or rec.new:
            return None
        members = None
        if rec.visibility == "operation" and rec.operation:
            op = rec if rec.entity == "operation" else self.records.get(rec.operation)
            members = participants(op.values) if op is not None and not op.new else frozenset()
        return rec.holder(members)

    def related(self, refs: Sequence[tuple[str, str | None]],
                values: dict[str, Any] | None = None) -> dict[str, Holder | None]:
        """The records a change names (by field), as the rules see them; `values`: the
        record being edited, for references the edit does not carry."""
        out: dict[str, Holder | None] = {}
        for name, ref in refs:
            ref = ref if ref is not None else (values or {}).get(name)
            if ref is None:
                continue
            out[name] = self.handovers.get(ref) if name == "acknowledges" \
                else self.holder(self.records.get(ref))
        return out

    def agencies(self) -> set[str]:
        """The deployment's agencies (read once per transaction, when a change names some)."""
        if self._agencies is None:
            self._agencies = set(self.conn.execute(select(db.agencies.c.slug)).scalars())
        return self._agencies

    # -- applying ------------------------------------------------------------------

    def apply(self, push: Push) -> Outcome:
        """Apply one push on this transaction (after `load` saw it); one result per change."""
        return _Applier(self, push).run()

    def finish(self) -> None:
        """The group's rows, records and clock; the caller commits."""
        if self.max_hlc:
            self.clock.observe(self.max_hlc)  # later server HLCs sort after what was seen
        changelog.insert_rows(self.conn, self.rows)
        self.audit.flush()
        save_records(self.conn, [r for r in self.records.values() if r.dirty], self.seq)


class _Applier:
    """One push applied on a Batch."""

    def __init__(self, batch: Batch, push: Push) -> None:
        self.b, self.who, self.push = batch, push.who, push
        self.tail = codec.stamps(self.who.username, self.who.device_id, batch.received_at)
        self.start = len(batch.rows)  # this push's rows are batch.rows[start:]
        self.verdicts: dict[tuple[str, str], Problem | None] = {}  # (entity, scope) -> verdict

    def run(self) -> Outcome:
        b, push, first = self.b, self.push, self.b.seq
        rows, in_tx, stored, appended, verdicts = b.rows, b.in_tx, b.stored, b.appended, self.verdicts
        username, tail, pulled_doc = self.who.username, self.tail, codec.pulled_doc
        results: list[PushResult] = []
        k = 0
        for d in push.items:
            if not isinstance(d, codec.Decoded):
                results.append(d)
                continue
            cid, eid, scope, amends, refs = push.ids[k]
            k += 1
            entity = d.entity
            if scope is not None and amends is None and not refs and cid not in in_tx \
                    and cid not in stored and eid not in appended \
                    and verdicts.get((entity.name, scope), 1) is None \
                    and eid not in b.taken and eid not in b.records:
                # The common case inlined, e.g. a position of a unit already found visible
                # in this push: the same steps as _one and _append, without their calls.
                ch = d.change
                if entity.name == "incident_entry":
                    b.entries[eid] = scope
                for name in _stamped(entity):
                    setattr(ch.fields, name, username)
                b.seq = seq = b.seq + 1
                rows.append((seq, cid, entity.name, eid, "append", scope,
                             pulled_doc(ch, seq, tail).decode()))
                in_tx[cid] = (seq, ch)
                appended[eid] = seq
                b.append_src[eid] = (username, ch)
                if ch.hlc > b.max_hlc:
                    b.max_hlc = ch.hlc
                results.append(PushResult(change_id=cid, status="applied", seq=seq))
                continue
            results.append(self._one(d, cid, eid, scope, amends, refs))
        self._finish()
        return Outcome(results, b.seq, b.seq - first)

    def _one(self, d: codec.Decoded, cid: str, eid: str, scope: str | None,
             amends: str | None, refs: Sequence[tuple[str, str | None]]) -> PushResult:
        b, ch, entity = self.b, d.change, d.entity
        if cid in b.in_tx or cid in b.stored:
            return self._replay(ch, cid)
        creates = False
        if entity.record == "append":
            if eid in b.appended or eid in b.taken or eid in b.records:
                return self._append_again(ch, cid, eid)
            if entity.original is not None:  # detentions, use of force: their own visibility
                scope, problem = accountable.apply(b.records, self.who, d, eid, ch.hlc)
                if problem is None:
                    for name in _stamped(entity):
                        setattr(ch.fields, name, self.who.username)
            else:
                problem = self._append(d, eid, scope or "", amends, refs)
        elif entity.name == "agency":
            scope, problem, creates = None, *self._agency(d, eid)
        else:
            scope, problem, creates = self._upsert(d, eid, refs)
        if problem is not None:
            b.refused = True
            return rejected(cid, problem)
        b.seq = seq = b.seq + 1
        b.rows.append(changelog.make_row(seq, cid, entity.name, eid, scope,
                                         codec.pulled_doc(ch, seq, self.tail), creates))
        b.in_tx[cid] = (seq, ch)
        if entity.record == "append":
            b.appended[eid] = seq
            b.append_src[eid] = (self.who.username, ch)
        elif creates:
            b.taken.add(eid)
        if ch.hlc > b.max_hlc:
            b.max_hlc = ch.hlc
        return PushResult(change_id=cid, status="applied", seq=seq)

    def _replay(self, ch: Any, cid: str) -> PushResult:
        b = self.b
        if cid in b.in_tx:
            seq, prev = b.in_tx[cid]
        else:
            seq, doc = b.stored[cid]
            prev = stored_change(doc)
        if prev is None or not same_change(prev, ch):
            return rejected(cid, Problem("change_id_reused"))
        return PushResult(change_id=cid, status="duplicate", seq=seq)

    def _append_again(self, ch: Any, cid: str, eid: str) -> PushResult:
        """An append whose id is already used: `duplicate` only when it is the caller's own
        record sent again (same author, same content) under a new change_id; otherwise
        the id is taken, with the same answer whoever holds it and whether the caller
        may see it (never its seq)."""
        b = self.b
        author, prev = b.append_src.get(eid, ("", None))
        if eid in b.appended and author == self.who.username and prev is not None \
                and same_record(prev, ch):
            return PushResult(change_id=cid, status="duplicate", seq=b.appended[eid],
                              reason="record already exists")
        b.refused = True
        entity = ENTITIES[type(ch).__struct_config__.tag]
        if entity.original is not None and sees(self.who, accountable.holder(b.records.get(eid)),
                                                entity.name):
            # an original the caller can see: say it cannot be rewritten (an edit attempt)
            return rejected(cid, Problem("original_immutable", entity=entity.name))
        return rejected(cid, Problem("id_taken", entity=entity.name))

    def _append(self, d: codec.Decoded, eid: str, scope: str, amends: str | None,
                refs: Sequence[tuple[str, str | None]]) -> Problem | None:
        b, entity, f = self.b, d.entity, d.change.fields
        if refs:  # rules that look at this record's own fields (a hand-over)
            problem = self._per_record(d, eid, scope, refs)
        else:
            key = (entity.name, scope)
            if key in self.verdicts:
                problem = self.verdicts[key]
            else:
                problem = self.verdicts[key] = write_problem(
                    self.who, entity, {}, parent=b.holder(b.records.get(scope)))
        if problem is not None:
            return problem
        if entity.name == "incident_entry":
            if amends is not None and b.entries.get(amends) != scope:
                return Problem("amend_mismatch", "amends", entity.name)
            b.entries[eid] = scope
        for name in _stamped(entity):  # author fields are the server's
            setattr(f, name, self.who.username)
        return None

    def _per_record(self, d: codec.Decoded, eid: str, scope: str,
                    refs: Sequence[tuple[str, str | None]]) -> Problem | None:
        b, entity = self.b, d.entity
        fields = d.fields()
        problem = write_problem(self.who, entity, fields, parent=b.holder(b.records.get(scope)),
                                related=b.related(refs), agencies=self._agencies(entity, fields))
        if problem is None and entity.name == "handover":
            b.handovers[eid] = operations.handover_holder(eid, fields)
            operations.handover_audit(b.audit, self.who, eid, fields)
        return problem

    def _agencies(self, entity: Entity, fields: dict[str, Any]) -> set[str] | None:
        if any(fields.get(n) is not None for n in entity.agency_refs):
            return self.b.agencies()
        return None

    def _agency(self, d: codec.Decoded, slug: str) -> tuple[Problem | None, bool]:
        a, fields = db.agencies, d.fields()
        exists = self.b.conn.execute(select(a.c.slug).where(a.c.slug == slug)).first() is not None
        problem = write_problem(self.who, d.entity, fields,
                                existing=Holder("agency", None, None) if exists else None)
        if problem is None and not exists and (slug in self.b.appended or slug in self.b.taken):
            problem = Problem("id_taken", entity="agency")
        if problem is not None:
            return problem, False
        if exists:
            if fields:
                self.b.conn.execute(a.update().where(a.c.slug == slug).values(**fields))
        else:
            self.b.conn.execute(a.insert().values(slug=slug, created_at=now_iso(), **fields))
        return None, not exists

    def _upsert(self, d: codec.Decoded, eid: str, refs: Sequence[tuple[str, str | None]]
                ) -> tuple[str | None, Problem | None, bool]:
        """Scope, refusal, and whether this change creates the record."""
        b, who, entity, ch = self.b, self.who, d.entity, d.change
        fields = d.fields()
        rec = b.records.get(eid)
        existing = b.holder(rec)
        if entity.name == "conflict":
            target = b.records.get(rec.values.get("entity_id", "")) if rec else None
            problem = write_problem(who, entity, fields, existing=existing,
                                    parent=b.holder(target))
            if problem is not None:
                return None, problem, False
            assert rec is not None and target is not None  # write_problem refused otherwise
            scope = target.id
        else:
            if (existing is not None and not sees(who, existing, entity.name)) \
                    or (existing is None and (eid in b.appended or eid in b.taken)):
                # Another kind of record, or one the caller may not see, holds this id:
                # answered exactly as if the id were free, except that it cannot be taken.
                problem = write_problem(who, entity, fields) or Problem("id_taken", entity=entity.name)
                return None, problem, False
            values = rec.values if existing is not None and rec is not None else None
            # a scoped record (an assignment) is seen through the record it names
            parent = (values or fields).get(entity.scope) if entity.scope else None
            problem = write_problem(who, entity, fields, existing=existing,
                                    parent=b.holder(b.records.get(parent or "")),
                                    related=b.related(refs, values),
                                    agencies=self._agencies(entity, fields))
            if problem is not None:
                return None, problem, False
            scope = parent or eid
        exists = existing is not None
        result = merge_upsert(rec.values if exists and rec else {},
                              rec.hlcs if exists and rec else {}, fields, ch.base, ch.hlc,
                              exists=exists)
        if entity.name != "conflict" and entity.checks:
            try:  # rules over the whole record, as it would stand after this change
                entity.check_record(result.values)
            except Problem as p:
                return None, p, False
        if rec is None or not exists:
            rec = b.records[eid] = Record(eid, entity.name, None, None, {}, {}, {}, new=True)
        creates = rec.new and not rec.in_db
        was, before = b.holder(rec), rec.values
        authors_before = dict(rec.authors)
        rec.values, rec.hlcs = result.values, result.hlcs
        for name in result.applied:
            rec.authors[name] = who.username
        rec.dirty, rec.new = True, False
        if entity.name != "conflict":  # two people resolving one conflict: last writer wins
            rec.refresh_audience()
            now = b.holder(rec)
            if now != was:
                self.verdicts.clear()
            for fc in result.conflicts:
                self._conflict(entity.name, eid, ch.hlc, fc, authors_before)
            if entity.name == "operation":
                operations.membership_audit(b.audit, who, eid, before if exists else None,
                                            rec.values)
            if exists and was is not None and now is not None:
                narrowed, widened = audience_change(was, now)
                if widened:
                    self._reveal(rec)
                if narrowed:
                    self._withdraw(rec)
                if entity.name == "operation" and (narrowed or widened):
                    self._members_changed(rec, narrowed, widened)
        return scope, None, creates

    def _members_changed(self, op: Record, narrowed: bool, widened: bool) -> None:
        """An operation's participants changed: its records seen by participants only are
        withdrawn from agencies that left and revealed to those that joined (assignments
        and hand-overs go with the operation itself on the laptops)."""
        b = self.b
        ids = set(members_of(b.conn, op.id))
        ids |= {r.id for r in b.records.values() if r.operation == op.id and r.id != op.id}
        b._load_records(set(ids))
        for rid in sorted(ids):
            rec = b.records.get(rid)
            if rec is None or rec.new or rec.operation != op.id or rec.visibility != "operation":
                continue
            if rec.entity == "assignment":
                if widened:
                    self._resend(rec)
                continue
            if narrowed:
                self._withdraw(rec)
            if widened:
                self._reveal(rec)

    def _withdraw(self, rec: Record) -> None:
        self._marker(WITHDRAW, rec, Withdrawal(entity=rec.entity, id=rec.id, seq=self.b.seq + 1))

    def _server_change(self, entity: str, entity_id: str, fields: dict[str, Any], hlc: str,
                       scope: str | None, creates: bool = False) -> None:
        b = self.b
        b.seq += 1
        tail = codec.stamps("server", None, b.received_at)
        b.rows.append(changelog.server_row(b.seq, str(uuid.uuid4()), entity, entity_id, fields,
                                           hlc, scope, tail, creates))

    def _conflict(self, entity: str, entity_id: str, hlc: str, fc: FieldConflict,
                  authors_before: dict[str, str]) -> None:
        """Record a concurrent edit once, whichever order the two edits arrived in."""
        b = self.b
        cid = str(fc.conflict_id(entity, entity_id))
        b._load_records({cid})
        if cid in b.records:
            return
        mine, theirs = self.who.username, authors_before.get(fc.field)
        winner_by, loser_by = (mine, theirs) if fc.winner_hlc == hlc else (theirs, mine)
        fields = {
            "entity": entity, "entity_id": entity_id, "field": fc.field,
            "winner_value": fc.winner_value, "loser_value": fc.loser_value,
            "winner_hlc": fc.winner_hlc, "loser_hlc": fc.loser_hlc,
            "winner_by": winner_by, "loser_by": loser_by, "detected_at": b.received_at,
            "status": "open", "resolution": None,
        }
        server_hlc = self.b.clock.now()
        b.records[cid] = Record(cid, "conflict", None, None, dict(fields),
                                dict.fromkeys(fields, server_hlc), dict.fromkeys(fields, "server"),
                                dirty=True)
        self._server_change("conflict", cid, fields, server_hlc, entity_id, creates=True)

    def _reveal(self, rec: Record) -> None:
        """A record that turns visible to more people is re-sent whole, one change per
        distinct HLC, so they get every field with its true HLC (merging stays exact;
        for laptops that already have the record these are no-ops). Then a reveal
        marker says how many positions or entries it has: a laptop holding fewer
        fetches the record's history (sync.server.pull.history_page), so a long track
        is sent only to those who lack it, not written into the log again."""
        self._resend(rec)
        count = changelog.count_appends(self.b.conn, rec.id) + sum(
            1 for r in self.b.rows if r[5] == rec.id and r[4] == "append")
        self._marker(REVEAL, rec, Reveal(entity=rec.entity, id=rec.id, seq=self.b.seq + 1,
                                         count=count))

    def _resend(self, rec: Record) -> None:
        """A record's every field with its HLC, one server change per distinct HLC (its
        scope: the record, or for an assignment its operation)."""
        scope = rec.operation if rec.entity == "assignment" else rec.id
        groups: dict[str, dict[str, Any]] = {}
        for name, hlc in rec.hlcs.items():
            groups.setdefault(hlc, {})[name] = rec.values.get(name)
        for hlc in sorted(groups):
            self._server_change(rec.entity, rec.id, groups[hlc], hlc, scope)

    def _marker(self, op: str, rec: Record, marker: Any) -> None:
        """A withdrawal or reveal in the log (sync.server.pull hands it to the callers
        it concerns)."""
        b = self.b
        b.seq += 1
        b.rows.append(changelog.marker_row(b.seq, str(uuid.uuid4()), op, rec.entity, rec.id,
                                           marker))

    def _finish(self) -> None:
        who, conn = self.who, self.b.conn
        mine = self.b.rows[self.start:]
        if mine:
            changelog.audit_rows(self.b.audit, mine, "push", actor=who.username,
                                 device_id=who.device_id)
        device = who.device_id
        now = time.monotonic()
        # "last seen" is for operators (device list); minute precision is plenty
        # and spares a write per push from busy devices.
        if device and now - _last_seen.get(device, -1e9) > 60:
            _last_seen[device] = now
            conn.execute(db.devices.update().where(db.devices.c.id == bindparam("d"))
                         .values(last_seen_at=self.b.received_at), {"d": device})
