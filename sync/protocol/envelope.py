"""The change envelope and the request/response bodies of every endpoint.

`Change = {change_id, entity, entity_id, op, fields, base, hlc}`; a pulled change
adds `seq`, `author`, `device_id` and `received_at` (stamped by the server).
For each registered entity there is one change type, tagged by `entity`, whose
`fields` is that entity's typed fields struct; `CHANGE` is their union, so one
msgspec decode checks a whole push. Built by `build()` once every entity family
is registered (sync/protocol/__init__.py does it).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

import msgspec
from msgspec import Meta, Struct

from sync.protocol.entity import ENTITIES, Entity, _camel
from sync.protocol.fields import HLC_RE, TIME, UUID_TEXT
from sync.protocol.limits import MAX_PULL_LIMIT, MAX_PUSH_CHANGES, PROTOCOL_REVISION

HLC = Annotated[str, Meta(pattern=HLC_RE.pattern)]
ENVELOPE_KEYS = frozenset({"change_id", "entity", "entity_id", "op", "fields", "base", "hlc"})
STAMP_KEYS = ("seq", "author", "device_id", "received_at")


# Filled by build(): entity name -> its change type / pulled change type.
CHANGE_TYPES: dict[str, Any] = {}
PULLED_TYPES: dict[str, Any] = {}
CHANGE: Any = None  # Union of the change types (decodes one change of any entity)
PULLED: Any = None
PushRequest: Any = None
PullResponse: Any = None


# Change structs are not tracked by the garbage collector (gc=False): they never
# form reference cycles, and a page or push of 10,000 of them made the collector
# rescan every one repeatedly, about half of the decoding time.
def _variant(e: Entity) -> Any:
    return msgspec.defstruct(
        _camel(e.name) + "Change",
        [
            ("change_id", UUID_TEXT),
            ("entity_id", e.id_kind.annotation),
            ("op", Literal.__getitem__(e.op)),
            ("fields", e.fields_type),
            ("base", dict[str, HLC], {}),
            ("hlc", HLC),
        ],
        kw_only=True, forbid_unknown_fields=True, tag_field="entity", tag=e.name, gc=False,
    )


def _pulled(e: Entity, change_type: Any) -> Any:
    return msgspec.defstruct(
        "Pulled" + _camel(e.name) + "Change",
        [
            ("seq", int),
            ("author", str | None, None),
            ("device_id", str | None, None),
            ("received_at", TIME | None, None),
        ],
        bases=(change_type,), kw_only=True, forbid_unknown_fields=False, tag_field="entity",
        tag=e.name, gc=False,
    )


def build() -> None:
    """Derive the envelope types from the registered entities (idempotent)."""
    global CHANGE, PULLED, PushRequest, PullResponse
    for name, e in ENTITIES.items():
        if name not in CHANGE_TYPES:
            CHANGE_TYPES[name] = _variant(e)
            PULLED_TYPES[name] = _pulled(e, CHANGE_TYPES[name])
    CHANGE = Union.__getitem__(tuple(CHANGE_TYPES.values()))
    PULLED = Union.__getitem__(tuple(PULLED_TYPES.values()))
    PushRequest = msgspec.defstruct(
        "PushRequest",
        [("changes", Annotated[list[CHANGE], Meta(max_length=MAX_PUSH_CHANGES)])],
        kw_only=True, forbid_unknown_fields=True,
    )
    PullResponse = msgspec.defstruct(
        "PullResponse",
        [("changes", Annotated[list[PULLED], Meta(max_length=MAX_PULL_LIMIT)]), ("next", int),
         ("more", bool),
         ("withdrawn", list[Withdrawal], msgspec.field(default_factory=list)),
         ("revealed", list[Reveal], msgspec.field(default_factory=list))],
        kw_only=True,
    )


# -- fixed bodies ------------------------------------------------------------------


class Withdrawal(Struct, kw_only=True):
    """In a pull page (revision 3): a record the caller may no longer see, as of log
    position `seq`. The client removes it and everything that inherits its visibility
    (a unit's positions, an incident's entries, conflicts about it). Sent to every
    caller who cannot see the record when they pull, so a caller who never had it
    removes nothing."""

    entity: str
    id: str
    seq: int


class Reveal(Struct, kw_only=True):
    """In a pull page (revision 3): a record the caller may see now that turned visible
    at log position `seq`, when it had `count` append-only records (positions,
    entries). A caller that holds fewer fetches the record's history up to `seq`
    (`GET /v1/changes?scope=ID&before=SEQ`): only laptops that lack it pay for a long
    track, never the whole operation."""

    entity: str
    id: str
    seq: int
    count: int = 0

PushStatus = Literal["applied", "duplicate", "rejected"]


class PushResult(Struct, kw_only=True, omit_defaults=True):
    """One change's outcome. A rejection carries `reason` (English, for logs and
    older clients) and `code`/`params` (sync.protocol.problems) for people."""

    change_id: str
    status: PushStatus
    seq: int | None = None
    reason: str | None = None
    code: str | None = None
    params: dict[str, Any] | None = None


class PushResponse(Struct, kw_only=True):
    results: list[PushResult]


class LoginRequest(Struct, kw_only=True, forbid_unknown_fields=True):
    username: Annotated[str, Meta(min_length=1, max_length=100)]
    password: Annotated[str, Meta(min_length=1, max_length=1000)]
    device_name: Annotated[str, Meta(min_length=1, max_length=200)]


class UserInfo(Struct, kw_only=True):
    username: str
    agency: str | None
    role: str  # one of vocab.ROLE (a newer server may add roles)
    display_name: str | None = None


class LoginResponse(Struct, kw_only=True):
    token: str
    device_id: str
    user: UserInfo


class ProtocolInfo(Struct, kw_only=True):
    """What a peer speaks: the protocol version and revision, and each entity it
    knows with the revision that introduced it."""

    protocol: int = 1
    revision: int = PROTOCOL_REVISION
    min_client_revision: int = 1
    entities: dict[str, int] = {}


class MeResponse(Struct, kw_only=True):
    user: UserInfo
    device_id: str
    server_time: TIME
    # what the server speaks, as in HealthResponse (absent from older servers)
    revision: int | None = None
    min_client_revision: int | None = None
    entities: dict[str, int] | None = None


class HealthResponse(Struct, kw_only=True):
    status: Literal["ok"]
    server_time: TIME
    protocol: int = 1
    revision: int | None = None
    min_client_revision: int | None = None
    entities: dict[str, int] | None = None


# Every answer of a revision-3 server carries its clock (ISO 8601, UTC, ms) in this
# header, so a client notices a wrong clock; older servers send only HTTP's `Date`.
SERVER_TIME_HEADER = "X-Server-Time"
# A pull page's `next` and `more` (revision 6) are also in its headers, so a client can
# ask for the next page as soon as this one has arrived, while it still decodes and
# applies it. Older servers send neither; a client then reads them from the page.
PULL_NEXT_HEADER = "X-Pull-Next"
PULL_MORE_HEADER = "X-Pull-More"


class ErrorBody(Struct, kw_only=True, omit_defaults=True):
    code: str
    detail: str
    # With `device_revoked` (revision 5): the laptop must erase its local data, "now" or
    # "after_push" (first sending what it holds). Older clients ignore it and sign out.
    wipe: str | None = None


# Error codes of whole requests the client reacts to (others are shown as they are).
ERR_UNAUTHENTICATED = "unauthenticated"
ERR_DEVICE_REVOKED = "device_revoked"
# How a device revoked with the wipe policy erases its data (ErrorBody.wipe).
WIPE_NOW = "now"
WIPE_AFTER_PUSH = "after_push"
WIPE_POLICIES = (WIPE_NOW, WIPE_AFTER_PUSH)


class WipeReport(Struct, kw_only=True):
    """POST /v1/device/wiped (revision 5): the laptop erased its data key and database;
    how many waiting changes it sent first and how many it could not."""

    pushed: Annotated[int, Meta(ge=0)] = 0
    unsent: Annotated[int, Meta(ge=0)] = 0
    locked: bool = False  # erased while locked: the outbox could not be read or sent
ERR_FORBIDDEN = "forbidden"
ERR_INVALID = "invalid_request"
ERR_TOO_LARGE = "too_large"
ERR_RATE_LIMITED = "rate_limited"


def protocol_info(min_client_revision: int = 1) -> ProtocolInfo:
    return ProtocolInfo(min_client_revision=min_client_revision,
                        entities={n: e.since for n, e in ENTITIES.items()})
