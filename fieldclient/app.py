"""Desktop wiring: QApplication, translations, the store (with a clear refusal for a
file it must not touch) and the main window; plus the offscreen self-test.

`fieldclient.cli` imports this module lazily, so headless commands never load Qt.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ICON = ROOT / "resources" / "icons" / "enlace.svg"
log = logging.getLogger(__name__)


def _application(argv: list[str] | None = None) -> Any:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        _prepare_map()
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    assert isinstance(app, QApplication)  # a bare QCoreApplication cannot show windows
    app.setOrganizationName("Enlace")
    app.setApplicationName("Enlace")
    app.setApplicationDisplayName("Enlace")
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    return app


def _prepare_map() -> None:
    """Chromium needs the map's URL scheme declared before the QApplication exists."""
    if os.environ.get("ENLACE_NO_MAP"):
        return
    try:
        from PySide6 import QtWebEngineWidgets  # noqa: F401 - must load before QApplication

        from fieldclient.map.scheme import register_url_scheme
    except ImportError:
        return
    except Exception:  # a broken map must not keep the window from opening
        log.exception("could not prepare the map")
        return
    register_url_scheme()


def _data_dir(data_dir: str | None) -> Path:
    from fieldclient.store.db import default_data_dir

    return Path(data_dir).expanduser() if data_dir else default_data_dir()


