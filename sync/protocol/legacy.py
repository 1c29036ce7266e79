"""TRANSITIONAL: the pydantic wire types of the first landing, kept importable only
while the server and client move to the entity definitions (sync.protocol.entity,
envelope, codec). Nothing new may use it; it is deleted when nothing imports it.
"""

from __future__ import annotations

import math
import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

PROTOCOL_VERSION = 1

# Limits enforced on both sides (the server answers 413/422 past them).
MAX_PUSH_CHANGES = 5_000
MAX_PULL_LIMIT = 10_000
DEFAULT_PULL_LIMIT = 1_000
MAX_WAIT_S = 30.0
MAX_BODY_COMPRESSED = 16 * 1024 * 1024
MAX_BODY_DECOMPRESSED = 64 * 1024 * 1024
MAX_TEXT = 10_000  # notes, entry bodies
MAX_SHORT = 200  # names, titles, callsigns
MAX_FUTURE_SKEW_MS = 24 * 3600 * 1000

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

EntityName = Literal["agency", "unit", "position", "incident", "incident_entry", "conflict"]
OpName = Literal["upsert", "append"]

MERGEABLE: frozenset[str] = frozenset({"unit", "incident", "conflict"})
APPEND_ONLY: frozenset[str] = frozenset({"position", "incident_entry"})
SERVER_MANAGED: frozenset[str] = frozenset({"agency"})

AGENCY_KINDS = ("military", "federal", "state", "municipal", "civil")
ROLES = ("admin", "commander", "liaison", "observer")
UNIT_STATUSES = ("available", "assigned", "engaged", "returning", "out_of_service", "retired")
UNIT_KINDS = (
    "infantry", "motorized", "armor", "aviation", "naval", "marines", "military_police",
    "police", "special_forces", "investigation", "medical", "engineer", "logistics",
    "signals", "command", "civil_protection", "other",
)
ECHELONS = (
    "team", "squad", "section", "platoon", "company", "battalion", "regiment",
    "brigade", "division", "corps", "none",
)
VISIBILITIES = ("shared", "agency")
POSITION_SOURCES = ("gps", "manual", "radio", "relay", "imported")
INCIDENT_KINDS = (
    "armed_attack", "blockade", "kidnapping", "homicide", "robbery", "extortion",
    "drug_seizure", "arms_seizure", "detention", "disturbance", "accident",
    "natural_disaster", "fire", "missing_person", "patrol_report", "other",
)
INCIDENT_STATUSES = ("open", "responding", "contained", "closed", "voided")
ENTRY_KINDS = ("note", "status", "assignment", "amendment")
CONFLICT_STATUSES = ("open", "resolved")

HLC_RE = re.compile(r"^\d{13}-[0-9a-f]{4}-[A-Za-z0-9_.:-]{1,64}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
SIDC_RE = re.compile(r"^[A-Za-z0-9*\-]{10,30}$")

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SHORT)]
OptShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_SHORT)]
LongText = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Hlc = Annotated[str, StringConstraints(pattern=HLC_RE.pattern)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_RE.pattern)]


def _finite(v: float, name: str, lo: float, hi: float) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ValueError(f"{name} must be a number")
    v = float(v)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number")
    if not lo <= v <= hi:
        raise ValueError(f"{name} must be between {lo:g} and {hi:g}")
    return v


def _utc(v: datetime) -> datetime:
    if v.tzinfo is None:
        raise ValueError("time must carry a UTC offset")
    return v.astimezone(UTC)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------
# Per-entity field schemas. Upserts carry a subset of fields (only what was
# edited); creation of a record needs the fields in REQUIRED_ON_CREATE.
# ---------------------------------------------------------------------------


class AgencyFields(_Strict):
    name: ShortText | None = None
    kind: Literal[AGENCY_KINDS] | None = None  # type: ignore[valid-type]


class UnitFields(_Strict):
    callsign: ShortText | None = None
    name: OptShortText | None = None
    agency: Slug | None = None
    kind: Literal[UNIT_KINDS] | None = None  # type: ignore[valid-type]
    echelon: Literal[ECHELONS] | None = None  # type: ignore[valid-type]
    sidc: Annotated[str, StringConstraints(pattern=SIDC_RE.pattern)] | None = None
    parent_id: uuid.UUID | None = None
    commander: OptShortText | None = None
    strength: Annotated[int, Field(ge=0, le=100_000)] | None = None
    status: Literal[UNIT_STATUSES] | None = None  # type: ignore[valid-type]
    visibility: Literal[VISIBILITIES] | None = None  # type: ignore[valid-type]
    notes: LongText | None = None


