"""First run: offer the demo deployment, an empty start, or signing in to a server."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from fieldclient.ui.i18n import Retranslatable


class WelcomePanel(Retranslatable, QWidget):
    demoRequested = Signal()
    emptyRequested = Signal()
    signInRequested = Signal()

    def __init__(
        self, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePanel")
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_button = QPushButton()
        self.demo_button.setObjectName("loadDemoButton")
        self.empty_button = QPushButton()
        self.empty_button.setObjectName("startEmptyButton")
        self.signin_button = QPushButton()
        self.signin_button.setObjectName("signInButton")
        self.progress = QLabel()
        self.progress.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for b in (self.demo_button, self.empty_button, self.signin_button):
            b.setMinimumHeight(40)
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMaximumWidth(520)
        v = QVBoxLayout(card)
        v.setSpacing(12)
        v.addWidget(self.title)
        v.addWidget(self.intro)
        v.addSpacing(8)
        v.addWidget(self.demo_button)
        v.addWidget(self.empty_button)
        v.addWidget(self.signin_button)
        v.addWidget(self.progress)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.demo_button.clicked.connect(self.demoRequested)
        self.empty_button.clicked.connect(self.emptyRequested)
        self.signin_button.clicked.connect(self.signInRequested)
        self.retranslateUi()

    def retranslateUi(self) -> None:
        self.title.setText(self.tr("Welcome to Enlace"))
        self.intro.setText(self.tr(
            "This laptop has no data yet. Everything you enter is kept here and works "
            "without a network; it is sent to the server when you sign in and sync."
        ))
        self.demo_button.setText(self.tr("Load the demo deployment"))
        self.empty_button.setText(self.tr("Start empty"))
        self.signin_button.setText(self.tr("Sign in to a server…"))

    def set_busy(self, busy: bool) -> None:
        for b in (self.demo_button, self.empty_button):
            b.setEnabled(not busy)
        self.progress.setText(self.tr("Loading the demo deployment…") if busy else "")
