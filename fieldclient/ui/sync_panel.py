"""The Sync panel: local changes and what became of them.

Each outbox row shows its state: waiting, sent (no answer yet), applied, or
rejected with the server's reason. A rejected change stays listed until a
person dismisses it or sends it again (after fixing the cause); nothing is
dropped silently. Reads run off the UI thread and are coalesced.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QShowEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from fieldclient.core.timefmt import format_local
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.store.models import Outbox
from fieldclient.ui.errors import show_error
from fieldclient.ui.events import StoreEvents
from fieldclient.ui.labels import entity_name, field_name, in_field_order
from fieldclient.ui.sync_controller import (
    OutboxCounts,
    dismiss_rejected,
    outbox_counts,
    requeue_rejected,
)
from fieldclient.ui.tasks import run_task

RECENT = 150  # newest rows shown besides every rejected one
REFRESH_MS = 1000  # coalesce: a bulk sync changes thousands of rows per second
MAX_FIELDS_SHOWN = 4
COLUMN_WIDTHS = {0: 130, 1: 360, 2: 110}  # fixed: measuring thousands of rows costs the UI thread


def load_rows(store: Store) -> tuple[list[dict[str, Any]], OutboxCounts, QStandardItemModel]:
    """Rejected rows (all) and the newest others; runs on a worker thread."""
    with store.session() as s:
        rejected = s.scalars(
            select(Outbox).where(Outbox.state == "rejected").order_by(Outbox.seq.desc()).limit(5000)
        ).all()
        recent = s.scalars(
            select(Outbox)
            .where(Outbox.state.not_in(("rejected", "dismissed")))
            .order_by(Outbox.seq.desc())
            .limit(RECENT)
        ).all()
        counts = outbox_counts(s)
    rows = [
        {
            "seq": r.seq, "entity": r.entity, "entity_id": r.entity_id, "fields": list(r.fields),
            "created_at": r.created_at, "state": r.state, "reason": r.reason,
        }
        for r in [*rejected, *recent]
    ]
    return rows, counts, build_model(rows)


def state_label(state: str) -> str:
    return {
        "waiting": QCoreApplication.translate("SyncPanel", "waiting"),
        "sent": QCoreApplication.translate("SyncPanel", "sent"),
        "applied": QCoreApplication.translate("SyncPanel", "applied"),
        "duplicate": QCoreApplication.translate("SyncPanel", "applied"),
        "rejected": QCoreApplication.translate("SyncPanel", "rejected"),
        "dismissed": QCoreApplication.translate("SyncPanel", "dismissed"),
    }.get(state, state)


def change_text(entity: str, fields: list[str]) -> str:
    """"Unit · Callsign, Status": the kind of record and the fields the change sets,
    by their labels (the first few; an append carries every field of the record)."""
    shown = in_field_order(entity, fields)[:MAX_FIELDS_SHOWN]
    names = ", ".join(field_name(entity, f) for f in shown)
    if len(fields) > MAX_FIELDS_SHOWN:
        names += ", …"
    return f"{entity_name(entity)} · {names}" if names else entity_name(entity)


def build_model(rows: list[dict[str, Any]]) -> QStandardItemModel:
    """The table's model, built on the loading thread and handed to the UI thread whole:
    the UI thread then makes one call per refresh instead of one per cell (each Python
    call from the UI thread may wait for the GIL while the sync worker is busy)."""
    model = QStandardItemModel(0, 4)
    model.setHorizontalHeaderLabels(_headers())
    red = QBrush(QColor(Qt.GlobalColor.darkRed))
    for r in rows:
        cells = [
            format_local(r["created_at"]),
            change_text(r["entity"], r["fields"]),
            state_label(r["state"]),
            r["reason"] or "",
        ]
        items = []
        for text in cells:
            item = QStandardItem(text)
            item.setEditable(False)
            item.setToolTip(text)
            if r["state"] == "rejected":
                item.setForeground(red)
            items.append(item)
        model.appendRow(items)
    app = QCoreApplication.instance()
    if app is not None and model.thread() is not app.thread():
        model.moveToThread(app.thread())
    return model


def _headers() -> list[str]:
    return [
        QCoreApplication.translate("SyncPanel", "Time"),
        QCoreApplication.translate("SyncPanel", "Change"),
        QCoreApplication.translate("SyncPanel", "State"),
        QCoreApplication.translate("SyncPanel", "Server's reason"),
    ]


class SyncPanel(QWidget):
    syncRequested = Signal()

    def __init__(
        self, store: Store, events: StoreEvents | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._loading = False
        self._again = False

        self.summary = QLabel(self)
        # A plain QStandardItemModel keeps the cells in C++: painting never calls into
        # Python, so it never waits for the GIL while the sync worker is busy.
        self.model = QStandardItemModel(0, 4, self)
        self.rows: list[dict[str, Any]] = []
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)  # one line a change; the full text is in the tooltip
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        self.dismiss_button = QPushButton(self)
        self.retry_button = QPushButton(self)
        self.sync_button = QPushButton(self)
        self._counts = OutboxCounts(0, 0, 0)
        self.retranslateUi()
        self.dismiss_button.clicked.connect(lambda: self._act(dismiss_rejected))
        self.retry_button.clicked.connect(lambda: self._act(requeue_rejected))
        self.sync_button.clicked.connect(self.syncRequested.emit)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.sync_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._refresh_if_visible)
        self._dirty = False
        if events is not None:
            events.changed.connect(self._on_changed)
        self._update_buttons()
        self.refresh()

    # -- data -----------------------------------------------------------------

    def _on_changed(self, cs: ChangeSet) -> None:
        if cs.get("outbox") or cs.origin == "sync":
            if not self._timer.isActive():
                self._timer.start()

    def _refresh_if_visible(self) -> None:
        # A hidden tab need not follow a bulk sync row by row; it catches up when shown.
        if self.isVisible():
            self.refresh()
        else:
            self._dirty = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self._dirty = False
            self.refresh()

    def refresh(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        run_task(lambda: load_rows(self.store), self._loaded)

    def _loaded(self, result: Any, error: BaseException | None) -> None:
        self._loading = False
        if error is None:
            self._fill(*result)
        if self._again:
            self._again = False
            self.refresh()

    def retranslateUi(self) -> None:
        self.dismiss_button.setText(self.tr("Dismiss"))
        self.dismiss_button.setToolTip(self.tr("Stop showing the selected rejected change"))
        self.retry_button.setText(self.tr("Send again"))
        self.retry_button.setToolTip(self.tr("Queue the selected rejected change again"))
        self.sync_button.setText(self.tr("Sync now"))
        self.summary.setText(
            self.tr("Not yet confirmed: {pending} · Rejected: {rejected}").format(
                pending=self._counts.pending, rejected=self._counts.rejected
            )
        )
        self.model.setHorizontalHeaderLabels(_headers())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
            self.refresh()  # the rows' texts were built in the previous language
        super().changeEvent(event)

    def _fill(
        self, rows: list[dict[str, Any]], counts: OutboxCounts, model: QStandardItemModel
    ) -> None:
        self._counts = counts
        self.summary.setText(
            self.tr("Not yet confirmed: {pending} · Rejected: {rejected}").format(
                pending=counts.pending, rejected=counts.rejected
            )
        )
        self.rows = rows
        old_model, old_selection = self.model, self.table.selectionModel()
        model.setParent(self)
        self.model = model
        self.table.setModel(model)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        old_selection.deleteLater()
        old_model.deleteLater()
        self._update_buttons()

    # -- actions --------------------------------------------------------------

    def selected_rejected(self) -> list[int]:
        seqs = []
        for idx in self.table.selectionModel().selectedRows():
            row = self.rows[idx.row()] if idx.row() < len(self.rows) else None
            if row and row["state"] == "rejected":
                seqs.append(row["seq"])
        return seqs

    def _update_buttons(self) -> None:
        any_rejected = bool(self.selected_rejected())
        self.dismiss_button.setEnabled(any_rejected)
        self.retry_button.setEnabled(any_rejected)

    def _act(self, action: Any) -> None:
        seqs = self.selected_rejected()
        if not seqs:
            return
        try:
            with self.store.transaction() as s:  # a few one-row updates
                for seq in seqs:
                    action(s, seq)
        except Exception as exc:  # noqa: BLE001 - shown to the person, nothing lost
            show_error(self, exc)
            return
        cs = ChangeSet("local")  # "local" so the sync worker pushes a re-queued change now
        for seq in seqs:
            cs.add("outbox", str(seq))
        self.store.bus.publish(cs)
        self.refresh()
