"""The UI's one adapter to the sync side: the sync worker and everything else the
windows ask of replication (sign-in, the outbox's counts and actions).

The worker runs `replication.worker.SyncLoop` (Qt-free) as a long-running task
of `ui.tasks`; it has its own database and HTTP sessions and never touches a
widget. Its reports reach `SyncController` on the UI thread (`tasks.to_ui`) and
are re-emitted as `statusChanged(dict)` with keys state (online, offline,
syncing, signed_out, clock_skew, too_old), pending (= waiting), rejected, conflicts,
last_sync, last_error, server, username.

No other module of `ui/` imports `fieldclient.replication`: what the panels and
dialogs need from it is the handful of functions below.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import event
from sqlalchemy.orm import Session

# the idle lock (ui/idle_lock.py) and start-up (app.py) reach replication through here
from fieldclient.replication import account, locking  # noqa: F401 - locking re-exported
from fieldclient.replication import wipe as remote_wipe  # noqa: F401 - re-exported
from fieldclient.replication.credentials import CredentialStore
from fieldclient.replication.engine import SyncEngine
from fieldclient.replication.errors import InsecureKeyring
from fieldclient.replication.http import is_loopback_host
from fieldclient.replication.worker import SyncLoop, status_snapshot
from fieldclient.store import outbox as _outbox
from fieldclient.store.db import Store, store_of
from fieldclient.ui import tasks
from fieldclient.ui.events import StoreEvents
from fieldclient.ui.labels import readable_params
from fieldclient.ui.wipe_screen import show_erased

log = logging.getLogger(__name__)

STOP_WAIT_MS = 5000

# -- what panels and dialogs ask of the sync side --------------------------------------

OutboxCounts = _outbox.Counts
Account = account.Account


def outbox_counts(session: Session) -> OutboxCounts:
    """Changes not yet confirmed by the server (waiting or sent), rejected ones, and
    open conflicts."""
    return _outbox.counts(session)


def dismiss_rejected(session: Session, seq: int) -> bool:
    """A person saw a rejected change and lets it go (kept, marked dismissed)."""
    return _outbox.dismiss(session, seq)


def requeue_rejected(session: Session, seq: int) -> bool:
    """Send a rejected change again (after its cause was fixed): it shows again at once
    (the records it changes are announced once the caller's transaction commits)."""
    changed = _outbox.requeue(session, seq)
    if changed is None:
        return False
    store = store_of(session)
    event.listen(session, "after_commit", lambda _s: store.bus.publish(changed), once=True)
    return True


def rejection_text(code: str | None, params: dict[str, Any] | None, reason: str | None) -> str:
    """Why the server refused a change, in the user's language (from the rejection's code
    and parameters; the server's English words only when it sent no code)."""
    return _outbox.rejection_message(code, readable_params(params), reason,
                                     QCoreApplication.translate)


def no_secure_keyring(error: BaseException) -> bool:
    """The sign-in failed because this computer has no usable OS credential store."""
    return isinstance(error, InsecureKeyring)


def plain_http_allowed(host: str | None) -> bool:
    """Plain http:// is accepted only for a server on this computer (loopback)."""
    return is_loopback_host(host)


def last_sign_in(store: Store) -> tuple[str, str]:
    """Server URL and username of the last sign-in on this laptop ("" when none)."""
    return store.get_meta(account.META_SERVER) or "", store.get_meta(account.META_USERNAME) or ""


def site_ca_file(store: Store) -> str:
    """The CA certificate file a site profile provisioned ("" when none)."""
    return store.get_meta(account.META_CA) or ""


def sign_in(
    store: Store, server: str, username: str, password: str, device: str,
    ca_file: str | None, credentials: CredentialStore | None = None,
) -> Account:
    """Sign in and keep the token in the OS keyring (blocking: run it as a task)."""
    return account.login(store, server, username, password, device, ca_file,
                         credentials=credentials)


# -- the worker ----------------------------------------------------------------------


class SyncController(QObject):
    statusChanged = Signal(dict)
    # wipe: site policy erased local data after the revocation
    deviceRevoked = Signal(bool)
    erased = Signal(int, int)  # the server's wipe order was carried out (pushed, unsent)

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
        self._worker: tasks.Worker | None = None
        self._loop: SyncLoop | None = None
        self._status: dict[str, Any] = {}
        self._net_watched = False
        # The loop reports from its own thread; these deliver on the UI thread, in order.
        self._report_status = tasks.to_ui(self._on_worker_status)
        self._report_event = tasks.to_ui(self._on_worker_event)

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> None:
        if self._worker is not None and self._worker.is_running():
            return
        engine = SyncEngine(self.store, self.credentials)
        self._loop = SyncLoop(engine, self._report_status, self._report_event)
        self._worker = tasks.start_thread(self._loop.run, "enlace-sync")
        self._watch_network()

    def _watch_network(self) -> None:
        """When the OS reports the network back, sync at once (the health probe is the
        fallback where no such report exists)."""
        if self._net_watched:
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
                info.reachabilityChanged.connect(self._on_reachability)
        except Exception:  # noqa: BLE001 - optional: the probe covers link return anyway
            log.info("no network reachability reports on this system")

    @Slot(object)
    def _on_reachability(self, reachability: object) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if reachability == QNetworkInformation.Reachability.Online and self._loop is not None:
            self._loop.sync_now()

    def stop(self, timeout_ms: int = STOP_WAIT_MS) -> None:
        if self._loop is not None:
            self._loop.stop()
        if self._worker is not None and not self._worker.wait(timeout_ms):
            # stuck in a network call that will time out on its own; tasks keeps the thread
            log.warning("sync thread still busy at stop; leaving it to finish")
        self._worker = None
        self._loop = None

    def is_running(self) -> bool:
        return self._worker is not None and self._worker.is_running()

    # -- requests from the UI ---------------------------------------------------

    @Slot()
    def sync_now(self) -> None:
        if self._loop is None:
            self.start()
        assert self._loop is not None
        self._loop.sync_now()

    @Slot()
    def signed_in(self) -> None:
        """Call after a sign-in so the worker starts syncing at once."""
        if self._loop is None:
            self.start()
        else:
            self._loop.signed_in()

    @Slot()
    def sign_out(self) -> None:
        """Tell the server (best effort) and delete the token, off the UI thread."""
        store, creds = self.store, self.credentials

        def done(_result: Any, error: BaseException | None) -> None:
            if error is not None:
                log.warning("sign-out: %s", type(error).__name__)
            if self._loop is not None:
                self._loop.sync_now()  # the loop notices it is signed out and says so
            else:
                self.refresh_status()  # no worker to say so: read the state now

        tasks.run_task(lambda: account.logout(store, creds), done)

    # -- reads through the server (off the UI thread: run with tasks.run_task) ----------

    def _call_server(self, fn: Any) -> Any:
        engine = SyncEngine(self.store, self.credentials)
        try:
            return fn(engine.http())
        finally:
            engine.close()

    def open_record(self, record_id: str) -> Any:
        """A detention or use-of-force report whole (the server audits the opening); a
        pulled page, to show and never store."""
        return self._call_server(lambda http: http.open_record(record_id))

    def audit_page(self, after: int, limit: int) -> dict[str, Any]:
        """One page of the server's audit trail (observers)."""
        return dict(self._call_server(lambda http: http.audit(after, limit)))

    def refresh_status(self) -> None:
        """Read the status from the store now and report it (no worker running)."""
        self._status = {}
        self.statusChanged.emit(self.status())

    def status(self) -> dict[str, Any]:
        """Last reported status (or one read now, before the worker's first report)."""
        if not self._status:
            try:
                self._status = status_snapshot(SyncEngine(self.store, self.credentials))
            except Exception:  # noqa: BLE001 - an unreadable store shows as unknown
                log.exception("status snapshot failed")
                self._status = {"state": "offline"}
        return dict(self._status)

    # -- reports from the worker (UI thread) ----------------------------------------

    def _on_worker_status(self, status: dict[str, Any]) -> None:
        self._status = dict(status)
        self.statusChanged.emit(dict(status))

    def _on_worker_event(self, kind: str, data: dict[str, Any]) -> None:
        if kind == "erased":  # the server's wipe order was carried out: nothing to show
            self._tell_erased(int(data.get("pushed", 0)), int(data.get("unsent", 0)))
            return
        if kind == "revoked" and data.get("erase"):
            return  # the erasure follows at once; it is said when done
        if kind == "revoked":
            wipe = bool(data.get("wipe"))
            self.deviceRevoked.emit(wipe)
            if self.notify_revoked:
                self._tell_revoked(wipe)

    def _tell_erased(self, pushed: int, unsent: int) -> None:
        """Every window closes and the main window is destroyed (their models held
        records); one screen says what happened, and closing it quits Enlace."""
        self.erased.emit(pushed, unsent)  # the idle lock's session lets go of window and store
        show_erased(self.tr("Device revoked"), self.tr(
            "On the server's order, this laptop's data was erased: its key was destroyed and "
            "the database removed ({pushed} waiting changes were sent first, {unsent} could "
            "not be). Enlace will now close.").format(pushed=pushed, unsent=unsent))

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