class PositionFields(_Strict):
    unit_id: uuid.UUID
    lat: float
    lon: float
    accuracy_m: Annotated[float, Field(ge=0, le=1_000_000)] | None = None
    observed_at: datetime
    source: Literal[POSITION_SOURCES] = "manual"  # type: ignore[valid-type]
    note: LongText | None = None
    reported_by: OptShortText | None = None  # stamped by the server

    @field_validator("lat", mode="before")
    @classmethod
    def _lat(cls, v: Any) -> float:
        return _finite(v, "latitude", -90, 90)

    @field_validator("lon", mode="before")
    @classmethod
    def _lon(cls, v: Any) -> float:
        return _finite(v, "longitude", -180, 180)

    @field_validator("observed_at")
    @classmethod
    def _t(cls, v: datetime) -> datetime:
        return _utc(v)

    @field_validator("accuracy_m", mode="before")
    @classmethod
    def _acc(cls, v: Any) -> float | None:
        return None if v is None else _finite(v, "accuracy", 0, 1_000_000)


class IncidentFields(_Strict):
    title: ShortText | None = None
    kind: Literal[INCIDENT_KINDS] | None = None  # type: ignore[valid-type]
    severity: Annotated[int, Field(ge=1, le=5)] | None = None
    status: Literal[INCIDENT_STATUSES] | None = None  # type: ignore[valid-type]
    lat: float | None = None
    lon: float | None = None
    occurred_at: datetime | None = None
    agency: Slug | None = None
    agencies: Annotated[list[Slug], Field(max_length=50)] | None = None
    visibility: Literal[VISIBILITIES] | None = None  # type: ignore[valid-type]
    void_reason: LongText | None = None

    @field_validator("lat", mode="before")
    @classmethod
    def _lat(cls, v: Any) -> float | None:
        return None if v is None else _finite(v, "latitude", -90, 90)

    @field_validator("lon", mode="before")
    @classmethod
    def _lon(cls, v: Any) -> float | None:
        return None if v is None else _finite(v, "longitude", -180, 180)

    @field_validator("occurred_at")
    @classmethod
    def _t(cls, v: datetime | None) -> datetime | None:
        return None if v is None else _utc(v)


class IncidentEntryFields(_Strict):
    incident_id: uuid.UUID
    kind: Literal[ENTRY_KINDS]  # type: ignore[valid-type]
    body: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]
    amends: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None  # for kind=assignment
    status: Literal[INCIDENT_STATUSES] | None = None  # type: ignore[valid-type]  # for kind=status
    created_at: datetime
    author: OptShortText | None = None  # stamped by the server

    @field_validator("created_at")
    @classmethod
    def _t(cls, v: datetime) -> datetime:
        return _utc(v)

    @model_validator(mode="after")
    def _amend(self) -> IncidentEntryFields:
        if self.kind == "amendment" and self.amends is None:
            raise ValueError("an amendment must name the entry it amends")
        if self.kind != "amendment" and self.amends is not None:
            raise ValueError("only an amendment may name an entry it amends")
        return self


class ConflictFields(_Strict):
    """A concurrent edit detected by the server. Clients may only change `status`
    (and `resolution`): a person resolves a conflict by making a normal change."""

    entity: Literal["unit", "incident"] | None = None
    entity_id: uuid.UUID | None = None
    field: OptShortText | None = None
    winner_value: Any = None
    loser_value: Any = None
    winner_hlc: Hlc | None = None
    loser_hlc: Hlc | None = None
    winner_by: OptShortText | None = None
    loser_by: OptShortText | None = None
    detected_at: datetime | None = None
    status: Literal[CONFLICT_STATUSES] | None = None  # type: ignore[valid-type]
    resolution: OptShortText | None = None


FIELD_MODELS: dict[str, type[_Strict]] = {
    "agency": AgencyFields,
    "unit": UnitFields,
    "position": PositionFields,
    "incident": IncidentFields,
    "incident_entry": IncidentEntryFields,
    "conflict": ConflictFields,
}

