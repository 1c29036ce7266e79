"""Kinds of field: each declares its limits once and derives both validation paths.

- `annotation` is the msgspec type with those limits: the fast path decodes a
  whole push with it in one call.
- `check(value)` is the descriptive path: the same rules in Python, raising a
  `Problem` with a code and parameters a person can be shown (forms, the local
  writer, and the reason of a rejected change). It ends by converting with the
  same msgspec type, so the two paths cannot disagree on what they accept.
- `extra(value)` holds the rules msgspec cannot express (surrounding spaces,
  control characters, duplicates); both paths run it after decoding.

`check` takes what JSON carries (and, for convenience on the client, datetime
and UUID objects) and returns the canonical wire value. Ids (`Ref`) are text on the wire
and after decoding; see UUID_TEXT.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from sync.protocol.limits import MAX_AGENCIES, MAX_POLYGON_VERTICES, MAX_SHORT, MAX_SLUG
from sync.protocol.problems import Problem
from sync.protocol.vocab import Vocab

HLC_RE = re.compile(r"^\d{13}-[0-9a-f]{4}-[A-Za-z0-9_.:-]{1,64}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
SIDC_RE = re.compile(r"^[A-Za-z0-9*\-]{10,30}$")

# Direction controls (LRE..RLO, LRI..PDI, LRM, RLM, ALM): in an identifier they
# make one callsign display as another.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_CONTROL_SHORT = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_LONG = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _convert(value: Any, annotation: Any, code: str = "invalid") -> Any:
    try:
        return msgspec.convert(value, annotation)
    except msgspec.ValidationError as exc:
        if code == "invalid":
            raise Problem(code, detail=str(exc)) from None
        raise Problem(code, value=_short(value)) from None


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Kind:
    """Base of the field kinds. `form` tells a client which input parser fits."""

    form = "text"

    @property
    def annotation(self) -> Any:
        raise NotImplementedError

    def check(self, value: Any) -> Any:
        raise NotImplementedError

    def extra(self, value: Any) -> None:
        """Rules beyond the msgspec type; raise Problem."""

    def wire(self, value: Any) -> Any:
        """A decoded (msgspec) value as its canonical JSON value."""
        return value

    @property
    def has_extra(self) -> bool:
        return type(self).extra is not Kind.extra


@dataclass(frozen=True)
class Text(Kind):
    """Text. Short text (names, titles) is one line without surrounding spaces and
    not blank; long text (notes, bodies) keeps what was typed, line breaks included.
    `identifier` text (callsigns, codes) also refuses direction controls."""

    max_len: int = MAX_SHORT
    long: bool = False
    identifier: bool = False
    blank_ok: bool | None = None  # default: long text may be empty, short text may not
    pattern: str | None = None
    pattern_problem: str = "invalid"

    @property
    def annotation(self) -> Any:
        meta = Meta(max_length=self.max_len, pattern=self.pattern) if self.pattern else Meta(
            max_length=self.max_len)
        return Annotated[str, meta]

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise Problem("not_text")
        if len(value) > self.max_len:
            raise Problem("too_long", length=len(value), max=self.max_len)
        if self.pattern and not re.search(self.pattern, value):
            raise Problem(self.pattern_problem, value=_short(value), detail=_short(value))
        self.extra(value)
        return str(_convert(value, self.annotation))

    def extra(self, value: str) -> None:
        blank_ok = self.long if self.blank_ok is None else self.blank_ok
        if not blank_ok and not value.strip():
            raise Problem("required")
        if self.long:
            if _CONTROL_LONG.search(value):
                raise Problem("control_char")
        else:
            if value != value.strip():
                raise Problem("padded")
            if _CONTROL_SHORT.search(value):
                raise Problem("control_char")
        if self.identifier and _BIDI.search(value):
            raise Problem("bidi_control")


@dataclass(frozen=True)
class Choice(Kind):
    vocab: Vocab
    form = "choice"

    @property
    def annotation(self) -> Any:
        return Literal.__getitem__(self.vocab.values)

    def check(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.vocab:
            raise Problem("unknown_value", value=_short(value))
        return value


@dataclass(frozen=True)
class Int(Kind):
    lo: int
    hi: int
    form = "int"

    @property
    def annotation(self) -> Any:
        return Annotated[int, Meta(ge=self.lo, le=self.hi)]

    def check(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Problem("not_integer")
        if not self.lo <= value <= self.hi:
            raise Problem("out_of_range", min=self.lo, max=self.hi, value=value)
        return int(value)


@dataclass(frozen=True)
class Number(Kind):
    lo: float
    hi: float
    form = "number"

    @property
    def annotation(self) -> Any:
        return Annotated[float, Meta(ge=self.lo, le=self.hi)]

    def check(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Problem("not_number")
        # NaN fails both comparisons, so it is out of range too (JSON cannot carry it).
        if not self.lo <= value <= self.hi:
            # 15 significant digits: 2500000 reads as such, not as 2.5e+06
            raise Problem("out_of_range", min=f"{self.lo:.15g}", max=f"{self.hi:.15g}",
                          value=f"{value:.15g}")
        return float(value)


@dataclass(frozen=True)
class Bool(Kind):
    form = "bool"

    @property
    def annotation(self) -> Any:
        return bool

    def check(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise Problem("not_bool")
        return value


TIME = Annotated[datetime, Meta(tz=True)]


@dataclass(frozen=True)
class Time(Kind):
    """A moment in UTC on the wire (RFC 3339 with an offset; stored as UTC).
    `event` times (what a person says happened) must also fall inside the window
    of limits.FUTURE_TOLERANCE and TIME_FLOOR, checked against a clock."""

    event: bool = True
    form = "time"

    @property
    def annotation(self) -> Any:
        return TIME

    def check(self, value: Any) -> str:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise Problem("not_time", value=value.isoformat())
            return self.wire(value)
        if not isinstance(value, str):
            raise Problem("not_time", value=_short(value))
        return self.wire(_convert(value, TIME, "not_time"))

    def wire(self, value: datetime) -> str:
        return to_utc(value).isoformat().replace("+00:00", "Z")


def to_utc(value: datetime) -> datetime:
    return value if value.tzinfo is UTC else value.astimezone(UTC)


# A record or change id on the wire: text, as msgspec's UUID type would accept it (36
# characters with hyphens or 32 without, either case). Ids stay text from the wire to
# the database and back: a uuid.UUID object per id cost more than the rest of decoding
# a position, and turning it back into text as much again. `canonical_ids` then checks
# a whole push or pull page at once, and any other spelling goes the careful way
# (`Ref.check`), which writes it in canonical form.
UUID_TEXT = Annotated[str, Meta(min_length=32, max_length=36,
                                extra_json_schema={"format": "uuid"})]
_HEX = b"0123456789abcdef"


def canonical_ids(ids: list[str]) -> bool:
    """Whether every id is a UUID in canonical form: 36 characters, lower-case hex and
    hyphens at 8, 13, 18 and 23 (a few C calls for all of them)."""
    if not ids:
        return True
    if set(map(len, ids)) != {36}:
        return False
    try:
        text = "".join(ids).encode("ascii")
    except UnicodeEncodeError:
        return False
    dashes = b"-" * len(ids)
    # Nothing but hex and hyphens, exactly four hyphens per id, and all in their places.
    return (text.translate(None, _HEX) == dashes * 4 and text[8::36] == dashes
            and text[13::36] == dashes and text[18::36] == dashes and text[23::36] == dashes)


@dataclass(frozen=True)
class Ref(Kind):
    """The id of another record (a UUID), written in canonical lower-case form.
    `target`: the kind of record it names (None: any)."""

    target: str | None = None
    form = "ref"

    @property
    def annotation(self) -> Any:
        return UUID_TEXT

    def check(self, value: Any) -> str:
        if isinstance(value, uuid.UUID):
            return str(value)
        if not isinstance(value, str):
            raise Problem("not_id", value=_short(value))
        if canonical_ids([value]):
            return value
        return str(_convert(value, uuid.UUID, "not_id"))

    def wire(self, value: Any) -> str:
        return str(value)


SLUG = Annotated[str, Meta(pattern=SLUG_RE.pattern, max_length=MAX_SLUG)]


@dataclass(frozen=True)
class Slug(Kind):
    """An agency id (`sedena`, `pol-jal`)."""

    form = "slug"

    @property
    def annotation(self) -> Any:
        return SLUG

    def check(self, value: Any) -> str:
        if not isinstance(value, str) or not SLUG_RE.match(value):
            raise Problem("bad_slug", value=_short(value))
        return value


@dataclass(frozen=True)
class SlugList(Kind):
    """Several agency ids, each once."""

    max_items: int = MAX_AGENCIES
    form = "slugs"

    @property
    def annotation(self) -> Any:
        return Annotated[list[SLUG], Meta(max_length=self.max_items)]

    def check(self, value: Any) -> list[str]:
        if not isinstance(value, list):
            raise Problem("not_list")
        if len(value) > self.max_items:
            raise Problem("too_many", max=self.max_items)
        out = [Slug().check(v) for v in value]
        self.extra(out)
        return out

    def extra(self, value: list[str]) -> None:
        seen: set[str] = set()
        for v in value:
            if v in seen:
                raise Problem("duplicate_item", value=v)
            seen.add(v)


_LON = Annotated[float, Meta(ge=-180, le=180)]
_LAT = Annotated[float, Meta(ge=-90, le=90)]
_WHERE = re.compile(r"\[(-?[\d.eE+-]+) (-?[\d.eE+-]+)\]")  # shapely's "...[x y]"


@dataclass(frozen=True)
class Polygon(Kind):
    """An area, as GeoJSON writes a Polygon's `coordinates`: linear rings (the boundary,
    then any holes), each a list of [longitude, latitude] points in WGS84 degrees that
    ends where it starts (at least 4 points). At most `max_vertices` points in all, and a
    valid simple-features polygon (no ring crossing itself or another, holes inside the
    boundary), judged by shapely (GEOS) on both sides."""

    max_vertices: int = MAX_POLYGON_VERTICES
    form = "polygon"

    @property
    def annotation(self) -> Any:
        ring = Annotated[list[tuple[_LON, _LAT]], Meta(min_length=4, max_length=self.max_vertices)]
        return Annotated[list[ring], Meta(min_length=1, max_length=self.max_vertices // 4)]

    def check(self, value: Any) -> list[list[list[float]]]:
        try:  # one msgspec pass when the value is well formed (a boundary: 1000s of points)
            msgspec.convert(value, self.annotation)
        except msgspec.ValidationError:
            self.check_shape(value)  # which point, and why
        self.extra(value)
        return self.wire(_convert(value, self.annotation))

    def check_shape(self, value: Any) -> None:
        """The structure and the coordinates' ranges, before validity."""
        if not isinstance(value, list) or not value:
            raise Problem("not_polygon")
        total = 0
        for ring in value:
            if not isinstance(ring, list):
                raise Problem("not_polygon")
            total += len(ring)
            if total > self.max_vertices:
                raise Problem("too_many_vertices", max=self.max_vertices)
            for point in ring:
                if not isinstance(point, list | tuple) or len(point) != 2 or any(
                        isinstance(c, bool) or not isinstance(c, int | float) for c in point):
                    raise Problem("not_polygon")
                Number(-180, 180).check(point[0])
                Number(-90, 90).check(point[1])

    def extra(self, value: Any) -> None:
        if sum(len(ring) for ring in value) > self.max_vertices:
            raise Problem("too_many_vertices", max=self.max_vertices)
        _rings_problem(value)
        problem = polygon_problem(value)
        if problem is not None:
            raise problem

    def wire(self, value: Any) -> list[list[list[float]]]:
        return [[[float(x), float(y)] for x, y in ring] for ring in value]