def _setup_logging(data_dir: Path) -> None:
    root = logging.getLogger()
    if root.handlers:
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(data_dir / "enlace.log", encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    # Migration plumbing is noise in an operator's log unless something goes wrong.
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _language(lang: str | None, data_dir: Path) -> str | None:
    """--lang wins, then the language last chosen in the window, then the system's."""
    if lang:
        return lang
    from fieldclient.ui.settings import LANGUAGE_KEY, open_settings

    saved = open_settings(data_dir).value(LANGUAGE_KEY)
    return str(saved) if saved else None


def open_store_interactive(data_dir: Path, parent: Any = None) -> Any:
    """Open the store; for a refused file ask whether to move it aside (never overwrite
    it). Returns the Store, or None when the user chose to quit."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    from fieldclient.core.errors import StoreCorrupt, StoreError, StoreTooNew
    from fieldclient.store.db import open_store, quarantine
    from fieldclient.ui.errors import error_text, show_error

    while True:
        try:
            return open_store(data_dir)
        except (StoreCorrupt, StoreTooNew) as err:
            box = QMessageBox(parent)
            box.setObjectName("storeRefused")
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle(
                QCoreApplication.translate("StartUp", "The database cannot be opened")
            )
            box.setText(error_text(err))
            box.setInformativeText(QCoreApplication.translate(
                "StartUp",
                "Move it aside to start with an empty database? The file is renamed, "
                "not deleted, so it can still be recovered or inspected.",
            ))
            move = box.addButton(
                QCoreApplication.translate("StartUp", "Move it aside"),
                QMessageBox.ButtonRole.AcceptRole,
            )
            quit_button = box.addButton(
                QCoreApplication.translate("StartUp", "Quit"), QMessageBox.ButtonRole.RejectRole
            )
            move.setObjectName("moveAsideButton")
            quit_button.setObjectName("quitButton")
            box.setDefaultButton(quit_button)
            box.exec()
            if box.clickedButton() is not move:
                return None
            target = quarantine(Path(err.path))
            log.warning("moved refused database %s to %s", err.path, target)
            QMessageBox.information(
                parent, QCoreApplication.translate("StartUp", "Moved aside"),
                QCoreApplication.translate("StartUp", "The old file was moved to {path}.")
                .format(path=str(target)),
            )
        except StoreError as err:
            show_error(parent, err)
            return None


UI_SWITCH_INTERVAL_S = 0.001


def tune_runtime() -> None:
    """Interpreter settings that keep the UI thread responsive next to busy Python worker
    threads (sync catch-up, map deltas). Process-wide, so the app sets them, once."""
    # Workers are CPU-bound in Python at times; a shorter GIL switch interval (default
    # 5 ms) lets the UI thread back in quickly after each Qt call.
    if sys.getswitchinterval() > UI_SWITCH_INTERVAL_S:
        sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
    # A full cyclic-GC pass stops every thread, the UI's too, for as long as it takes to
    # walk the heap (100-220 ms measured once Qt, SQLAlchemy and the window are loaded).
    # What is alive once the window exists lives for the session: keep it out of passes.
    gc.freeze()


def open_main_window(store: Any, translations: Any) -> Any:
    """The main window on `store`, with the roster read started before the window's
    modules are even imported (run_gui, the self-test and the benchmark use this)."""
    from fieldclient.ui.roster_model import prefetch_rows

    prefetch = prefetch_rows(store)
    from fieldclient.ui.main_window import MainWindow

    window = MainWindow(store, translations, roster_prefetch=prefetch)
    tune_runtime()
    return window


def run_gui(args: Any) -> int:
    """Open the desktop client. `args` has `.data_dir` and `.lang` (both may be None)."""
    data_dir = _data_dir(getattr(args, "data_dir", None))
    _setup_logging(data_dir)
    if _chromium_would_abort():
        # Chromium kills the whole process as root with its sandbox on, and the app never
        # turns the sandbox off itself: open without the map and say why in its place.
        log.warning("running as root: the map is left out (Chromium's sandbox refuses root)")
        os.environ["ENLACE_NO_MAP"] = "root"
    app = _application()
    from fieldclient.ui.i18n import Translations

    translations = Translations()
    translations.install(_language(getattr(args, "lang", None), data_dir))
    store = open_store_interactive(data_dir)
    if store is None:
        return 2
    window = open_main_window(store, translations)
    window.show()
    try:
        return int(app.exec())
    finally:
        from fieldclient.ui.tasks import wait_idle

        wait_idle(10_000)
        store.close()


# -- self-test -----------------------------------------------------------------------


class SelfTestFailed(Exception):
    pass


def _wait(app: Any, what: str, cond: Callable[[], Any], timeout: float = 20.0) -> Any:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SelfTestFailed(f"timed out waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def run_self_test(data_dir: str | None, lang: str | None) -> int:
    """Start the whole app offscreen on `data_dir`, create and read back a unit, a
    position, an incident and an entry through the UI's own dialogs and actions,
    close cleanly. Prints `self-test ok` and returns 0, or the reason and 1."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The check is about this laptop's own path; a sync thread would only add noise.
    os.environ.setdefault("ENLACE_NO_SYNC", "1")
    if _chromium_would_abort():
        # Chromium kills the whole process when run as root with its sandbox on; the
        # sandbox is only ever turned off by the caller (tests, CI), never by the app.
        print("self-test: running as root without --no-sandbox; the map is left out",
              file=sys.stderr)
        os.environ["ENLACE_NO_MAP"] = "1"
    folder = _data_dir(data_dir)
    try:
        _self_test(folder, lang)
    except SelfTestFailed as exc:
        print(f"self-test failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - report any failure as a reason, not a crash
        log.exception("self-test failed")
        print(f"self-test failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print("self-test ok", flush=True)
    return 0


def _chromium_would_abort() -> bool:
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    return hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in flags


def _self_test(folder: Path, lang: str | None) -> None:
    from fieldclient.core.errors import UserFacingError
    from fieldclient.store.db import open_store
    from fieldclient.ui.errors import error_text
    from fieldclient.ui.form_dialog import agency_slug
    from fieldclient.ui.geo import format_latlon
    from fieldclient.ui.i18n import Translations
    from fieldclient.ui.roster_model import AGENCY, CALLSIGN, LAT, STATUS
    from fieldclient.ui.tasks import wait_idle

    app = _application()
    translations = Translations()
    translations.install(lang or "en")
    try:
        store = open_store(folder)
    except UserFacingError as err:
        raise SelfTestFailed(error_text(err)) from None
    window = open_main_window(store, translations)
    try:
        window.show()
        _wait(app, "the main window", window.isVisible)
        _wait(app, "the roster", lambda: window.roster_ready)
        _wait(app, "the map", lambda: window.map_installed, timeout=60.0)
        # the page itself rendered its first full load (a map left out has no isReady)
        _wait(app, "the map page", lambda: getattr(window.map, "isReady", lambda: True)(),
              timeout=60.0)
        tag = uuid.uuid4().hex[:6].upper()

        # unit, through the New unit dialog
        dlg = window.new_unit()
        dlg.callsign.setText(f"SELFTEST-{tag}")
        if dlg.agency.count() == 0 or not dlg.agency.currentText():
            dlg.agency.setEditText("local")
        dlg.kind.setCurrentIndex(max(dlg.kind.findData("police"), 0))
        if not dlg.submit() or not dlg.saved_id:
            raise SelfTestFailed(f"unit refused: {_dialog_errors(dlg)}")
        uid = dlg.saved_id
        _wait(app, "the unit in the roster", lambda: window.model.row_of(uid) is not None)
        if window.model.row_by_id(uid)[CALLSIGN] != f"SELFTEST-{tag}":
            raise SelfTestFailed("the roster shows a different callsign")

        # position, through the Log position dialog, typed in MGRS
        window.roster.select_unit(uid)
        pdlg = window.log_position(uid)
        if pdlg is None:
            raise SelfTestFailed("no position dialog")
        pdlg.coords.set_format("mgrs")
        pdlg.coords.text.setText(format_latlon(19.4326, -99.1332, "mgrs"))
        if not pdlg.submit():
            raise SelfTestFailed(f"position refused: {_dialog_errors(pdlg)}")
        _wait(app, "the position in the roster", lambda: window.model.row_by_id(uid)[LAT] is not None)
        if abs(window.model.row_by_id(uid)[LAT] - 19.4326) > 0.001:
            raise SelfTestFailed("the roster shows a different latitude")
        _wait(app, "the position in the track", lambda: window.track.table.rowCount() == 1)

        # incident, through the New incident dialog
        idlg = window.new_incident()
        idlg.title.setText(f"Self-test {tag}")
        if not agency_slug(idlg.agency):
            idlg.check_agency(window.model.row_by_id(uid)[AGENCY])
        idlg.location.set_format("dd")
        idlg.location.text.setText("19.4326, -99.1332")
        if not idlg.submit() or not idlg.saved_id:
            raise SelfTestFailed(f"incident refused: {_dialog_errors(idlg)}")
        iid = idlg.saved_id
        _wait(app, "the incident in the log", lambda: f"Self-test {tag}" in window.incidents.titles())

        # entry, through the incident panel's box
        window.incidents.select_incident(iid)
        _wait(app, "the incident detail", lambda: window.incidents.incident_id == iid)
        box = window.incidents
        box.entry_kind.setCurrentIndex(box.entry_kind.findData("note"))
        box.entry_body.setPlainText(f"Self-test note {tag}")
        if box.add_entry() is None:
            raise SelfTestFailed(f"entry refused: {box.entry_error.text()}")
        _wait(app, "the entry in the timeline",
              lambda: f"Self-test note {tag}" in box.timeline_texts())

        # leave the record as it should be: the test unit retired, nothing deleted
        window.retire_unit(uid, confirm=False)
        _wait(app, "the unit retired", lambda: window.model.row_by_id(uid)[STATUS] == "retired")
    finally:
        window.close()
        wait_idle(10_000)
        app.processEvents()
        store.close()


def _dialog_errors(dlg: Any) -> str:
    from PySide6.QtWidgets import QLabel

    texts = [w.text() for w in dlg.findChildren(QLabel) if w.objectName().startswith("error_")
             and w.text()]
    if dlg.general_error.text():
        texts.append(dlg.general_error.text())
    return "; ".join(texts) or "no reason shown"
