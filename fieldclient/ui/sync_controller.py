"""Owns the replication worker thread and reports its state to the UI by signals.

The worker (a QThread running `replication.worker.SyncLoop`) has its own
database sessions and its own HTTP sessions; it never touches a widget. Its
reports arrive here through queued signals and are re-emitted on the UI
thread as `statusChanged(dict)` with keys state (online, offline, syncing,
signed_out), waiting, rejected, conflicts, last_sync, last_error, server.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldclient.replication.credentials import CredentialStore
from fieldclient.replication.engine import SyncEngine
from fieldclient.replication.worker import SyncLoop, status_snapshot
from fieldclient.store.db import Store
from fieldclient.ui.events import StoreEvents

log = logging.getLogger(__name__)

_parked: list[QThread] = []  # threads that outlived stop(); kept so Qt never destroys them running


class _SyncThread(QThread):
    def __init__(self, loop: SyncLoop) -> None:
        super().__init__()
        self.loop = loop
        self.setObjectName("enlace-sync")

    def run(self) -> None:
        self.loop.run()


class SyncController(QObject):
    statusChanged = Signal(dict)
    # wipe: site policy erased local data after the revocation
    deviceRevoked = Signal(bool)
    _workerStatus = Signal(dict)
    _workerEvent = Signal(str, dict)

    def __init__(
        self,
        store: Store,
        events: StoreEvents | None = None,
        parent: QObject | None = None,
        credentials: CredentialStore | None = None,
        notify_revoked: bool = True,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.events = events
        self.credentials = credentials
        self.notify_revoked = notify_revoked
        self._thread: _SyncThread | None = None
        self._loop: SyncLoop | None = None
        self._status: dict[str, Any] = {}
        self._workerStatus.connect(self._onWorkerStatus, Qt.ConnectionType.QueuedConnection)
        self._workerEvent.connect(self._onWorkerEvent, Qt.ConnectionType.QueuedConnection)

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.isRunning():
            return
        engine = SyncEngine(self.store, self.credentials)
        self._loop = SyncLoop(engine, self._workerStatus.emit, self._workerEvent.emit)
        self._thread = _SyncThread(self._loop)
        self._thread.start()
        self._watch_network()

    def _watch_network(self) -> None:
        """When the OS reports the network back, sync at once (the health probe is the
        fallback where no such report exists)."""
        if getattr(self, "_net_watched", False):
            return
        self._net_watched = True
        try:
            from PySide6.QtNetwork import QNetworkInformation

            if not QNetworkInformation.loadBackendByFeatures(
                QNetworkInformation.Feature.Reachability
            ):
                return
            info = QNetworkInformation.instance()
            if info is not None:
                info.reachabilityChanged.connect(self._onReachability)
        except Exception:  # noqa: BLE001 - optional: the probe covers link return anyway
            log.info("no network reachability reports on this system")

    @Slot(object)
    def _onReachability(self, reachability: object) -> None:  # noqa: N802
        from PySide6.QtNetwork import QNetworkInformation

        if reachability == QNetworkInformation.Reachability.Online and self._loop is not None:
            self._loop.sync_now()

    def stop(self, timeout_ms: int = 5000) -> None:
        if self._loop is not None:
            self._loop.stop()
        if self._thread is not None:
            if not self._thread.wait(timeout_ms):
                # stuck in a network call that will time out on its own; never destroy it running
                log.warning("sync thread still busy at stop; leaving it to finish")
                _parked.append(self._thread)
        self._thread = None
        self._loop = None

    def isRunning(self) -> bool:  # noqa: N802 - Qt naming
        return self._thread is not None and self._thread.isRunning()

    # -- slots ----------------------------------------------------------------

    @Slot()
    def syncNow(self) -> None:  # noqa: N802 - Qt naming
        if self._loop is None:
            self.start()
        assert self._loop is not None
        self._loop.sync_now()

    @Slot()
    def signedIn(self) -> None:  # noqa: N802 - Qt naming
        """Call after a sign-in so the worker starts syncing at once."""
        if self._loop is None:
            self.start()
        else:
            self._loop.signed_in()

    @Slot()
    def signOut(self) -> None:  # noqa: N802 - Qt naming
        """Tell the server (best effort) and delete the token, off the UI thread."""
        from fieldclient.replication import account
        from fieldclient.ui.tasks import run_task

        store, creds = self.store, self.credentials

        def done(_result: Any, error: BaseException | None) -> None:
            if error is not None:
                log.warning("sign-out: %s", type(error).__name__)
            if self._loop is not None:
                self._loop.sync_now()  # the loop notices it is signed out and says so

        run_task(lambda: account.logout(store, creds), done)

    def status(self) -> dict[str, Any]:
        """Last reported status (or one read now, before the worker's first report)."""
        if not self._status:
            try:
                self._status = status_snapshot(SyncEngine(self.store, self.credentials))
            except Exception:  # noqa: BLE001 - an unreadable store shows as unknown
                log.exception("status snapshot failed")
                self._status = {"state": "offline"}
        return dict(self._status)

    @Slot(dict)
    def _onWorkerStatus(self, status: dict) -> None:  # noqa: N802
        self._status = dict(status)
        self.statusChanged.emit(dict(status))

    @Slot(str, dict)
    def _onWorkerEvent(self, kind: str, data: dict) -> None:  # noqa: N802
        if kind == "revoked":
            wipe = bool(data.get("wipe"))
            self.deviceRevoked.emit(wipe)
            if self.notify_revoked:
                self._tell_revoked(wipe)

    def _tell_revoked(self, wipe: bool) -> None:
        owner = self.parent()
        parent = owner if isinstance(owner, QWidget) else None
        text = self.tr(
            "The server says this device was revoked. You have been signed out."
        )
        if wipe:
            text += " " + self.tr(
                "By site policy, the data on this computer is being erased now."
            )
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Device revoked"), text,
                          QMessageBox.StandardButton.Ok, parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not modal-blocking: the worker goes on (and wipes) meanwhile
