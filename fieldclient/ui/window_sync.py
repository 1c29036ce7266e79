"""The main window's side of syncing: the badge's counts read from the outbox, the
sign-in state shown in the toolbar, the File menu and the Sync panel, signing in and
out, and "Sync now" (which asks to sign in first when nobody is). A mixin of MainWindow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from fieldclient.ui.signin_dialog import SignInDialog
from fieldclient.ui.sync_controller import outbox_counts
from fieldclient.ui.tasks import run_task

if TYPE_CHECKING:
    from fieldclient.store.db import Store
    from fieldclient.ui.menus import MainMenuBar
    from fieldclient.ui.status_bar import StatusBar
    from fieldclient.ui.sync_controller import SyncController
    from fieldclient.ui.sync_panel import SyncPanel
    from fieldclient.ui.toolbar import MainToolBar


class SyncActions:
    # what MainWindow provides
    store: Store
    toolbar: MainToolBar
    menus: MainMenuBar
    status: StatusBar
    sync_panel: SyncPanel
    sync_controller: SyncController
    last_dialog: QDialog | QMessageBox | None
    _signed_in: bool

    if TYPE_CHECKING:  # MainWindow's own
        def _open(self, dialog: QDialog) -> QDialog:
            raise NotImplementedError

        def _finish_welcome(self) -> None:
            raise NotImplementedError

    def _window(self) -> QWidget:
        return cast(QWidget, self)

    def _refresh_waiting(self) -> None:
        def fetch() -> Any:
            with self.store.session() as s:
                return outbox_counts(s)

        def done(counts: Any, error: BaseException | None) -> None:
            if error is None:
                self.status.badge.set_counts(counts.pending, counts.rejected, counts.conflicts,
                                              counts.held)

        run_task(fetch, done)

    def _on_sync_status(self, status: dict[str, Any]) -> None:
        self.status.set_sync_status(status)
        self._signed_in = status.get("state") != "signed_out"
        self.toolbar.set_signed_in(self._signed_in)
        self.menus.set_signed_in(self._signed_in)
        self.sync_panel.set_signed_in(self._signed_in)

    def sync_now(self) -> None:
        """Sync now; with nobody signed in there is nothing to sync with: sign in first."""
        if not self._signed_in:
            self.sign_in()
            return
        self.sync_controller.sync_now()

    def sign_in(self) -> SignInDialog:
        dlg = SignInDialog(self.store, self._window(), controller=self.sync_controller)
        dlg.accepted.connect(self._finish_welcome)
        self._open(dlg)
        return dlg

    def sign_out(self, confirm: bool = True) -> None:
        """Sign out (asking first): the token is deleted; data and unsent changes stay."""
        if not confirm:
            self.sync_controller.sign_out()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question, QCoreApplication.translate("MainWindow", "Sign out"),
            QCoreApplication.translate(
                "MainWindow",
                "Sign out of the sync server? Everything on this computer stays, including "
                "changes not yet sent; they are sent after the next sign-in."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self._window())
        box.setObjectName("signOutQuestion")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(
            lambda result: self.sync_controller.sign_out()
            if result == QMessageBox.StandardButton.Yes else None)
        self.last_dialog = box
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
