"""The roster: a flat table model over every unit, smooth at 100,000 rows.

Rows are plain tuples loaded once in the background (one query, no join, see
Unit.pos_*), so `data()` never touches the database. Filtering and sorting
are done here on an array of row indices instead of a QSortFilterProxyModel:
at 100k rows a proxy calls back into Python `data()` per row per comparison
(seconds), while a list comprehension over precomputed keys takes
milliseconds. Chain of command is a "Reports to" column plus the full chain
in the details panel, rather than a tree: a tree cannot be sorted by status
or position across branches, which is what a commander does most. The operational
chain (which joint operation a unit is in and which agency commands it there) is a
column of its own, read apart from the rows (`set_command`, a few hundred entries at
most); the window's operation selector narrows the rows to one operation's units.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from fieldclient.core.bidi import isolate
from fieldclient.store import queries
from fieldclient.store.db import Store
from fieldclient.store.operations import Command
from fieldclient.ui import geo
from fieldclient.ui.labels import agency_name, field_name, label
from fieldclient.ui.roster_search import SEP, Combo, SearchIndex
from fieldclient.ui.tasks import run_task, serial_pool

# Row tuple layout: the shared roster query's (store.queries.ROSTER_FIELDS).
ID, CALLSIGN, AGENCY, KIND = queries.R_ID, queries.R_CALLSIGN, queries.R_AGENCY, queries.R_KIND
ECHELON, STATUS, STRENGTH = queries.R_ECHELON, queries.R_STATUS, queries.R_STRENGTH
PARENT, LAT, LON = queries.R_PARENT_ID, queries.R_LAT, queries.R_LON
OBSERVED, SOURCE, NAME = queries.R_OBSERVED_AT, queries.R_SOURCE, queries.R_NAME
_NEVER = datetime.min.replace(tzinfo=UTC)

COL_CALLSIGN, COL_PARENT, COL_AGENCY, COL_KIND, COL_ECHELON, COL_STATUS = range(6)
COL_STRENGTH, COL_POSITION, COL_AGE, COL_SOURCE, COL_OPERATION = range(6, 11)
COLUMN_COUNT = 11

# Columns showing a vocabulary value: (row field, vocabulary).
COLUMN_GROUPS = {
    COL_KIND: (KIND, "unit_kind"),
    COL_ECHELON: (ECHELON, "echelon"),
    COL_STATUS: (STATUS, "unit_status"),
    COL_SOURCE: (SOURCE, "position_source"),
}

# stale reports (amber), retired units (grey) and hand-overs of command waiting too long
# for their acknowledgement (red), by day and in night mode
DAY_BRUSHES = (QBrush(QColor(255, 214, 153)), QBrush(QColor(230, 230, 230)),
               QBrush(QColor(255, 176, 176)))
NIGHT_BRUSHES = (QBrush(QColor(84, 40, 0)), QBrush(QColor(40, 24, 24)), QBrush(QColor(96, 0, 0)))

UNIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STALE_ROLE = Qt.ItemDataRole.UserRole + 2

Row = tuple[Any, ...]
Index = QModelIndex | QPersistentModelIndex


def load_rows(store: Store) -> list[Row]:
    """Every unit as a row tuple. Runs on a worker thread with its own session."""
    with store.session() as s:
        return queries.roster_rows(s)


SEARCH_FIELDS = (CALLSIGN, NAME, AGENCY, KIND, STATUS)


def combo_text(combo: Combo) -> str:
    """The words of an (agency, kind, status) combination the text filter matches: codes,
    the agency's name and the labels in the current language (`roster_search`)."""
    agency, kind, status = combo
    return SEP.join((
        agency or "", agency_name(agency), kind or "", label(kind, "unit_kind"),
        status or "", label(status, "unit_status"),
    ))


def load_rows_with_keys(store: Store) -> tuple[list[Row], SearchIndex]:
    """Rows plus their search keys, both built off the UI thread."""
    rows = load_rows(store)
    index = SearchIndex(combo_text)
    index.build(rows, SEARCH_FIELDS)
    return rows, index


def prefetch_rows(store: Store) -> Future[tuple[list[Row], SearchIndex]]:
    """Start reading the roster right after the store opens, so the query overlaps
    importing and building the window (start-up only); `RosterModel.load` takes it."""
    return run_task(lambda: load_rows_with_keys(store), _ignore)


