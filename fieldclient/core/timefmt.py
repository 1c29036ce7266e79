"""Times: UTC in storage and on the wire, local time and DTG on screen.

A date-time group (DTG) is how military messages write a time:
``DDHHMM<zone letter> MON YY``, e.g. ``291730Z NOV 26``. Month abbreviations
follow the user's language (``ENE``, ``ABR``, ``AGO``, ``DIC`` in Spanish).
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP

MONTHS_EN = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
MONTHS_ES = ("ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SEP", "OCT", "NOV", "DIC")

# Military time-zone letters by whole-hour UTC offset (J, "local", is never written).
_ZONE_LETTERS = {0: "Z"}
_ZONE_LETTERS.update({h: c for h, c in zip(range(1, 10), "ABCDEFGHI", strict=True)})
_ZONE_LETTERS.update({h: c for h, c in zip(range(10, 13), "KLM", strict=True)})
_ZONE_LETTERS.update({-h: c for h, c in zip(range(1, 13), "NOPQRSTUVWXY", strict=True)})
_LETTER_OFFSETS = {c: h for h, c in _ZONE_LETTERS.items()}

_DTG_RE = re.compile(r"^\s*(\d{2})(\d{2})(\d{2})([A-IK-Z])\s*([A-Z]{3})\s*(\d{2}|\d{4})\s*$")


def utcnow() -> datetime:
    """The current time of this laptop's clock, aware, in UTC."""
    return datetime.fromtimestamp(wall_ms() / 1000, UTC)


def wall_ms() -> int:
    """This laptop's clock in Unix milliseconds: the one place the client reads it (the
    hybrid clock, event times and the comparison with the server's time all use it, so
    a wrong clock is wrong the same way everywhere)."""
    return time.time_ns() // 10**6


def apart(ms: float) -> str:
    """3 d 2 h, 5 h 10 min, 7 min: how far apart two clocks are, as people say it (to the
    nearest minute: a clock set 3 days ahead, measured a few ms short, is 3 d 0 h)."""
    minutes = round(abs(ms) / 60_000)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def to_utc(dt: datetime, assume: tzinfo | None = None, fold: int | None = None) -> datetime:
    """Aware UTC copy of ``dt``; a naive ``dt`` is a wall-clock time in ``assume``
    (default: the machine's local zone, which is how people type times into forms), read
    by `local_to_utc` (a time that does not exist there, or exists twice, is refused)."""
    if dt.tzinfo is None:
        return local_to_utc(dt, assume, fold)
    return dt.astimezone(UTC)


class NonexistentLocalTime(InvalidInput):
    """A wall-clock time the clocks skipped (spring forward): it never happened."""


class AmbiguousLocalTime(InvalidInput):
    """A wall-clock time that happened twice (clocks set back): which one is meant?
    `choices` holds both instants in UTC, earlier first (fold 0, then fold 1)."""

    choices: tuple[datetime, datetime]
    source: object = None  # the widget it was read from (the dialog asks about it)


