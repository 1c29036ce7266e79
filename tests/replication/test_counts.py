"""One truth about what has not reached the server (issue 9 item 5): with changes waiting,
changes sent but unconfirmed, a rejected change, an open conflict and a pulled change kept
for an update, the status bar, the Sync and Conflicts tabs, `status --json` and the plain
`status` of the command line (a real `fieldclient` process) all show the same numbers."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime

import pytest

from fieldclient.replication import account
from fieldclient.replication.errors import Unreachable
from fieldclient.store import outbox
from fieldclient.ui import tasks
from fieldclient.ui.conflicts_panel import ConflictsPanel
from fieldclient.ui.events import StoreEvents
from fieldclient.ui.status_bar import StatusBar
from fieldclient.ui.sync_controller import SyncController
from fieldclient.ui.sync_panel import SyncPanel
from tests.replication.faultproxy import FaultProxy
from tests.replication.support import PY, ROOT
from tests.replication.test_held import _server_log


@pytest.fixture
def sync_tasks():  # type: ignore[no-untyped-def]
    tasks.set_synchronous(True)
    yield
    tasks.set_synchronous(False)


def test_every_screen_and_command_counts_the_same(qtbot, fresh_server, make_client, sync_tasks):
    """Proves pending (waiting + sent), rejected, conflicts and held read the same in the
    status bar, the Sync tab, the Conflicts tab, `status --json` and `status`."""
    server = fresh_server
    proxy = FaultProxy(server.port)
    try:
        lap = make_client("lap", proxy.url, "ana")
        other = make_client("other", server.url, "beto")
        uid = lap.writer.create_unit({"callsign": "CUENTA-1", "agency": "sedena",
                                      "kind": "police"})
        assert lap.sync().complete and other.sync().complete
        # an open conflict: both edit the callsign, the other laptop first
        lap.writer.update_unit(uid, {"callsign": "CUENTA-A"})
        other.writer.update_unit(uid, {"callsign": "CUENTA-B"})
        assert other.sync().complete and lap.sync().complete
        # a rejected change: an incident of another agency, made while signed out
        account.logout(lap.store, lap.creds)
        lap.writer.create_incident({"title": "Ajeno", "kind": "other", "severity": 2,
                                    "occurred_at": datetime.now(UTC), "agency": "gn"})
        lap.sign_in("lap")
        # a change this version cannot apply, held
        _server_log(server, "checkpoint", "0190aaaa-0000-7000-8000-000000000001",
                    {"name": "Norte", "agency": "sedena"}, None)
        assert lap.sync().rejected == 1
        # sent, the answer lost: 3 changes not confirmed
        for i in range(3):
            lap.writer.log_position(uid, 19 + i / 100, -99)
        proxy.only = b"POST /v1/changes"
        proxy.set_mode("drop_reply")
        lap.engine.close()
        with pytest.raises(Unreachable):
            lap.sync()
        proxy.set_mode("pass")
        # and 2 waiting, never sent
        lap.writer.log_position(uid, 19.5, -99)
        lap.writer.update_unit(uid, {"strength": 7})

        with lap.store.session() as s:
            c = outbox.counts(s)
        assert (c.pending, c.unsent, c.rejected, c.conflicts, c.held) == (5, 2, 1, 1, 1)

        events = StoreEvents(lap.store)
        bar = StatusBar()
        qtbot.addWidget(bar)
        ctl = SyncController(lap.store, events, credentials=lap.creds, notify_revoked=False)
        bar.set_sync_status(ctl.status())
        badge = bar.badge

        def shown() -> tuple[str, ...]:
            return tuple(b.text() for b in (badge.pending_button, badge.rejected_button,
                                            badge.conflicts_button, badge.held_button)
                         if not b.isHidden())

        assert shown() == ("↑ 5 not confirmed", "✖ 1 rejected", "⚡ 1 open conflict(s)",
                           "⏸ 1 kept for an update")
        badge.set_counts(0)  # the main window's count after a local edit: the same text
        badge.set_counts(c.pending, c.rejected, c.conflicts, c.held)
        assert shown()[0] == "↑ 5 not confirmed"
        panel = SyncPanel(lap.store, events)
        qtbot.addWidget(panel)
        assert panel.summary.text() == "Not yet confirmed: 5 · Rejected: 1"
        conflicts = ConflictsPanel(lap.store, events, lap.writer)
        qtbot.addWidget(conflicts)
        assert conflicts.summary.text() == "Open conflicts: 1"

        cli = [PY, "-m", "fieldclient.cli", "--data-dir", str(lap.folder), "--lang", "en",
               "status"]
        out = subprocess.run([*cli, "--json"], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 0, out.stderr
        snap = json.loads(out.stdout)
        assert {k: snap[k] for k in ("pending", "waiting", "rejected", "conflicts", "held")} == \
            {"pending": 5, "waiting": 5, "rejected": 1, "conflicts": 1, "held": 1}
        text = subprocess.run(cli, cwd=ROOT, capture_output=True, text=True, timeout=120).stdout
        lines = dict(line.split(None, 1) for line in text.splitlines())
        assert {k: lines[k] for k in ("pending", "rejected", "conflicts", "held")} == \
            {"pending": "5", "rejected": "1", "conflicts": "1", "held": "1"}
        events.close()
    finally:
        proxy.close()
