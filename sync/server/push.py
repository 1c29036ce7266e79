"""Push, phase 1: what can be decided about a batch without the database.

`prepare` decodes the body with `sync.protocol.codec` (one typed msgspec decode;
the descriptive path only for changes it refuses), then applies the checks that
need no state: the caller's role (`rules.role_problem`), the event-time window
(`Entity.check_times` against the server's clock) and how far the HLC runs
ahead of the server. What survives is a `codec.Decoded` for phase 2
(`sync.server.applier`); everything else is already a rejected `PushResult`
carrying the English reason and the `{code, params}` a client translates.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import msgspec
from msgspec import UNSET

from sync.protocol import ENTITIES, MAX_HLC_AHEAD_MS, Problem, codec, envelope
from sync.protocol.entity import Entity
from sync.protocol.envelope import PushResult
from sync.protocol.limits import FUTURE_TOLERANCE, TIME_FLOOR
from sync.protocol.rules import Actor, role_problem

Item = codec.Decoded | PushResult  # one change after phase 1


def rejected(change_id: str, problem: Problem) -> PushResult:
    wire = problem.to_wire()
    return PushResult(change_id=change_id, status="rejected", reason=str(problem),
                      code=wire["code"], params=wire["params"])


def decode(raw: bytes) -> list[codec.Decoded | codec.Refused]:
    """A push body, decoded (codec.decode_push). Raises codec.BodyError for a body
    refused whole. Needs no caller, so it may run before authentication."""
    try:
        return codec.decode_push(raw)
    except RecursionError:
        raise codec.BodyError(422, "malformed JSON: nesting too deep") from None


def check(decoded: list[codec.Decoded | codec.Refused], actor: Actor) -> list[Item]:
    """The checks of phase 1 that depend on the caller and the clock."""
    now = datetime.now(UTC)
    latest = now + FUTURE_TOLERANCE  # event times must fall in [TIME_FLOOR, latest]
    hlc_limit = int(time.time() * 1000) + MAX_HLC_AHEAD_MS
    roles: dict[str, Problem | None] = {}
    out: list[Item] = []
    for d in decoded:
        if isinstance(d, codec.Refused):
            out.append(rejected(d.change_id, d.problem))
            continue
        entity, ch = d.entity, d.change
        if entity.name not in roles:
            roles[entity.name] = role_problem(actor, entity)
        problem = roles[entity.name]
        if problem is None and int(ch.hlc[:13]) > hlc_limit:
            problem = Problem("hlc_ahead", hours=MAX_HLC_AHEAD_MS // 3_600_000)
        if problem is None:
            for name in entity.event_times:  # inline: this runs for every position
                value = getattr(ch.fields, name)
                if value is not None and value is not UNSET and not TIME_FLOOR <= value <= latest:
                    problem = _time_problem(entity, ch.fields, now)
                    break
        out.append(d if problem is None else rejected(d.change_id, problem))
    return out


def prepare(raw: bytes, actor: Actor) -> list[Item]:
    """Phase 1 for one push body. Raises codec.BodyError for a body refused whole."""
    return check(decode(raw), actor)


def _time_problem(entity: Entity, fields: Any, now: datetime) -> Problem | None:
    given = {}
    for name in entity.event_times:
        value = getattr(fields, name)
        if value is not None and value is not UNSET:
            given[name] = value
    try:
        entity.check_times(given, now)
    except Problem as p:
        return p
    return None


def same_change(a: Any, b: Any) -> bool:
    """Are two typed changes (as decoded from a push or from a stored document) the
    same change? Server stamps and the stamped fields a client cannot set are not
    part of a change, so a replay matches whatever it carried there."""
    tag = type(a).__struct_config__.tag
    if tag != type(b).__struct_config__.tag:
        return False
    if (a.change_id, a.entity_id, a.base, a.hlc) != (b.change_id, b.entity_id, b.base, b.hlc):
        return False
    stamped = dict.fromkeys(ENTITIES[tag].stamped)
    fa, fb = a.fields, b.fields
    if stamped:
        fa = msgspec.structs.replace(fa, **stamped)
        fb = msgspec.structs.replace(fb, **stamped)
    return bool(fa == fb)


def same_record(a: Any, b: Any) -> bool:
    """The same append-only record, whatever change_id carried each copy."""
    try:
        return same_change(msgspec.structs.replace(a, change_id=b.change_id), b)
    except (TypeError, AttributeError):
        return False


_pulled: msgspec.json.Decoder[Any] | None = None


def stored_change(doc: str) -> Any | None:
    """A stored document as the typed pulled change it encodes (None: it no longer
    decodes, e.g. a value today's rules refuse; then nothing can match it)."""
    global _pulled
    if _pulled is None:
        _pulled = msgspec.json.Decoder(envelope.PULLED)
    try:
        return _pulled.decode(doc)
    except msgspec.ValidationError:
        return None
