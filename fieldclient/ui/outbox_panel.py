"""Minimal list of local changes not yet sent; stands in for the Sync panel until
replication provides `fieldclient.ui.sync_panel.SyncPanel`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from fieldclient.core.timefmt import format_local
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.store.models import Outbox
from fieldclient.ui.tasks import run_task

SHOWN = 500


class OutboxPanel(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._rows: list[Any] = []
        self.note = QLabel()
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("outboxTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        v = QVBoxLayout(self)
        v.setContentsMargins(2, 2, 2, 2)
        v.addWidget(self.note)
        v.addWidget(self.table, 1)
        self.retranslateUi()
        self.reload()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        self.note.setText(self.tr("Local changes waiting to be sent (newest first)."))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Created"), self.tr("Record"), self.tr("Change"), self.tr("State")]
        )

    def on_changes(self, changes: ChangeSet) -> None:
        if changes.get("outbox"):
            self.reload()

    def reload(self) -> None:
        def fetch() -> list[Any]:
            with self.store.session() as s:
                return list(s.execute(
                    select(Outbox.created_at, Outbox.entity, Outbox.op, Outbox.state)
                    .order_by(Outbox.seq.desc()).limit(SHOWN)
                ))

        def done(rows: Any, error: BaseException | None) -> None:
            if error is None:
                self._rows = rows
                self._fill()

        run_task(fetch, done)

    def _fill(self) -> None:
        self.table.setRowCount(len(self._rows))
        for r, row in enumerate(self._rows):
            for c, v in enumerate([format_local(row[0], seconds=True), row[1], row[2], row[3]]):
                self.table.setItem(r, c, QTableWidgetItem(v))
