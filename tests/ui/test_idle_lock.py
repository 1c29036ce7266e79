"""The idle lock (issue 14 item 3): after the site's idle minutes the window's records go
(the main window is closed with its models) and the data key is dropped; a wrong secret
shows nothing and is spaced out, the right one brings the data back."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QLineEdit

from fieldclient.store import crypto
from fieldclient.store.db import open_store
from fieldclient.store.writer import LocalWriter

MARKER = "ZQXJ-HALCON-3390"
PHRASE = "tests-passphrase-long-enough"


def _visible_text() -> str:
    """Every text the visible windows show (labels, fields, table cells)."""
    out = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for w in [top, *top.findChildren(QLabel), *top.findChildren(QLineEdit)]:
            out.append(getattr(w, "text", lambda: "")())
        for view in top.findChildren(QAbstractItemView):
            model = view.model()
            if model is None:
                continue
            for r in range(model.rowCount()):
                for c in range(model.columnCount()):
                    out.append(str(model.index(r, c).data() or ""))
    return "\n".join(out)


def test_idle_lock_hides_records_drops_the_key_and_unlocks(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, translations, monkeypatch, sync_tasks) -> None:
    """Proves that after the idle time the unit's callsign is in no visible window, the
    store's data key is zeroed and its connections closed, a wrong passphrase leaves it
    locked with a message, and the right one shows the unit again in a new window."""
    monkeypatch.setenv("ENLACE_NO_MAP", "1")
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    from fieldclient.app import open_main_window
    from fieldclient.ui.idle_lock import Session

    data = tmp_path / "data"
    data.mkdir()
    (data / crypto.SITE_PROFILE).write_text(json.dumps({"policies": {"idle_lock_minutes": 1}}))
    store = open_store(data)
    LocalWriter(store).create_unit({"callsign": MARKER, "agency": "sedena", "kind": "infantry"})
    session = Session(data, store, translations, open_main_window)
    try:
        assert session.show()
        qtbot.waitUntil(lambda: MARKER in _visible_text())
        assert session.idle.isActive() and session.idle.interval() == 60_000
        session.idle.setInterval(50)  # a minute is long for a test; the timer is the same
        session.idle.start()
        qtbot.waitUntil(lambda: session.locked, timeout=5000)
        QApplication.processEvents()
        assert store.key is not None and not store.key.present
        assert session.store is None and session.window is None
        assert MARKER not in _visible_text()
        screen = session.screen
        assert screen is not None and screen.isVisible()
        assert "passphrase" in screen.prompt.text()

        screen.secret.setText("not the passphrase")
        screen.button.click()
        assert session.locked and screen.problem.text()
        assert MARKER not in _visible_text()

        screen.secret.setText(PHRASE)
        screen.button.click()
        assert not session.locked and session.store is not None
        qtbot.waitUntil(lambda: MARKER in _visible_text())
    finally:
        session.close()
