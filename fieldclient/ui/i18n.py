"""Installing the translators of the chosen language (and switching live).

Every `resources/translations/*_<locale>.qm` is loaded (one per area: ui, map,
sync...) plus Qt's own qtbase catalogue for standard buttons and dialogs.
Installing or removing a translator makes Qt send LanguageChange to every
widget, whose `changeEvent` calls `retranslateUi`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from fieldclient.ui import geo

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = {"es": "es_MX", "en": None}  # English is the source language: no catalogue


def translations_dir() -> Path:
    override = os.environ.get("ENLACE_TRANSLATIONS")
    return Path(override) if override else TRANSLATIONS


def system_language() -> str:
    return "es" if QLocale.system().language() == QLocale.Language.Spanish else "en"


def normalise(lang: str | None) -> str:
    if not lang:
        return system_language()
    code = lang.lower().replace("-", "_").split("_")[0]
    return code if code in LANGUAGES else "en"


class Translations:
    """Owns the installed translators so a switch can remove exactly those."""

    def __init__(self) -> None:
        self._installed: list[QTranslator] = []
        self.lang = "en"

    def install(self, lang: str | None) -> str:
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("create the QApplication first")
        code = normalise(lang)
        for t in self._installed:
            app.removeTranslator(t)
        self._installed = []
        locale = LANGUAGES[code]
        if locale is not None:
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            qtbase = QTranslator(app)
            if qtbase.load(QLocale(locale), "qtbase", "_", qt_dir):
                self._installed.append(qtbase)
            for qm in sorted(translations_dir().glob(f"*_{locale}.qm")):
                t = QTranslator(app)
                if t.load(str(qm)):
                    self._installed.append(t)
                else:
                    log.warning("could not load translation %s", qm)
            if len(self._installed) == (1 if qtbase in self._installed else 0):
                log.warning("no Enlace translations for %s in %s", locale, translations_dir())
        for t in self._installed:
            app.installTranslator(t)
        self.lang = code
        geo.set_language(code)
        QLocale.setDefault(QLocale(locale or "en_US"))
        return code
