"""What the oversight view lists and how it filters it (no Qt, no SQL).

One `Row` per detention or use-of-force report as it stands, built once per refresh
(store/accountable.py `oversight_rows`) and kept in the view's order: detentions
still held past a threshold first (alert, then warning), then those handed over
late, then the rest, newest first; within each group what the observer has not reviewed
yet (never looked at here, or amended since) comes before what they have. Filtering keeps that order; `Selector` indexes the
rows once per refresh, so a filter costs what it selects, not the whole table
(`oversight.filter_100k_ms` in `make bench`).
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
    reviewed: bool = False  # looked at here since its last amendment (store.Reviewed)

    @property
    def overdue(self) -> bool:
        return self.open and self.state != "ok"


def order_key(row: Row) -> tuple[int, bool, float]:
    """Held past a threshold first (worst first), then late hand-overs, then the rest;
    in each, not reviewed before reviewed, then newest first."""
    rank = RANK.get(row.state, 0)
    urgency = (4 + rank) if row.open and rank else rank
    return (-urgency, row.reviewed, -(row.when.timestamp() if row.when else 0.0))


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
    """The rows that meet every criterion given, in their order: one pass per criterion
    given, each over what the one before left (a criterion not given costs nothing)."""
    out = list(rows)
    if c.entity is not None:
        out = [r for r in out if r.entity == c.entity]
    if c.agency is not None:
        out = [r for r in out if r.agency == c.agency]
    if c.operation_id is not None:
        out = [r for r in out if r.operation_id == c.operation_id]
    if c.level is not None:
        out = [r for r in out if r.level == c.level]
    if c.open_only or c.overdue_only:
        out = [r for r in out if r.open]
    if c.overdue_only:
        out = [r for r in out if r.state != "ok"]
    text = c.text.strip().lower()
    if text:
        out = [r for r in out if text in r.search]
    return out


class Selector:
    """The rows, indexed once per refresh so a filter costs what it selects, not the whole
    table: the row numbers of each agency, operation, level and kind, those held and
    those held past a threshold, and the rows' search words as plain strings (a search
    is one pass over strings, with no row object touched)."""

    KEYS = ("entity", "agency", "operation_id", "level")

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = list(rows)
        self.index: dict[str, dict[object, list[int]]] = {k: {} for k in self.KEYS}
        self.held: list[int] = []
        self.overdue: list[int] = []
        for i, r in enumerate(self.rows):
            for key in self.KEYS:
                self.index[key].setdefault(getattr(r, key), []).append(i)
            if r.open:
                self.held.append(i)
                if r.state != "ok":
                    self.overdue.append(i)
        self._words = [r.search for r in self.rows]

    def select(self, c: Criteria) -> list[Row]:
        """The rows meeting every criterion given, in their order (as `select`)."""
        lists: list[list[int]] = []
        for key in self.KEYS:
            value = getattr(c, key)
            if value is not None:
                lists.append(self.index[key].get(value, []))
        if c.overdue_only:
            lists.append(self.overdue)
        elif c.open_only:
            lists.append(self.held)
        text = c.text.strip().lower()
        if text:
            lists.append([i for i, words in enumerate(self._words) if text in words])
        if not lists:
            return list(self.rows)
        lists.sort(key=len)
        keep = set(lists[0])
        for other in lists[1:]:
            keep.intersection_update(other)
            if not keep:
                return []
        return [self.rows[i] for i in sorted(keep)]


def counts_by(rows: Iterable[Row], key: str) -> dict[object, int]:
    """How many reports per level, agency or operation (what the view summarises)."""
    out: dict[object, int] = {}
    for r in rows:
        value = getattr(r, key)
        out[value] = out.get(value, 0) + 1
    return out
