"""Decoding and encoding of the wire: the one place JSON is read or written.

Push, server side (`decode_push`):
- fast path: one msgspec decode of the whole body into the typed change union
  (every limit of every entity definition applies), then `Entity.finish`;
- full path, only when the fast path refuses something: each change on its own,
  so a bad change is rejected with a `Problem` (code, field, parameters) that
  `check_change` explains, while the rest of its batch goes on.
A test drives both paths with generated input (hypothesis) and requires the same
verdict and the same canonical fields.

Pull, client side (`decode_pull`): the same split; a change this client cannot
decode (an entity or a value from a newer peer) is returned as `held`, never
dropped, so the caller can keep it until an upgrade understands it.

Stored and pulled documents (`pulled_doc`) are the change's own encoding plus the
server's stamps, so a pull page is their concatenation (`pull_body`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from msgspec import UNSET

from sync.protocol import envelope
from sync.protocol.entity import ENTITIES, Entity
from sync.protocol.envelope import ENVELOPE_KEYS, HLC_RE, PushResponse, PushResult
from sync.protocol.fields import Ref, canonical_ids
from sync.protocol.limits import MAX_PUSH_CHANGES
from sync.protocol.problems import Problem

_encoder = msgspec.json.Encoder()
encode = _encoder.encode
_generic = msgspec.json.Decoder()
_REF = Ref()


class BodyError(ValueError):
    """A request body refused as a whole (no change in it can be answered)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


@dataclass(slots=True)
class Decoded:
    """A change that passed every check needing no state."""

    index: int
    change: Any  # the typed change (envelope.CHANGE_TYPES[entity])
    entity: Entity

    @property
    def change_id(self) -> str:
        return self.change.change_id

    @property
    def entity_id(self) -> str:
        return self.change.entity_id

    def fields(self) -> dict[str, Any]:
        """The canonical wire fields (only those set, for an upsert)."""
        return self.entity.wire_fields(self.change.fields)


@dataclass(slots=True)
class Refused:
    index: int
    change_id: str
    problem: Problem


class _LoosePush(msgspec.Struct, forbid_unknown_fields=True):
    changes: list[msgspec.Raw]


class _LoosePull(msgspec.Struct):
    changes: list[msgspec.Raw]
    next: int
    more: bool
    withdrawn: list[envelope.Withdrawal] = msgspec.field(default_factory=list)
    revealed: list[envelope.Reveal] = msgspec.field(default_factory=list)


_decoders: dict[tuple[str, Any], msgspec.json.Decoder[Any]] = {}


def _decoder(name: str, typ: Any) -> msgspec.json.Decoder[Any]:
    # Keyed by the type too: envelope.build() makes new union types when an entity is
    # registered later (an upgrade, or a test), and a decoder of the old ones would hold
    # that entity's changes for ever.
    dec = _decoders.get((name, typ))
    if dec is None:
        dec = _decoders[(name, typ)] = msgspec.json.Decoder(typ)
    return dec


def _entity_of(change: Any) -> Entity:
    return ENTITIES[type(change).__struct_config__.tag]


def _ids(changes: Sequence[Any]) -> list[str]:
    """Every id the changes carry (their own, their records', their references)."""
    out: list[str] = []
    add = out.append
    for ch in changes:
        e = _entity_of(ch)
        add(ch.change_id)
        if e.id_is_ref:
            add(ch.entity_id)
        if e.ref_fields:
            f = ch.fields
            for name in e.ref_fields:
                value = getattr(f, name)
                if value.__class__ is str:
                    add(value)
    return out


def _spell_ids(change: Any) -> Any:
    """One change decoded on its own, its ids written in canonical form (an upper-case
    or unhyphenated UUID is the same id); msgspec.ValidationError if one is not an id."""
    e = _entity_of(change)
    places = [(change, "change_id")] + ([(change, "entity_id")] if e.id_is_ref else [])
    places += [(change.fields, name) for name in e.ref_fields]
    for obj, name in places:
        value = getattr(obj, name)
        if value.__class__ is str and not canonical_ids([value]):
            try:
                setattr(obj, name, _REF.check(value))
            except Problem as p:
                raise msgspec.ValidationError(str(p)) from None
    return change


def _problem(change: Any, entity: Entity) -> Problem | None:
    """What a typed decode leaves to check in one change (None: nothing wrong)."""
    try:
        if change.base:
            f = change.fields
            for name in change.base:
                if getattr(f, name, UNSET) is UNSET:
                    raise Problem("base_not_in_fields", entity=entity.name, name=name)
        entity.finish(change.fields)
    except Problem as p:
        return p
    return None


def _finish(index: int, change: Any) -> Decoded | Refused:
    entity = _entity_of(change)
    problem = _problem(change, entity)
    if problem is not None:
        return Refused(index, change.change_id, problem)
    return Decoded(index, change, entity)


