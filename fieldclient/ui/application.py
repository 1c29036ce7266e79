"""The desktop process: the QApplication, what Chromium needs before it exists, and
the interpreter settings a responsive UI thread needs next to busy workers."""

from __future__ import annotations

import gc
import logging
import os
import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent.parent
ICON = ROOT / "resources" / "icons" / "enlace.svg"
NO_MAP_ENV = "ENLACE_NO_MAP"  # benchmarks and UI tests that are not about the map
MAP_BLOCKED_AS_ROOT = "root"  # NO_MAP_ENV value set by the app when Chromium would abort
UI_SWITCH_INTERVAL_S = 0.001

log = logging.getLogger(__name__)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication (created once; later calls return it)."""
    if QApplication.instance() is None:
        _prepare_map()
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    assert isinstance(app, QApplication)  # a bare QCoreApplication cannot show windows
    app.setOrganizationName("Enlace")
    app.setApplicationName("Enlace")
    app.setApplicationDisplayName("Enlace")
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    return app


def _prepare_map() -> None:
    """Chromium needs the map's URL scheme declared before the QApplication exists."""
    if os.environ.get(NO_MAP_ENV):
        return
    try:
        from PySide6 import QtWebEngineWidgets  # noqa: F401 - must load before QApplication

        from fieldclient.map.scheme import register_url_scheme
    except ImportError:
        return
    except Exception:  # a broken map must not keep the window from opening
        log.exception("could not prepare the map")
        return
    register_url_scheme()


def chromium_would_abort() -> bool:
    """Chromium kills the whole process when run as root with its sandbox on; the app
    never turns the sandbox off itself (only the caller may, e.g. tests and CI)."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    return hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in flags


def tune_runtime() -> None:
    """Interpreter settings that keep the UI thread responsive next to busy Python worker
    threads (sync catch-up, map deltas). Process-wide, so the app sets them, once."""
    # Workers are CPU-bound in Python at times; a shorter GIL switch interval (default
    # 5 ms) lets the UI thread back in quickly after each Qt call.
    if sys.getswitchinterval() > UI_SWITCH_INTERVAL_S:
        sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
    # A full cyclic-GC pass stops every thread, the UI's too, for as long as it takes to
    # walk the heap (100-220 ms measured once Qt, SQLAlchemy and the window are loaded).
    # What is alive once the window exists lives for the session: keep it out of passes.
    gc.freeze()
