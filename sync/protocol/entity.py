"""The one definition of each synced kind of record, and what is derived from it.

An `Entity` lists its fields (kind, limits, label, whether required, stamped by
the server or set only by the server), the rules that span several fields, who
may write it (`Writers`), whose visibility governs it (`scope`) and the protocol
revision that introduced it. From that one definition come:

- the msgspec types the server decodes pushes with and the client decodes pulls
  with (`fields_type`, and the change types in `sync.protocol.envelope`);
- `check_fields`, the descriptive validation the client's forms and local writer
  run and the server uses to explain a rejection;
- labels for people (`label`, `Field.label`), the required fields of a new
  record, and the authorisation rules in `sync.protocol.rules`.

Families of entities are declared in their own modules (`roster`, `incidents`,
`conflicts`, `operations`, `accountability`) and registered here; `ENTITIES` is the
registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from sync.protocol.fields import Kind, Ref, Time, to_utc
from sync.protocol.limits import FUTURE_TOLERANCE, MAX_FIELDS, TIME_FLOOR
from sync.protocol.problems import Problem

Record = Literal["mergeable", "append", "reference"]
RecordCheck = Callable[[Mapping[str, Any]], Problem | None]


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    label: str  # English, translation context "fields"
    required: bool = False  # append-only: always present; mergeable: present on creation
    nullable: bool = True  # may be null (absent value, or a cleared one)
    default: Any = None  # append-only: value when absent; mergeable: value on creation
    stamped: bool = False  # the server sets it from the signed-in user; clients' value ignored
    client: bool = True  # False: only the server writes it
    personal: bool = False  # personal data: withheld in pulls by anyone but the author


@dataclass(frozen=True)
class Writers:
    """Roles that may create, edit or append; edits of an owned record also need
    the record's owning agency to be the writer's own (`own_agency`)."""

    create: tuple[str, ...] = ()
    edit: tuple[str, ...] = ()
    own_agency: bool = True


@dataclass(eq=False)
class Entity:
    name: str
    label: str  # English, translation context "entities"
    record: Record
    fields: dict[str, Field]
    writers: Writers
    scope: str | None = None  # field naming the record whose visibility governs this one
    owner: str | None = "agency"  # field holding the owning agency (mergeable records)
    id_kind: Kind = field(default_factory=Ref)
    since: int = 1  # protocol revision that introduced it
    # Append-only records that own their visibility (detentions, use of force): the
    # field naming the original a later record (amendment, hand-over) belongs to.
    original: str | None = None
    # Personal data: visible to the owning agency and oversight only, never `shared`
    # nor an operation's (the record has no visibility field; its own is `agency`).
    need_to_know: bool = False
    checks: tuple[RecordCheck, ...] = ()  # rules over several fields of a whole record
    # The visibility of every record of this kind when it has no `visibility` field
    # (an operation and what belongs to it: "operation", seen by its participants).
    visibility: str | None = None
    must_see: tuple[str, ...] = ()  # reference fields naming records the author must see
    fixed: tuple[str, ...] = ()  # fields set at creation only (an edit may not carry them)
    # fields naming agencies that must exist (checked where the list of agencies is known)
    agency_refs: tuple[str, ...] = ()
    fields_type: Any = None  # msgspec Struct of the fields (built by `register`)
    _times: tuple[str, ...] = ()
    event_times: tuple[str, ...] = ()  # times that must fall inside the event window
    _extras: tuple[tuple[str, Kind], ...] = ()
    _tuples: tuple[tuple[str, Kind], ...] = ()  # fields decoded with tuples (points)
    # the fields holding ids (Ref), and whether entity_id is one: what codec checks in bulk
    ref_fields: tuple[str, ...] = ()
    id_is_ref: bool = True

    @property
    def op(self) -> str:
        return "append" if self.record == "append" else "upsert"

    @property
    def required(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields.values() if f.required)

    @property
    def stamped(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields.values() if f.stamped)

    @property
    def client_fields(self) -> frozenset[str]:
        """Fields a client may set (everything but server-only fields)."""
        return frozenset(f.name for f in self.fields.values() if f.client)

    # -- the descriptive path ----------------------------------------------

    def check_fields(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Validate what a change carries; returns its canonical wire form (field
        declaration order; an append-only record complete with defaults, an upsert
        only the fields given). Raises Problem located at the field."""
        if not isinstance(fields, Mapping):
            raise Problem("malformed_change", entity=self.name, detail="fields must be an object")
        if len(fields) > MAX_FIELDS:
            raise Problem("too_many_fields", entity=self.name, max=MAX_FIELDS)
        for name in fields:
            if name not in self.fields:
                raise Problem("unknown_field", entity=self.name, name=str(name))
        out: dict[str, Any] = {}
        for name, f in self.fields.items():
            if name not in fields:
                if self.record == "append":
                    if f.required:
                        raise Problem("required", name, self.name)
                    out[name] = f.default
                continue
            out[name] = self._check_value(f, fields[name])
        if self.record == "append":
            self.check_record(out)
        return out

    def _check_value(self, f: Field, value: Any) -> Any:
        if value is None:
            if not f.nullable or f.required and self.record == "append":
                raise Problem("required" if f.required else "not_nullable", f.name, self.name)
            return None
        try:
            return f.kind.check(value)
        except Problem as p:
            raise p.at(f.name, self.name) from None

    def check_value(self, name: str, value: Any) -> Any:
        """One field's canonical value (for forms checking a field at a time)."""
        return self._check_value(self.fields[name], value)

    def check_record(self, values: Mapping[str, Any]) -> None:
        """Rules spanning several fields, over a whole record (a complete append,
        or a mergeable record's values after an edit)."""
        for rule in self.checks:
            problem = rule(values)
            if problem is not None:
                raise problem.at(entity=self.name)

    def missing_on_create(self, present: Iterable[str]) -> list[str]:
        have = set(present)
        return [f.name for f in self.fields.values() if f.required and f.name not in have]

    def check_times(self, fields: Mapping[str, Any], now: datetime) -> None:
        """Event times must be at most FUTURE_TOLERANCE ahead of `now` and after
        TIME_FLOOR (values as check_fields returns them, or datetimes)."""
        for name in self.event_times:
            value = fields.get(name)
            if value is None:
                continue
            when = value if isinstance(value, datetime) else datetime.fromisoformat(value)
            if when > now + FUTURE_TOLERANCE:
                raise Problem("time_future", name, self.name,
                              minutes=int(FUTURE_TOLERANCE.total_seconds() // 60))
            if when < TIME_FLOOR:
                raise Problem("time_too_old", name, self.name, floor=TIME_FLOOR.date().isoformat())

    # -- the fast path -------------------------------------------------------

    def finish(self, decoded: Any) -> None:
        """What a typed decode of `fields_type` leaves to do: times to UTC, the rules
        msgspec cannot express, and whole-record rules of an append. Raises Problem."""
        for name in self._times:
            value = getattr(decoded, name)
            if value.__class__ is datetime and value.tzinfo is not UTC:
                setattr(decoded, name, to_utc(value))
        for name, kind in self._extras:
            value = getattr(decoded, name)
            if value is not None and value is not UNSET:
                try:
                    kind.extra(value)
                except Problem as p:
                    raise p.at(name, self.name) from None
        if self.checks and self.record == "append":
            self.check_record(self.wire_fields(decoded))

    def wire_fields(self, decoded: Any) -> dict[str, Any]:
        """A decoded fields struct as its canonical wire dict (unset fields left out)."""
        out: dict[str, Any] = msgspec.to_builtins(decoded)
        for name in self._times:
            if isinstance(out.get(name), str):
                out[name] = out[name].replace("+00:00", "Z")
        for name, kind in self._tuples:
            if out.get(name) is not None:
                out[name] = kind.wire(out[name])
        return out

    # -- derived once ------------------------------------------------------------

    def build(self) -> None:
        self._times = tuple(n for n, f in self.fields.items() if isinstance(f.kind, Time))
        self.event_times = tuple(
            n for n, f in self.fields.items() if isinstance(f.kind, Time) and f.kind.event)
        self._extras = tuple((n, f.kind) for n, f in self.fields.items() if f.kind.has_extra)
        self._tuples = tuple((n, f.kind) for n, f in self.fields.items()
                             if f.kind.form in ("polygon", "multipolygon"))
        self.ref_fields = tuple(n for n, f in self.fields.items() if isinstance(f.kind, Ref))
        self.id_is_ref = isinstance(self.id_kind, Ref)
        spec: list[tuple[Any, ...]] = []
        for name, f in self.fields.items():
            ann: Any = f.kind.annotation
            if f.nullable and not (f.required and self.record == "append"):
                ann = ann | None
            if self.record != "append":
                spec.append((name, ann | UnsetType, UNSET))
            elif f.required:
                spec.append((name, ann))
            else:
                spec.append((name, ann, f.default))
        self.fields_type = msgspec.defstruct(
            _camel(self.name) + "Fields", spec, kw_only=True, forbid_unknown_fields=True,
            gc=False)  # never in a cycle; see sync.protocol.envelope


ENTITIES: dict[str, Entity] = {}


def register(entity: Entity) -> Entity:
    if entity.name in ENTITIES:
        raise ValueError(f"entity {entity.name!r} defined twice")
    for role in ("scope", "original", "owner"):
        name = getattr(entity, role)
        if name is not None and name not in entity.fields:
            raise ValueError(f"{entity.name}: {role} field {name!r} is not a field")
    if entity.need_to_know and "visibility" in entity.fields:
        raise ValueError(f"{entity.name}: a need-to-know record has no visibility field")
    for name in entity.must_see + entity.fixed + entity.agency_refs:
        if name not in entity.fields:
            raise ValueError(f"{entity.name}: {name!r} is not a field")
    entity.build()
    ENTITIES[entity.name] = entity
    return entity


def entity_label(name: str) -> str:
    e = ENTITIES.get(name)
    return e.label if e else name


def field_label(entity: str | None, name: str) -> str:
    e = ENTITIES.get(entity or "")
    if e is not None and name in e.fields:
        return e.fields[name].label
    for other in ENTITIES.values():  # a field named without its entity
        if name in other.fields:
            return other.fields[name].label
    return name


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))
