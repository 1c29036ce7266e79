"""How the desktop client starts: the main window (`run_gui`) or the offscreen
self-test (`run_self_test`). The pieces live where they belong: the process and
its QApplication in `ui/application.py`, the operator's log in `logfile.py`, the
store's refusal dialogs in `ui/store_dialogs.py`, the self-test in `ui/selftest.py`.

`fieldclient.cli` imports this module lazily, so headless commands never load Qt.

SIGTERM (a shutdown, a service manager, `kill`) closes the window as Quit does, so the
layout and the map view are saved and the store is closed cleanly.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def data_folder(data_dir: str | None) -> Path:
    from fieldclient.store.db import default_data_dir

    return Path(data_dir).expanduser() if data_dir else default_data_dir()


def _language(lang: str | None, data_dir: Path) -> str | None:
    """--lang wins, then the language last chosen in the window, then the system's."""
    if lang:
        return lang
    from fieldclient.ui.settings import LANGUAGE_KEY, open_settings

    saved = open_settings(data_dir).value(LANGUAGE_KEY)
    return str(saved) if saved else None


def open_main_window(store: Any, translations: Any) -> Any:
    """The main window on `store`, with the roster read started before the window's
    modules are even imported (run_gui, the self-test and the benchmark use this)."""
    from fieldclient.ui.application import tune_runtime
    from fieldclient.ui.roster_model import prefetch_rows

    prefetch = prefetch_rows(store)
    from fieldclient.ui.main_window import MainWindow

    window = MainWindow(store, translations, roster_prefetch=prefetch)
    tune_runtime()
    return window


def run_gui(args: Any) -> int:
    """Open the desktop client. `args` has `.data_dir` and `.lang` (both may be None)."""
    from fieldclient.logfile import setup_logging

    data_dir = data_folder(getattr(args, "data_dir", None))
    setup_logging(data_dir)
    from fieldclient.ui.application import (
        MAP_BLOCKED_AS_ROOT,
        NO_MAP_ENV,
        chromium_would_abort,
        create_application,
    )

    if chromium_would_abort():
        # Chromium kills the whole process as root with its sandbox on, and the app never
        # turns the sandbox off itself: open without the map and say why in its place.
        log.warning("running as root: the map is left out (Chromium's sandbox refuses root)")
        os.environ[NO_MAP_ENV] = MAP_BLOCKED_AS_ROOT
    app = create_application()
    from fieldclient.ui.i18n import Translations
    from fieldclient.ui.store_dialogs import open_store_interactive
    from fieldclient.ui.tasks import wait_idle

    translations = Translations()
    translations.install(_language(getattr(args, "lang", None), data_dir))
    _acknowledge_wipe(data_dir)
    store = open_store_interactive(data_dir)
    if store is None:
        return 2
    from fieldclient.ui.idle_lock import Session

    session = Session(data_dir, store, translations, open_main_window)
    stop_on_sigterm(app, session)  # before the log line below: a test or a service
    if not session.show():  # offline too long and no online sign-in: nothing shown
        session.close()
        return 2
    log.info("main window shown")  # manager that waits for it may send SIGTERM at once
    try:
        return int(app.exec())
    finally:
        wait_idle(10_000)
        session.close()


def _acknowledge_wipe(data_dir: Path) -> None:
    """A remote wipe the server has not heard of yet (the link failed): told again."""
    from fieldclient.ui.sync_controller import remote_wipe as wipe

    if (data_dir / wipe.MARKER).exists():
        wipe.retry_ack(data_dir)


def stop_on_sigterm(app: Any, window: Any) -> None:
    """Close `window` (saving its layout; a Session closes its window and store) and quit
    when the process gets SIGTERM.

    A Python signal handler runs only when the interpreter gets control, which a Qt
    event loop waiting for events never gives it: the signal is written to a socket
    (signal.set_wakeup_fd) that a QSocketNotifier watches, which wakes the loop."""
    if not hasattr(signal, "SIGTERM"):
        return
    from PySide6.QtCore import QSocketNotifier

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    try:
        signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    except ValueError:  # not the main thread (an embedding application): leave signals alone
        reader.close()
        writer.close()
        return
    signal.signal(signal.SIGTERM, lambda *_: None)  # the wake-up byte does the work
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def woken() -> None:
        try:
            got = reader.recv(64)
        except OSError:
            return
        if signal.SIGTERM in got:
            log.info("SIGTERM: closing the window (layout saved)")
            window.close()
            app.quit()

    notifier.activated.connect(woken)
    app._enlace_sigterm = (notifier, reader, writer)  # kept alive with the application


def run_self_test(data_dir: str | None, lang: str | None) -> int:
    """`fieldclient --self-test` (see ui/selftest.py): prints `self-test ok` and returns 0,
    or the reason and 1."""
    from fieldclient.ui.selftest import run_self_test as run

    return run(data_folder(data_dir), lang, open_main_window)
