"""What the oversight view lists and how it filters it (no Qt, no SQL).

One `Row` per detention or use-of-force report as it stands, built once per refresh
(store/accountable.py `oversight_rows`) and kept in the view's order: detentions
still held past a threshold first (alert, then warning), then those handed over
late, then the rest, newest first. Filtering keeps that order, so it is one pass
over the rows (`oversight.filter_100k_ms` in `make bench`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from fieldclient.core.custody import RANK


@dataclass(slots=True, frozen=True)
class Row:
    entity: str  # "detention" or "use_of_force"
    id: str
    agency: str
    operation_id: str | None
    unit: str  # callsign of the unit (or its id when unknown here)
    person: str  # detained person's initials ("" for reports)
    when: datetime | None  # detained / force used at
    level: str | None  # level of force (reports), a value of vocab.FORCE_LEVEL
    state: str  # custody state (core.custody) of a detention; "" for reports
    open: bool  # a detention not handed over yet
    elapsed_min: int  # custody minutes (detentions)
    authority: str | None
    handed_over_at: datetime | None
    amendments: int
    injured: int
    deaths: int
    search: str  # lower-case text a search matches (person, unit, agency, ids)

    @property
    def overdue(self) -> bool:
        return self.open and self.state != "ok"


def order_key(row: Row) -> tuple[int, float]:
    """Held past a threshold first (worst first), then late hand-overs, then by time,
    newest first."""
    rank = RANK.get(row.state, 0)
    urgency = (4 + rank) if row.open and rank else rank
    return (-urgency, -(row.when.timestamp() if row.when else 0.0))


def ordered(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=order_key)


@dataclass(frozen=True)
class Criteria:
    entity: str | None = None
    agency: str | None = None
    operation_id: str | None = None
    level: str | None = None
    overdue_only: bool = False
    open_only: bool = False
    text: str = ""


def select(rows: Sequence[Row], c: Criteria) -> list[Row]:
    """The rows that meet every criterion given, in their order."""
    text = c.text.strip().lower()
    return [r for r in rows
            if (c.entity is None or r.entity == c.entity)
            and (c.agency is None or r.agency == c.agency)
            and (c.operation_id is None or r.operation_id == c.operation_id)
            and (c.level is None or r.level == c.level)
            and (not c.overdue_only or (r.open and r.state != "ok"))
            and (not c.open_only or r.open)
            and (not text or text in r.search)]


def counts_by(rows: Iterable[Row], key: str) -> dict[object, int]:
    """How many reports per level, agency or operation (what the view summarises)."""
    out: dict[object, int] = {}
    for r in rows:
        value = getattr(r, key)
        out[value] = out.get(value, 0) + 1
    return out