@dataclass(frozen=True)
class MultiPolygon(Kind):
    """One or more areas, as GeoJSON writes a MultiPolygon's `coordinates`: a list of
    polygons, each as `Polygon` takes it (a single polygon is a list of one). The parts
    together make one valid simple-features multipolygon (they do not overlap), with
    at most `max_vertices` points in all."""

    max_vertices: int = MAX_POLYGON_VERTICES
    form = "multipolygon"

    @property
    def annotation(self) -> Any:
        part: Any = Polygon(self.max_vertices).annotation
        return Annotated[list[part], Meta(min_length=1,
                                          max_length=self.max_vertices // 4)]

    def check(self, value: Any) -> list[list[list[list[float]]]]:
        if not isinstance(value, list) or not value:
            raise Problem("not_multipolygon")
        try:  # one msgspec pass when the value is well formed; else find which part
            msgspec.convert(value, self.annotation)
            value_ok = True
        except msgspec.ValidationError:
            value_ok = False
        one = Polygon(self.max_vertices)
        total = 0
        for part in [] if value_ok else value:
            if not isinstance(part, list) or not part:
                raise Problem("not_multipolygon")
            total += sum(len(ring) if isinstance(ring, list) else 0 for ring in part)
            if total > self.max_vertices:
                raise Problem("too_many_vertices", max=self.max_vertices)
            try:
                one.check_shape(part)
            except Problem as p:
                raise (Problem("not_multipolygon") if p.code == "not_polygon" else p) from None
        self.extra(value)
        return self.wire(_convert(value, self.annotation))

    def extra(self, value: Any) -> None:
        if sum(len(ring) for part in value for ring in part) > self.max_vertices:
            raise Problem("too_many_vertices", max=self.max_vertices)
        for part in value:
            _rings_problem(part)
        problem = polygon_problem(value, multi=True)
        if problem is not None:
            raise problem

    def wire(self, value: Any) -> list[list[list[list[float]]]]:
        return [[[[float(x), float(y)] for x, y in ring] for ring in part] for part in value]


def _rings_problem(value: Any) -> None:
    """Rings too short or not closed (raised as a Problem)."""
    for n, ring in enumerate(value, start=1):
        if len(ring) < 4:
            raise Problem("ring_too_short", ring=n)
        if tuple(ring[0]) != tuple(ring[-1]):
            raise Problem("ring_not_closed", ring=n)


def polygon_problem(rings: Any, multi: bool = False) -> Problem | None:
    """Why closed rings of [lon, lat] do not make a valid polygon (None: they do); in
    shapely's words when no plainer message fits."""
    import shapely  # on first use: most processes never check an area

    shape = (shapely.multipolygons([_polygon(part) for part in rings]) if multi
             else _polygon(rings))
    if shapely.is_valid(shape):
        return None
    reason = str(shapely.is_valid_reason(shape))
    where = _WHERE.search(reason)
    if "Self-intersection" in reason and where:
        return Problem("polygon_crosses_itself", lon=f"{float(where[1]):.6f}",
                       lat=f"{float(where[2]):.6f}")
    return Problem("invalid_polygon", reason=reason)


def _polygon(rings: Any) -> Any:
    """A shapely polygon from [lon, lat] rings, built from arrays (a list of thousands of
    points converts ten times faster so than point by point)."""
    import numpy as np
    import shapely

    shell, *holes = (shapely.linearrings(np.asarray(ring, dtype=float)) for ring in rings)
    return shapely.polygons(shell, holes or None)


@dataclass(frozen=True)
class AnyValue(Kind):
    """Any JSON value (the two sides of a conflict)."""

    form = "json"

    @property
    def annotation(self) -> Any:
        return Any

    def check(self, value: Any) -> Any:
        return value


def utc_now() -> datetime:
    return datetime.now(UTC)
