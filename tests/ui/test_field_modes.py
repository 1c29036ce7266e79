"""Issue 15, item 7: night mode (dim, red-tinted, for vehicles at night) and large targets
(44 px toolbar buttons with icons, larger rows and fonts, for gloves and touch screens);
both remembered for the next start."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QToolButton

from tests.ui.conftest import open_window
from tests.ui.screen_checks import screenshot, truncated


def _reddish_and_dim(colour: QColor) -> bool:
    return colour.red() > colour.green() + 40 and colour.red() > colour.blue() + 40


def _icon_colour(button: QToolButton) -> QColor:
    """The strongest pixel of a toolbar button's icon."""
    image = button.icon().pixmap(24, 24).toImage()
    pixels = [QColor(image.pixel(x, y)) for x in range(24) for y in range(24)
              if QColor.fromRgba(image.pixel(x, y)).alpha() > 200]
    return max(pixels, key=lambda c: c.red() + c.green() + c.blue())


def _buttons(w) -> list[QToolButton]:  # type: ignore[no-untyped-def]
    tb = w.toolbar
    acts = [tb.act_new_unit, tb.act_log_position, tb.act_new_incident, tb.act_sync,
            tb.act_sign, tb.act_night, tb.act_large]
    return [b for a in acts if isinstance(b := tb.widgetForAction(a), QToolButton)]


def test_night_mode_is_dim_red_and_remembered(qtbot, es_window, translations):  # type: ignore[no-untyped-def]
    """The toolbar's moon switches the whole window (and every dialog) to dim reds on black,
    icons included; the View menu shows it checked; the next start is in night mode."""
    w = es_window
    day = QApplication.palette().color(QPalette.ColorRole.Window)
    assert day.lightness() > 150
    w.toolbar.act_night.trigger()
    pal = QApplication.palette()
    window, text = pal.color(QPalette.ColorRole.Window), pal.color(QPalette.ColorRole.WindowText)
    assert window.lightness() < 40 and _reddish_and_dim(text)
    assert _reddish_and_dim(pal.color(QPalette.ColorRole.Text))
    assert all(_reddish_and_dim(_icon_colour(b)) for b in _buttons(w))
    assert w.menus.act_night.isChecked()
    assert w.status.badge._night
    screenshot(w, "07-night-mode-es")
    store = w.store
    w.close()
    again = open_window(qtbot, store, translations)
    assert again.theme.night and again.toolbar.act_night.isChecked()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 40
    again.menus.act_night.trigger()  # and off again from the menu
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 150
    again.close()


def test_large_targets_for_gloves(qtbot, es_window, translations):  # type: ignore[no-untyped-def]
    """Large targets: every toolbar button at least 44 x 44 px with its icon, rows at least
    44 px, a 13 pt font, everything still fitting at 1366 x 768; remembered."""
    w = es_window
    normal_rows = w.roster.table.verticalHeader().defaultSectionSize()
    w.toolbar.act_large.trigger()
    for b in _buttons(w):
        assert b.width() >= 44 and b.height() >= 44, (b.text(), b.size())
        assert not b.icon().isNull()
    for view in (w.roster.table, w.sync_panel.table, w.track.table):
        assert view.verticalHeader().defaultSectionSize() >= 44
    assert w.roster.table.verticalHeader().defaultSectionSize() > normal_rows
    assert QApplication.font().pointSizeF() >= 13
    assert w.menus.act_large.isChecked()
    qtbot.waitUntil(lambda: truncated(w) == [])  # once the bigger font is laid out
    screenshot(w, "07-large-targets-es")
    store = w.store
    w.close()
    again = open_window(qtbot, store, translations)
    assert again.theme.large and QApplication.font().pointSizeF() >= 13
    again.close()


def test_normal_mode_has_icons_and_readable_rows(es_window):  # type: ignore[no-untyped-def]
    """Even without large targets the toolbar has icons (it was text only) and the font is
    10 pt (it was 9)."""
    w = es_window
    assert all(not b.icon().isNull() for b in _buttons(w))
    assert QApplication.font().pointSizeF() >= 10
    assert w.roster.table.verticalHeader().defaultSectionSize() >= 24


def test_every_shipped_icon_renders_in_both_themes() -> None:
    """The toolbar's icons are drawn from resources/icons/ui (no network): each renders,
    tinted dark by day and red at night; their licence note ships with them."""
    from fieldclient.ui import icons
    from fieldclient.ui.theme import Theme

    names = icons.names()
    assert {"new-unit", "log-position", "new-incident", "sync", "sign-in", "sign-out",
            "night", "large-targets"} <= set(names)
    assert (icons.ICON_DIR / "LICENSE.txt").exists()
    for name in names:
        for t in (Theme(), Theme(night=True)):
            image = icons.pixmap(name, t.icon_colour, 24).toImage()
            inked = [QColor.fromRgba(image.pixel(x, y)) for x in range(24) for y in range(24)]
            inked = [c for c in inked if c.alpha() > 200]
            assert len(inked) > 20, name
            if t.night:
                assert all(_reddish_and_dim(c) for c in inked), name
