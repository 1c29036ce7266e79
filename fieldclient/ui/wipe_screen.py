"""What the laptop shows once the server's wipe order was carried out (issue 14 item 5),
whether the window was open or locked: one screen that says what happened, and nothing
else. Every other window is closed first (the main window's models held records; a
dialog may hold a record's text), and the main window is destroyed. The screen is not
modal, so the sync thread and the lock's check-in can finish; closing it quits Enlace.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

MAIN_WINDOW = "mainWindow"  # its objectName (main_window.py imports this module's users)


class ErasedScreen(QWidget):
    """The only thing left on screen after a remote wipe."""

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.setObjectName("erasedScreen")
        self.setWindowTitle("Enlace")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        self.title = QLabel(title)
        self.title.setObjectName("erasedTitle")
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        layout.addWidget(self.title, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.text = QLabel(text)
        self.text.setObjectName("erasedText")
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.button = QPushButton(QCoreApplication.translate("ErasedScreen", "Close Enlace"))
        self.button.setObjectName("closeEnlace")
        self.button.clicked.connect(self.close)
        layout.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignRight)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        super().closeEvent(event)
        _shown.clear()
        quit_app()


def quit_app() -> None:
    """Enlace ends once the screen is closed (a name of its own: tests watch for it)."""
    app = QApplication.instance()
    if app is not None:
        app.quit()


_shown: list[ErasedScreen] = []  # the screen on show (no parent holds it)


def show_erased(title: str, text: str) -> ErasedScreen:
    """Show the screen, then close every other window and destroy the main window."""
    screen = ErasedScreen(title, text)
    _shown[:] = [screen]
    screen.show()  # first: closing the last window would otherwise quit at once
    for widget in QApplication.topLevelWidgets():
        if widget is screen:
            continue
        if widget.isVisible():
            widget.close()
        if widget.objectName() == MAIN_WINDOW:
            widget.deleteLater()  # its models, panels and dialogs go with it
    screen.raise_()
    screen.activateWindow()
    return screen


def erased_screen() -> ErasedScreen | None:
    """The screen if it is on show."""
    return _shown[0] if _shown else None
