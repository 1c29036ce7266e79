"""The Conflicts panel: concurrent edits, both values, who wrote each and when.

A conflict record comes from the server (the same record reaches everyone
involved). The person resolves it with a normal change: "Keep mine" re-applies
their value as a new edit (base = the field's current HLC, so it is not itself
a conflict) when it was overwritten; "Accept theirs" does the same for the
other value when theirs was overwritten; either way the conflict is then marked
resolved, and that too syncs to everyone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from fieldclient.core.bidi import isolate
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.store.models import Conflict, Incident, Unit
from fieldclient.store.writer import META_USER, LocalWriter
from fieldclient.ui import times
from fieldclient.ui.errors import show_error
from fieldclient.ui.events import StoreEvents
from fieldclient.ui.i18n import Retranslatable
from fieldclient.ui.labels import entity_name, field_name, field_value
from fieldclient.ui.tasks import run_task
from sync.protocol import ENTITIES
from sync.protocol.fields import Ref

COLUMN_WIDTHS = {0: 170, 1: 110, 2: 150, 3: 110, 5: 150, 6: 110}


def hlc_time(hlc: str | None) -> datetime | None:
    if not hlc or len(hlc) < 13 or not hlc[:13].isdigit():
        return None
    return datetime.fromtimestamp(int(hlc[:13]) / 1000, UTC)


def load_conflicts(store: Store, include_resolved: bool) -> list[dict[str, Any]]:
    with store.session() as s:
        q = select(Conflict).order_by(Conflict.detected_at.desc(), Conflict.id).limit(2000)
        if not include_resolved:
            q = q.where(Conflict.status == "open")
        out = []
        for c in s.scalars(q):
            name = ""
            if c.entity == "unit" and c.entity_id:
                u = s.get(Unit, c.entity_id)
                name = u.callsign if u else ""
            elif c.entity == "incident" and c.entity_id:
                i = s.get(Incident, c.entity_id)
                name = i.title if i else ""
            # a value naming another unit (Reports to) is shown by that unit's callsign
            refs: dict[str, str] = {}
            spec = ENTITIES.get(c.entity or "")
            kind = (spec.fields[c.field].kind if spec and c.field and c.field in spec.fields
                    else None)
            if isinstance(kind, Ref) and kind.target == "unit":
                for value in (c.winner_value, c.loser_value):
                    other = s.get(Unit, value) if isinstance(value, str) and value else None
                    if other is not None:
                        refs[str(value)] = other.callsign
            out.append({
                "id": c.id, "entity": c.entity, "entity_id": c.entity_id, "name": name,
                "refs": refs,
                "field": c.field, "winner_value": c.winner_value, "loser_value": c.loser_value,
                "winner_by": c.winner_by, "loser_by": c.loser_by,
                "winner_at": hlc_time(c.winner_hlc), "loser_at": hlc_time(c.loser_hlc),
                "status": c.status, "resolution": c.resolution,
            })
        return out


class ConflictsPanel(Retranslatable, QWidget):
    COLS = 8

    def __init__(
        self,
        store: Store,
        events: StoreEvents | None = None,
        writer: LocalWriter | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.writer = writer or LocalWriter(store)
        self.rows: list[dict[str, Any]] = []
        self._loading = False
        self._again = False

        self.summary = QLabel(self)
        self.show_resolved = QCheckBox(self)
        self.show_resolved.toggled.connect(lambda _on: self.refresh())
        self.table = QTableWidget(0, self.COLS, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)  # the last column is a time: never squeezed
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        self.keep_button = QPushButton(self)
        self.accept_button = QPushButton(self)
        self.retranslateUi()
        self.keep_button.clicked.connect(self.keep_mine)
        self.accept_button.clicked.connect(self.accept_theirs)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.show_resolved)
        top.addWidget(self.keep_button)
        top.addWidget(self.accept_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        if events is not None:
            events.changed.connect(self._on_changed)
        self._update_buttons()
        self.refresh()

    def retranslateUi(self) -> None:
        self.show_resolved.setText(self.tr("Show resolved"))
        # The conflict record's own field labels, as the Sync panel and the forms use them.
        self.table.setHorizontalHeaderLabels([
            field_name("conflict", "entity_id"), field_name("conflict", "field"),
            field_name("conflict", "winner_value"), field_name("conflict", "winner_by"),
            self.tr("When"),
            field_name("conflict", "loser_value"), field_name("conflict", "loser_by"),
            self.tr("When"),
        ])
        self.keep_button.setText(self.tr("Keep mine"))
        self.accept_button.setText(self.tr("Accept theirs"))
        if self.rows:
            self._fill(self.rows)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Each column at least as wide as its title, the time columns as their times."""
        fm = QFontMetrics(QApplication.font())  # the theme's font, even before it reaches us
        header = self.table.horizontalHeader()
        sample = times.when(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
        for col in range(self.COLS):
            item = self.table.horizontalHeaderItem(col)
            texts = [item.text() if item is not None else ""]
            if col in (4, 7):
                texts.append(sample)
            need = max(fm.horizontalAdvance(t) for t in texts) + 24
            header.resizeSection(col, max(COLUMN_WIDTHS.get(col, 0), need))

    def _on_changed(self, cs: ChangeSet) -> None:
        if cs.get("conflict") and not self._timer.isActive():
            self._timer.start()

    def refresh(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        include = self.show_resolved.isChecked()
        run_task(lambda: load_conflicts(self.store, include), self._loaded)

    def _loaded(self, rows: Any, error: BaseException | None) -> None:
        self._loading = False
        if error is None:
            self._fill(rows)
        if self._again:
            self._again = False
            self.refresh()

    def _fill(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        open_n = sum(1 for r in rows if r["status"] == "open")
        self.summary.setText(self.tr("Open conflicts: {n}").format(n=open_n))
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            entity, field = r["entity"], r["field"] or ""
            cells = [
                f"{entity_name(entity)} {r['name']}".strip(),
                field_name(entity, field) if field else "",
                self._value(r, r["winner_value"]), r["winner_by"] or "",
                times.when(r["winner_at"]),
                self._value(r, r["loser_value"]), r["loser_by"] or "",
                times.when(r["loser_at"]),
            ]
            cells = [isolate(c) for c in cells]  # record text isolated (core.bidi)
            tips = list(cells)
            tips[4], tips[7] = times.other(r["winner_at"]), times.other(r["loser_at"])
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tips[col])  # names and values may be longer than the column
                item.setData(Qt.ItemDataRole.UserRole, r["id"])
                if r["status"] != "open":
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(i, col, item)
        self._update_buttons()

    @staticmethod
    def _value(r: dict[str, Any], value: Any) -> str:
        refs = r.get("refs") or {}
        if isinstance(value, str) and value in refs:
            return str(refs[value])
        return field_value(r["entity"], r["field"] or "", value)

    # -- resolving ------------------------------------------------------------

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.rows):
            return None
        return self.rows[rows[0].row()]

    def _update_buttons(self) -> None:
        r = self.selected()
        enabled = r is not None and r["status"] == "open"
        self.keep_button.setEnabled(enabled)
        self.accept_button.setEnabled(enabled)

    def mine_is_overwritten(self, r: dict[str, Any]) -> bool:
        """Whose value is "mine": the overwritten one unless only the standing one is mine."""
        me = self.store.get_meta(META_USER)
        return not (r["winner_by"] == me and r["loser_by"] != me)

    def keep_mine(self) -> None:
        r = self.selected()
        if r is not None:
            self.resolve(r, reapply=self.mine_is_overwritten(r))

    def accept_theirs(self) -> None:
        r = self.selected()
        if r is not None:
            self.resolve(r, reapply=not self.mine_is_overwritten(r))

    def resolve(self, r: dict[str, Any], reapply: bool) -> None:
        """Re-apply the overwritten value as a new change (if asked), then mark resolved."""
        try:
            if reapply:
                self._reapply(r)
            self.writer.resolve_conflict(r["id"], "reapplied" if reapply else "kept")
        except Exception as exc:  # noqa: BLE001 - shown to the person; nothing half-done
            show_error(self, exc)
            return
        self.refresh()

    def _reapply(self, r: dict[str, Any]) -> None:
        field, value = r["field"], r["loser_value"]
        with self.store.session() as s:
            model: Any = Unit if r["entity"] == "unit" else Incident
            rec = s.get(model, r["entity_id"])
            seen = {field: rec.field_hlcs.get(field)} if rec and rec.field_hlcs.get(field) else {}
        if r["entity"] == "unit":
            self.writer.update_unit(r["entity_id"], {field: value}, seen)
        else:
            self.writer.update_incident(r["entity_id"], {field: value}, seen)
