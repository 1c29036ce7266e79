"""What the real window shows (offscreen, against a real fieldsync) when the server's wipe
order arrives while it is open and while it is locked, and when the offline expiry has
passed (issue 14 items 4 and 5). Each screen is saved as a screenshot in English and in
Spanish (build/test-artefacts/ui/) and read back: no record text, no English left in the
Spanish one."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from fieldclient.replication import credentials
from fieldclient.replication.account import META_LAST_OK, META_SIGNED_IN_AT, current_account
from fieldclient.replication.wipe import WINDOW_SETTINGS
from fieldclient.store import crypto, outbox
from fieldclient.store.db import DB_NAME
from fieldclient.ui import wipe_screen
from tests.replication.support import password
from tests.ui.screen_checks import english_leaks, screenshot, visible_texts

MARKER = "ZQXJ-HALCON-7731"


@pytest.fixture
def laptop(make_client, server, monkeypatch, tmp_path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """A laptop signed in to the real server as ana, holding one synced unit whose
    callsign is the marker; the window's sync thread runs, without the map."""
    monkeypatch.setenv("ENLACE_NO_MAP", "1")
    monkeypatch.delenv("ENLACE_NO_SYNC", raising=False)
    c = make_client(f"laptop-{tmp_path.name[-12:]}", server.url, "ana")
    c.writer.create_unit({"callsign": MARKER, "agency": "sedena", "kind": "infantry"})
    assert c.sync().complete
    # the window's sync thread and sign-in use the process's credential store: this one
    monkeypatch.setattr(credentials, "_default", c.creds)
    quits: list[bool] = []
    monkeypatch.setattr(wipe_screen, "quit_app", lambda: quits.append(True))
    c.quits = quits
    yield c
    shown = wipe_screen.erased_screen()
    if shown is not None:
        shown.close()


def _session(c: Any, translations: Any, lang: str, policies: dict[str, Any]) -> Any:
    from fieldclient.app import open_main_window
    from fieldclient.ui.idle_lock import Session

    (c.folder / crypto.SITE_PROFILE).write_text(json.dumps({"policies": policies}))
    translations.install(lang)
    return Session(c.folder, c.store, translations, open_main_window)


def _on_screen() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def _texts_on_screen() -> str:
    return "\n".join(t for w in _on_screen() for t in visible_texts(w))


def _audited_wipes(server: Any) -> list[dict[str, Any]]:
    con = sqlite3.connect(server.db.removeprefix("sqlite:///"))
    try:
        rows = con.execute("SELECT device_id, detail FROM audit WHERE action = 'device.wiped'")
        return [{"device_id": d, **json.loads(e or "{}")} for d, e in rows.fetchall()]
    finally:
        con.close()


def _check_erased(qtbot: Any, c: Any, server: Any, device: str, lang: str, name: str,
                  locked: bool) -> None:
    """The erased screen is all there is, in the right language, and says so; the folder
    holds nothing readable; the server audited the wipe; its button ends Enlace."""
    qtbot.waitUntil(lambda: wipe_screen.erased_screen() is not None, timeout=30_000)
    screen = wipe_screen.erased_screen()
    assert screen is not None
    qtbot.waitUntil(lambda: _on_screen() == [screen], timeout=10_000)
    qtbot.waitExposed(screen)
    screenshot(screen, f"{name}-{lang}")
    texts = visible_texts(screen)
    assert MARKER not in _texts_on_screen()
    words = {"en": ("erased", "Close Enlace"), "es": ("borraron", "Cerrar Enlace")}[lang]
    assert words[0] in screen.text.text() and screen.button.text() == words[1]
    assert ("while it was locked" in screen.text.text() or
            "mientras estaba bloqueada" in screen.text.text()) == locked
    if lang == "es":
        assert english_leaks(texts) == []
    assert not (c.folder / DB_NAME).exists() and not (c.folder / crypto.KEY_FILE).exists()
    assert not (c.folder / WINDOW_SETTINGS).exists()  # the last map view went with it
    held = [p.name for p in c.folder.rglob("*") if p.is_file()
            and MARKER.encode() in p.read_bytes()]
    assert held == []
    assert any(a["device_id"] == device and a["locked"] is locked
               for a in _audited_wipes(server))
    assert c.quits == []
    screen.button.click()
    assert c.quits == [True] and wipe_screen.erased_screen() is None


