"""Fast path for the hot case of a push: a well-formed position append.

Pydantic validation costs ~10 µs per change; a batch of 5,000 positions is
the common push, so plain checks handle exactly the shape a client normally
sends and produce exactly what the pydantic path would (a test compares the
two on random input). Anything unusual returns None and takes the slow,
fully descriptive path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sync.protocol import HLC_RE, POSITION_SOURCES


@dataclass(slots=True)
class Prepared:
    """A change that passed the checks needing no database state."""

    index: int
    change_id: str
    entity: str
    entity_id: str
    op: str
    fields: dict[str, Any]
    base: dict[str, str]
    hlc: str
    scope: str | None = None
    fast: bool = False  # built by fast_position: its doc can be built by position_doc

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$").match
# UTC with a Z suffix and 0, 3 or 6 fractional digits: what clients send.
_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.(\d{3}|\d{6}))?Z$"
).match
_HLC = HLC_RE.match
_SOURCES = frozenset(POSITION_SOURCES)
_KEYS = frozenset({"change_id", "entity", "entity_id", "op", "fields", "hlc", "base"})
_FKEYS = frozenset({"unit_id", "lat", "lon", "accuracy_m", "observed_at", "source", "note", "reported_by"})
_MAX_NOTE = 10_000
_dates: dict[str, bool] = {}  # calendar dates already checked (Feb 30 is not one)


def _real_date(d: str) -> bool:
    ok = _dates.get(d)
    if ok is None:
        try:
            date.fromisoformat(d)
            ok = True
        except ValueError:
            ok = False
        if len(_dates) < 10_000:
            _dates[d] = ok
    return ok


def fast_position(item: Any, index: int) -> Prepared | None:
    """A Prepared position change, or None to fall back to full validation."""
    if type(item) is not dict or item.get("entity") != "position" or item.get("op") != "append":
        return None
    if not item.keys() <= _KEYS or ("base" in item and item["base"] != {}):
        return None
    cid, eid, hlc, f = item.get("change_id"), item.get("entity_id"), item.get("hlc"), item.get("fields")
    if type(cid) is not str or type(eid) is not str or type(hlc) is not str or type(f) is not dict:
        return None
    if not (_UUID(cid) and _UUID(eid) and _HLC(hlc) and f.keys() <= _FKEYS):
        return None
    unit, t = f.get("unit_id"), f.get("observed_at")
    lat: Any = f.get("lat")
    lon: Any = f.get("lon")
    if type(unit) is not str or type(t) is not str or not _UUID(unit):
        return None
    m = _TIME(t)
    if not m or not _real_date(m.group(1)):
        return None
    acc: Any = f.get("accuracy_m")
    tl, tn, ta = type(lat), type(lon), type(acc)
    if tl is not float and tl is not int or tn is not float and tn is not int:
        return None
    lat, lon = float(lat), float(lon)
    # NaN fails every comparison, so these also keep NaN out (JSON has no inf).
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    if acc is not None:
        if ta is not float and ta is not int:
            return None
        acc = float(acc)
        if not 0.0 <= acc <= 1_000_000.0:
            return None
    source, note = f.get("source", "manual"), f.get("note")
    if source not in _SOURCES or (note is not None and (type(note) is not str or len(note) > _MAX_NOTE)):
        return None
    frac = m.group(3)
    observed = t if frac is None else (
        t[:19] + ("Z" if int(frac) == 0 else "." + frac.ljust(6, "0") + "Z"))
    fields = {"unit_id": unit, "lat": lat, "lon": lon, "accuracy_m": acc,
              "observed_at": observed, "source": source, "note": note}
    return Prepared(index, cid, "position", eid, "append", fields, {}, hlc, fast=True)


_enc = json.JSONEncoder(separators=(",", ":")).encode


def stamps_json(author: str | None, device_id: str | None, received_at: str) -> str:
    """The tail shared by every doc of one batch (see position_doc)."""
    return f',"author":{_enc(author)},"device_id":{_enc(device_id)},"received_at":{_enc(received_at)}}}'


def position_doc(p: Prepared, seq: int, stamps: str) -> str:
    """The doc changelog.make_row would build for a fast-path position, built by
    string assembly: every piece was validated to need no JSON escaping except
    the note and the reporter, and floats print as json.dumps prints them.
    A test checks the two are byte-identical."""
    f = p.fields
    acc = f["accuracy_m"]
    note = f["note"]
    return (
        '{"change_id":"' + p.change_id + '","entity":"position","entity_id":"' + p.entity_id
        + '","op":"append","fields":{"unit_id":"' + f["unit_id"] + '","lat":' + repr(f["lat"])
        + ',"lon":' + repr(f["lon"]) + ',"accuracy_m":' + ("null" if acc is None else repr(acc))
        + ',"observed_at":"' + f["observed_at"] + '","source":"' + f["source"] + '","note":'
        + ("null" if note is None else _enc(note)) + ',"reported_by":' + _enc(f["reported_by"])
        + '},"base":{},"hlc":"' + p.hlc + '","seq":' + str(seq) + stamps
    )