def _offset_text(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def local_to_utc(dt: datetime, zone: tzinfo | None = None, fold: int | None = None,
                 field: str = "time") -> datetime:
    """A naive wall-clock time in ``zone`` (default: this computer's) as aware UTC.

    Where daylight saving time starts, an hour of wall-clock times never happens; where
    it ends, an hour happens twice. Neither is guessed: a skipped time raises
    NonexistentLocalTime, a repeated one AmbiguousLocalTime (with both instants) unless
    ``fold`` says which (0: the first, 1: the second). Both messages say how to write
    the time without doubt (with its offset, or in UTC)."""
    if zone is None:  # the machine's zone: Python reads it with PEP 495's fold
        first = datetime.fromtimestamp(dt.replace(fold=0).timestamp(), UTC)
        second = datetime.fromtimestamp(dt.replace(fold=1).timestamp(), UTC)
        exists = [datetime.fromtimestamp(t.timestamp()) == dt.replace(fold=0)
                  for t in (first, second)]
    else:
        first = dt.replace(tzinfo=zone, fold=0).astimezone(UTC)
        second = dt.replace(tzinfo=zone, fold=1).astimezone(UTC)
        exists = [t.astimezone(zone).replace(tzinfo=None) == dt.replace(fold=0)
                  for t in (first, second)]
    if first == second:
        return first
    shown = dt.strftime("%Y-%m-%d %H:%M")
    if not all(exists):
        raise NonexistentLocalTime(
            QT_TRANSLATE_NOOP(
                "errors",
                "{time} does not exist in this time zone: the clocks jumped forward at that "
                "hour. Check the time, or write it with its UTC offset or in UTC (Z)."),
            field=field, time=shown)
    if fold in (0, 1):
        return second if fold else first
    if first > second:
        first, second = second, first

    def offset(t: datetime) -> str:
        return _offset_text((t.astimezone(zone) if zone else t.astimezone()).utcoffset())

    err = AmbiguousLocalTime(
        QT_TRANSLATE_NOOP(
            "errors",
            "{time} happens twice in this time zone: the clocks went back at that hour. Say "
            "which: write it with its UTC offset ({first} for the first, {second} for the "
            "second) or in UTC (Z)."),
        field=field, time=shown, first=offset(first), second=offset(second))
    err.choices = (first, second)
    raise err


def to_local(dt: datetime) -> datetime:
    """``dt`` in the machine's local zone, for display."""
    return dt.astimezone()


def format_local(dt: datetime | None, seconds: bool = False) -> str:
    """``2026-11-29 11:30`` in local time (ISO-like, unambiguous in both languages)."""
    if dt is None:
        return ""
    return to_local(dt).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def zone_letter(offset: timedelta | None) -> str | None:
    """Military zone letter of a UTC offset, or None when it is not whole hours."""
    if offset is None:
        return None
    secs = int(offset.total_seconds())
    if secs % 3600:
        return None
    return _ZONE_LETTERS.get(secs // 3600)


def format_dtg(dt: datetime, lang: str = "en", tz: tzinfo | None = UTC) -> str:
    """``291730Z NOV 26``; ``lang="es"`` -> ``291730Z NOV 26`` with Spanish months
    (``051200Z ENE 27``). ``tz=None`` uses the local zone and its letter when the
    offset is whole hours (Mexico City, UTC-6: ``S``); otherwise falls back to UTC."""
    if dt.tzinfo is None:
        raise ValueError("format_dtg needs an aware datetime")
    shown = dt.astimezone(tz) if tz is not None else dt.astimezone()
    letter = zone_letter(shown.utcoffset())
    if letter is None:
        shown, letter = dt.astimezone(UTC), "Z"
    months = MONTHS_ES if lang.startswith("es") else MONTHS_EN
    return f"{shown:%d%H%M}{letter} {months[shown.month - 1]} {shown:%y}"


def parse_dtg(text: str) -> datetime:
    """Read a DTG in English or Spanish months (``291730Z NOV 26``, ``051200S ENE 2027``)
    -> aware UTC datetime."""
    m = _DTG_RE.match(text.upper())
    if not m:
        raise InvalidInput(
            QT_TRANSLATE_NOOP(
                "errors", "“{text}” is not a date-time group; write for example 291730Z NOV 26."
            ),
            field="time",
            text=text.strip(),
        )
    day, hour, minute, letter, mon, year = m.groups()
    month = None
    for table in (MONTHS_EN, MONTHS_ES):
        if mon in table:
            month = table.index(mon) + 1
    if month is None:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Unknown month “{month}” in the date-time group."),
            field="time",
            month=mon,
        )
    yr = int(year) + (2000 if len(year) == 2 else 0)
    offset = timezone(timedelta(hours=_LETTER_OFFSETS[letter]))
    try:
        local = datetime(yr, month, int(day), int(hour), int(minute), tzinfo=offset)
    except ValueError:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "The date-time group {text} names a date that does not exist."),
            field="time",
            text=text.strip(),
        ) from None
    return local.astimezone(UTC)


def parse_iso(text: str, field: str = "time", assume: tzinfo | None = None) -> datetime:
    """ISO-8601 text (``2026-11-29T17:30``, ``...Z``, ``...-06:00``) -> aware UTC.
    Without an offset the time is read as local time (or in ``assume``); one the clocks
    skipped or repeated there is refused (`local_to_utc`)."""
    raw = text.strip()
    try:
        dt = datetime.fromisoformat(raw.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            QT_TRANSLATE_NOOP(
                "errors",
                "“{text}” is not a date and time; write for example 2026-11-29T17:30 or "
                "2026-11-29T17:30:00Z.",
            ),
            field=field,
            text=raw,
        ) from None
    if dt.tzinfo is None:
        return local_to_utc(dt, assume, field=field)
    return dt.astimezone(UTC)


def from_wire(value: datetime | str | None) -> datetime | None:
    """A time as the wire and the entity definitions write it (RFC 3339 text, "Z" or an
    offset) as an aware UTC datetime; a datetime passes through (converted to UTC)."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if when.tzinfo is None:
        raise ValueError(f"time without an offset: {value!r}")
    return when if when.tzinfo is UTC else when.astimezone(UTC)

