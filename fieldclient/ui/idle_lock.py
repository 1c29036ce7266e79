"""The running client's store and window, the idle lock between them, and offline expiry
(the rules, without Qt, are in fieldclient.replication.locking).

After the site's idle minutes without a key press, click or wheel, `Session.lock()`
closes the main window (its models, which held records, go with it) and closes the store,
which zeroes its data key and drops its connections; a lock screen asks for the user's
password (or the folder's passphrase). Where the site profile allows sync while locked,
the store stays open for a background round every minute and nothing else. Otherwise a
check-in asks the server every minute whether the device was revoked with the wipe order,
and carries it out without the key (replication/wipe.py).

A store whose last contact with the server is older than the site's offline expiry is
shown only after an online sign-in; the outbox is kept and sent after it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldclient.core.errors import UserFacingError
from fieldclient.store.db import Store
from fieldclient.ui.errors import error_text
from fieldclient.ui.sync_controller import SyncEngine, account, locking
from fieldclient.ui.sync_controller import remote_wipe as wipe
from fieldclient.ui.tasks import run_task
from fieldclient.ui.wipe_screen import show_erased

Account = account.Account
current_account = account.current_account

log = logging.getLogger(__name__)

_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
          QEvent.Type.TouchBegin, QEvent.Type.MouseMove}
CHECK_IN_MS = 60_000


class LockScreen(QWidget):
    """What a locked laptop shows: no record, only a field for the secret."""

    unlockRequested = Signal(str)

    def __init__(self, passphrase: bool, user: str | None) -> None:
        super().__init__()
        self.setObjectName("lockScreen")
        self.setWindowTitle("Enlace")
        self.setMinimumWidth(420)  # the prompt on two lines, not five
        layout = QVBoxLayout(self)
        title = QLabel(QCoreApplication.translate("IdleLock", "Enlace is locked"))
        title.setObjectName("lockTitle")
        layout.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        if passphrase:
            prompt = QCoreApplication.translate(
                "IdleLock", "Type the data folder's passphrase to unlock.")
        elif user:
            prompt = QCoreApplication.translate(
                "IdleLock", "Type the password of {user} to unlock.").format(user=user)
        else:
            prompt = QCoreApplication.translate(
                "IdleLock", "Unlock with this computer's keyring (no one has signed in "
                "here yet).")
        self.prompt = QLabel(prompt)
        self.prompt.setWordWrap(True)
        layout.addWidget(self.prompt)
        self.secret = QLineEdit()
        self.secret.setObjectName("lockSecret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.returnPressed.connect(self._submit)
        layout.addWidget(self.secret)
        self.button = QPushButton(QCoreApplication.translate("IdleLock", "Unlock"))
        self.button.setObjectName("unlockButton")
        self.button.clicked.connect(self._submit)
        layout.addWidget(self.button)
        self.problem = QLabel("")
        self.problem.setObjectName("lockProblem")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)

    def _submit(self) -> None:
        secret = self.secret.text()
        self.secret.clear()
        self.unlockRequested.emit(secret)


class Session(QObject):
    """One data folder's store and main window while the client runs."""

    erased = Signal(int, int)  # the wipe order was carried out while locked

    def __init__(self, data_dir: Path, store: Store, translations: Any,
                 open_window: Callable[[Store, Any], Any]) -> None:
        super().__init__()
        self.data_dir, self.translations = data_dir, translations
        self.store: Store | None = store
        self.open_window = open_window
        self.policy = locking.policy(data_dir)
        self.window: Any = None
        self.screen: LockScreen | None = None
        self.account: Account | None = None
        self._stop_background = threading.Event()
        self._background: threading.Thread | None = None
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(max(1, self.policy.idle_minutes) * 60_000)
        self.idle.timeout.connect(self.lock)
        self.check_in = QTimer(self)
        self.check_in.setInterval(CHECK_IN_MS)
        self.check_in.timeout.connect(self._check_in)
        self.erased.connect(self._tell_erased)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def locked(self) -> bool:
        return self.screen is not None

    # -- showing ------------------------------------------------------------------

    def show(self) -> bool:
        """The main window, after an online sign-in if the offline expiry has passed.
        False when the person declined to sign in (nothing was shown)."""
        assert self.store is not None
        if locking.expired(self.store, pol=self.policy) and not self._sign_in_online():
            return False
        self.window = self.open_window(self.store, self.translations)
        controller = getattr(self.window, "sync_controller", None)
        if controller is not None:
            controller.erased.connect(self._erased_while_open)
        self.window.show()
        if self.policy.idle_minutes > 0:
            self.idle.start()
        return True

    def _sign_in_online(self) -> bool:
        from fieldclient.ui.signin_dialog import SignInDialog

        assert self.store is not None
        text = QCoreApplication.translate(
            "IdleLock",
            "This laptop has not reached the sync server for longer than the site allows. "
            "Sign in online to see the data again; changes waiting to be sent are kept and "
            "sent after the sign-in.")
        box = QMessageBox(QMessageBox.Icon.Information, "Enlace", text,
                          QMessageBox.StandardButton.Ok)
        box.setObjectName("offlineExpired")
        box.exec()
        dialog = SignInDialog(self.store)
        return bool(dialog.exec()) and not locking.expired(self.store, pol=self.policy)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _INPUT and not self.locked and self.idle.isActive():
            self.idle.start()  # restarts the countdown
        return False

    # -- locking ------------------------------------------------------------------

    def lock(self) -> None:
        """Hide every record and drop the data key (see the module docstring)."""
        if self.locked or self.store is None:
            return
        log.info("idle lock")
        self.idle.stop()
        self.account = current_account(self.store)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if self.policy.sync_while_locked and self.account is not None:
            self._start_background(self.store)
        else:
            self.store.close()  # zeroes the key, closes every connection
            self.store = None
            if self.account is not None:
                self.check_in.start()
        user = self.account.username if self.account else None
        self.screen = LockScreen(locking.needs_passphrase(self.data_dir), user)
        self.screen.unlockRequested.connect(self.unlock)
        self.screen.show()

    def unlock(self, secret: str) -> bool:
        """The store again for the right secret; the lock screen says why not otherwise."""
        try:
            store = locking.unlock(self.data_dir, secret)
        except UserFacingError as err:
            if self.screen is not None:
                self.screen.problem.setText(error_text(err))
            return False
        self._stop_background_sync()
        if self.store is not None:
            self.store.close()
        self.store = store
        self.check_in.stop()
        if self.screen is not None:
            self.screen.close()
            self.screen.deleteLater()
            self.screen = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(True)
        return self.show()

    def close(self) -> None:
        self.idle.stop()
        self.check_in.stop()
        self._stop_background_sync()
        if self.window is not None:
            self.window.close()
        if self.screen is not None:
            self.screen.close()
        if self.store is not None:
            self.store.close()
            self.store = None

    # -- while locked ---------------------------------------------------------------

    def _start_background(self, store: Store) -> None:
        self._stop_background.clear()

        def loop() -> None:
            engine = SyncEngine(store)
            try:
                while not self._stop_background.is_set():
                    try:
                        engine.round()
                    except Exception as exc:  # noqa: BLE001 - offline: the next minute
                        log.info("sync while locked: %s", type(exc).__name__)
                    self._stop_background.wait(CHECK_IN_MS / 1000)
            finally:
                engine.close()

        self._background = threading.Thread(target=loop, name="enlace-locked-sync",
                                            daemon=True)
        self._background.start()

    def _stop_background_sync(self) -> None:
        self._stop_background.set()
        if self._background is not None:
            self._background.join(30)
            self._background = None

    def _check_in(self) -> None:
        acct = self.account
        if acct is None or self.store is not None:
            return

        def done(result: Any, error: BaseException | None) -> None:
            if isinstance(result, wipe.Wiped):
                self.erased.emit(result.pushed, result.unsent)

        run_task(lambda: wipe.check_in(self.data_dir, acct), done)

    def _erased_while_open(self, _pushed: int, _unsent: int) -> None:
        """The sync thread carried out the wipe order (its store is closed, the window
        about to be destroyed, sync_controller.py): nothing is left to lock or show."""
        self.idle.stop()
        self.check_in.stop()
        self.window = None
        self.store = None

    def _tell_erased(self, _pushed: int, _unsent: int) -> None:
        self.check_in.stop()
        self.idle.stop()
        if self.screen is not None:
            self.screen.close()
            self.screen.deleteLater()
            self.screen = None
        show_erased(QCoreApplication.translate("IdleLock", "Device revoked"),
                    QCoreApplication.translate(
                        "IdleLock", "On the server's order, this laptop's data was erased "
                        "while it was locked. Enlace will now close."))
