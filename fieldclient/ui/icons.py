"""Toolbar and menu icons: the SVGs in resources/icons/ui, tinted for the theme.

The files are drawn with `currentColor`, which Qt's SVG renderer does not resolve:
each icon is rendered here with the colour of the current theme's text (dark by day,
dim red at night), at the sizes the toolbar asks for. Nothing is fetched at run time.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent.parent
ICON_DIR = ROOT / "resources" / "icons" / "ui"
SIZES = (16, 24, 32, 48)


@cache
def _svg(name: str) -> str:
    return (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8")


def names() -> list[str]:
    """Every icon shipped (tests check each one renders)."""
    return sorted(p.stem for p in ICON_DIR.glob("*.svg"))


def pixmap(name: str, colour: str, size: int) -> QPixmap:
    """`name` drawn in `colour` on a transparent square of `size` px."""
    renderer = QSvgRenderer(QByteArray(_svg(name).replace("currentColor", colour).encode()))
    pm = QPixmap(QSize(size, size))
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pm


def icon(name: str, colour: str, disabled: str = "#9a9a9a") -> QIcon:
    """An icon with a normal and a disabled look, at every toolbar size."""
    result = QIcon()
    for size in SIZES:
        result.addPixmap(pixmap(name, colour, size), QIcon.Mode.Normal)
        result.addPixmap(pixmap(name, disabled, size), QIcon.Mode.Disabled)
    return result


SEVERITY_COLOURS = ("#2e7d32", "#9e9d24", "#f9a825", "#ef6c00", "#c62828")  # as on the map


@lru_cache(maxsize=16)
def severity_icon(severity: int, size: int = 18) -> QIcon:
    """The map's incident diamond, coloured by severity (1 green ... 5 red), with its number."""
    level = min(5, max(1, int(severity)))
    pm = QPixmap(QSize(size, size))
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    h = size / 2
    p.setPen(QPen(QColor("#111111"), 1))
    p.setBrush(QColor(SEVERITY_COLOURS[level - 1]))
    p.drawPolygon(QPolygonF([QPointF(h, 0.5), QPointF(size - 0.5, h), QPointF(h, size - 0.5),
                             QPointF(0.5, h)]))
    font = QFont()
    font.setPixelSize(int(size * 0.55))
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("#ffffff"))
    p.drawText(pm.rect(), int(Qt.AlignmentFlag.AlignCenter), str(level))
    p.end()
    return QIcon(pm)
