"""Coordinate text for the UI, on top of `fieldclient.core.coords` (shared with the CLI).

Only adds a cache: the roster repaints the same few dozen visible positions on
every scroll, and MGRS conversion is the one costly cell.
"""

from __future__ import annotations

from functools import lru_cache

from fieldclient.core import coords
from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP

FORMATS = ("dd", "dms", "mgrs")
_lang = "en"


def set_language(lang: str) -> None:
    """DMS writes west as O in Spanish."""
    global _lang
    _lang = lang
    format_latlon.cache_clear()


def parse(text: str, fmt: str) -> tuple[float, float]:
    """Latitude and longitude from text in `fmt`; InvalidInput says exactly what is wrong."""
    if not text.strip():
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Enter a location."), field="coordinates")
    return coords.parse_coord(text, fmt)


def locate(text: str, fmt: str) -> tuple[float, float, float | None]:
    """Like `parse`, with an MGRS reference's square size (metres; None for degrees)."""
    if not text.strip():
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Enter a location."), field="coordinates")
    return coords.locate(text, fmt)


@lru_cache(maxsize=8192)
def format_latlon(lat: float, lon: float, fmt: str) -> str:
    if fmt == "dms":
        return coords.format_dms(lat, lon, lang=_lang)
    if fmt == "mgrs":
        try:
            return coords.format_mgrs(lat, lon)
        except Exception:  # polar or otherwise unrepresentable: fall back to degrees
            return coords.format_dd(lat, lon)
    return coords.format_dd(lat, lon)
