"""The main toolbar: new unit, log position, new incident, sync now, sign in/out, the
coordinate, time and language pickers, and the night and large-targets switches. It
only says what was asked (triggered actions, `coordFormatChosen`, `timeStyleChosen`,
`languageChosen`); the window does it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QToolButton, QWidget

from fieldclient.ui import icons
from fieldclient.ui.i18n import Retranslatable
from fieldclient.ui.theme import Theme

COORD_FORMATS = (("dd", "DD"), ("dms", "DMS"), ("mgrs", "MGRS"))
LANGUAGES = (("es", "Español"), ("en", "English"))  # each in its own language

ICONS = {
    "act_new_unit": "new-unit", "act_log_position": "log-position",
    "act_new_incident": "new-incident", "act_sync": "sync", "act_night": "night",
    "act_large": "large-targets",
}


class MainToolBar(Retranslatable, QToolBar):
    coordFormatChosen = Signal(str)  # "dd", "dms" or "mgrs"
    timeStyleChosen = Signal(str)  # "local" or "dtg"
    languageChosen = Signal(str)  # "es" or "en"

    def __init__(self, coord_format: str, lang: str, parent: QWidget | None = None,
                 time_style: str = "local") -> None:
        super().__init__(parent)
        self.setObjectName("mainToolbar")
        # Always there: the toolbar holds sign-in and the pickers, so it cannot be closed.
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)
        self._signed_in = False
        self._theme = Theme()
        self._operation_action: QAction | None = None
        self._operations_shown = False
        self.act_new_unit = QAction(self)
        self.act_new_unit.setShortcut(QKeySequence("Ctrl+N"))
        self.act_log_position = QAction(self)
        self.act_log_position.setShortcut(QKeySequence("Ctrl+L"))
        self.act_new_incident = QAction(self)
        self.act_new_incident.setShortcut(QKeySequence("Ctrl+I"))
        self.act_sync = QAction(self)
        self.act_sync.setShortcut(QKeySequence("F5"))
        self.act_sign = QAction(self)  # "Sign in…" or "Sign out", as the state asks
        self.act_sign.setObjectName("signInOut")
        self.act_night = QAction(self)
        self.act_night.setCheckable(True)
        self.act_large = QAction(self)
        self.act_large.setCheckable(True)
        for act in (self.act_new_unit, self.act_log_position, self.act_new_incident):
            self.addAction(act)
        self.addSeparator()
        self.addAction(self.act_sync)
        self.addAction(self.act_sign)
        self.addSeparator()

        self.coord_label = QLabel()
        self.coord_combo = QComboBox()
        self.coord_combo.setObjectName("coordFormat")
        for code, text in COORD_FORMATS:
            self.coord_combo.addItem(text, code)
        self.time_label = QLabel()
        self.time_combo = QComboBox()
        self.time_combo.setObjectName("timeStyle")
        self.time_combo.addItem("", "local")
        self.time_combo.addItem("", "dtg")
        self.lang_label = QLabel()
        self.lang_combo = QComboBox()
        self.lang_combo.setObjectName("language")
        for code, text in LANGUAGES:
            self.lang_combo.addItem(text, code)
        for combo in (self.coord_combo, self.time_combo, self.lang_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.set_coord_format(coord_format)
        self.set_time_style(time_style)
        self.set_language(lang)
        self.coord_combo.currentIndexChanged.connect(
            lambda _i: self.coordFormatChosen.emit(self.coord_combo.currentData()))
        self.time_combo.currentIndexChanged.connect(
            lambda _i: self.timeStyleChosen.emit(self.time_combo.currentData()))
        self.lang_combo.currentIndexChanged.connect(
            lambda _i: self.languageChosen.emit(self.lang_combo.currentData()))
        self._title_actions: list[QAction] = []  # a toolbar shows or hides a widget by its action
        for label, combo in ((self.coord_label, self.coord_combo),
                             (self.time_label, self.time_combo),
                             (self.lang_label, self.lang_combo)):
            self._title_actions.append(self.addWidget(label))
            self.addWidget(combo)
        self.addSeparator()
        self.addAction(self.act_night)
        self.addAction(self.act_large)
        self.set_theme(self._theme)
        self.retranslateUi()

    def add_operation_selector(self, selector: QWidget) -> None:
        """Place the operation selector after sync and sign-in, hidden until shown."""
        self._operation_action = self.insertWidget(self._title_actions[0], selector)
        self.show_operation_selector(False)

    def show_operation_selector(self, shown: bool) -> None:
        """Show the operation selector (once this laptop knows an operation). It takes the
        room of the pickers' titles, as large targets do (their tooltips say)."""
        self._operations_shown = shown
        if self._operation_action is not None:
            self._operation_action.setVisible(shown)
        self._show_titles()

    def _show_titles(self) -> None:
        for act in self._title_actions:
            act.setVisible(not self._theme.large and not self._operations_shown)

    def set_coord_format(self, fmt: str) -> None:
        """Show `fmt` as chosen (no signal: the caller already knows)."""
        _choose(self.coord_combo, fmt)

    def set_time_style(self, style: str) -> None:
        _choose(self.time_combo, style)

    def set_language(self, lang: str) -> None:
        """Show `lang` as chosen (no signal)."""
        _choose(self.lang_combo, lang)

    def set_signed_in(self, signed_in: bool) -> None:
        """The sign action reads "Sign out" while signed in, "Sign in…" otherwise."""
        self._signed_in = signed_in
        self.retranslateUi()

    def set_theme(self, theme: Theme) -> None:
        """Icons tinted for day or night; 44 px buttons with bigger icons for gloves."""
        self._theme = theme
        size = theme.icon_size
        self.setIconSize(QSize(size, size))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon if theme.large
                                else Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        # The switches show their icon only (their names are in the tooltip and the View
        # menu): the toolbar then fits a 1280 px window without pushing buttons out of sight.
        for act in (self.act_night, self.act_large):
            button = self.widgetForAction(act)
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        for attr, name in ICONS.items():
            getattr(self, attr).setIcon(icons.icon(name, theme.icon_colour))
        self.act_sign.setIcon(icons.icon("sign-out" if self._signed_in else "sign-in",
                                         theme.icon_colour))
        for act, on in ((self.act_night, theme.night), (self.act_large, theme.large)):
            act.blockSignals(True)
            act.setChecked(on)
            act.blockSignals(False)
        # With large buttons there is no room for the pickers' titles (their tooltips say)
        self._show_titles()

    def retranslateUi(self) -> None:
        self.setWindowTitle(self.tr("Main toolbar"))
        self.act_new_unit.setText(self.tr("New unit"))
        self.act_new_unit.setToolTip(self.tr("Create a unit (Ctrl+N)"))
        self.act_log_position.setText(self.tr("Log position"))
        self.act_log_position.setToolTip(self.tr("Log a position for the selected unit (Ctrl+L)"))
        self.act_new_incident.setText(self.tr("New incident"))
        self.act_new_incident.setToolTip(self.tr("Report an incident (Ctrl+I)"))
        self.act_sync.setText(self.tr("Sync now"))
        self.act_sync.setToolTip(self.tr("Send and receive changes now (F5); asks you to sign "
                                         "in first when nobody is signed in"))
        if self._signed_in:
            self.act_sign.setText(self.tr("Sign out"))
            self.act_sign.setToolTip(self.tr("Sign out of the sync server; your data stays on "
                                             "this computer"))
        else:
            self.act_sign.setText(self.tr("Sign in…"))
            self.act_sign.setToolTip(self.tr("Sign in to the sync server"))
        self.act_sign.setIcon(icons.icon("sign-out" if self._signed_in else "sign-in",
                                         self._theme.icon_colour))
        self.act_night.setText(self.tr("Night"))
        self.act_night.setToolTip(self.tr("Night mode: a dim, red screen for use in the dark"))
        self.act_large.setText(self.tr("Large"))
        self.act_large.setToolTip(self.tr("Large targets: bigger buttons, rows and text for "
                                          "gloves and touch screens"))
        self.coord_label.setText(" " + self.tr("Coordinates:") + " ")
        self.coord_combo.setToolTip(self.tr("Coordinate format"))
        self.lang_combo.setToolTip(self.tr("Language"))
        self.time_label.setText(" " + self.tr("Time:") + " ")
        self.time_combo.setItemText(0, self.tr("Local"))
        self.time_combo.setItemText(1, self.tr("DTG"))
        self.time_combo.setItemData(0, self.tr("Local time with its time zone"),
                                    Qt.ItemDataRole.ToolTipRole)
        self.time_combo.setItemData(1, self.tr("Date-time group in UTC (291730Z NOV 26)"),
                                    Qt.ItemDataRole.ToolTipRole)
        self.time_combo.setToolTip(self.tr("How times are written: local time with its zone, "
                                           "or a military date-time group"))
        self.lang_label.setText(" " + self.tr("Language:") + " ")


def _choose(combo: QComboBox, code: str) -> None:
    at = combo.findData(code)
    if at >= 0 and at != combo.currentIndex():
        combo.blockSignals(True)
        combo.setCurrentIndex(at)
        combo.blockSignals(False)