@pytest.mark.parametrize("lang", ["en", "es"])
def test_wipe_order_while_the_window_is_open(qtbot, laptop, server, translations, lang):  # type: ignore[no-untyped-def]
    """Proves that when the wipe order reaches an open window, its sync thread erases the
    folder, the main window is closed and destroyed (its models held the records) and the
    idle lock lets go of it, and one screen alone says what happened, in the window's
    language; the folder keeps no database, key, window settings or marker, the server
    audits the wipe as done while unlocked, and the screen's button ends Enlace."""
    c = laptop
    acct = current_account(c.store)
    assert acct is not None
    c.engine.close()
    session = _session(c, translations, lang, {"idle_lock_minutes": 15})
    try:
        assert session.show()
        window = session.window
        qtbot.waitUntil(lambda: MARKER in _texts_on_screen(), timeout=10_000)
        qtbot.waitUntil(lambda: window.sync_controller.status().get("state") == "online",
                        timeout=30_000)
        r = server.cli("device", "revoke", acct.device_id, "--wipe")
        assert r.returncode == 0, r.stderr
        window.sync_now()
        _check_erased(qtbot, c, server, acct.device_id, lang, "wipe-while-open", locked=False)
        qtbot.waitUntil(lambda: not shiboken6.isValid(window))  # destroyed, records and all
        assert session.window is None and session.store is None and not session.locked
        assert not session.idle.isActive()  # nothing left to lock
    finally:
        session.close()
    c.store = _fresh(c.folder)  # make_client closes a store at the end


@pytest.mark.parametrize("lang", ["en", "es"])
def test_wipe_order_while_locked(qtbot, laptop, server, translations, lang):  # type: ignore[no-untyped-def]
    """Proves a locked laptop (window gone, data key dropped) learns of the wipe order at
    its check-in and erases without being unlocked: the lock screen gives way to the one
    screen that says so, in the window's language; nothing readable is left and the
    server audits the wipe as done while locked."""
    c = laptop
    acct = current_account(c.store)
    assert acct is not None
    c.engine.close()
    session = _session(c, translations, lang, {"idle_lock_minutes": 15})
    try:
        assert session.show()
        qtbot.waitUntil(lambda: MARKER in _texts_on_screen(), timeout=10_000)
        session.lock()
        lock = session.screen
        assert lock is not None and session.store is None and session.check_in.isActive()
        qtbot.waitExposed(lock)
        screenshot(lock, f"locked-{lang}")
        assert MARKER not in _texts_on_screen()
        if lang == "es":
            assert english_leaks(visible_texts(lock)) == []
        assert wipe_screen.erased_screen() is None and (c.folder / DB_NAME).exists()
        r = server.cli("device", "revoke", acct.device_id, "--wipe")
        assert r.returncode == 0, r.stderr
        session._check_in()  # what the check-in timer calls every minute
        _check_erased(qtbot, c, server, acct.device_id, lang, "wipe-while-locked", locked=True)
        assert session.screen is None and not session.check_in.isActive()
    finally:
        session.close()
    c.store = _fresh(c.folder)


def _fresh(folder: Path) -> Any:
    from fieldclient.store.db import open_store

    return open_store(folder)


def _when_modal(match: Callable[[QWidget], bool], act: Callable[[QWidget], None]) -> None:
    """Act on the next modal window that matches, from inside its own event loop (a modal
    exec() blocks the test until it is answered): polled by a timer, not slept for."""
    timer = QTimer()
    timer.setInterval(20)

    def poll() -> None:
        w = QApplication.activeModalWidget()
        if w is not None and match(w) and w.isVisible():
            timer.stop()
            act(w)

    timer.timeout.connect(poll)
    timer.start()
    _TIMERS.append(timer)  # alive until the test ends


