"""UI settings kept in the data folder (an INI file), never in the OS registry.

Keeping them next to the database means a data folder moved to another laptop
keeps its layout, and tests using a temporary folder never leak settings.
"""

from __future__ import annotations

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
    return QSettings(str(Path(data_dir) / FILE_NAME), QSettings.Format.IniFormat)


def stale_minutes(settings: QSettings) -> int:
    try:
        value = int(str(settings.value(STALE_MINUTES_KEY, STALE_MINUTES_DEFAULT)))
    except (TypeError, ValueError):
        return STALE_MINUTES_DEFAULT
    return value if value > 0 else STALE_MINUTES_DEFAULT
