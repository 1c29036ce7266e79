"""The window's two field modes, each remembered in the settings:

- night mode: a dim, red-tinted palette (and the map page dimmed the same way), so a
  screen in a vehicle at night neither dazzles the crew nor lights up the cab;
- large targets: bigger fonts, 44 px toolbar buttons with icons and taller rows, for
  gloves and touch screens.

`Theme` says what is chosen; `apply()` sets the application-wide font, palette and style
sheet; views size their rows with `row_height()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView

NIGHT_KEY = "view/nightMode"
LARGE_KEY = "view/largeTargets"

NORMAL_POINTS = 10.0  # 9 pt (Qt's default here) reads small on a field laptop's screen
LARGE_POINTS = 13.0
TOUCH_TARGET = 44  # px: the smallest comfortable target for a gloved finger

# The night palette: every colour a dim red on near-black, so nothing emits blue or white.
NIGHT = {
    "window": "#1a0b0b", "base": "#120707", "alternate": "#1f0d0d", "button": "#2a1010",
    "text": "#d9595f", "bright": "#f08080", "dim": "#7a3434", "highlight": "#5c1a1a",
    "tooltip": "#2a1010", "link": "#e07070",
}
DAY_ICON = "#1f2933"


@dataclass(frozen=True)
class Theme:
    night: bool = False
    large: bool = False

    @property
    def point_size(self) -> float:
        return LARGE_POINTS if self.large else NORMAL_POINTS

    @property
    def icon_size(self) -> int:
        return 32 if self.large else 22

    @property
    def icon_colour(self) -> str:
        return NIGHT["text"] if self.night else DAY_ICON


# The application's own font and palette (the desktop's), kept at the first apply: day
# mode returns to them rather than to Qt's generic palette.
_base_font: QFont | None = None
_base_palette: QPalette | None = None


def apply(app: QApplication, theme: Theme) -> None:
    """Font, palette and style sheet of the whole application (every window and dialog)."""
    global _base_font, _base_palette
    if _base_font is None or _base_palette is None:
        _base_font = QFont(app.font())
        _base_palette = QPalette(app.palette())
    font = QFont(_base_font)
    font.setPointSizeF(theme.point_size)
    # A style sheet pins each widget's font when it polishes it, and a later
    # QApplication.setFont then no longer reaches the widget: drop the sheet first, set
    # font and palette, then set the sheet again (which polishes every widget anew).
    app.setStyleSheet("")
    app.setFont(font)
    # the font reaches each widget by a posted event: deliver those before the sheet
    QCoreApplication.sendPostedEvents(None, QEvent.Type.ApplicationFontChange)
    app.setPalette(night_palette() if theme.night else _base_palette)
    app.setStyleSheet(style_sheet(theme))


def night_palette() -> QPalette:
    c = {k: QColor(v) for k, v in NIGHT.items()}
    p = QPalette()
    R = QPalette.ColorRole
    for role, colour in [
        (R.Window, c["window"]), (R.WindowText, c["text"]), (R.Base, c["base"]),
        (R.AlternateBase, c["alternate"]), (R.Text, c["text"]), (R.Button, c["button"]),
        (R.ButtonText, c["text"]), (R.BrightText, c["bright"]), (R.Highlight, c["highlight"]),
        (R.HighlightedText, c["bright"]), (R.ToolTipBase, c["tooltip"]),
        (R.ToolTipText, c["text"]), (R.PlaceholderText, c["dim"]), (R.Link, c["link"]),
        (R.Light, c["alternate"]), (R.Midlight, c["button"]), (R.Mid, c["dim"]),
        (R.Dark, c["base"]), (R.Shadow, c["base"]),
    ]:
        p.setColor(role, colour)
    for role in (R.WindowText, R.Text, R.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, c["dim"])
    return p


def style_sheet(theme: Theme) -> str:
    rules = []
    if theme.large:
        t = TOUCH_TARGET
        rules += [
            f"QToolBar QToolButton {{ min-width: {t}px; min-height: {t}px; }}",
            f"QPushButton, QComboBox, QLineEdit, QSpinBox {{ min-height: {t - 8}px; }}",
            f"QTabBar::tab {{ min-height: {t - 8}px; }}",
            "QCheckBox::indicator { width: 24px; height: 24px; }",
            "QScrollBar:vertical { width: 22px; } QScrollBar:horizontal { height: 22px; }",
        ]
    if theme.night:
        rules.append(f"QToolTip {{ color: {NIGHT['text']}; background: {NIGHT['tooltip']};"
                     f" border: 1px solid {NIGHT['dim']}; }}")
    return "\n".join(rules)


def row_height(theme: Theme, font: QFont | None = None) -> int:
    """Height of a table row: text plus room for a finger in large-targets mode."""
    f = QFont(font or QApplication.font())
    f.setPointSizeF(theme.point_size)
    text = QFontMetrics(f).height()
    return max(TOUCH_TARGET, text + 16) if theme.large else text + 10


def size_rows(view: QAbstractItemView, theme: Theme) -> None:
    """Row height of a table (fixed heights: a view then never measures its rows)."""
    h = row_height(theme)
    if isinstance(view, QTableView):
        view.verticalHeader().setMinimumSectionSize(min(h, 20))
        view.verticalHeader().setDefaultSectionSize(h)
    else:
        view.setStyleSheet(f"QTreeView::item {{ min-height: {h}px; }}")