_TIMERS: list[Any] = []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_offline_expiry_asks_for_an_online_sign_in_then_sends_the_outbox(  # type: ignore[no-untyped-def]
        qtbot, laptop, server, translations, lang):
    """Proves a laptop offline longer than the site allows shows no data, only a notice
    saying why (in the window's language) and then the sign-in dialog; after an online
    sign-in against the real server the window opens and the change that waited in the
    outbox through it all is sent."""
    c = laptop
    c.writer.create_unit({"callsign": "HALCON-ESPERA", "agency": "sedena", "kind": "infantry"})
    with c.store.session() as s:
        assert outbox.counts(s).pending == 1
    long_ago = (datetime.now(UTC) - timedelta(days=3)).isoformat(timespec="seconds")
    c.store.set_meta(META_LAST_OK, long_ago)
    c.store.set_meta(META_SIGNED_IN_AT, long_ago)
    c.engine.close()
    before = server.count_changes("unit")
    session = _session(c, translations, lang, {"offline_expiry_hours": 24})
    seen: dict[str, list[str]] = {}

    def notice(box: QWidget) -> None:
        seen["notice"] = visible_texts(box)
        seen["others"] = [t for w in _on_screen() if w is not box for t in visible_texts(w)]
        screenshot(box, f"offline-expired-{lang}")
        box.accept()  # type: ignore[attr-defined]
        _when_modal(lambda w: w.objectName() != "offlineExpired" and hasattr(w, "password"),
                    sign_in)

    def sign_in(dialog: QWidget) -> None:
        seen["dialog"] = visible_texts(dialog)
        screenshot(dialog, f"offline-expired-sign-in-{lang}")
        assert dialog.server.text() == c.server_url and dialog.username.text() == "ana"  # type: ignore[attr-defined]
        dialog.password.setText(password("ana"))  # type: ignore[attr-defined]
        dialog.submit()  # type: ignore[attr-defined]

    _when_modal(lambda w: w.objectName() == "offlineExpired", notice)
    try:
        assert session.show()  # returns once signed in, with the window shown
        assert MARKER not in "\n".join(seen["notice"] + seen["others"] + seen["dialog"])
        text = " ".join(seen["notice"])
        assert ("Sign in online" in text and "kept" in text) if lang == "en" else \
            ("Inicie sesión en línea" in text or "inicie sesión" in text.lower())
        if lang == "es":
            assert english_leaks(seen["notice"]) == [] and english_leaks(seen["dialog"]) == []
        qtbot.waitUntil(lambda: MARKER in _texts_on_screen(), timeout=10_000)
        qtbot.waitUntil(lambda: server.count_changes("unit") == before + 1, timeout=30_000)
        with c.store.session() as s:
            qtbot.waitUntil(lambda: outbox.counts(s).pending == 0, timeout=30_000)
    finally:
        session.close()
        _TIMERS.clear()
    c.store = _fresh(c.folder)


def test_declining_the_online_sign_in_shows_nothing_and_keeps_the_outbox(  # type: ignore[no-untyped-def]
        qtbot, laptop, server, translations):
    """Proves that past the offline expiry, cancelling the sign-in opens no window (no
    record was shown at any point) and the waiting change stays in the outbox, unsent."""
    c = laptop
    c.writer.create_unit({"callsign": "HALCON-ESPERA", "agency": "sedena", "kind": "infantry"})
    long_ago = (datetime.now(UTC) - timedelta(days=3)).isoformat(timespec="seconds")
    c.store.set_meta(META_LAST_OK, long_ago)
    c.store.set_meta(META_SIGNED_IN_AT, long_ago)
    c.engine.close()
    before = server.count_changes("unit")
    session = _session(c, translations, "en", {"offline_expiry_hours": 24})
    texts: list[str] = []

    def notice(box: QWidget) -> None:
        box.accept()  # type: ignore[attr-defined]
        _when_modal(lambda w: hasattr(w, "password"), cancel)

    def cancel(dialog: QWidget) -> None:
        texts.extend(t for w in _on_screen() for t in visible_texts(w))
        dialog.reject()  # type: ignore[attr-defined]

    _when_modal(lambda w: w.objectName() == "offlineExpired", notice)
    try:
        assert not session.show()
        assert session.window is None and texts and MARKER not in "\n".join(texts)
        with c.store.session() as s:
            assert outbox.counts(s).pending == 1
        assert server.count_changes("unit") == before
        assert c.store.get_meta(META_SIGNED_IN_AT) == long_ago
    finally:
        session.close()
        _TIMERS.clear()
    c.store = _fresh(c.folder)
