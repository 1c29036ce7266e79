"""Issue 15, item 2: the sync state at a glance, and signing in and out from the window.

The badge is always in the status bar with colour, symbol AND words for each state
(signed out, online, offline, syncing, clock wrong, version too old), the changes not
yet confirmed, the rejected ones and the open conflicts as counts that open their panel,
and the time of the last successful sync. Sign in and out are in the toolbar, the File
menu and the Sync panel; "Sync now" with nobody signed in opens the sign-in dialog.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from fieldclient.store.models import Conflict
from fieldclient.ui.signin_dialog import SignInDialog
from tests.ui.conftest import make_unit
from tests.ui.screen_checks import screenshot

STATES = ["signed_out", "online", "offline", "syncing", "error", "clock_skew", "too_old"]


def _report(w, **status):  # type: ignore[no-untyped-def]
    """What the sync worker reports, delivered as the controller delivers it."""
    base = {"state": "online", "pending": 0, "rejected": 0, "conflicts": 0, "last_sync": None}
    w.sync_controller.statusChanged.emit({**base, **status})


def _background(label: QLabel) -> str:
    style = label.styleSheet()
    return style.split("background:")[1].split(";")[0].strip()


def test_each_state_has_its_own_words_symbol_and_colour(es_window):  # type: ignore[no-untyped-def]
    """Seven states, seven different texts; the four everyday ones four different colours;
    "Sin conexión" no longer looks like "Sin sesión" (different words, symbol and colour)."""
    w = es_window
    seen: dict[str, tuple[str, str]] = {}
    for state in STATES:
        _report(w, state=state, server="https://enlace.example", username="ana",
                last_error="timeout")
        label = w.status.badge.state_label
        seen[state] = (label.text(), _background(label))
        assert label.isVisible() and label.toolTip()
        if state in ("offline", "clock_skew", "too_old"):
            screenshot(w, f"02-badge-{state}-es")
    texts = [t for t, _ in seen.values()]
    assert len(set(texts)) == len(STATES), texts
    assert seen["offline"][0] == "○ Sin conexión"
    assert seen["signed_out"][0] == "⊘ Sesión no iniciada"
    assert seen["clock_skew"][0] == "⚠ Reloj incorrecto"
    assert seen["too_old"][0] == "⚠ Versión antigua"
    everyday = {seen[s][1] for s in ("online", "offline", "syncing", "signed_out")}
    assert len(everyday) == 4
    _report(w, state="clock_skew")
    assert "reloj" in w.status.badge.state_label.toolTip().lower()


def test_counts_open_their_panel(es_window, qtbot):  # type: ignore[no-untyped-def]
    """Not confirmed, rejected and open conflicts are counted; a click on a count opens the
    panel that lists them. Rejected and conflicts appear only when there are some."""
    w = es_window
    badge = w.status.badge
    _report(w, pending=0, rejected=0, conflicts=0)
    assert badge.pending_button.text() == "✓ Todo confirmado"
    assert not badge.rejected_button.isVisible() and not badge.conflicts_button.isVisible()
    _report(w, pending=3, rejected=2, conflicts=1)
    assert badge.pending_button.text() == "↑ 3 sin confirmar"
    assert badge.rejected_button.text() == "✖ 2 rechazados"
    assert badge.conflicts_button.text() == "⚡ 1 conflicto abierto"
    screenshot(w, "02-badge-counts-es")
    assert w.sync_dock.isHidden() and w.conflicts_dock.isHidden()
    qtbot.mouseClick(badge.rejected_button, Qt.MouseButton.LeftButton)
    assert w.sync_dock.isVisible()
    qtbot.mouseClick(badge.conflicts_button, Qt.MouseButton.LeftButton)
    assert w.conflicts_dock.isVisible()
    w.sync_dock.close()
    qtbot.mouseClick(badge.pending_button, Qt.MouseButton.LeftButton)
    assert w.sync_dock.isVisible()


def test_counts_follow_local_changes_without_a_worker_report(es_window, qtbot):  # type: ignore[no-untyped-def]
    """A local edit and a new conflict show in the badge (read from the outbox), not only
    when the sync worker next reports."""
    w = es_window
    writer = w.writer
    before = w.status.badge._pending
    uid = make_unit(writer, "NUEVA 1")
    qtbot.waitUntil(lambda: w.status.badge._pending == before + 1)
    with w.store.transaction() as s:
        s.add(Conflict(id="c-badge", entity="unit", entity_id=uid, field="status",
                       winner_value="engaged", loser_value="returning", winner_by="ana",
                       loser_by="beto", status="open", detected_at=datetime.now(UTC),
                       field_hlcs={}))
    w._refresh_waiting()
    assert w.status.badge.conflicts_button.isVisible()
    assert "1 conflicto" in w.status.badge.conflicts_button.text()


def test_last_sync_is_local_time_with_zone_or_a_dtg(es_window):  # type: ignore[no-untyped-def]
    """The last successful sync reads as local time with its zone, or as a date-time group
    when that is the chosen time style; the other form is in the tooltip."""
    w = es_window
    _report(w, last_sync="2026-11-29T17:30:00+00:00")
    text = w.status.badge.last_sync_label.text()
    from fieldclient.ui import times

    when = datetime(2026, 11, 29, 17, 30, tzinfo=UTC)
    assert text == f"Última sincronización: {times.local_text(when)}"
    assert text.endswith(times.zone(when))
    assert w.status.badge.last_sync_label.toolTip() == "291730Z NOV 26"
    w.toolbar.time_combo.setCurrentIndex(w.toolbar.time_combo.findData("dtg"))
    assert w.status.badge.last_sync_label.text() == "Última sincronización: 291730Z NOV 26"
    _report(w, last_sync=None)
    assert w.status.badge.last_sync_label.text() == "Nunca sincronizado"


def test_sync_now_with_nobody_signed_in_opens_sign_in(es_window):  # type: ignore[no-untyped-def]
    """"Sincronizar ahora" while signed out used to do nothing, silently: it now asks to
    sign in (toolbar, F5 and the Sync panel's button alike)."""
    w = es_window
    _report(w, state="signed_out")
    w.toolbar.act_sync.trigger()
    assert isinstance(w.last_dialog, SignInDialog)
    w.last_dialog.reject()
    w.last_dialog = None
    w.sync_panel.sync_button.click()
    assert isinstance(w.last_dialog, SignInDialog)
    w.last_dialog.reject()


def test_sign_in_and_out_from_toolbar_menu_and_sync_panel(es_window, monkeypatch):  # type: ignore[no-untyped-def]
    """Signed out, the toolbar, the File menu and the Sync panel offer "Iniciar sesión…";
    signed in, "Cerrar sesión", which asks first and then signs out."""
    w = es_window
    _report(w, state="signed_out")
    assert w.toolbar.act_sign.text() == "Iniciar sesión…"
    assert w.sync_panel.sign_button.text() == "Iniciar sesión…"
    assert w.menus.act_sign_in.isEnabled() and not w.menus.act_sign_out.isEnabled()
    for trigger in (w.toolbar.act_sign.trigger, w.sync_panel.sign_button.click,
                    w.menus.act_sign_in.trigger):
        w.last_dialog = None
        trigger()
        assert isinstance(w.last_dialog, SignInDialog)
        w.last_dialog.reject()

    signed_out: list[bool] = []
    monkeypatch.setattr(w.sync_controller, "sign_out", lambda: signed_out.append(True))
    _report(w, state="online", server="https://enlace.example", username="ana")
    assert w.toolbar.act_sign.text() == "Cerrar sesión"
    assert w.sync_panel.sign_button.text() == "Cerrar sesión"
    assert w.menus.act_sign_out.isEnabled() and not w.menus.act_sign_in.isEnabled()
    screenshot(w, "02-signed-in-toolbar-es")
    w.toolbar.act_sign.trigger()
    box = w.last_dialog
    assert isinstance(box, QMessageBox) and "cambios aún no enviados" in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    assert signed_out == []
    w.sync_panel.sign_button.click()
    w.last_dialog.button(QMessageBox.StandardButton.Yes).click()
    assert signed_out == [True]


def test_sign_out_without_a_worker_shows_signed_out(es_window, qtbot):  # type: ignore[no-untyped-def]
    """With no sync thread (as in these tests), signing out still updates the badge."""
    w = es_window
    _report(w, state="online")
    w.sync_controller.sign_out()
    qtbot.waitUntil(lambda: w.status.badge.state == "signed_out")
    assert w.toolbar.act_sign.text() == "Iniciar sesión…"


def _field_heights(dlg: SignInDialog) -> list[int]:
    return [e.height() for e in (dlg.server, dlg.username, dlg.password, dlg.device, dlg.ca_file)]


def test_sign_in_dialog_keeps_its_layout_when_an_error_shows(qtbot, store, translations):  # type: ignore[no-untyped-def]
    """A long error grows the dialog; the fields keep their height and the whole message is
    readable (it used to squash the fields). The keyring error says what to install, not
    a class name."""
    from fieldclient.replication.errors import InsecureKeyring

    translations.install("es")
    dlg = SignInDialog(store)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    before = _field_heights(dlg)
    dlg._done(None, InsecureKeyring("keyring.backends.fail.Keyring"))
    qtbot.waitUntil(lambda: dlg.error.height() >= dlg.error.heightForWidth(dlg.error.width()))
    screenshot(dlg, "02-signin-keyring-error-es")
    assert _field_heights(dlg) == before
    text = dlg.error.text()
    assert "gnome-keyring" in text and "KWallet" in text
    assert "keyring.backends" not in text and "Keyring)" not in text
    assert dlg.error.geometry().bottom() < dlg.buttons.geometry().top()
    assert dlg.height() >= dlg.minimumSizeHint().height()
