"""The authorisation state checked against the audit trail and the change log.

Who may do and see what lives in tables the trail does not hash row by row: users
(role, agency, disabled, password hash), devices (whose, token, expiry, revoked),
agencies, and the materialised records (owner and visibility of units and incidents).
Each of them is rebuilt here from what *is* chained, and any difference is reported:
- users and devices from the trail's account rows (`user.add` with role, agency and a
  digest of the password hash, `user.disable`/`enable`, `user.passwd`, `login` with a
  digest of the device's token and its expiry, `logout`/`device.revoke`);
- agencies and records by folding the change log (pinned by the trail's push rows)
  with the same per-field last-writer-wins rule the server applies.
Rows written before this check existed may lack a digest; then that part is skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from sync.merge import merge_upsert
from sync.protocol import ENTITIES
from sync.server import accountable, db


def digest(text: str) -> str:
    """SHA-256 of a secret-derived value, for the trail (the value itself never goes in)."""
    return hashlib.sha256(text.encode()).hexdigest()


def problems(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> list[str]:
    users: dict[str, dict[str, Any]] = {}
    devices: dict[str, dict[str, Any]] = {}
    revoked: set[str] = set()
    for r in rows:
        try:
            detail = json.loads(r["detail"])
        except ValueError:
            continue  # reported by the chain check
        action, subject = r["action"], r["subject"]
        if action == "user.add":
            users[subject] = {"role": detail.get("role"), "agency": detail.get("agency"),
                              "disabled": False, "pw": detail.get("pw")}
        elif action in ("user.disable", "user.enable") and subject in users:
            users[subject]["disabled"] = action == "user.disable"
            revoked.update(detail.get("revoked", ()))
        elif action == "user.passwd" and subject in users:
            users[subject]["pw"] = detail.get("pw")
        elif action == "login":
            devices[r["device_id"]] = {"user": r["actor"], "token": detail.get("token"),
                                       "expires_at": detail.get("expires_at")}
            if "pw" in detail and r["actor"] in users:
                users[r["actor"]]["pw"] = detail["pw"]
        elif action in ("logout", "device.revoke"):
            revoked.add(r["device_id"])
    return (_users(conn, users) + _devices(conn, devices, revoked) + _agencies(conn)
            + _records(conn))


def _users(conn: Connection, expected: dict[str, dict[str, Any]]) -> list[str]:
    out = []
    u = db.users.c
    names: dict[int, str] = {}
    for row in conn.execute(select(u.id, u.username, u.role, u.agency, u.disabled, u.password_hash)):
        names[row.id] = row.username
        want = expected.pop(row.username, None)
        if want is None:
            out.append(f"users: {row.username} was not created through the audit trail")
            continue
        for name in ("role", "agency", "disabled"):
            if getattr(row, name) != want[name]:
                out.append(f"users: {row.username} has {name} {getattr(row, name)!r}, "
                           f"the audit trail says {want[name]!r}")
        if want["pw"] is not None and digest(row.password_hash) != want["pw"]:
            out.append(f"users: the password of {row.username} was replaced outside the server")
    out += [f"users: {name} is missing" for name in sorted(expected)]
    return out


def _devices(conn: Connection, expected: dict[str, dict[str, Any]], revoked: set[str]) -> list[str]:
    out = []
    d, u = db.devices.c, db.users.c
    q = select(d.id, d.token_hash, d.expires_at, d.revoked_at, u.username).join(
        db.users, u.id == d.user_id)
    for row in conn.execute(q):
        want = expected.get(row.id)
        if want is None:
            out.append(f"devices: {row.id} was not created by a sign-in")
            continue
        if row.username != want["user"]:
            out.append(f"devices: {row.id} belongs to {row.username}, the trail says {want['user']}")
        if want["token"] is not None and digest(row.token_hash) != want["token"]:
            out.append(f"devices: the token of {row.id} was replaced")
        if want["expires_at"] is not None and row.expires_at != want["expires_at"]:
            out.append(f"devices: the expiry of {row.id} was changed")
        if (row.revoked_at is not None) != (row.id in revoked):
            state = "revoked" if row.revoked_at is not None else "active"
            out.append(f"devices: {row.id} is {state}, the audit trail says otherwise")
    return out


def _fold(conn: Connection, entities: tuple[str, ...]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Current values of mergeable records, from the change log: id -> (entity, values)."""
    state: dict[str, tuple[str, dict[str, Any], dict[str, str]]] = {}
    c = db.changes.c
    q = select(c.entity, c.entity_id, c.doc).where(c.entity.in_(entities)).order_by(c.seq)
    for entity, eid, doc in conn.execute(q):
        try:
            change = json.loads(doc)
            fields, hlc = dict(change["fields"]), str(change["hlc"])
        except (ValueError, KeyError, TypeError):
            continue  # a forged row: the chain check reports it
        _, values, hlcs = state.get(eid, (entity, {}, {}))
        merged = merge_upsert(values, hlcs, fields, {}, hlc)
        state[eid] = (entity, merged.values, merged.hlcs)
    return {k: (e, v) for k, (e, v, _) in state.items()}


def _agencies(conn: Connection) -> list[str]:
    out = []
    folded = _fold(conn, ("agency",))
    a = db.agencies.c
    for row in conn.execute(select(a.slug, a.name, a.kind)):
        _, values = folded.pop(row.slug, ("agency", None))
        if values is None:
            out.append(f"agencies: {row.slug} is not in the change log")
        elif (row.name, row.kind) != (values.get("name"), values.get("kind")):
            out.append(f"agencies: {row.slug} differs from its changes in the log")
    out += [f"agencies: {slug} is missing" for slug in sorted(folded)]
    return out


def _records(conn: Connection) -> list[str]:
    out = []
    kinds = tuple(n for n, e in ENTITIES.items() if e.record == "mergeable")
    folded = _fold(conn, kinds)
    c = db.changes.c
    owned = tuple(n for n, e in ENTITIES.items() if e.original is not None)
    rebuilt = accountable.rebuild(conn.execute(  # detentions, use of force (their own rows)
        select(c.entity, c.entity_id, c.scope, c.doc).where(c.entity.in_(owned),
                                                            c.op == "append").order_by(c.seq)))
    r = db.records.c
    for row in conn.execute(select(r.id, r.entity, r.agency, r.visibility, r.state)):
        if row.entity in owned:
            rec = rebuilt.pop(row.id, None)
            state = json.loads(row.state)
            if rec is None:
                out.append(f"records: {row.entity} {row.id} is not in the change log")
            elif (rec.entity, rec.agency, rec.visibility, rec.values, rec.links) != (
                    row.entity, row.agency, row.visibility, state.get("v"), state.get("l", {})):
                out.append(f"records: {row.entity} {row.id} (owner, values or the reports "
                           "naming it) differs from its changes in the log")
            continue
        entity, values = folded.pop(row.id, (row.entity, None))
        if values is None:
            out.append(f"records: {row.entity} {row.id} is not in the change log")
            continue
        owner = ENTITIES[entity].owner
        want = (entity, values.get(owner) if owner else None, values.get("visibility"), values)
        have = (row.entity, row.agency, row.visibility, json.loads(row.state).get("v"))
        if want != have:
            out.append(f"records: {row.entity} {row.id} (owner, visibility or values) "
                       "differs from its changes in the log")
    out += [f"records: {e} {rid} is missing" for rid, (e, _) in sorted(folded.items())]
    out += [f"records: {rec.entity} {rid} is missing" for rid, rec in sorted(rebuilt.items())]
    return out