# -- push ------------------------------------------------------------------------


def decode_push(raw: bytes) -> list[Decoded | Refused]:
    """Every change of a push body, decoded or refused with a reason. Raises
    BodyError when the body as a whole is unusable."""
    try:
        req = _decoder("push", envelope.PushRequest).decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        return _decode_push_slowly(raw)
    if not canonical_ids(_ids(req.changes)):
        return _decode_push_slowly(raw)
    return [_finish(i, ch) for i, ch in enumerate(req.changes)]


def _decode_push_slowly(raw: bytes) -> list[Decoded | Refused]:
    if not raw.strip():
        raise BodyError(422, "request body is empty; expected JSON")
    try:
        loose = _decoder("loose_push", _LoosePush).decode(raw)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise BodyError(422, f"malformed JSON: {exc}") from None
    except msgspec.ValidationError:
        raise BodyError(422, 'body must be an object {"changes": [...]}') from None
    if len(loose.changes) > MAX_PUSH_CHANGES:
        raise BodyError(413, f"{len(loose.changes)} changes in one push; at most {MAX_PUSH_CHANGES}")
    one = _decoder("change", envelope.CHANGE)
    out: list[Decoded | Refused] = []
    for i, item in enumerate(loose.changes):
        try:
            out.append(_finish(i, _spell_ids(one.decode(item))))
        except (msgspec.ValidationError, RecursionError) as exc:
            try:
                value = _generic.decode(item)
            except (msgspec.ValidationError, RecursionError) as bad:
                # Not even a plain value (a number past float range, nesting too
                # deep): nothing in it can be trusted, a change_id included.
                raise BodyError(422, f"changes[{i}]: {str(bad) or 'nesting too deep'}") from None
            problem = explain(value, exc)
            cid = _change_id(value)
            if cid is None:
                # Without a usable change_id no result can name it: refuse the request.
                raise BodyError(422, f"changes[{i}]: {problem}") from None
            out.append(Refused(i, cid, problem))
    return out


def explain(item: Any, exc: Exception | None = None) -> Problem:
    """Why one change is refused, as the descriptive path sees it."""
    try:
        check_change(item)
    except Problem as p:
        return p
    # The descriptive path accepted what the fast path refused: a gap between the two
    # (the tests look for these). Still refuse, with msgspec's own words.
    return Problem("malformed_change", detail=str(exc) if exc else "invalid change")


def _change_id(item: Any) -> str | None:
    if isinstance(item, dict):
        try:
            return _REF.check(item.get("change_id"))
        except Problem:
            return None
    return None


def check_change(item: Any) -> tuple[Entity, dict[str, Any]]:
    """The descriptive path for one change: its entity and canonical fields, or a
    Problem saying what is wrong."""
    if not isinstance(item, dict):
        raise Problem("malformed_change", detail="a change must be an object")
    extra = sorted(set(item) - ENVELOPE_KEYS)
    if extra:
        raise Problem("malformed_change", detail=f"unknown key {extra[0]!r}")
    missing = sorted({"change_id", "entity", "entity_id", "op", "fields", "hlc"} - set(item))
    if missing:
        raise Problem("malformed_change", detail=f"missing key {missing[0]!r}")
    if _change_id(item) is None:
        raise Problem("malformed_change", detail="change_id must be a UUID")
    name = item["entity"]
    entity = ENTITIES.get(name) if isinstance(name, str) else None
    if entity is None:
        raise Problem("unknown_entity", name=str(name)[:60])
    if item["op"] != entity.op:
        raise Problem("wrong_op", entity=entity.name, op=entity.op)
    try:
        entity.id_kind.check(item["entity_id"])
    except Problem:
        raise Problem("malformed_change", entity=entity.name,
                      detail="entity_id is not a valid id for this kind of record") from None
    hlc = item["hlc"]
    if not isinstance(hlc, str) or not HLC_RE.search(hlc):
        raise Problem("malformed_change", detail="hlc is not a clock value")
    fields = entity.check_fields(item["fields"])
    base = item.get("base", {})
    if not isinstance(base, dict) or not all(
            isinstance(v, str) and HLC_RE.search(v) for v in base.values()):
        raise Problem("malformed_change", detail="base must map field names to clock values")
    for name in base:
        if name not in item["fields"]:
            raise Problem("base_not_in_fields", entity=entity.name, name=str(name))
    return entity, fields


def push_body(changes: Sequence[dict[str, Any] | msgspec.Raw]) -> bytes:
    """A push request from changes in wire form: dicts, or wire documents already encoded
    (`msgspec.Raw`, as the client's outbox reads them), which are copied as they are."""
    return encode({"changes": changes})


