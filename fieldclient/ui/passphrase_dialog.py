"""Asking for the store's passphrase at start (new: chosen and typed twice), and the
password or passphrase that lifts the idle lock (ui/idle_lock.py). Input is never
echoed, never logged, and the field is cleared as soon as it has been read."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class PassphraseDialog(QDialog):
    """`message` says why; with `new`, the passphrase is typed twice and must match."""

    def __init__(self, message: str, new: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle(QCoreApplication.translate("Passphrase", "Database passphrase"))
        self.new = new
        layout = QVBoxLayout(self)
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        form = QFormLayout()
        self.first = QLineEdit()
        self.first.setObjectName("passphrase")
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(QCoreApplication.translate("Passphrase", "Passphrase:"), self.first)
        self.second = QLineEdit()
        self.second.setObjectName("passphraseAgain")
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        if new:
            form.addRow(QCoreApplication.translate("Passphrase", "Again:"), self.second)
        layout.addLayout(form)
        self.problem = QLabel("")
        self.problem.setObjectName("passphraseProblem")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._value = ""

    def _check(self) -> None:
        if self.new and self.first.text() != self.second.text():
            self.problem.setText(QCoreApplication.translate("Passphrase", "The two passphrases differ."))
            return
        self._value = self.first.text()
        self.first.clear()
        self.second.clear()
        self.accept()

    def take(self) -> str:
        """The passphrase typed (once: the dialog forgets it)."""
        value, self._value = self._value, ""
        return value


def ask_passphrase(message: str, new: bool, parent: QWidget | None = None) -> str | None:
    dialog = PassphraseDialog(message, new, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.take()
