"""Installing the translators of the chosen language (and switching live).

Every `resources/translations/*_<locale>.qm` is loaded (one per area: ui, map,
sync, protocol...) plus Qt's own qtbase catalogue for standard buttons and
dialogs. Installing or removing a translator makes Qt post LanguageChange to
every window; `install` delivers those at once, so every widget's `changeEvent`
has called `retranslateUi` by the time it returns.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

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


class Retranslatable:
    """Mixin for widgets that relabel themselves: on LanguageChange (a switch of
    language) Qt calls `changeEvent`, which calls the widget's `retranslateUi`. Put it
    before the Qt class: `class RosterPanel(Retranslatable, QWidget)`."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange \
                and not getattr(getattr(self, "store", None), "closed", False):
            # (a widget outliving its store, after the idle lock, relabels nothing)
            try:
                self.retranslateUi()
            except Exception:  # noqa: BLE001 - raised inside Qt's virtual call it would
                log.exception("relabelling %s failed", type(self).__name__)  # crash the app
        super().changeEvent(event)  # type: ignore[misc]

    def retranslateUi(self) -> None:
        raise NotImplementedError


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
        # Qt posts LanguageChange to each window; relabel now, not at the next event-loop
        # pass, so what follows a switch (and a test) already reads the new language.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        return code