def push_response(results: list[PushResult]) -> bytes:
    return encode(PushResponse(results=results))


def decode_push_response(raw: bytes) -> PushResponse:
    return _decoder("push_response", PushResponse).decode(raw)


# -- stored documents and pull pages -----------------------------------------------


def stamps(author: str | None, device_id: str | None, received_at: str) -> bytes:
    """The tail every document of one batch shares (see pulled_doc)."""
    return (b',"author":' + encode(author) + b',"device_id":' + encode(device_id)
            + b',"received_at":' + encode(received_at) + b"}")


def pulled_doc(change: Any, seq: int, tail: bytes) -> bytes:
    """The document a pull hands out: the change as decoded, plus seq and stamps."""
    body = encode(change)
    return body[:-1] + b',"seq":' + str(seq).encode() + tail


def change_doc(entity: str, change_id: str, entity_id: str, fields: dict[str, Any],
               base: dict[str, str], hlc: str, seq: int, tail: bytes) -> bytes:
    """The same document for a change the server makes itself (conflicts, reveals,
    agencies); keys in the order a decoded change encodes them."""
    body = encode({"entity": entity, "change_id": change_id, "entity_id": entity_id,
                   "op": ENTITIES[entity].op, "fields": fields, "base": base, "hlc": hlc})
    return body[:-1] + b',"seq":' + str(seq).encode() + tail


def pull_body(docs: list[bytes], next_seq: int, more: bool,
              withdrawn: Sequence[envelope.Withdrawal] = (),
              revealed: Sequence[envelope.Reveal] = ()) -> bytes:
    """A pull response from stored documents, without decoding them (withdrawals and
    reveals only when there are some: older clients never see the keys otherwise)."""
    tail = [b'],"next":', str(next_seq).encode(), b',"more":true' if more else b',"more":false']
    if withdrawn:
        tail += (b',"withdrawn":', encode(list(withdrawn)))
    if revealed:
        tail += (b',"revealed":', encode(list(revealed)))
    tail.append(b"}")
    if not docs:
        return b'{"changes":[' + b"".join(tail)
    # A page is megabytes of documents: copied once, by one join, not once per `+`.
    parts = list(docs)
    parts[0] = b'{"changes":[' + parts[0]
    parts[-1] += b"".join(tail)
    return b",".join(parts)


@dataclass
class Held:
    """A pulled change this client cannot apply (yet): kept, with the reason."""

    seq: int | None
    entity: str | None
    raw: bytes
    problem: Problem


@dataclass
class PulledPage:
    changes: list[Any] = field(default_factory=list)  # typed pulled changes
    held: list[Held] = field(default_factory=list)
    next: int = 0
    more: bool = False
    withdrawn: list[envelope.Withdrawal] = field(default_factory=list)
    revealed: list[envelope.Reveal] = field(default_factory=list)


def decode_pull(raw: bytes) -> PulledPage:
    """A pull page; raises BodyError if the page itself is malformed."""
    try:
        resp = _decoder("pull", envelope.PullResponse).decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return _decode_pull_slowly(raw)
    if not canonical_ids(_ids(resp.changes)):
        return _decode_pull_slowly(raw)
    page = PulledPage(next=resp.next, more=resp.more, withdrawn=resp.withdrawn,
                      revealed=resp.revealed)
    for ch in resp.changes:
        _keep(page, ch, None)
    return page


def _keep(page: PulledPage, change: Any, raw: bytes | None) -> None:
    entity = _entity_of(change)
    problem = _problem(change, entity)
    if problem is None:
        page.changes.append(change)
    else:
        page.held.append(Held(change.seq, entity.name,
                              raw if raw is not None else encode(change), problem))


def _decode_pull_slowly(raw: bytes) -> PulledPage:
    try:
        loose = _decoder("loose_pull", _LoosePull).decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise BodyError(502, f"malformed pull answer: {exc}") from None
    page = PulledPage(next=loose.next, more=loose.more, withdrawn=loose.withdrawn,
                      revealed=loose.revealed)
    one = _decoder("pulled", envelope.PULLED)
    for item in loose.changes:
        try:
            _keep(page, _spell_ids(one.decode(item)), bytes(item))
        except msgspec.ValidationError as exc:
            try:
                value = _generic.decode(item)
            except msgspec.DecodeError:
                value = None
            seq = value.get("seq") if isinstance(value, dict) else None
            name = value.get("entity") if isinstance(value, dict) else None
            core = {k: v for k, v in value.items() if k in ENVELOPE_KEYS} \
                if isinstance(value, dict) else value
            page.held.append(Held(seq if isinstance(seq, int) else None,
                                  name if isinstance(name, str) else None, bytes(item),
                                  explain(core, exc)))
    return page
