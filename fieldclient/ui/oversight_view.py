"""The oversight view, for the observer role: everything read-only.

- Detentions: the custody clock (amber and red at the deployment's thresholds), who the
  person was handed to and when, amendments; held past a threshold first, then late
  hand-overs, then the newest (core.oversight); in each, what this observer has not
  reviewed yet (never selected here, or amended since) first, in bold. Selecting a
  record marks it reviewed on this laptop (store.Reviewed).
- Use of force: by level, agency and operation, with a count per level.
- The record selected in either, with each amendment beside its original
  (record_history.py), and "Open full record", which asks the server for the record
  with personal data: the server writes the opening to its audit trail first; what it
  sends is shown and never stored.
- Audit trail: the server's trail (who did what, when, from which device) with filters.

The rows are built off the UI thread (100,000 records take seconds); filtering them is
one pass in the UI thread (`oversight.filter_100k_ms`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldclient.core import custody, oversight
from fieldclient.core.bidi import isolate
from fieldclient.core.errors import StoreError, UserFacingError
from fieldclient.core.timefmt import format_local
from fieldclient.store import accountable
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.ui.custody_list import COLOURS, handover_text
from fieldclient.ui.errors import error_text
from fieldclient.ui.i18n import Retranslatable
from fieldclient.ui.labels import label
from fieldclient.ui.record_history import RecordHistory
from fieldclient.ui.tasks import run_task
from sync.protocol.entity import ENTITIES

Index = QModelIndex | QPersistentModelIndex
AuditSource = Callable[[int, int], dict[str, Any]]  # (after, limit) -> {rows, next}
Opener = Callable[[str], Any]  # record id -> codec.PulledPage (audited by the server)
AUDIT_PAGE = 1000
AUDIT_MAX = 20_000  # rows kept in the view (the newest)
REFRESH_MS = 60_000  # the custody clocks move on


def _why(error: BaseException) -> str:
    return error_text(error) if isinstance(error, UserFacingError) else str(error)


class RecordsModel(QAbstractTableModel):
    """Rows of core.oversight for one kind of record, filtered in place."""

    def __init__(self, entity: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.entity = entity
        self.all: list[oversight.Row] = []
        self.rows: list[oversight.Row] = []
        self.selector = oversight.Selector([])
        self.criteria = oversight.Criteria(entity=entity)
        self.heads: list[str] = []
        self.reviewed_now: set[str] = set()  # selected since the rows were built
        self.not_reviewed = ""  # tool tip of a row not reviewed yet (translated)

    def set_rows(self, rows: list[oversight.Row],
                 selector: oversight.Selector | None = None) -> None:
        """The rows of this kind (`selector`: their index, built off the UI thread)."""
        self.beginResetModel()
        self.all = [r for r in rows if r.entity == self.entity]
        self.reviewed_now.clear()
        self.selector = selector or oversight.Selector(self.all)
        self.rows = self.selector.select(self.criteria)
        self.endResetModel()

    def set_criteria(self, criteria: oversight.Criteria) -> None:
        self.beginResetModel()
        self.criteria = criteria
        self.rows = self.selector.select(criteria)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.heads)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.heads[section] if section < len(self.heads) else None
        return None

    def cells(self, r: oversight.Row) -> list[str]:
        if self.entity == "detention":
            clock = (f"{COLOURS.get(r.state, ('',))[0]} "
                     f"{custody.elapsed_text(timedelta(minutes=r.elapsed_min))}").strip()
            return [clock, isolate(r.person), r.agency, isolate(r.unit), format_local(r.when),
                    handover_text(r.authority, r.handed_over_at), str(r.amendments or "")]
        return [label(r.level, "force_level"), r.agency, r.operation_id or "", isolate(r.unit),
                format_local(r.when), str(r.injured), str(r.deaths), str(r.amendments or "")]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(r)[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        if role in (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole) and \
                not self.is_reviewed(r):
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.not_reviewed
            font = QFont()
            font.setBold(True)
            return font
        if self.entity == "detention" and index.column() == 0 and r.state in COLOURS:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(COLOURS[r.state][1]))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(COLOURS[r.state][2]))
        return None


    def is_reviewed(self, r: oversight.Row) -> bool:
        return r.reviewed or r.id in self.reviewed_now

    def unreviewed(self) -> int:
        return sum(not self.is_reviewed(r) for r in self.all)

    def reviewed(self, record_id: str) -> oversight.Row | None:
        """Mark a row reviewed (it stays where it is until the next refresh); returns it
        if it was not reviewed before."""
        for n, r in enumerate(self.rows):
            if r.id == record_id and not self.is_reviewed(r):
                self.reviewed_now.add(record_id)
                self.dataChanged.emit(self.index(n, 0), self.index(n, len(self.heads) - 1))
                return r
        return None


class OversightView(Retranslatable, QWidget):
    def __init__(self, store: Store, audit_source: AuditSource | None = None,
                 opener: Opener | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("oversightView")
        self.store, self.audit_source, self.opener = store, audit_source, opener
        self._generation = 0
        self.audit_rows: list[dict[str, Any]] = []
        self._audit_next = 0
        self.tabs = QTabWidget()
        self.models: dict[str, RecordsModel] = {}
        self.tables: dict[str, QTableView] = {}
        self.history = RecordHistory()
        self.open_button = QPushButton()
        self.open_button.setObjectName("openFullRecord")
        self.open_button.setEnabled(False)
        self.detail_note = QLabel()
        self.detail_note.setWordWrap(True)
        self._current: tuple[str, str] | None = None

        self.agency = QComboBox()
        self.overdue = QCheckBox()
        self.held = QCheckBox()
        self.level = QComboBox()
        self.operation = QComboBox()
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.by_level = QLabel()
        self.by_level.setObjectName("forceByLevel")
        self.unreviewed = QLabel()
        self.unreviewed.setObjectName("notReviewed")
        for entity in ("detention", "use_of_force"):
            self.models[entity] = RecordsModel(entity, self)
            table = QTableView()
            table.setObjectName(f"{entity}Table")
            table.setModel(self.models[entity])
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            table.horizontalHeader().setStretchLastSection(True)
            table.selectionModel().currentRowChanged.connect(
                lambda cur, _prev, e=entity: self._select(e, cur))
            self.tables[entity] = table

        filters = QHBoxLayout()
        for w in (self.agency, self.level, self.operation):
            filters.addWidget(w)
        filters.addWidget(self.overdue)
        filters.addWidget(self.held)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.unreviewed)
        records = QWidget()
        rl = QVBoxLayout(records)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addLayout(filters)
        self.kinds = QTabWidget()
        self.kinds.addTab(self.tables["detention"], "")
        force = QWidget()
        fl = QVBoxLayout(force)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addWidget(self.by_level)
        fl.addWidget(self.tables["use_of_force"], 1)
        self.kinds.addTab(force, "")
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.detail_note, 1)
        top.addWidget(self.open_button)
        dl.addLayout(top)
        dl.addWidget(self.history, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.kinds)
        split.addWidget(detail)
        rl.addWidget(split, 1)

        self.audit_filter = {k: QLineEdit() for k in ("actor", "action", "device", "text")}
        self.audit_table = QTableWidget(0, 6)
        self.audit_table.setObjectName("auditTable")
        self.audit_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.audit_table.horizontalHeader().setStretchLastSection(True)
        self.audit_table.verticalHeader().setVisible(False)
        self.audit_button = QPushButton()
        self.audit_status = QLabel()
        audit = QWidget()
        al = QVBoxLayout(audit)
        al.setContentsMargins(0, 0, 0, 0)
        af = QHBoxLayout()
        for edit in self.audit_filter.values():
            edit.setClearButtonEnabled(True)
            edit.textChanged.connect(self._fill_audit)
            af.addWidget(edit)
        af.addWidget(self.audit_button)
        al.addLayout(af)
        al.addWidget(self.audit_table, 1)
        al.addWidget(self.audit_status)

        self.tabs.addTab(records, "")
        self.tabs.addTab(audit, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.tabs)

        for combo in (self.agency, self.level, self.operation):
            combo.currentIndexChanged.connect(self.apply_filter)
        for box in (self.overdue, self.held):
            box.toggled.connect(self.apply_filter)
        self.search.textChanged.connect(self.apply_filter)
        self.kinds.currentChanged.connect(self.apply_filter)
        self.open_button.clicked.connect(self.open_full_record)
        self.audit_button.clicked.connect(self.load_audit)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.reload)
        self._timer.start()
        self.retranslateUi()
        self.reload()

    # -- texts -------------------------------------------------------------------------

    def retranslateUi(self) -> None:
        self.tabs.setTabText(0, self.tr("Records"))
        self.tabs.setTabText(1, self.tr("Audit trail"))
        self.kinds.setTabText(0, self.tr("Detentions"))
        self.kinds.setTabText(1, self.tr("Use of force"))
        self.models["detention"].heads = [
            self.tr("Custody"), self.tr("Person"), self.tr("Agency"), self.tr("Unit"),
            self.tr("Detained"), self.tr("Hand-over"), self.tr("Amendments")]
        self.models["use_of_force"].heads = [
            self.tr("Level"), self.tr("Agency"), self.tr("Operation"), self.tr("Unit"),
            self.tr("Occurred"), self.tr("Injured"), self.tr("Deaths"), self.tr("Amendments")]
        for m in self.models.values():
            m.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(len(m.heads) - 1, 0))
        for m in self.models.values():
            m.not_reviewed = self.tr("Not reviewed yet: new, or amended since you last "
                                     "looked at it.")
        self._count_unreviewed()
        self.overdue.setText(self.tr("Overdue only"))
        self.held.setText(self.tr("In custody only"))
        self.search.setPlaceholderText(self.tr("Find by initials, unit, agency or id"))
        self.open_button.setText(self.tr("Open full record…"))
        self.open_button.setToolTip(self.tr(
            "Asks the server for the record with personal data. The server writes the "
            "opening to the audit trail; nothing is stored on this computer."))
        self.audit_button.setText(self.tr("Load the audit trail"))
        for key, text in (("actor", self.tr("Who")), ("action", self.tr("Action")),
                          ("device", self.tr("Device")), ("text", self.tr("Anything"))):
            self.audit_filter[key].setPlaceholderText(text)
        self.audit_table.setHorizontalHeaderLabels([
            self.tr("#"), self.tr("When"), self.tr("Who"), self.tr("Device"), self.tr("Action"),
            self.tr("What")])
        self._fill_filters()

    def _fill_filters(self) -> None:
        rows = [r for m in self.models.values() for r in m.all]
        self._fill(self.agency, self.tr("All agencies"),
                   [(a, a) for a in sorted({r.agency for r in rows})])
        levels = ENTITIES["use_of_force"].fields["level"].kind.vocab.values  # type: ignore[attr-defined]
        self._fill(self.level, self.tr("Any level"), [(v, label(v, "force_level"))
                                                       for v in levels])
        self._fill(self.operation, self.tr("All operations"),
                   [(o, o) for o in sorted({r.operation_id for r in rows if r.operation_id})])
        counts = oversight.counts_by(self.models["use_of_force"].rows, "level")
        self.by_level.setText(" · ".join(f"{label(v, 'force_level')}: {counts.get(v, 0)}"
                                         for v in levels))

    @staticmethod
    def _fill(combo: QComboBox, anything: str, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(anything, None)
        for data, text in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
        combo.blockSignals(False)

    # -- records ---------------------------------------------------------------------

    def reload(self) -> None:
        """Rebuild the rows (custody clocks at this moment) off the UI thread."""
        self._generation += 1
        generation = self._generation
        store = self.store

        def fetch() -> tuple[list[oversight.Row], dict[str, oversight.Selector]]:
            with store.session() as s:
                rows = accountable.oversight_rows(s, accountable.thresholds(store),
                                                  datetime.now(UTC))
            return rows, {e: oversight.Selector([r for r in rows if r.entity == e])
                          for e in ("detention", "use_of_force")}

        def done(result: Any, error: BaseException | None) -> None:
            if generation != self._generation or error is not None:
                return
            rows, selectors = result
            for entity, m in self.models.items():
                m.set_rows(rows, selectors[entity])
            self._fill_filters()
            self.apply_filter()
            self._count_unreviewed()

        run_task(fetch, done)

    def on_changes(self, changes: ChangeSet) -> None:
        if changes.get("detention") or changes.get("use_of_force"):
            self.reload()

    def apply_filter(self, *_args: object) -> None:
        detentions = self.kinds.currentIndex() == 0
        self.overdue.setEnabled(detentions)
        self.held.setEnabled(detentions)
        self.level.setEnabled(not detentions)
        common = {"agency": self.agency.currentData(),
                  "operation_id": self.operation.currentData(), "text": self.search.text()}
        self.models["detention"].set_criteria(oversight.Criteria(
            entity="detention", overdue_only=self.overdue.isChecked(),
            open_only=self.held.isChecked(), **common))
        self.models["use_of_force"].set_criteria(oversight.Criteria(
            entity="use_of_force", level=self.level.currentData(), **common))
        counts = oversight.counts_by(self.models["use_of_force"].rows, "level")
        levels = ENTITIES["use_of_force"].fields["level"].kind.vocab.values  # type: ignore[attr-defined]
        self.by_level.setText(" · ".join(f"{label(v, 'force_level')}: {counts.get(v, 0)}"
                                         for v in levels))

    def _count_unreviewed(self) -> None:
        n = sum(m.unreviewed() for m in self.models.values())
        self.unreviewed.setText(self.tr("Not reviewed: %n", "", n) if n else "")

    def _select(self, entity: str, index: QModelIndex) -> None:
        rid = self.models[entity].data(index, Qt.ItemDataRole.UserRole) if index.isValid() else None
        self.show_record(entity, rid)

    def show_record(self, entity: str, record_id: str | None) -> None:
        """The record with its amendments beside it, as this laptop holds it."""
        self._current = (entity, record_id) if record_id else None
        self.open_button.setEnabled(bool(record_id) and self.opener is not None)
        if not record_id:
            self.history.set_records(entity, [])
            self.detail_note.clear()
            return
        with self.store.session() as s:
            records = accountable.history(s, entity, record_id)
            names = accountable.ref_names(s, entity, records)
        self.history.set_records(entity, records, names)
        self._mark_reviewed(entity, record_id)
        withheld = any(r.get("redacted") for r in records)
        self.detail_note.setText(self.tr(
            "Personal data withheld: open the full record to see it (the opening is "
            "recorded in the audit trail).") if withheld else "")

    def _mark_reviewed(self, entity: str, record_id: str) -> None:
        row = self.models[entity].reviewed(record_id)
        if row is None:
            return
        try:
            with self.store.transaction() as s:
                accountable.mark_reviewed(s, entity, record_id, row.amendments,
                                          datetime.now(UTC))
        except StoreError:  # a read-only store: reviewed for this session only
            pass
        self._count_unreviewed()

    def open_full_record(self) -> None:
        """Ask the server for the whole record; show it, never store it."""
        if self._current is None or self.opener is None:
            return
        entity, rid = self._current
        opener = self.opener

        def done(page: Any, error: BaseException | None) -> None:
            if error is not None:
                self.detail_note.setText(_why(error))
                return
            definition = ENTITIES[entity]
            records = [{**definition.wire_fields(ch.fields), "author": ch.author,
                        "hlc": ch.hlc} for ch in page.changes]
            records.sort(key=lambda r: (r.get("amends") is not None, r["hlc"]))
            with self.store.session() as s:
                names = accountable.ref_names(s, entity, records)
            self.history.set_records(entity, records, names)
            self.detail_note.setText(self.tr("Full record from the server (not stored)."))

        run_task(lambda: opener(rid), done)

    # -- audit trail -----------------------------------------------------------------

    def load_audit(self) -> None:
        """Fetch the trail from the server (pages after what is here), off the UI thread."""
        if self.audit_source is None:
            self.audit_status.setText(self.tr("Sign in to read the audit trail."))
            return
        source, after = self.audit_source, self._audit_next

        def fetch() -> tuple[list[dict[str, Any]], int]:
            rows: list[dict[str, Any]] = []
            cursor = after
            while True:
                page = source(cursor, AUDIT_PAGE)
                rows += page.get("rows", [])
                if not page.get("rows") or page.get("next", cursor) == cursor:
                    return rows, cursor
                cursor = int(page["next"])

        def done(result: Any, error: BaseException | None) -> None:
            if error is not None:
                self.audit_status.setText(_why(error))
                return
            rows, cursor = result
            self.audit_rows = (self.audit_rows + rows)[-AUDIT_MAX:]
            self._audit_next = cursor
            self._fill_audit()

        run_task(fetch, done)

    def _fill_audit(self, *_args: object) -> None:
        f = {k: w.text().strip().lower() for k, w in self.audit_filter.items()}
        shown = []
        for r in reversed(self.audit_rows):  # newest first
            detail = json.dumps(r.get("detail") or {}, ensure_ascii=False)
            what = " ".join(x for x in (r.get("subject") or "", detail) if x)
            if f["actor"] and f["actor"] not in (r.get("actor") or "").lower():
                continue
            if f["action"] and f["action"] not in (r.get("action") or "").lower():
                continue
            if f["device"] and f["device"] not in (r.get("device_id") or "").lower():
                continue
            if f["text"] and f["text"] not in what.lower():
                continue
            shown.append((r, what))
        self.audit_table.setRowCount(len(shown))
        for i, (r, what) in enumerate(shown):
            cells = [str(r.get("id", "")), str(r.get("at", "")), r.get("actor") or "",
                     r.get("device_id") or "", r.get("action") or "", what]
            for c, text in enumerate(cells):
                self.audit_table.setItem(i, c, QTableWidgetItem(isolate(text)))
        self.audit_status.setText(self.tr("{shown} of {total} audit rows").format(
            shown=len(shown), total=len(self.audit_rows)))

    def audit_texts(self) -> list[list[str]]:
        out = []
        for i in range(self.audit_table.rowCount()):
            out.append([(it.text() if (it := self.audit_table.item(i, c)) else "")
                        for c in range(self.audit_table.columnCount())])
        return out
