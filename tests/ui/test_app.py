"""Start-up paths: first-run welcome, refusing a foreign database, the self-test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

ROOT = Path(__file__).resolve().parents[2]


def test_welcome_panel_loads_the_demo(qtbot, window):  # type: ignore[no-untyped-def]
    """On an empty store the welcome panel shows; 'Load the demo' fills roster and log in the background."""
    assert window.centre.currentWidget() is window.welcome
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    assert window.centre.currentWidget() is window.map_slot
    assert window.model.rowCount() > 100
    assert len(window.incidents.titles()) > 20
    agencies = {window.model.row_at(r)[1] for r in range(window.model.rowCount())}
    assert {"sedena", "semar", "gn"} <= agencies
    assert window.settings.value("firstRun/done", type=bool)


def test_start_empty_skips_the_welcome_for_good(qtbot, window, store, translations):  # type: ignore[no-untyped-def]
    """'Start empty' shows the main view and the next start does not ask again."""
    window.welcome.empty_button.click()
    assert window.centre.currentWidget() is window.map_slot
    window.close()
    from fieldclient.ui.main_window import MainWindow

    again = MainWindow(store, translations)
    qtbot.addWidget(again)
    assert again.centre.currentWidget() is again.map_slot
    assert again.roster_ready
    again.close()


def _answer_refusal(seen: list[str], button: str) -> None:
    """Click `button` on the refusal box once it is up (polls the event loop, no sleeps)."""
    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "storeRefused":
            seen.append(box.text())
            box.findChild(type(box.buttons()[0]), button).click()
        elif isinstance(box, QMessageBox):  # the "moved aside" notice
            seen.append(box.text())
            box.accept()
        if len(seen) < (2 if button == "moveAsideButton" else 1):
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def test_corrupt_database_is_refused_and_left_unchanged(qtbot, tmp_path, translations):  # type: ignore[no-untyped-def]
    """A foreign file where the database should be is explained and never modified when the user quits."""
    from fieldclient.ui.store_dialogs import open_store_interactive

    data = tmp_path / "data"
    data.mkdir()
    db = data / "enlace.db"
    junk = b"this is a spreadsheet, not a database\x00" * 100
    db.write_bytes(junk)
    seen: list[str] = []
    _answer_refusal(seen, "quitButton")
    assert open_store_interactive(data) is None
    assert "not a usable Enlace database" in seen[0] and str(db) in seen[0]
    assert db.read_bytes() == junk
    assert sorted(p.name for p in data.iterdir()) == ["enlace.db"]


def test_move_aside_keeps_the_old_file_and_starts_fresh(qtbot, tmp_path, translations):  # type: ignore[no-untyped-def]
    """Choosing 'Move it aside' renames the refused file (same bytes) and opens a new store."""
    from fieldclient.ui.store_dialogs import open_store_interactive

    data = tmp_path / "data"
    data.mkdir()
    junk = b"GARBAGE" * 1000
    (data / "enlace.db").write_bytes(junk)
    seen: list[str] = []
    _answer_refusal(seen, "moveAsideButton")
    store = open_store_interactive(data)
    assert store is not None
    store.close()
    moved = [p for p in data.iterdir() if p.name.startswith("enlace.db.refused-")]
    assert len(moved) == 1 and moved[0].read_bytes() == junk
    assert str(moved[0]) in seen[1]


def test_self_test_exits_zero_and_says_ok(tmp_path):  # type: ignore[no-untyped-def]
    """`main.py --data-dir D --self-test` runs the whole app offscreen and prints 'self-test ok'."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / "d"), "--self-test"],
        capture_output=True, text=True, timeout=180, env=env, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "self-test ok" in proc.stdout


def test_self_test_reports_a_refused_database(tmp_path):  # type: ignore[no-untyped-def]
    """On a foreign file the self-test fails with the reason and leaves the file alone."""
    data = tmp_path / "d"
    data.mkdir()
    (data / "enlace.db").write_bytes(b"nope" * 100)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ENLACE_NO_MAP="1")
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys; from fieldclient.app import run_self_test; "
         f"sys.exit(run_self_test({str(data)!r}, 'en'))"],
        capture_output=True, text=True, timeout=120, env=env, cwd=ROOT,
    )
    assert proc.returncode == 1
    assert "not a usable Enlace database" in proc.stderr
    assert (data / "enlace.db").read_bytes() == b"nope" * 100
