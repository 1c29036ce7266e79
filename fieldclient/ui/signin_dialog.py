"""Sign-in dialog: server URL, username, password, device name, optional CA file.

The request runs off the UI thread. Plain http:// is accepted only for a
loopback address, and then a visible warning says the link is not encrypted.
The password is handed to the server and dropped; the token goes to the OS
keyring (replication/credentials.py, reached through the sync controller). Where
there is none, the message says in words what to install. The dialog grows to show
a message; the fields above it keep their size.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldclient.core.errors import UserFacingError
from fieldclient.store.db import Store
from fieldclient.trust.profile import default_device_name
from fieldclient.ui.errors import error_text
from fieldclient.ui.sync_controller import (
    Account,
    CredentialStore,
    SyncController,
    last_sign_in,
    no_secure_keyring,
    plain_http_allowed,
    sign_in,
    site_ca_file,
)
from fieldclient.ui.tasks import run_task


class SignInDialog(QDialog):
    signedIn = Signal(dict)

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        controller: SyncController | None = None,
        credentials: CredentialStore | None = None,
    ) -> None:
        super().__init__(parent)
        self._busy = False
        self.store = store
        self.controller = controller
        self.credentials = credentials
        self.setWindowTitle(self.tr("Sign in to the sync server"))

        server, username = last_sign_in(store)
        self.server = QLineEdit(server or "https://", self)
        self.username = QLineEdit(username, self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.device = QLineEdit(default_device_name(store), self)  # the site profile's pattern
        self.ca_file = QLineEdit(site_ca_file(store), self)  # provisioned CA
        self.ca_file.setPlaceholderText(self.tr("Only for a private certificate authority"))
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)

        form = QFormLayout()
        form.addRow(self.tr("Server URL"), self.server)
        form.addRow(self.tr("Username"), self.username)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Device name"), self.device)
        form.addRow(self.tr("CA certificate (optional)"), ca_row)

        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #a15c00; font-weight: bold;")
        self.error = QLabel(self)
        self.error.setObjectName("signInError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Sign in"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        # The dialog grows to fit a message instead of squeezing the fields above it.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        for edit in (self.server, self.username, self.password, self.device):
            edit.setMinimumWidth(320)  # a whole https:// address, and room for the hint
        self.ca_file.setMinimumWidth(self.fontMetrics().horizontalAdvance(
            self.ca_file.placeholderText()) + 16)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for edit in (self.server, self.username, self.password, self.device):
            edit.textChanged.connect(self._validate)
        self._validate()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("CA certificate"), "", self.tr("PEM certificates (*.pem *.crt);;All files (*)")
        )
        if path:
            self.ca_file.setText(path)

    def _validate(self) -> bool:
        url = self.server.text().strip()
        parts = urlsplit(url)
        ok = True
        self.warning.setText("")
        self.warning.setVisible(False)
        if parts.scheme == "http":
            if plain_http_allowed(parts.hostname):
                self.warning.setText(self.tr(
                    "Warning: plain http:// is not encrypted. It is allowed only for a server "
                    "on this computer."
                ))
                self.warning.setVisible(True)
            else:
                self.warning.setText(self.tr(
                    "Plain http:// is allowed only for this computer; use https://."
                ))
                self.warning.setVisible(True)
                ok = False
        elif parts.scheme != "https" or not parts.hostname:
            ok = False
        if not (self.username.text().strip() and self.password.text() and
                self.device.text().strip()):
            ok = False
        self.ok_button.setEnabled(ok and not self._busy)
        return ok

    def submit(self) -> None:
        if not self._validate() or self._busy:
            return
        self._busy = True
        self._set_enabled(False)
        self._say(self.tr("Signing in…"))
        args = (
            self.server.text().strip(), self.username.text().strip(), self.password.text(),
            self.device.text().strip(), self.ca_file.text().strip() or None,
        )
        store, creds = self.store, self.credentials

        def work() -> Account:
            return sign_in(store, *args, credentials=creds)

        run_task(work, self._done)

    def _say(self, text: str) -> None:
        """Show a message under the form; the dialog grows to show all of it (a wrapped
        label's height is not in the window's minimum size, so ask for it here)."""
        self.error.setText(text)
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.adjustSize()

    def _set_enabled(self, on: bool) -> None:
        for w in (self.server, self.username, self.password, self.device, self.ca_file):
            w.setEnabled(on)
        self.ok_button.setEnabled(on)

    def _done(self, acct: Any, error: BaseException | None) -> None:
        self._busy = False
        self._set_enabled(True)
        if error is not None:
            if no_secure_keyring(error):
                self._say(self.tr(
                    "This computer has no secure place to keep the sign-in, so nothing was "
                    "saved. On Linux, install GNOME Keyring (package gnome-keyring) or KWallet, "
                    "sign in to the desktop so it is unlocked, and try again. Windows and macOS "
                    "have one built in."))
            elif isinstance(error, UserFacingError):
                self._say(error_text(error))
            else:
                self._say(self.tr("Sign-in failed: {why}").format(why=type(error).__name__))
            self._validate()
            return
        self.password.clear()
        self._say("")
        info = {"server": acct.server, "username": acct.username, "device_id": acct.device_id}
        self.signedIn.emit(info)
        if self.controller is not None:
            self.controller.signed_in()
        self.accept()