def _ignore(_result: Any, _error: BaseException | None) -> None:
    """The prefetch's outcome is read through its Future by the model's load, which
    shows an error; nothing to do when it arrives."""


def load_rows_by_ids(store: Store, ids: Iterable[str]) -> list[Row]:
    with store.session() as s:
        return queries.unit_rows_by_ids(s, ids)


class RosterModel(QAbstractTableModel):
    """Units as rows; `visible` holds the indices into `rows` after filter and sort."""

    loaded = Signal()  # rows are in (first load or full reload)
    updated = Signal()  # some rows changed in place
    agenciesChanged = Signal()  # a row brought an agency the roster had not listed

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []
        self.visible: list[int] = []
        self._by_id: dict[str, int] = {}
        self._agencies: set[str] | None = None  # built on first use, then kept up to date
        self._coord_format = "dd"
        self._stale_after = timedelta(minutes=30)
        self._now = datetime.now(UTC)
        self._stale_cutoff = _NEVER
        self._text = ""
        self._agency: str | None = None
        self._status: str | None = None
        self._kind: str | None = None
        self._sort_column = COL_CALLSIGN
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._search: SearchIndex | None = None
        self._order: list[int] | None = None
        self._order_keys: list[Any] | None = None
        self._order_fn: Callable[[Row], Any] | None = None
        self._store: Store | None = None
        self._stale_brush, self._retired_brush, self._overdue_brush = DAY_BRUSHES
        self._command: dict[str, Command] = {}  # unit id -> its current assignment
        self._overdue: set[str] = set()  # units handed over, not acknowledged in time
        self._outside: set[str] = set()  # units outside their jurisdiction (store/zones.py)
        self._only: set[str] | None = None  # the chosen operation's units (None: all)
        # Full loads and deltas run one at a time, in order: a delta read before a later
        # one must not land after it and roll a row back.
        self._pool = serial_pool(self)
        self._refresh_clock()
        # Ages and staleness move with the clock even when no data changes.
        self._clock = QTimer(self)
        self._clock.setInterval(30_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    # -- loading --------------------------------------------------------------

    def load(
        self,
        store: Store,
        done: Callable[[BaseException | None], None] | None = None,
        prefetched: Future[tuple[list[Row], SearchIndex]] | None = None,
    ) -> None:
        """Load every unit in the background; `loaded` fires when the rows are in.
        `prefetched` is a load already started at launch (see `prefetch_rows`)."""
        self._store = store

        def finished(result: Any, error: BaseException | None) -> None:
            if error is None:
                self.set_rows(*result)
            if done is not None:
                done(error)

        fetch = prefetched.result if prefetched is not None else (
            lambda: load_rows_with_keys(store))
        run_task(fetch, finished, self._pool)

    def set_rows(self, rows: list[Row], index: SearchIndex | None = None) -> None:
        self._refresh_clock()
        self.beginResetModel()
        self.rows = rows
        self._by_id = {r[ID]: i for i, r in enumerate(rows)}
        self._agencies = None
        if index is not None:
            # built on a worker, maybe before the window read the agency names: the few
            # combination keys are rebuilt here with the names and labels now current
            index.relabel(combo_text)
        self._search = index
        self._invalidate_order()
        self.visible = self._compute_visible()
        self.endResetModel()
        self.loaded.emit()

    def reload_units(self, ids: Iterable[str]) -> None:
        """Refresh only these units (after a local edit or a pull) in the background."""
        store = self._store
        if store is None:
            return
        wanted = set(ids)

        def finished(rows: Any, error: BaseException | None) -> None:
            if error is not None:
                return
            if rows:
                self.apply_rows(rows)
            gone = wanted - {r[ID] for r in rows or ()}
            if gone:
                self.remove_units(gone)

        run_task(lambda: load_rows_by_ids(store, wanted), finished, self._pool)

    def remove_units(self, ids: Iterable[str]) -> None:
        """Drop units that are no longer in the store: withdrawn (the user may no longer see
        them) or a creation the server rejected. Rare, so a plain reset."""
        gone = {i for i in ids if i in self._by_id}
        if gone:
            self.set_rows([r for r in self.rows if r[ID] not in gone])

    def apply_rows(self, rows: Iterable[Row]) -> None:
        """Replace or add rows, keep selection (persistent indexes) and re-filter."""
        self._refresh_clock()
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old_ids = [
            self.rows[self.visible[p.row()]][ID] if 0 <= p.row() < len(self.visible) else None
            for p in persistent
        ]
        search = self._search
        order_keys, key_fn = self._order_keys, self._order_fn
        agencies, new_agency = self._agencies, False
        for row in rows:
            if agencies is not None and row[AGENCY] not in agencies:
                agencies.add(row[AGENCY])
                new_agency = True
            at = self._by_id.get(row[ID])
            if at is None:
                self._by_id[row[ID]] = len(self.rows)
                self.rows.append(row)
                if search is not None:
                    search.set_row(len(self.rows) - 1, row, SEARCH_FIELDS)
                self._invalidate_order()
            else:
                self.rows[at] = row
                if search is not None:
                    search.set_row(at, row, SEARCH_FIELDS)
                # re-sort only when the edit moved this row (most edits do not)
                if order_keys is not None and key_fn is not None and key_fn(row) != order_keys[at]:
                    self._invalidate_order()
        if self._sort_column == COL_PARENT:
            self._invalidate_order()  # a renamed parent moves its children
        self.visible = self._compute_visible()
        where = {idx: n for n, idx in enumerate(self.visible)}
        new: list[QModelIndex] = []
        for p, uid in zip(persistent, old_ids, strict=True):
            pos = where.get(self._by_id.get(uid, -1)) if uid is not None else None
            new.append(self.index(pos, p.column()) if pos is not None else QModelIndex())
        self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()
        self.updated.emit()
        if new_agency:
            self.agenciesChanged.emit()

    # -- filter and sort --------------------------------------------------------

    def set_filter(
        self,
        text: str | None = None,
        agency: str | None = None,
        status: str | None = None,
        kind: str | None = None,
    ) -> None:
        self._text = (text or "").strip()
        self._agency, self._status, self._kind = agency or None, status or None, kind or None
        self.beginResetModel()
        self.visible = self._compute_visible()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        self._invalidate_order()
        self.layoutAboutToBeChanged.emit()
        self.visible = self._compute_visible()
        self.layoutChanged.emit()

    def _compute_visible(self) -> list[int]:
        order = self._sorted()
        rows = self.rows
        if self._agency:
            a = self._agency
            order = [i for i in order if rows[i][AGENCY] == a]
        if self._status:
            st = self._status
            order = [i for i in order if rows[i][STATUS] == st]
        if self._kind:
            k = self._kind
            order = [i for i in order if rows[i][KIND] == k]
        if self._only is not None:
            only, by_id = self._only, self._by_id
            keep = {by_id[u] for u in only if u in by_id}
            order = [i for i in order if i in keep]
        if self._text:
            order = self._search_index().matching(order, self._text)
        return order

    # -- joint operations -------------------------------------------------------

    def set_command(self, command: dict[str, Command], overdue: set[str]) -> None:
        """Each unit's current assignment, and the units whose hand-over of command waits
        too long for its acknowledgement (store/operations.py)."""
        self._command, self._overdue = command, overdue
        if self._sort_column == COL_OPERATION:
            self.sort(self._sort_column, self._sort_order)
        self._emit_all()

    def set_operation_units(self, units: set[str] | None) -> None:
        """Show only these units (an operation's; None: every unit)."""
        self._only = units
        self.beginResetModel()
        self.visible = self._compute_visible()
        self.endResetModel()

    def set_outside(self, outside: set[str], among: set[str] | None = None) -> None:
        """The units outside their jurisdiction (store/zones.py: a warning); `among`: the
        units these were judged among (None: all of them)."""
        if among is None:
            self._outside = set(outside)
        else:
            self._outside = (self._outside - among) | outside
        self._emit_all()

    def is_outside(self, unit_id: str) -> bool:
        return unit_id in self._outside

    def command_of(self, unit_id: str) -> Command | None:
        return self._command.get(unit_id)

    def is_overdue(self, unit_id: str) -> bool:
        return unit_id in self._overdue

    def _command_text(self, row: Row) -> str:
        c = self._command.get(row[ID])
        text = f"{c.code} · {agency_name(c.commanding_agency)}" if c else ""
        if row[ID] in self._outside:
            flag = self.tr("outside jurisdiction")
            text = f"{text} · {flag}" if text else flag
        return text

    def _search_index(self) -> SearchIndex:
        if self._search is None:
            self._search = SearchIndex(combo_text)
            self._search.build(self.rows, SEARCH_FIELDS)
        return self._search

    def _key_fn(self, col: int) -> tuple[Callable[[Row], Any], bool]:
        """Sort key of a row for a column, and whether ascending means newest first."""
        if col == COL_CALLSIGN:
            return (lambda r: r[CALLSIGN].casefold()), False
        if col == COL_PARENT:
            return (lambda r: self._parent_callsign(r).casefold()), False
        if col == COL_AGENCY:
            agency_names: dict[str | None, str] = {}  # by the shown name, not the slug

            def by_name(r: Row) -> str:
                slug = r[AGENCY]
                name = agency_names.get(slug)
                if name is None:
                    name = agency_names[slug] = agency_name(slug).casefold()
                return name

            return by_name, False
        if col in COLUMN_GROUPS:
            src, group = COLUMN_GROUPS[col]
            names: dict[str | None, str] = {}  # by the shown (translated) name

            def by_label(r: Row) -> str:
                code = r[src]
                name = names.get(code)
                if name is None:
                    name = names[code] = label(code, group).casefold()
                return name

            return by_label, False
        if col == COL_STRENGTH:
            return (lambda r: r[STRENGTH] if r[STRENGTH] is not None else -1), False
        if col == COL_OPERATION:
            return (lambda r: self._command_text(r).casefold()), False
        if col == COL_POSITION:
            # south to north by latitude: a float key sorts 100k rows ~3x faster than tuples
            return (lambda r: r[LAT] if r[LAT] is not None else -999.0), False
        # age: youngest report first when ascending; no report at all last
        return (lambda r: r[OBSERVED] or _NEVER), True

    def _sorted(self) -> list[int]:
        """Row indices in sort order; cached until a change moves some row's key."""
        if self._order is None:
            fn, flip = self._key_fn(self._sort_column)
            keys = [fn(r) for r in self.rows]
            reverse = (self._sort_order == Qt.SortOrder.DescendingOrder) != flip
            self._order = sorted(range(len(keys)), key=keys.__getitem__, reverse=reverse)
            self._order_keys, self._order_fn = keys, fn
        return self._order

    def _invalidate_order(self) -> None:
        self._order = None
        self._order_keys = None

    # -- display --------------------------------------------------------------

    def set_coord_format(self, fmt: str) -> None:
        self._coord_format = fmt
        self._emit_column(COL_POSITION)

    def set_night(self, night: bool) -> None:
        """Dark highlight colours in night mode (a light amber cell would glare)."""
        self._stale_brush, self._retired_brush, self._overdue_brush = (
            NIGHT_BRUSHES if night else DAY_BRUSHES)
        self._emit_all()

    def set_stale_minutes(self, minutes: int) -> None:
        self._stale_after = timedelta(minutes=minutes)
        self._refresh_clock()
        self._emit_all()

    def _refresh_clock(self) -> None:
        self._now = datetime.now(UTC)
        self._stale_cutoff = self._now - self._stale_after

    def _tick(self) -> None:
        self._refresh_clock()
        self._emit_all()

    def _emit_column(self, column: int) -> None:
        if self.visible:
            self.dataChanged.emit(
                self.index(0, column), self.index(len(self.visible) - 1, column)
            )

    def _emit_all(self) -> None:
        if self.visible:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.visible) - 1, COLUMN_COUNT - 1)
            )

    def retranslate(self) -> None:
        self._relabel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, COLUMN_COUNT - 1)

    def agency_names_changed(self) -> None:
        """The agency list changed (names are shown, sorted on and searched)."""
        self._relabel()
        self.agenciesChanged.emit()

    def _relabel(self) -> None:
        # Labels and agency names are shown, searched and sorted on: all three follow.
        if self._search is not None:
            self._search.relabel(combo_text)
        if self.rows and (self._sort_column in COLUMN_GROUPS or self._sort_column == COL_AGENCY):
            self.sort(self._sort_column, self._sort_order)  # sorted by the shown names
        if self._text:
            self.set_filter(self._text, self._agency, self._status, self._kind)
        self._emit_all()

    def _parent_callsign(self, row: Row) -> str:
        pid = row[PARENT]
        if not pid:
            return ""
        at = self._by_id.get(pid)
        return self.rows[at][CALLSIGN] if at is not None else "?"

    def is_stale(self, row: Row) -> bool:
        return row[OBSERVED] is not None and row[OBSERVED] < self._stale_cutoff

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def row_at(self, view_row: int) -> Row:
        return self.rows[self.visible[view_row]]

    def unit_id(self, view_row: int) -> str:
        return self.rows[self.visible[view_row]][ID]

    def row_of(self, unit_id: str) -> int | None:
        at = self._by_id.get(unit_id)
        if at is None:
            return None
        try:
            return self.visible.index(at)
        except ValueError:
            return None

    def row_by_id(self, unit_id: str) -> Row | None:
        at = self._by_id.get(unit_id)
        return self.rows[at] if at is not None else None

    def agencies(self) -> list[str]:
        """Slugs of the agencies the rows name, in the order of their shown names."""
        if self._agencies is None:
            self._agencies = {r[AGENCY] for r in self.rows}
        return sorted(self._agencies, key=lambda a: agency_name(a).casefold())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[self.visible[index.row()]]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.BackgroundRole:
            if col in (COL_POSITION, COL_AGE) and self.is_stale(row):
                return self._stale_brush
            if row[STATUS] == "retired":
                return self._retired_brush
            if col in (COL_CALLSIGN, COL_OPERATION) and row[ID] in self._overdue:
                return self._overdue_brush
            if col == COL_OPERATION and row[ID] in self._outside:
                return self._overdue_brush
            return None
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_AGENCY:
            return agency_name(row[AGENCY])  # long names are elided in the cell
        if role == Qt.ItemDataRole.ToolTipRole and col in (COL_CALLSIGN, COL_OPERATION) \
                and row[ID] in self._overdue:
            return self.tr("Command of this unit was handed over and the receiving agency "
                           "has not acknowledged it in time.")
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_OPERATION \
                and row[ID] in self._outside:
            return self.tr("Outside jurisdiction: its latest position is outside its agency's "
                           "zones and outside the area of every active operation it is "
                           "assigned to (a warning only).")
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_OPERATION:
            c = self._command.get(row[ID])
            return self.tr("{operation}: {role}, commanded by {agency}").format(
                operation=c.code, role=label(c.role, "assignment_role"),
                agency=agency_name(c.commanding_agency)) if c else None
        if role == Qt.ItemDataRole.ToolTipRole and col in (COL_POSITION, COL_AGE):
            if self.is_stale(row):
                return self.tr("No position report for more than {n} minutes").format(
                    n=int(self._stale_after.total_seconds() // 60)
                )
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_STRENGTH:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == UNIT_ID_ROLE:
            return row[ID]
        if role == STALE_ROLE:
            return self.is_stale(row)
        return None

    def _display(self, row: Row, col: int) -> Any:
        # Record text is isolated (core.bidi): a direction control in it cannot turn the
        # cell around, nor pass a unit off as another.
        if col == COL_CALLSIGN:
            return isolate(row[CALLSIGN])
        if col == COL_PARENT:
            return isolate(self._parent_callsign(row))
        if col == COL_AGENCY:
            return agency_name(row[AGENCY])
        if col in COLUMN_GROUPS:
            src, group = COLUMN_GROUPS[col]
            return label(row[src], group)
        if col == COL_STRENGTH:
            return "" if row[STRENGTH] is None else str(row[STRENGTH])
        if col == COL_POSITION:
            if row[LAT] is None:
                return ""
            return geo.format_latlon(row[LAT], row[LON], self._coord_format)
        if col == COL_AGE:
            return self.age_text(row[OBSERVED])
        if col == COL_OPERATION:
            return isolate(self._command_text(row)) \
                if row[ID] in self._command or row[ID] in self._outside else ""
        return None

    def age_text(self, observed: datetime | None) -> str:
        if observed is None:
            return ""
        seconds = int((self._now - observed).total_seconds())
        if seconds < 60:
            return self.tr("now")
        minutes = seconds // 60
        if minutes < 60:
            return self.tr("{n} min").format(n=minutes)
        hours = minutes // 60
        if hours < 48:
            return self.tr("{h} h {m} min").format(h=hours, m=minutes % 60)
        return self.tr("{n} d").format(n=hours // 24)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.column_titles()[section] if 0 <= section < COLUMN_COUNT else None

    def column_titles(self) -> list[str]:
        # Columns that show a field carry that field's label, as in the dialogs.
        return [
            field_name("unit", "callsign"),
            field_name("unit", "parent_id"),
            field_name("unit", "agency"),
            field_name("unit", "kind"),
            field_name("unit", "echelon"),
            field_name("unit", "status"),
            field_name("unit", "strength"),
            self.tr("Position"),
            self.tr("Age"),
            field_name("position", "source"),
            self.tr("Operation"),
        ]
