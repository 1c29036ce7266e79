"""The main toolbar: new unit, log position, new incident, sync now, and the
coordinate format and language pickers. It only says what was asked (triggered
actions, `coordFormatChosen`, `languageChosen`); the window does it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QWidget

from fieldclient.ui.i18n import Retranslatable

COORD_FORMATS = (("dd", "DD"), ("dms", "DMS"), ("mgrs", "MGRS"))
LANGUAGES = (("es", "Español"), ("en", "English"))  # each in its own language


class MainToolBar(Retranslatable, QToolBar):
    coordFormatChosen = Signal(str)  # "dd", "dms" or "mgrs"
    languageChosen = Signal(str)  # "es" or "en"

    def __init__(self, coord_format: str, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainToolbar")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.act_new_unit = QAction(self)
        self.act_new_unit.setShortcut(QKeySequence("Ctrl+N"))
        self.act_log_position = QAction(self)
        self.act_log_position.setShortcut(QKeySequence("Ctrl+L"))
        self.act_new_incident = QAction(self)
        self.act_new_incident.setShortcut(QKeySequence("Ctrl+I"))
        self.act_sync = QAction(self)
        for act in (self.act_new_unit, self.act_log_position, self.act_new_incident, self.act_sync):
            self.addAction(act)
        self.addSeparator()

        self.coord_label = QLabel()
        self.coord_combo = QComboBox()
        self.coord_combo.setObjectName("coordFormat")
        for code, text in COORD_FORMATS:
            self.coord_combo.addItem(text, code)
        self.lang_label = QLabel()
        self.lang_combo = QComboBox()
        self.lang_combo.setObjectName("language")
        for code, text in LANGUAGES:
            self.lang_combo.addItem(text, code)
        self.set_coord_format(coord_format)
        self.set_language(lang)
        self.coord_combo.currentIndexChanged.connect(
            lambda _i: self.coordFormatChosen.emit(self.coord_combo.currentData()))
        self.lang_combo.currentIndexChanged.connect(
            lambda _i: self.languageChosen.emit(self.lang_combo.currentData()))
        self.addWidget(self.coord_label)
        self.addWidget(self.coord_combo)
        self.addWidget(self.lang_label)
        self.addWidget(self.lang_combo)
        self.retranslateUi()

    def set_coord_format(self, fmt: str) -> None:
        """Show `fmt` as chosen (no signal: the caller already knows)."""
        _choose(self.coord_combo, fmt)

    def set_language(self, lang: str) -> None:
        """Show `lang` as chosen (no signal)."""
        _choose(self.lang_combo, lang)

    def retranslateUi(self) -> None:
        self.setWindowTitle(self.tr("Main toolbar"))
        self.act_new_unit.setText(self.tr("New unit"))
        self.act_new_unit.setToolTip(self.tr("Create a unit (Ctrl+N)"))
        self.act_log_position.setText(self.tr("Log position"))
        self.act_log_position.setToolTip(self.tr("Log a position for the selected unit (Ctrl+L)"))
        self.act_new_incident.setText(self.tr("New incident"))
        self.act_new_incident.setToolTip(self.tr("Report an incident (Ctrl+I)"))
        self.act_sync.setText(self.tr("Sync now"))
        self.coord_label.setText(" " + self.tr("Coordinates:") + " ")
        self.lang_label.setText(" " + self.tr("Language:") + " ")


def _choose(combo: QComboBox, code: str) -> None:
    at = combo.findData(code)
    if at >= 0 and at != combo.currentIndex():
        combo.blockSignals(True)
        combo.setCurrentIndex(at)
        combo.blockSignals(False)
