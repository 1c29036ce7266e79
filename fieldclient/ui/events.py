"""Qt adapter for the store's ChangeBus: re-emits each ChangeSet as a signal.

The bus may publish from the sync worker thread; the signal is delivered to
receivers on the UI thread through Qt's queued connections, so widgets are
only ever touched from the UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet


class StoreEvents(QObject):
    changed = Signal(object)  # ChangeSet

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = store.bus.subscribe(self._relay)

    def _relay(self, changes: ChangeSet) -> None:
        self.changed.emit(changes)

    def close(self) -> None:
        self._unsubscribe()
