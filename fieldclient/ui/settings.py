"""UI settings kept in the data folder (an INI file), never in the OS registry.

Keeping them next to the database means a data folder moved to another laptop
keeps its layout, and tests using a temporary folder never leak settings.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

FILE_NAME = "enlace-ui.ini"
STALE_MINUTES_KEY = "roster/staleMinutes"
STALE_MINUTES_DEFAULT = 30
COORD_FORMAT_KEY = "view/coordFormat"
LANGUAGE_KEY = "view/language"
WELCOME_DONE_KEY = "firstRun/done"
TIME_STYLE_KEY = "view/timeStyle"


def open_settings(data_dir: Path | str) -> QSettings:
    """The window's settings (layout, last map view: where people were looking is
    operational too), in a file readable by this user only like the rest of the folder;
    Qt keeps an existing file's permissions when it rewrites it."""
    path = Path(data_dir) / FILE_NAME
    if os.name == "posix" and path.parent.is_dir():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            os.chmod(path, 0o600)
        except OSError:
            pass  # a read-only folder: Qt reads what is there
    return QSettings(str(path), QSettings.Format.IniFormat)


def stale_minutes(settings: QSettings) -> int:
    try:
        value = int(str(settings.value(STALE_MINUTES_KEY, STALE_MINUTES_DEFAULT)))
    except (TypeError, ValueError):
        return STALE_MINUTES_DEFAULT
    return value if value > 0 else STALE_MINUTES_DEFAULT
