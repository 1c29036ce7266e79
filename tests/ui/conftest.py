"""Fixtures for driving the real desktop widgets offscreen on a temporary data folder."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def compiled_translations() -> Path:
    """The .qm files are build outputs (`make translations`); build them if absent."""
    out = ROOT / "resources" / "translations"
    if not (out / "ui_es_MX.qm").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build-translations.py")],
                       check=True, cwd=ROOT)
    return out


@pytest.fixture
def store(tmp_path: Path) -> Iterator[object]:
    from fieldclient.store.db import open_store

    s = open_store(tmp_path / "data")
    yield s
    s.close()


@pytest.fixture
def writer(store: object) -> object:
    from fieldclient.store.writer import LocalWriter

    return LocalWriter(store)  # type: ignore[arg-type]


@pytest.fixture
def translations(qapp: object, compiled_translations: Path) -> Iterator[object]:
    from fieldclient.ui.i18n import Translations

    t = Translations()
    t.install("en")
    yield t
    t.install("en")


@pytest.fixture
def sync_tasks() -> Iterator[None]:
    """Background tasks run inline (ui.tasks' synchronous stand-in): what a task would
    deliver later is there when the call that started it returns, so tests assert at
    once instead of polling."""
    from fieldclient.ui import tasks

    with tasks.synchronous():
        yield


@pytest.fixture
def window(qtbot, store, translations, monkeypatch, sync_tasks) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The main window without the map's browser and without the sync thread: those
    parts have their own tests; these are about the roster, log and dialogs. Its tasks
    run inline (`sync_tasks`): the roster is loaded when the window is built."""
    monkeypatch.setenv("ENLACE_NO_MAP", "1")
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    from fieldclient.ui.main_window import MainWindow

    w = MainWindow(store, translations)
    qtbot.addWidget(w)
    w.show()
    assert w.roster_ready
    yield w
    w.close()


def make_unit(writer: object, callsign: str, agency: str = "sedena", **extra: object) -> str:
    fields = {"callsign": callsign, "agency": agency, "kind": "infantry", **extra}
    return writer.create_unit(fields)  # type: ignore[attr-defined,no-any-return]
