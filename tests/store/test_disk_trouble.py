"""A full or read-only disk at start is said as such, reads keep working and nobody is
told to move a healthy database aside (issue 9 item 4): the real `fieldclient` commands
and the window's start-up, on a data folder copied onto a small tmpfs that is full or
mounted read-only."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from fieldclient.store.db import open_store
from fieldclient.store.writer import LocalWriter
from tests.store.diskjail import run_on_bad_disk

CLI = [sys.executable, "main.py", "--data-dir", "{data}", "--lang", "en"]


def _folder(tmp_path: Path) -> Path:
    """A data folder with a unit and a change still waiting to be sent, closed cleanly."""
    folder = tmp_path / "laptop"
    store = open_store(folder)
    w = LocalWriter(store)
    uid = w.create_unit({"callsign": "HALCON 1", "agency": "sedena", "kind": "infantry"})
    w.log_position(uid, 19.4, -99.1)
    with store.transaction() as s:  # signed in, so `sync` gets as far as it can
        for key, value in (("sync_server", "http://127.0.0.1:9"), ("sync_username", "ana"),
                           ("sync_device_id", "d1"), ("sync_role", "commander"),
                           ("sync_agency", "sedena")):
            s.connection().exec_driver_sql(
                "INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
    store.close()
    return folder


@pytest.mark.parametrize("disk", ["full", "read_only"])
def test_cli_on_a_full_or_read_only_disk_reads_and_refuses_writes_plainly(tmp_path, disk):  # type: ignore[no-untyped-def]
    """Proves `unit list` and `status` work (exit 0, with a warning naming the disk),
    `unit set` and `sync` exit 6 saying the disk is full or read-only, no message says
    the database is unusable or should be moved aside, and the file is not changed."""
    res = run_on_bad_disk(_folder(tmp_path), disk, [
        [*CLI, "unit", "list"],
        [*CLI, "status", "--json"],
        [*CLI, "unit", "set", "HALCON 1", "--status", "engaged"],
        [*CLI, "sync"],
    ], tmp_path)
    listing, status, edit, sync = res["runs"]
    said = "is full" if disk == "full" else "cannot be written"
    assert listing["rc"] == 0 and "HALCON 1" in listing["stdout"]
    assert status["rc"] == 0 and json.loads(status["stdout"])["pending"] == 2
    for run in (listing, status):
        assert said in run["stderr"]
    for run in (edit, sync):
        assert run["rc"] == 6, run["stderr"]
        assert said in run["stderr"] and "Nothing was lost" in run["stderr"]
    for run in res["runs"]:
        assert "not a usable Enlace database" not in run["stderr"]
        assert "move it aside" not in run["stderr"].lower().replace("do not move", "")
        assert "Traceback" not in run["stderr"]
    assert res["after"] == res["before"]


_WINDOW = r'''
import json, sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
app = QApplication([])
seen = []
def poll():
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        seen.append({"name": box.objectName(), "text": box.text(),
                     "buttons": [b.text() for b in box.buttons()]})
        box.accept()
    QTimer.singleShot(20, poll)
QTimer.singleShot(0, poll)
from fieldclient.ui.store_dialogs import open_store_interactive
store = open_store_interactive(Path(sys.argv[1]))
units = None
if store is not None:
    with store.session() as s:
        units = [list(r) for r in s.connection().exec_driver_sql("SELECT callsign FROM unit")]
print(json.dumps({"opened": store is not None, "units": units, "boxes": seen}))
'''


def test_window_start_on_a_full_disk_opens_read_only_and_offers_no_move_aside(tmp_path):  # type: ignore[no-untyped-def]
    """Proves the window's start-up on a full disk opens the database for reading and says
    the disk is full, with no 'move it aside' choice (which would strand unsent changes)."""
    res = run_on_bad_disk(_folder(tmp_path), "full",
                          [[sys.executable, "-c", _WINDOW, "{data}"]], tmp_path)
    run = res["runs"][0]
    assert run["rc"] == 0, run["stderr"][-3000:]
    out = json.loads(run["stdout"].splitlines()[-1])
    assert out["opened"] and out["units"] == [["HALCON 1"]]
    assert [b["name"] for b in out["boxes"]] == ["storeReadOnly"]
    assert "is full" in out["boxes"][0]["text"]
    assert not any("aside" in t.lower() for b in out["boxes"] for t in b["buttons"])
    assert res["after"] == res["before"]
