"""Translation marker usable outside Qt code.

Core, store and CLI modules may not import Qt, but their user-visible strings still
need to reach pyside6-lupdate. ``QT_TRANSLATE_NOOP`` marks a string for extraction
(lupdate recognises the name) and returns it unchanged; the UI later translates it
with ``QCoreApplication.translate(context, text)``.
"""

from __future__ import annotations

from pathlib import Path


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate recognises
    """Mark ``text`` for translation in ``context``; returns ``text`` unchanged."""
    return text


# -- translation without Qt (command line) ---------------------------------------
# The window translates through Qt's .qm files. Headless commands must not import
# Qt, so they read the Spanish .ts sources directly (plain XML, shipped alongside).

_TS_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "translations"
_catalogs: dict[str, dict[tuple[str, str], str]] = {}


def load_catalog(lang: str, ts_dir: Path | None = None) -> dict[tuple[str, str], str]:
    """(context, source) -> translation from every ``*_<lang>*.ts`` file; empty for
    English or when the files are missing (messages then stay in English)."""
    if lang.startswith("en"):
        return {}
    key = f"{lang}:{ts_dir}"
    if key in _catalogs:
        return _catalogs[key]
    import xml.etree.ElementTree as ET

    catalog: dict[tuple[str, str], str] = {}
    folder = ts_dir or _TS_DIR
    for ts in sorted(folder.glob(f"*_{lang}*.ts")) if folder.is_dir() else []:
        try:
            root = ET.parse(ts).getroot()
        except (ET.ParseError, OSError):
            continue
        for ctx in root.iter("context"):
            name = ctx.findtext("name") or ""
            for msg in ctx.iter("message"):
                source = msg.findtext("source")
                tr = msg.find("translation")
                if source is None or tr is None or not (tr.text or "").strip():
                    continue
                if tr.get("type") in ("unfinished", "obsolete", "vanished"):
                    continue
                catalog[(name, source)] = tr.text or ""
    _catalogs[key] = catalog
    return catalog


def env_lang() -> str | None:
    """The language of the environment (LC_ALL, LC_MESSAGES, LANG): "es" or "en"."""
    import os

    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "es" if value.lower().startswith("es") else "en"
    return None


def translate(context: str, text: str, lang: str | None) -> str:
    """``text`` in ``lang`` when a translation exists, else ``text`` unchanged."""
    if not lang:
        return text
    return load_catalog(lang).get((context, text), text)


def translate_error(exc: Exception, lang: str | None) -> str:
    """The message of a UserFacingError in ``lang`` (context "errors"), formatted with
    its params; any other exception as ``str(exc)``."""
    template = getattr(exc, "template", None)
    if not isinstance(template, str):
        return str(exc)
    params = getattr(exc, "params", {}) or {}
    text = translate("errors", template, lang)
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError, ValueError):
        return str(exc)  # a broken translation must never hide the message
