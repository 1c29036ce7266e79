"""Qt side of replication: controller thread and signals, Sync panel, Conflicts panel,
sign-in dialog — against a real server process."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QCoreApplication, QThread
from sqlalchemy import select

from fieldclient.replication import account
from fieldclient.replication.credentials import MemoryCredentialStore
from fieldclient.store import outbox
from fieldclient.store.db import open_store
from fieldclient.store.models import Conflict, Unit
from fieldclient.ui import tasks
from fieldclient.ui.conflicts_panel import ConflictsPanel
from fieldclient.ui.events import StoreEvents
from fieldclient.ui.signin_dialog import SignInDialog
from fieldclient.ui.sync_controller import SyncController
from fieldclient.ui.sync_panel import SyncPanel
from sync.protocol.envelope import PushResult

KEYS = {"state", "waiting", "rejected", "conflicts", "last_sync", "last_error", "server"}


@pytest.fixture
def sync_tasks():
    tasks.set_synchronous(True)
    yield
    tasks.set_synchronous(False)


def test_controller_reports_status_on_the_ui_thread_and_pushes_edits(
    qtbot, server, make_client, caplog
):
    """Proves the worker thread syncs, reports by signal on the UI thread, and logs no token."""
    caplog.set_level(logging.DEBUG)
    c = make_client("c", server.url, "ana")
    token = c.creds.get_token(server.url, "ana")
    events = StoreEvents(c.store)
    ctl = SyncController(c.store, events, credentials=c.creds, notify_revoked=False)
    seen: list[dict] = []
    threads: list[bool] = []

    def on_status(st: dict) -> None:
        seen.append(st)
        threads.append(QThread.currentThread() is QCoreApplication.instance().thread())

    ctl.statusChanged.connect(on_status)
    ctl.start()
    try:
        qtbot.waitUntil(lambda: bool(seen) and seen[-1]["state"] == "online", timeout=15000)
        assert KEYS <= set(seen[-1])
        assert seen[-1]["server"] == server.url
        c.writer.create_unit({"callsign": "CTRL-1", "agency": "sedena", "kind": "police"})
        qtbot.waitUntil(lambda: seen[-1]["waiting"] == 0 and seen[-1]["state"] == "online"
                        and c.outbox_states() and set(c.outbox_states().values()) == {"applied"},
                        timeout=10000)
        assert seen[-1]["last_sync"]
        ctl.sync_now()
        qtbot.waitUntil(lambda: seen[-1]["state"] == "online", timeout=10000)
        assert all(threads)
    finally:
        ctl.stop()
        events.close()
    assert not ctl.is_running()
    assert token not in caplog.text


def test_sync_panel_keeps_rejected_item_with_reason_until_dismissed(qtbot, tmp_path, sync_tasks):
    """Proves the Sync panel lists states and keeps a rejected change visible until dismissed."""
    store = open_store(tmp_path / "d")
    from fieldclient.store.writer import LocalWriter

    w = LocalWriter(store)
    uid = w.create_unit({"callsign": "PANEL-1", "agency": "sedena", "kind": "police"})
    w.update_unit(uid, {"callsign": "PANEL-2"})
    with store.transaction() as s:
        rows = outbox.pending_batch(s, 10)
        outbox.record_results(s, rows, [
            PushResult(change_id=rows[0].change_id, status="applied", seq=1),
            PushResult(change_id=rows[1].change_id, status="rejected", reason="forbidden: agency"),
        ])
    events = StoreEvents(store)
    panel = SyncPanel(store, events)
    qtbot.addWidget(panel)
    def cell(r, c):
        return panel.model.data(panel.model.index(r, c))

    texts = {cell(r, 2): cell(r, 3) for r in range(panel.model.rowCount())}
    assert texts == {"applied": "", "rejected": "forbidden: agency"}
    assert "Rejected: 1" in panel.summary.text()
    row = next(r for r in range(panel.model.rowCount()) if cell(r, 2) == "rejected")
    panel.table.selectRow(row)
    assert panel.dismiss_button.isEnabled()
    panel.dismiss_button.click()
    states = [cell(r, 2) for r in range(panel.model.rowCount())]
    assert states == ["applied"]
    assert "Rejected: 0" in panel.summary.text()
    events.close()
    store.close()


def test_conflicts_panel_shows_both_values_and_keep_mine_reapplies(
    qtbot, server, make_client, sync_tasks
):
    """Proves the Conflicts panel shows both values and who, and 'Keep mine' re-applies and resolves."""
    a = make_client("a", server.url, "ana")
    b = make_client("b", server.url, "beto")
    uid = a.writer.create_unit({"callsign": "CONF-1", "agency": "sedena", "kind": "police"})
    a.sync()
    b.sync()
    a.writer.update_unit(uid, {"callsign": "CONF-ANA"})
    b.writer.update_unit(uid, {"callsign": "CONF-BETO"})
    for c in (a, b, a):
        c.sync()
    with a.store.session() as s:
        conf = s.scalars(select(Conflict).where(Conflict.entity_id == uid)).one()
    loser = a if conf.loser_by == "ana" else b
    events = StoreEvents(loser.store)
    panel = ConflictsPanel(loser.store, events, loser.writer)
    qtbot.addWidget(panel)
    row = next(i for i, r in enumerate(panel.rows) if r["id"] == conf.id)
    cells = [panel.table.item(row, i).text() for i in range(panel.COLS)]
    assert conf.winner_value in cells and conf.loser_value in cells
    assert {"ana", "beto"} <= set(cells)
    panel.table.selectRow(row)
    assert panel.mine_is_overwritten(panel.rows[row])
    panel.keep_button.click()
    with loser.store.session() as s:
        assert s.get(Unit, uid).callsign == conf.loser_value
        assert s.get(Conflict, conf.id).status == "resolved"
    assert conf.id not in {r["id"] for r in panel.rows}  # resolved ones are hidden by default
    for c in (loser, a if loser is b else b):
        assert c.sync().complete
    assert a.snapshot() == b.snapshot()
    events.close()


def test_signin_dialog_warns_on_loopback_http_refuses_remote_http_and_signs_in(
    qtbot, server, tmp_path, sync_tasks
):
    """Proves the dialog warns about plain http on loopback, refuses it elsewhere, and signs in."""
    store = open_store(tmp_path / "d")
    creds = MemoryCredentialStore()
    dlg = SignInDialog(store, credentials=creds)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.username.setText("ana")
    dlg.password.setText("pw-ana-long-enough")
    dlg.device.setText("laptop-1")
    dlg.server.setText("http://192.0.2.5:8765")
    assert not dlg.ok_button.isEnabled() and dlg.warning.isVisible()
    dlg.server.setText(server.url)
    assert dlg.ok_button.isEnabled() and dlg.warning.isVisible()
    assert "not encrypted" in dlg.warning.text()
    with qtbot.waitSignal(dlg.signedIn, timeout=10000):
        dlg.ok_button.click()
    assert account.current_account(store).username == "ana"
    assert creds.get_token(server.url, "ana")
    assert dlg.password.text() == ""
    store.close()


def test_controller_sign_out_deletes_token_and_reports_signed_out(qtbot, server, make_client):
    """Proves signing out from the UI deletes the token and the worker reports signed_out."""
    c = make_client("c", server.url, "beto")
    ctl = SyncController(c.store, None, credentials=c.creds, notify_revoked=False)
    seen: list[dict] = []
    ctl.statusChanged.connect(seen.append)
    ctl.start()
    try:
        qtbot.waitUntil(lambda: bool(seen) and seen[-1]["state"] == "online", timeout=15000)
        ctl.sign_out()
        qtbot.waitUntil(lambda: seen[-1]["state"] == "signed_out", timeout=15000)
        assert c.creds.get_token(server.url, "beto") is None
        assert account.current_account(c.store) is None
    finally:
        ctl.stop()
