"""How the window writes a moment: local time with its zone, or a date-time group.

Storage and the wire are UTC; people read local time, and military users often a
date-time group (DTG, `291730Z NOV 26`). The choice is one setting of the window
(View > Times, next to the coordinate format); every panel writes times through
`when()`, and its tooltip shows the other form (`other()`), so either is one hover away.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QLocale

from fieldclient.core import timefmt

LOCAL, DTG = "local", "dtg"
STYLES = (LOCAL, DTG)
_style = LOCAL


def set_style(style: str) -> None:
    """`local` or `dtg` (anything else is taken as local)."""
    global _style
    _style = style if style in STYLES else LOCAL


def style() -> str:
    return _style


def zone(dt: datetime) -> str:
    """The local zone's name at `dt` ("CST"), or its offset ("UTC-06:00") where the
    system only knows a number."""
    local = timefmt.to_local(dt)
    name = local.strftime("%Z")
    if name and name[0] not in "+-" and not name[0].isdigit():
        return name
    offset = local.strftime("%z")  # "-0600"
    return f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"


def local_text(dt: datetime | None, seconds: bool = False) -> str:
    """`2026-11-29 11:30 CST`: local time and the zone it is in."""
    if dt is None:
        return ""
    return f"{timefmt.format_local(dt, seconds)} {zone(dt)}"


def dtg_text(dt: datetime | None) -> str:
    """`291730Z NOV 26`, months in the current language (`ENE`, `ABR`... in Spanish)."""
    if dt is None:
        return ""
    lang = "es" if QLocale().language() == QLocale.Language.Spanish else "en"
    return timefmt.format_dtg(dt, lang)


def when(dt: datetime | None, seconds: bool = False) -> str:
    """`dt` as the chosen style writes it ("" for no time)."""
    return dtg_text(dt) if _style == DTG else local_text(dt, seconds)


def zone_now() -> str:
    """The local zone now: lists name it once, in their column title ("Occurred (CST)")."""
    return zone(datetime.now(UTC))


def short(dt: datetime | None, implied_zone: str | None = None) -> str:
    """A compact form for narrow list columns: `30 nov 04:55` in local time (the zone
    added only when it is not `implied_zone`, the one named in the column title), or
    the date-time group."""
    if dt is None:
        return ""
    if _style == DTG:
        return dtg_text(dt)
    spanish = QLocale().language() == QLocale.Language.Spanish
    months = timefmt.MONTHS_ES if spanish else timefmt.MONTHS_EN
    local = timefmt.to_local(dt)
    month = months[local.month - 1]
    text = f"{local.day:02d} {month.lower() if spanish else month.capitalize()} {local:%H:%M}"
    z = zone(dt)
    return text if z == implied_zone else f"{text} {z}"


def column_title(title: str) -> str:
    """A time column's title naming the zone its times are in ("Occurred (CST)")."""
    return title if _style == DTG else f"{title} ({zone_now()})"


def other(dt: datetime | None) -> str:
    """The form not chosen, for tooltips."""
    return local_text(dt) if _style == DTG else dtg_text(dt)
