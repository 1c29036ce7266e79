"""`fieldclient --self-test`: the whole app offscreen on a data folder, driven
through its own dialogs and actions, as an installer checks a laptop.

It creates a unit, logs a position typed in MGRS, reports an incident and adds a
log entry, reading each back from the roster, the track and the incident log;
then retires the test unit (nothing is deleted) and closes cleanly. The map page
is rendered offscreen and must report every unit placed (packaging relies on
that); it is left out only where Chromium cannot run (as root with its sandbox). Prints
`self-test ok` and returns 0, or the reason and 1.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QLabel

from fieldclient.core.errors import UserFacingError
from fieldclient.store.db import open_store
from fieldclient.ui.application import NO_MAP_ENV, chromium_would_abort, create_application
from fieldclient.ui.errors import error_text
from fieldclient.ui.form_dialog import FormDialog, agency_slug
from fieldclient.ui.geo import format_latlon
from fieldclient.ui.i18n import Translations
from fieldclient.ui.main_window import NO_SYNC_ENV, MainWindow
from fieldclient.ui.roster_model import AGENCY, CALLSIGN, LAT, STATUS
from fieldclient.ui.tasks import wait_idle

log = logging.getLogger(__name__)

MAP_TIMEOUT_S = 60.0


class SelfTestFailed(Exception):
    pass


def run_self_test(folder: Path, lang: str | None, open_window: Callable[..., MainWindow]) -> int:
    """Run the self-test on `folder`; `open_window(store, translations)` opens the main
    window the way the app does. Returns the exit code."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The check is about this laptop's own path; a sync thread would only add noise.
    os.environ.setdefault(NO_SYNC_ENV, "1")
    if chromium_would_abort():
        print("self-test: running as root without --no-sandbox; the map is left out",
              file=sys.stderr)
        os.environ[NO_MAP_ENV] = "1"
    try:
        _self_test(folder, lang, open_window)
    except SelfTestFailed as exc:
        print(f"self-test failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - report any failure as a reason, not a crash
        log.exception("self-test failed")
        print(f"self-test failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print("self-test ok", flush=True)
    return 0


def _wait(app: QApplication, what: str, cond: Callable[[], Any], timeout: float = 20.0) -> Any:
    # The real app with its real threads: run its event loop until the condition holds.
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SelfTestFailed(f"timed out waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _self_test(folder: Path, lang: str | None, open_window: Callable[..., MainWindow]) -> None:
    app = create_application()
    translations = Translations()
    translations.install(lang or "en")
    try:
        store = open_store(folder)
    except UserFacingError as err:
        raise SelfTestFailed(error_text(err)) from None
    window = open_window(store, translations)
    page_ready: list[bool] = []
    # Connected as the map arrives: its page cannot be up before the next event-loop pass.
    window.mapInstalled.connect(
        lambda: window.map.ready.connect(lambda: page_ready.append(True)) if window.map else None)
    try:
        window.show()
        _wait(app, "the main window", window.isVisible)
        _wait(app, "the roster", lambda: window.roster_ready)
        _wait(app, "the map", lambda: window.map_installed, timeout=MAP_TIMEOUT_S)
        if window.map is not None:  # left out only as root or in a build without it
            _wait(app, "the map page drawn", lambda: page_ready, timeout=MAP_TIMEOUT_S)
        tag = uuid.uuid4().hex[:6].upper()
        uid = _unit(app, window, tag)
        _position(app, window, uid)
        iid = _incident(app, window, uid, tag)
        _entry(app, window, iid, tag)
        # leave the record as it should be: the test unit retired, nothing deleted
        window.retire_unit(uid, confirm=False)
        _wait(app, "the unit retired", lambda: _row(window, uid)[STATUS] == "retired")
    finally:
        window.close()
        wait_idle(10_000)
        app.processEvents()
        store.close()


def _unit(app: QApplication, window: MainWindow, tag: str) -> str:
    """A unit, through the New unit dialog."""
    dlg = window.new_unit()
    dlg.callsign.setText(f"SELFTEST-{tag}")
    if dlg.agency.count() == 0 or not dlg.agency.currentText():
        dlg.agency.setEditText("local")
    dlg.kind.setCurrentIndex(max(dlg.kind.findData("police"), 0))
    if not dlg.submit() or not dlg.saved_id:
        raise SelfTestFailed(f"unit refused: {_dialog_errors(dlg)}")
    uid = dlg.saved_id
    _wait(app, "the unit in the roster", lambda: window.model.row_of(uid) is not None)
    if _row(window, uid)[CALLSIGN] != f"SELFTEST-{tag}":
        raise SelfTestFailed("the roster shows a different callsign")
    return uid


def _position(app: QApplication, window: MainWindow, uid: str) -> None:
    """A position, through the Log position dialog, typed in MGRS."""
    window.roster.select_unit(uid)
    dlg = window.log_position(uid)
    if dlg is None:
        raise SelfTestFailed("no position dialog")
    dlg.coords.set_format("mgrs")
    dlg.coords.text.setText(format_latlon(19.4326, -99.1332, "mgrs"))
    if not dlg.submit():
        raise SelfTestFailed(f"position refused: {_dialog_errors(dlg)}")
    _wait(app, "the position in the roster", lambda: _row(window, uid)[LAT] is not None)
    if abs(_row(window, uid)[LAT] - 19.4326) > 0.001:
        raise SelfTestFailed("the roster shows a different latitude")
    _wait(app, "the position in the track", lambda: window.track.table.rowCount() == 1)


def _incident(app: QApplication, window: MainWindow, uid: str, tag: str) -> str:
    """An incident, through the New incident dialog."""
    dlg = window.new_incident()
    dlg.title.setText(f"Self-test {tag}")
    if not agency_slug(dlg.agency):
        dlg.check_agency(_row(window, uid)[AGENCY])
    dlg.location.set_format("dd")
    dlg.location.text.setText("19.4326, -99.1332")
    if not dlg.submit() or not dlg.saved_id:
        raise SelfTestFailed(f"incident refused: {_dialog_errors(dlg)}")
    _wait(app, "the incident in the log", lambda: f"Self-test {tag}" in window.incidents.titles())
    return dlg.saved_id


def _entry(app: QApplication, window: MainWindow, iid: str, tag: str) -> None:
    """A log entry, through the incident panel's box."""
    box = window.incidents
    box.select_incident(iid)
    _wait(app, "the incident detail", lambda: box.incident_id == iid)
    box.entry_kind.setCurrentIndex(box.entry_kind.findData("note"))
    box.entry_body.setPlainText(f"Self-test note {tag}")
    if box.add_entry() is None:
        raise SelfTestFailed(f"entry refused: {box.entry_error.text()}")
    _wait(app, "the entry in the timeline", lambda: f"Self-test note {tag}" in box.timeline_texts())


def _row(window: MainWindow, uid: str) -> tuple[Any, ...]:
    row = window.model.row_by_id(uid)
    if row is None:
        raise SelfTestFailed("the unit left the roster")
    return row


def _dialog_errors(dlg: FormDialog) -> str:
    texts = [w.text() for w in dlg.findChildren(QLabel) if w.objectName().startswith("error_")
             and w.text()]
    if dlg.general_error.text():
        texts.append(dlg.general_error.text())
    return "; ".join(texts) or "no reason shown"
