"""The window's position form and the command line read a typed time and place the same
way (issue 9 item 8): the same UTC for the same wall-clock time in a zone with daylight
saving time, a time the clocks skipped refused by both, a repeated one asked about in the
form (refused with both offsets on the command line), and an MGRS square's size kept as
the accuracy. The command line runs as a real process in the same time zone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QTime, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from fieldclient.store.db import open_store
from fieldclient.store.models import Position
from fieldclient.store.writer import LocalWriter
from fieldclient.ui.position_dialog import PositionDialog

ROOT = Path(__file__).resolve().parents[2]
ZONE = "America/Tijuana"  # Baja California keeps daylight saving time


@pytest.fixture
def in_tijuana(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TZ", ZONE)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": ZONE, "LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, "main.py", "--data-dir", str(data), "--lang", "en",
                           *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)


def _observed(data: Path, pid: str) -> datetime:
    store = open_store(data)
    try:
        with store.session() as s:
            return s.get(Position, pid).observed_at
    finally:
        store.close()


def _dialog_log(qtbot, store, uid: str, wall: tuple[int, ...], where: str, fmt: str = "dd",  # type: ignore[no-untyped-def]
                accuracy: str = "", answer: str | None = None) -> tuple[PositionDialog, bool]:
    dlg = PositionDialog(store, LocalWriter(store), uid, coord_format=fmt)
    qtbot.addWidget(dlg)
    edit = dlg.observed
    y, mo, d, h, mi = wall
    edit.setDateTime(QDateTime(QDate(y, mo, d), QTime(h, mi), edit.timeZone()))
    dlg.coords.text.setText(where)
    dlg.accuracy.setText(accuracy)
    if answer is not None:
        def choose() -> None:
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox) and box.objectName() == "ambiguousTime":
                box.findChild(type(box.buttons()[0]), answer).click()
            else:
                QTimer.singleShot(20, choose)
        QTimer.singleShot(0, choose)
    return dlg, dlg.submit()


def test_form_and_command_line_give_the_same_utc_and_refuse_what_never_happened(
        qtbot, in_tijuana, tmp_path):  # type: ignore[no-untyped-def]
    """Proves the same wall-clock times typed in the form and on the command line become
    the same UTC instants; 02:30 on the spring-forward night is refused by both (never
    shifted by an hour); 01:30 on the fall-back night is asked about in the form and
    refused on the command line unless written with its offset; a 10 km MGRS reference
    is stored with 10,000 m accuracy and 1,500 typed as accuracy is 1500 m."""
    data = tmp_path / "d"
    r = _cli(data, "unit", "add", "RELOJ", "--agency", "sedena", "--kind", "police")
    assert r.returncode == 0, r.stderr
    uid = r.stdout.strip()
    store = open_store(data)
    try:
        for wall, text in (((2026, 3, 8, 1, 30), "2026-03-08T01:30"),
                           ((2026, 3, 8, 3, 30), "2026-03-08T03:30"),
                           ((2026, 11, 1, 3, 30), "2026-11-01T03:30")):
            dlg, ok = _dialog_log(qtbot, store, uid, wall, "19.4, -99.1")
            assert ok, dlg.field_error("observed_at")
            r = _cli(data, "position", "log", "RELOJ", "--latlon", "19.4,-99.1", "--at", text)
            assert r.returncode == 0, r.stderr
            assert _observed(data, r.stdout.split()[0]) == _observed(data, dlg.saved_id)

        dlg, ok = _dialog_log(qtbot, store, uid, (2026, 3, 8, 2, 30), "19.4, -99.1")
        assert not ok and "does not exist" in dlg.field_error("observed_at")
        r = _cli(data, "position", "log", "RELOJ", "--latlon", "19.4,-99.1",
                 "--at", "2026-03-08T02:30")
        assert r.returncode == 2 and "does not exist in this time zone" in r.stderr

        dlg, ok = _dialog_log(qtbot, store, uid, (2026, 11, 1, 1, 30), "19.4, -99.1",
                              answer="fold1")
        assert ok
        assert _observed(data, dlg.saved_id) == datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
        r = _cli(data, "position", "log", "RELOJ", "--latlon", "19.4,-99.1",
                 "--at", "2026-11-01T01:30")
        assert r.returncode == 2 and "-07:00" in r.stderr and "-08:00" in r.stderr
        r = _cli(data, "position", "log", "RELOJ", "--latlon", "19.4,-99.1",
                 "--at", "2026-11-01T01:30-08:00")
        assert _observed(data, r.stdout.split()[0]) == _observed(data, dlg.saved_id)

        dlg, ok = _dialog_log(qtbot, store, uid, (2026, 6, 1, 12, 0), "14Q MG 8 4",
                              fmt="mgrs")
        assert ok
        r = _cli(data, "position", "log", "RELOJ", "--mgrs", "14QMG84",
                 "--at", "2026-06-01T12:00")
        pids = [dlg.saved_id, r.stdout.split()[0]]
        r = _cli(data, "position", "log", "RELOJ", "--latlon", "19.4,-99.1",
                 "--accuracy", "1,500")
        assert r.returncode == 0, r.stderr
        pids.append(r.stdout.split()[0])
        with store.session() as s:
            rows = {p.id: p for p in s.scalars(select(Position).where(Position.id.in_(pids)))}
        assert [rows[p].accuracy_m for p in pids] == [10_000, 10_000, 1500]
        assert (rows[pids[0]].lat, rows[pids[0]].lon) == (rows[pids[1]].lat, rows[pids[1]].lon)
        r = _cli(data, "unit", "list", "--json")
        assert json.loads(r.stdout.splitlines()[0])["pos_accuracy_m"] in (10_000, 1500)
    finally:
        store.close()
