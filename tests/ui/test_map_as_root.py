"""As root without Chromium's --no-sandbox the app opens without the map and says why."""

from __future__ import annotations

import os

from fieldclient.ui.application import chromium_would_abort


def test_chromium_abort_is_predicted_only_for_root_without_no_sandbox(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Proves the guard fires for root with the sandbox on, and not once the caller disables it."""
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "")
    assert chromium_would_abort()
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    assert not chromium_would_abort()
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "")
    assert not chromium_would_abort()


def test_window_explains_a_map_left_out_for_root(qtbot, store, translations, monkeypatch, sync_tasks) -> None:  # type: ignore[no-untyped-def]
    """Proves the map's place tells the user to start Enlace as a normal user, instead of crashing."""
    monkeypatch.setenv("ENLACE_NO_MAP", "root")
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    from fieldclient.ui.main_window import MainWindow

    w = MainWindow(store, translations)
    qtbot.addWidget(w)
    w.show()
    assert w.roster_ready
    assert "normal user" in w.map_placeholder.text()
    translations.install("es")
    assert "usuario normal" in w.map_placeholder.text()
