"""File ▸ Import map… in the main window: progress, cancel, the replace question, refusals,
and where to get map packages (issues 17 and 15 item 6)."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from tests.map.packages import copy_as


def _window(qtbot, store, monkeypatch, lang: str, with_map: bool):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    if with_map:
        monkeypatch.delenv("ENLACE_NO_MAP", raising=False)
    else:
        monkeypatch.setenv("ENLACE_NO_MAP", "1")
    from fieldclient.ui.i18n import Translations
    from fieldclient.ui.main_window import MainWindow

    t = Translations()
    t.install(lang)
    w = MainWindow(store, t)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    if with_map:
        with qtbot.waitSignal(w.mapInstalled, timeout=10_000):
            w.show()
        with qtbot.waitSignal(w.map.ready, timeout=30_000):
            pass
    else:
        w.show()
    return w, t


@pytest.fixture
def window(qtbot, store, monkeypatch):  # type: ignore[no-untyped-def]
    made = []

    def make(lang: str = "en", with_map: bool = False):  # type: ignore[no-untyped-def]
        w, t = _window(qtbot, store, monkeypatch, lang, with_map)
        made.append((w, t))
        return w

    yield make
    from fieldclient.ui.tasks import wait_idle

    for w, t in made:
        w.close()
        t.install("en")
    wait_idle(10_000)


def name_of(path) -> str:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT value FROM metadata WHERE name='name'").fetchone()[0]
    finally:
        con.close()


def test_import_from_the_file_menu_shows_the_new_map(window, gis_packages, store, js,
                                                     qtbot) -> None:
    """File ▸ Importar mapa… installs a package with progress, and the map switches to it."""
    w = window("es", with_map=True)
    menu = w.map_import.menu
    assert menu.title() == "&Archivo"
    assert w.map_import.action in menu.actions() and w.map_import.action.text() == "Importar mapa…"
    seen: list[int] = []
    w.map_import.progressed.connect(seen.append)
    with qtbot.waitSignal(w.map_import.finished, timeout=30_000) as done:
        w.map_import.start(gis_packages["rio_jpeg"])
    assert done.args == [True, "mbt-gdl-rio"]
    assert seen and seen[-1] == 1000
    assert (store.data_dir / "maps" / "gdl-rio.mbtiles").is_file()
    qtbot.waitUntil(lambda: js(w.map, "EnlaceTiles.stats().base") == "mbt-gdl-rio", timeout=10_000)
    assert "guadalajara.tif" in w.statusBar().currentMessage()


def test_replacing_a_package_is_asked_naming_both(window, gis_packages, store, tmp_path,
                                                  qtbot) -> None:
    """A package with an installed file name is only copied after the user agrees; the question
    names both maps. Cancel keeps the installed one, Replace replaces it."""
    w = window()
    installed = copy_as(gis_packages["gdal"], store.data_dir / "maps" / "jalisco.mbtiles")
    newer = copy_as(gis_packages["rio_jpeg"], tmp_path / "usb" / "jalisco.mbtiles")
    for answer in ("cancel", "replace"):
        with qtbot.waitSignal(w.map_import.finished, timeout=30_000) as done:
            w.map_import.start(newer)
            qtbot.waitUntil(lambda: isinstance(w.map_import.dialog, QMessageBox), timeout=10_000)
            box = w.map_import.dialog
            assert box.objectName() == "replaceMapQuestion"
            assert '"GDL GDAL"' in box.text() and '"guadalajara.tif"' in box.text()
            if answer == "cancel":
                box.button(QMessageBox.StandardButton.Cancel).click()
            else:
                next(b for b in box.buttons() if b.text() == "Replace").click()
        if answer == "cancel":
            assert done.args == [False, ""] and name_of(installed) == "GDL GDAL"
        else:
            assert done.args[0] is True and name_of(installed) == "guadalajara.tif"


def test_cancel_during_the_copy_leaves_nothing(window, gis_packages, store, qtbot,
                                               monkeypatch) -> None:
    """Cancel in the progress dialog stops the copy; maps/ holds no package and no .part."""
    from fieldclient.map import importer

    monkeypatch.setattr(importer, "CHUNK", 16 * 1024)
    gate = threading.Event()
    copy = importer._copy

    def gated(src, dst, size, progress, cancel):  # type: ignore[no-untyped-def]
        def report(done: int, total: int) -> None:
            progress(done, total)
            if done:
                gate.wait(10)  # hold the copy until the test has pressed Cancel

        return copy(src, dst, size, report, cancel)

    monkeypatch.setattr(importer, "_copy", gated)
    w = window()
    with qtbot.waitSignal(w.map_import.finished, timeout=30_000) as done:
        with qtbot.waitSignal(w.map_import.progressed, timeout=10_000,
                              check_params_cb=lambda p: p > 0):
            w.map_import.start(gis_packages["rio_jpeg"])
        dialog = w.map_import.dialog
        assert isinstance(dialog, QProgressDialog) and dialog.value() > 0
        dialog.findChild(QPushButton).click()  # the dialog's Cancel button
        gate.set()
    assert done.args == [False, "The import was cancelled; nothing was installed."]
    assert sorted(p.name for p in (store.data_dir / "maps").iterdir()) == []


def test_a_refused_package_is_explained_in_spanish(window, gis_packages, store, qtbot) -> None:
    """A vector package labelled png is refused with the reason and the fix, in Spanish."""
    w = window("es")
    with qtbot.waitSignal(w.map_import.finished, timeout=30_000) as done:
        w.map_import.start(gis_packages["vector"])
    assert done.args[0] is False
    box = w.map_import.dialog
    assert isinstance(box, QMessageBox) and box.objectName() == "importMapError"
    assert "teselas vectoriales" in box.text() and "calles.mbtiles" in box.text()
    box.close()
    assert not (store.data_dir / "maps" / "calles.mbtiles").exists()


def test_help_says_where_to_get_packages(window, qtbot) -> None:
    """Where to get map packages (from the File menu or the map's notice) names INEGI and the
    agency's GIS unit and how to make a package, in Spanish; its Import button starts an import."""
    from fieldclient.map.import_ui import MapHelpDialog

    w = window("es")
    w.map_import.help_action.trigger()
    dlg = w.map_import.dialog
    assert isinstance(dlg, MapHelpDialog) and dlg.isVisible()
    text = dlg.browser.toPlainText()
    assert "INEGI" in text and "SIG" in text and "gdal_translate" in text
    assert dlg.guide_button.isEnabled()
    dlg.guide_button.click()
    assert "INEGI" in dlg.browser.toPlainText() and "Offline raster maps" in dlg.browser.toPlainText()
    chosen: list[bool] = []
    w.map_import.choose = lambda: chosen.append(True)  # the file dialog itself is Qt's
    dlg.import_requested.disconnect()
    dlg.import_requested.connect(w.map_import.choose)
    dlg.import_button.click()
    assert chosen == [True] and not dlg.isVisible()
