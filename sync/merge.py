"""Hybrid logical clock and the merge rules, run unchanged by client and server.

An HLC string is `<13-digit unix ms>-<4 hex counter>-<node id>`; plain string
comparison orders HLCs by time, then counter, then node id, which is exactly
the tie-break the protocol asks for.

Merge rules:
- mergeable entities (unit, incident, conflict): per-field last-writer-wins by
  HLC. A field's state is (value, hlc); a change wins a field when its HLC is
  greater than the field's current HLC.
- append-only entities (position, incident_entry): a record is written once;
  a second change for the same id is a duplicate and changes nothing.
- concurrency: a change whose `base` for a field is older than the field's
  current HLC was made without seeing the current value. Last writer still
  wins, but a FieldConflict describes both values. Conflict ids are derived
  from the pair of HLCs, so whichever order two sides sync in, the same
  conflict record results.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.protocol import HLC_RE

CONFLICT_NAMESPACE = uuid.UUID("6f1c1c1e-7d0a-4c39-9a43-0d5f1e1b2c3d")
_MAX_COUNTER = 0xFFFF
ZERO_HLC = "0000000000000-0000-0"


def format_hlc(ms: int, counter: int, node: str) -> str:
    return f"{ms:013d}-{counter:04x}-{node}"


def parse_hlc(hlc: str) -> tuple[int, int, str]:
    if not HLC_RE.match(hlc):
        raise ValueError(f"malformed HLC: {hlc!r}")
    ms, counter, node = hlc.split("-", 2)
    return int(ms), int(counter, 16), node


def hlc_millis(hlc: str) -> int:
    return int(hlc[:13])


class HybridClock:
    """Thread-safe hybrid logical clock for one node.

    `now()` makes a timestamp for a local event; `observe()` folds in a remote
    HLC so that later local events sort after everything this node has seen.
    """

    def __init__(
        self, node_id: str, wall_ms: Callable[[], int] | None = None, last: str | None = None
    ) -> None:
        if not HLC_RE.match(format_hlc(0, 0, node_id)):
            raise ValueError(f"bad node id {node_id!r}")
        self.node_id = node_id
        self._wall = wall_ms or (lambda: time.time_ns() // 1_000_000)
        self._lock = threading.Lock()
        self._ms = 0
        self._counter = 0
        if last:
            self._ms, self._counter, _ = parse_hlc(last)

    def now(self) -> str:
        with self._lock:
            wall = self._wall()
            if wall > self._ms:
                self._ms, self._counter = wall, 0
            else:
                self._bump()
            return format_hlc(self._ms, self._counter, self.node_id)

    def observe(self, remote: str) -> None:
        r_ms, r_counter, _ = parse_hlc(remote)
        with self._lock:
            if (r_ms, r_counter) > (self._ms, self._counter):
                self._ms, self._counter = r_ms, r_counter

    def last(self) -> str:
        with self._lock:
            return format_hlc(self._ms, self._counter, self.node_id)

    def _bump(self) -> None:
        if self._counter >= _MAX_COUNTER:
            self._ms += 1
            self._counter = 0
        else:
            self._counter += 1


@dataclass(frozen=True)
class FieldConflict:
    """Two concurrent writes to one field; `winner_*` is the value that stands."""

    field: str
    winner_value: Any
    winner_hlc: str
    loser_value: Any
    loser_hlc: str

    def conflict_id(self, entity: str, entity_id: str) -> uuid.UUID:
        return conflict_id(entity, entity_id, self.field, self.winner_hlc, self.loser_hlc)


def conflict_id(entity: str, entity_id: str, field_name: str, hlc_a: str, hlc_b: str) -> uuid.UUID:
    lo, hi = sorted((hlc_a, hlc_b))
    return uuid.uuid5(CONFLICT_NAMESPACE, f"{entity}:{entity_id}:{field_name}:{lo}:{hi}")


@dataclass
class MergeResult:
    values: dict[str, Any]
    hlcs: dict[str, str]
    applied: dict[str, Any] = field(default_factory=dict)  # fields this change won
    conflicts: list[FieldConflict] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def merge_upsert(
    values: Mapping[str, Any],
    hlcs: Mapping[str, str],
    fields: Mapping[str, Any],
    base: Mapping[str, str],
    hlc: str,
    *,
    exists: bool | None = None,
) -> MergeResult:
    """Fold one upsert into a mergeable record's state (pure function).

    `values`/`hlcs` are the record's current fields and their HLCs (empty for a
    record not seen yet). Returns the new state, the fields the change won and
    the conflicts it reveals. Re-applying a change is a no-op.
    """
    new_values = dict(values)
    new_hlcs = dict(hlcs)
    result = MergeResult(new_values, new_hlcs)
    if exists is None:
        exists = bool(hlcs)
    for name, value in fields.items():
        current = hlcs.get(name)
        if current == hlc:
            continue  # the same write again
        if current is None or hlc > current:
            new_values[name] = value
            new_hlcs[name] = hlc
            result.applied[name] = value
        seen = base.get(name)
        if current is not None and (seen is None or seen < current) and exists:
            old = values.get(name)
            if old == value:
                continue  # both sides wrote the same thing: nothing to decide
            if hlc > current:
                result.conflicts.append(FieldConflict(name, value, hlc, old, current))
            else:
                result.conflicts.append(FieldConflict(name, old, current, value, hlc))
    return result

