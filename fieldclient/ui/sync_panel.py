"""The Sync panel: local changes and what became of them.

Each outbox row shows its state: waiting, sent (no answer yet), applied, or
rejected with the server's reason, in the user's language (from the rejection's
code and parameters; the server's English words only when an older server sent no
code). A rejected change stays listed until a person dismisses it or sends it again
(after fixing the cause); nothing is dropped silently. Sign in and sign out are here
too. Reads run off the UI thread and are coalesced.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetrics,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from fieldclient.core.bidi import isolate
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.store.models import Outbox
from fieldclient.ui import theme, times
from fieldclient.ui.errors import show_error
from fieldclient.ui.events import StoreEvents
from fieldclient.ui.labels import entity_name, field_name, in_field_order
from fieldclient.ui.sync_controller import (
    OutboxCounts,
    dismiss_rejected,
    outbox_counts,
    rejection_text,
    requeue_rejected,
)
from fieldclient.ui.tasks import run_task

RECENT = 150  # newest rows shown besides every rejected one
REFRESH_MS = 1000  # coalesce: a bulk sync changes thousands of rows per second
MAX_FIELDS_SHOWN = 4
COLUMN_WIDTHS = {1: 360}  # fixed: measuring thousands of rows costs the UI thread
STATES = ("waiting", "sent", "applied", "rejected", "dismissed")


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
            "code": r.code, "params": r.params,
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
            times.when(r["created_at"]),
            change_text(r["entity"], r["fields"]),
            state_label(r["state"]),
            rejection_text(r["code"], r["params"], r["reason"]),
        ]
        items = []
        for col, text in enumerate(map(isolate, cells)):  # record text isolated (core.bidi)
            item = QStandardItem(text)
            item.setEditable(False)
            item.setToolTip(times.other(r["created_at"]) if col == 0 else text)
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
    signInRequested = Signal()
    signOutRequested = Signal()

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
        self.dismiss_button = QPushButton(self)
        self.retry_button = QPushButton(self)
        self.sync_button = QPushButton(self)
        self.sign_button = QPushButton(self)
        self.sign_button.setObjectName("syncPanelSignInOut")
        self._signed_in = False
        self._counts = OutboxCounts(0, 0, 0)
        self.retranslateUi()
        self.dismiss_button.clicked.connect(lambda: self._act(dismiss_rejected))
        self.retry_button.clicked.connect(lambda: self._act(requeue_rejected))
        self.sync_button.clicked.connect(self.syncRequested.emit)
        self.sign_button.clicked.connect(
            lambda: (self.signOutRequested if self._signed_in else self.signInRequested).emit())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.sign_button)
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
        self.sign_button.setText(self.tr("Sign out") if self._signed_in else self.tr("Sign in…"))
        self.summary.setText(
            self.tr("Not yet confirmed: {pending} · Rejected: {rejected}").format(
                pending=self._counts.pending, rejected=self._counts.rejected
            )
        )
        self.model.setHorizontalHeaderLabels(_headers())
        self.fit_columns()

    def set_signed_in(self, signed_in: bool) -> None:
        self._signed_in = signed_in
        self.retranslateUi()

    def set_theme(self, _chosen: theme.Theme) -> None:
        self.fit_columns()

    def fit_columns(self) -> None:
        """Time and state columns as wide as their longest text in this language."""
        fm = QFontMetrics(QApplication.font())  # the theme's font, even before it reaches us
        header = self.table.horizontalHeader()
        heads = _headers()
        sample = times.when(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
        header.resizeSection(0, max(fm.horizontalAdvance(t) for t in (sample, heads[0])) + 24)
        header.resizeSection(2, max(fm.horizontalAdvance(t) for t in
                                    [state_label(s) for s in STATES] + [heads[2]]) + 24)
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        # a new model resets the header's modes: the reason takes the rest of the width
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

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
        self.fit_columns()
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
