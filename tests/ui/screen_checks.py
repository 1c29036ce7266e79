"""What a person sees in a window, read back for tests: every visible text (labels,
buttons, tabs, headers, cells, tooltips, menus), English left in a Spanish screen, text
cut short, and screenshots saved for people to look at.

Screenshots go to $ENLACE_TEST_ARTEFACTS, else build/test-artefacts/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QToolBar,
    QWidget,
)

from sync.protocol import ENTITIES, VOCABS

ROOT = Path(__file__).resolve().parents[2]
TS_DIR = ROOT / "resources" / "translations"
ROWS_CHECKED = 40  # cells of the first rows of each view: what is on screen
TAG = re.compile(r"<[^>]+>")
PARTS = re.compile(r"\s+·\s+|\n|:\s+|,\s+|\s+→\s+|\s+—\s+")


def artefacts_dir() -> Path:
    folder = Path(os.environ.get("ENLACE_TEST_ARTEFACTS") or ROOT / "build" / "test-artefacts")
    folder = folder / "ui"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(widget: QWidget, name: str) -> Path:
    """Save what `widget` shows as <artefacts>/ui/<name>.png (for people to look at)."""
    path = artefacts_dir() / f"{name}.png"
    assert widget.grab().save(str(path)), path
    return path


# -- the texts on screen ---------------------------------------------------------------


def _plain(text: str) -> str:
    return TAG.sub(" ", text.replace("<br>", "\n")).replace("&nbsp;", " ").strip()


def _shown(w: QWidget, root: QWidget) -> bool:
    return w.isVisibleTo(root) or w is root


def view_texts(view: QAbstractItemView, rows: int = ROWS_CHECKED) -> list[str]:
    """Column titles and the texts and tooltips of the first rows (children included)."""
    model = view.model()
    if model is None:
        return []
    out: list[str] = []
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    for col in range(model.columnCount()):
        out += [h for role in roles
                if isinstance(h := model.headerData(col, Qt.Orientation.Horizontal, role), str)]
    pending = [QModelIndex()]
    seen = 0
    while pending and seen < rows:
        parent = pending.pop(0)
        for r in range(model.rowCount(parent)):
            seen += 1
            for c in range(model.columnCount(parent)):
                idx = model.index(r, c, parent)
                out += [v for role in roles if isinstance(v := idx.data(role), str)]
            pending.append(model.index(r, 0, parent))
            if seen >= rows:
                break
    return out


def _menu_texts(menu: QMenu) -> Iterator[str]:
    yield menu.title()
    for act in menu.actions():
        yield act.text()
        yield act.toolTip()
        if act.menu() is not None:
            yield from _menu_texts(act.menu())  # type: ignore[arg-type]


def visible_texts(root: QWidget) -> list[str]:
    """Every text a person can read in `root` now, or by hovering (tooltips) or opening a
    drop-down or menu: labels, buttons, tabs, headers, cells, placeholders, actions."""
    out: list[str] = [root.windowTitle()]
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if not _shown(w, root):
            continue
        out.append(w.toolTip())
        if isinstance(w, QLabel):
            out.append(_plain(w.text()))
        elif isinstance(w, QAbstractButton):
            out.append(w.text())
        elif isinstance(w, QLineEdit):
            out += [w.placeholderText()]
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                out.append(w.itemText(i))
                tip = w.itemData(i, Qt.ItemDataRole.ToolTipRole)
                if isinstance(tip, str):
                    out.append(tip)
        elif isinstance(w, QTabBar):
            out += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QAbstractItemView):
            out += view_texts(w)
        elif isinstance(w, QDockWidget):
            out.append(w.windowTitle())
        elif isinstance(w, QToolBar):
            for act in w.actions():
                out += [act.text(), act.toolTip()]
    if isinstance(root, QMainWindow) and root.menuBar() is not None:
        for act in root.menuBar().actions():
            if act.menu() is not None:
                out += list(_menu_texts(act.menu()))  # type: ignore[arg-type]
    return [t for t in out if t and t.strip()]


# -- English in a Spanish screen -----------------------------------------------------


@lru_cache(maxsize=1)
def english_sources() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """English source strings whose Spanish differs, as exact texts and as patterns
    (placeholders such as {name}, %n and %1 match anything)."""
    exact: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    placeholder = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%L?\d+|%n")
    for ts in TS_DIR.glob("*_es_MX.ts"):
        for msg in ET.parse(ts).getroot().iter("message"):
            source = msg.findtext("source") or ""
            tr = msg.find("translation")
            forms = [] if tr is None else [f.text or "" for f in tr.iter("numerusform")]
            spanish = forms or [(tr.text or "") if tr is not None else ""]
            if not source.strip() or source in spanish:
                continue
            source = source.replace("&", "") if "&" in source else source
            if placeholder.search(source):
                literal = placeholder.sub("", source)
                if sum(c.isalpha() for c in literal) >= 6:  # enough words to mean something
                    body = ".*".join(re.escape(p) for p in placeholder.split(source))
                    patterns.append(re.compile(f"^{body}$", re.S))
            else:
                exact.add(source)
    return frozenset(exact), tuple(patterns)


@lru_cache(maxsize=1)
def wire_names() -> frozenset[str]:
    """Names a person should never read: field names and vocabulary codes as stored
    (`unit_id`, `returning`, `out_of_service`) - their labels are shown instead."""
    names = {name for e in ENTITIES.values() for name in e.fields if "_" in name or
             name in ("status", "kind", "agency", "agencies", "lat", "lon", "echelon",
                      "callsign", "field", "severity", "title", "body", "source", "note")}
    for v in VOCABS.values():
        names |= {code for code in v.values if len(code) > 3 and not code.isdigit()}
    return frozenset(names)


def english_leaks(texts: list[str], also: frozenset[str] = frozenset()) -> list[str]:
    """Texts (or parts of texts) that are English source strings, wire names or `also`
    (e.g. agency slugs, which should be shown by name)."""
    exact, patterns = english_sources()
    codes = wire_names() | also
    leaks: list[str] = []
    for text in texts:
        pieces = [text, *[p for p in PARTS.split(text) if p]]
        for raw in pieces:
            piece = raw.strip(" .…:()[]")
            if {raw, piece} & exact or piece in codes or \
                    any(p.match(raw) or p.match(piece) for p in patterns):
                leaks.append(f"{piece!r} in {text!r}")
                break
    return sorted(set(leaks))


# -- text cut short -------------------------------------------------------------------


def _combo_room(combo: QComboBox) -> int:
    opt = QStyleOptionComboBox()
    combo.initStyleOption(opt)
    rect = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                        QStyle.SubControl.SC_ComboBoxEditField, combo)
    return rect.width()


def truncated(root: QWidget) -> list[str]:
    """Texts that do not fit the widget showing them: labels, buttons, drop-down items,
    placeholders, tabs, column titles, and cells without a tooltip giving the full text."""
    problems: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        if not _shown(w, root) or w.width() <= 0 or w.visibleRegion().isEmpty():
            continue  # hidden, or behind another tab (Qt parks those off screen)
        fm = QFontMetrics(w.font())
        name = w.objectName() or type(w).__name__
        if isinstance(w, QLabel) and not w.wordWrap() and w.text() and \
                w.textFormat() != Qt.TextFormat.RichText and "<" not in w.text():
            need = fm.horizontalAdvance(w.text())
            if need > w.contentsRect().width() + 1:
                problems.append(f"label {name}: {w.text()!r} needs {need}px, has {w.contentsRect().width()}")
        elif isinstance(w, QAbstractButton) and w.text():
            if w.sizeHint().width() > w.width() + 1:
                problems.append(f"button {name}: {w.text()!r} needs {w.sizeHint().width()}px, "
                                f"has {w.width()}")
        elif isinstance(w, QComboBox):
            room = _combo_room(w)
            for i in range(w.count()):
                need = fm.horizontalAdvance(w.itemText(i))
                if need > room:
                    problems.append(f"combo {name}: {w.itemText(i)!r} needs {need}px, has {room}")
        elif isinstance(w, QLineEdit) and w.placeholderText() and not w.text():
            need = fm.horizontalAdvance(w.placeholderText()) + 8
            if need > w.width():
                problems.append(f"placeholder {name}: {w.placeholderText()!r} needs {need}px, "
                                f"has {w.width()}")
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                need = fm.horizontalAdvance(w.tabText(i)) + 8
                if need > w.tabRect(i).width():
                    problems.append(f"tab {w.tabText(i)!r} needs {need}px, has {w.tabRect(i).width()}")
        elif isinstance(w, QAbstractItemView):
            problems += _view_cut(w, name)
    return problems


def _view_cut(view: QAbstractItemView, name: str) -> list[str]:
    model = view.model()
    header = getattr(view, "horizontalHeader", None)
    header = header() if header is not None else getattr(view, "header", lambda: None)()
    if model is None or header is None:
        return []
    problems = []
    hfm = QFontMetrics(header.font())
    fm = QFontMetrics(view.font())
    # what Qt's item delegates leave around a cell's text
    cell_margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    arrow = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    for col in range(model.columnCount()):
        if header.isSectionHidden(col):
            continue
        width = header.sectionSize(col)
        title = model.headerData(col, Qt.Orientation.Horizontal)
        sorted_here = header.isSortIndicatorShown() and header.sortIndicatorSection() == col
        need = hfm.horizontalAdvance(title) + margin + (arrow if sorted_here else 0) \
            if isinstance(title, str) else 0
        if need > width:
            problems.append(f"{name} column title {title!r} needs {need}px, has {width}")
        indent = view.indentation() if hasattr(view, "indentation") and col == 0 else 0
        for row in range(min(model.rowCount(), ROWS_CHECKED)):
            idx = model.index(row, col)
            text = idx.data(Qt.ItemDataRole.DisplayRole)
            if not isinstance(text, str) or not text:
                continue
            tip = idx.data(Qt.ItemDataRole.ToolTipRole)
            icon = view.iconSize().width() + 4 if idx.data(Qt.ItemDataRole.DecorationRole) else 0
            need = fm.horizontalAdvance(text) + cell_margin + indent + icon
            if need > width and not (isinstance(tip, str) and text in tip):
                problems.append(f"{name} cell {text!r} needs {need}px, has {width} (no tooltip)")
    return problems