REQUIRED_ON_CREATE: dict[str, frozenset[str]] = {
    "agency": frozenset({"name", "kind"}),
    "unit": frozenset({"callsign", "agency", "kind", "status", "visibility"}),
    "incident": frozenset({"title", "kind", "severity", "status", "occurred_at", "agency", "visibility"}),
    "conflict": frozenset({"entity", "entity_id", "field", "status"}),
}

# Fields that clients may never set: the server stamps them.
SERVER_STAMPED: dict[str, frozenset[str]] = {
    "position": frozenset({"reported_by"}),
    "incident_entry": frozenset({"author"}),
}

# Fields of a conflict record that a client may change.
CLIENT_CONFLICT_FIELDS = frozenset({"status", "resolution"})


def validate_fields(entity: str, op: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the `fields` of a change; returns JSON-ready values.

    Raises ValueError with a readable message. Only the keys that were sent are
    returned for an upsert (a partial update); append-only records are complete.
    """
    model = FIELD_MODELS[entity]
    if entity in APPEND_ONLY:
        if op != "append":
            raise ValueError(f"{entity} records are append-only (op must be 'append')")
    elif op != "upsert":
        raise ValueError(f"{entity} records are changed with op 'upsert'")
    try:
        parsed = model.model_validate(fields)
    except ValidationError as exc:
        raise ValueError(_describe(exc)) from None
    dumped = parsed.model_dump(mode="json")
    if entity in APPEND_ONLY:
        return dumped
    return {k: dumped[k] for k in fields}


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"]) or "fields"
        msg = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)


# ---------------------------------------------------------------------------
# Envelope
# ---------------------------------------------------------------------------


class Change(_Strict):
    change_id: uuid.UUID
    entity: EntityName
    entity_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    op: OpName
    fields: dict[str, Any]
    base: dict[str, Hlc] = Field(default_factory=dict)
    hlc: Hlc

    @field_validator("fields")
    @classmethod
    def _fields_size(cls, v: dict[str, Any]) -> dict[str, Any]:
        if len(v) > 40:
            raise ValueError("too many fields")
        return v

    @model_validator(mode="after")
    def _check(self) -> Change:
        if self.entity == "agency":
            if not SLUG_RE.match(self.entity_id):
                raise ValueError("agency id must be a slug")
        else:
            try:
                uuid.UUID(self.entity_id)
            except ValueError:
                raise ValueError("entity_id must be a UUID") from None
        for f in self.base:
            if f not in self.fields:
                raise ValueError(f"base names field {f!r} that the change does not set")
        return self

    def validated_fields(self) -> dict[str, Any]:
        return validate_fields(self.entity, self.op, self.fields)


class PulledChange(Change):
    """A change as the server hands it out: the envelope plus who and when."""

    seq: int
    author: str | None = None
    device_id: str | None = None
    received_at: datetime | None = None


class PushRequest(_Strict):
    changes: Annotated[list[Change], Field(max_length=MAX_PUSH_CHANGES)]


PushStatus = Literal["applied", "duplicate", "rejected"]


class PushResult(_Strict):
    change_id: uuid.UUID
    status: PushStatus
    seq: int | None = None
    reason: str | None = None


class PushResponse(_Strict):
    results: list[PushResult]


class PullResponse(_Strict):
    changes: list[PulledChange]
    next: int
    more: bool


class LoginRequest(_Strict):
    username: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    device_name: Annotated[str, StringConstraints(min_length=1, max_length=MAX_SHORT)]


class UserInfo(_Strict):
    username: str
    agency: str | None
    role: Literal[ROLES]  # type: ignore[valid-type]
    display_name: str | None = None


class LoginResponse(_Strict):
    token: str
    device_id: str
    user: UserInfo


class MeResponse(_Strict):
    user: UserInfo
    device_id: str
    server_time: datetime


class HealthResponse(_Strict):
    status: Literal["ok"]
    protocol: int = PROTOCOL_VERSION
    server_time: datetime


class ErrorBody(_Strict):
    code: str
    detail: str


# Error codes the client reacts to (others are shown as they are).
ERR_UNAUTHENTICATED = "unauthenticated"
ERR_DEVICE_REVOKED = "device_revoked"
ERR_FORBIDDEN = "forbidden"
ERR_INVALID = "invalid_request"
ERR_TOO_LARGE = "too_large"
ERR_RATE_LIMITED = "rate_limited"


def utcnow() -> datetime:
    return datetime.now(UTC)
