"""Fast path for the hot case of a push: a well-formed position append.

Pydantic validation costs ~10 µs per change; a batch of 5,000 positions is
the common push, so plain checks handle exactly the shape a client normally
sends and produce exactly what the pydantic path would (a test compares the
two on random input). Anything unusual returns None and takes the slow,
fully descriptive path.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from sync.protocol import HLC_RE, POSITION_SOURCES

if TYPE_CHECKING:
    from sync.server.push import Prepared

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# UTC with a Z suffix and 3 or 6 fractional digits: what clients send.
_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{3}|\d{6}))?Z$")
_SOURCES = frozenset(POSITION_SOURCES)
_KEYS = frozenset({"change_id", "entity", "entity_id", "op", "fields", "hlc", "base"})
_FKEYS = frozenset({"unit_id", "lat", "lon", "accuracy_m", "observed_at", "source", "note", "reported_by"})
_MAX_NOTE = 10_000


def _num(v: Any, lo: float, hi: float) -> float | None:
    if type(v) is float or type(v) is int:
        f = float(v)
        if math.isfinite(f) and lo <= f <= hi:
            return f
    return None


def fast_position(item: Any, index: int) -> Prepared | None:
    """A Prepared position change, or None to fall back to full validation."""
    from sync.server.changelog import env_hash
    from sync.server.push import Prepared

    if type(item) is not dict or item.get("entity") != "position" or item.get("op") != "append":
        return None
    if not item.keys() <= _KEYS or item.get("base") not in (None, {}):
        return None
    cid, eid, hlc, f = item.get("change_id"), item.get("entity_id"), item.get("hlc"), item.get("fields")
    if not (type(cid) is str and _UUID.match(cid) and type(eid) is str and _UUID.match(eid)):
        return None
    if type(hlc) is not str or not HLC_RE.match(hlc) or type(f) is not dict or not f.keys() <= _FKEYS:
        return None
    unit, t = f.get("unit_id"), f.get("observed_at")
    if type(unit) is not str or not _UUID.match(unit) or type(t) is not str:
        return None
    m = _TIME.match(t)
    if not m:
        return None
    lat, lon = _num(f.get("lat"), -90, 90), _num(f.get("lon"), -180, 180)
    acc = f.get("accuracy_m")
    if lat is None or lon is None:
        return None
    if acc is not None:
        acc = _num(acc, 0, 1_000_000)
        if acc is None:
            return None
    source, note = f.get("source", "manual"), f.get("note")
    if source not in _SOURCES or (note is not None and (type(note) is not str or len(note) > _MAX_NOTE)):
        return None
    # Validity of the calendar date itself (e.g. Feb 30) is left to pydantic.
    from datetime import datetime

    try:
        datetime.fromisoformat(m.group(1))
    except ValueError:
        return None
    frac = m.group(2)
    observed = m.group(1) + ("" if not frac or int(frac) == 0 else "." + frac.ljust(6, "0")) + "Z"
    fields = {"unit_id": unit, "lat": lat, "lon": lon, "accuracy_m": acc,
              "observed_at": observed, "source": source, "note": note}
    return Prepared(index, cid, "position", eid, "append", fields, {}, hlc,
                    env_hash("position", eid, "append", fields, {}, hlc))
