"""The custody clock: how long a detained person has been held before the hand-over to a
prosecutor or judge (puesta a disposición), and whether that is past the deployment's
thresholds.

The thresholds are configuration of a deployment (the site profile's
`custody_warn_minutes` and `custody_alert_minutes`, default 60 and 180), not legal
advice: they say when the roster, the incident log and the oversight view turn a
detention amber and red, nothing about what the law allows in a given case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fieldclient.core.i18n import QT_TRANSLATE_NOOP

DEFAULT_WARN = timedelta(hours=1)
DEFAULT_ALERT = timedelta(hours=3)
META_WARN = "site_custody_warn_minutes"  # written by a site profile (trust.profile)
META_ALERT = "site_custody_alert_minutes"

# States, worst last: within the warning threshold, past it, past the alert one.
OK, WARN, ALERT = "ok", "warn", "alert"
RANK = {OK: 0, WARN: 1, ALERT: 2}
STATE_LABELS = {
    OK: QT_TRANSLATE_NOOP("custody", "Within the thresholds"),
    WARN: QT_TRANSLATE_NOOP("custody", "Past the warning threshold"),
    ALERT: QT_TRANSLATE_NOOP("custody", "Past the alert threshold"),
}


@dataclass(frozen=True)
class Thresholds:
    warn: timedelta = DEFAULT_WARN
    alert: timedelta = DEFAULT_ALERT

    @classmethod
    def from_minutes(cls, warn: str | int | None, alert: str | int | None) -> Thresholds:
        """From the site profile's settings; a missing, zero or unreadable one is the
        default, and the alert never comes before the warning."""
        w = _minutes(warn, DEFAULT_WARN)
        a = _minutes(alert, DEFAULT_ALERT)
        return cls(w, max(a, w))


def _minutes(value: str | int | None, default: timedelta) -> timedelta:
    try:
        n = int(value) if value not in (None, "") else 0
    except (TypeError, ValueError):
        n = 0
    return timedelta(minutes=n) if n > 0 else default


@dataclass(frozen=True)
class Custody:
    elapsed: timedelta  # detention to hand-over, or to now while still held
    state: str  # OK, WARN or ALERT
    open: bool  # not handed over yet

    @property
    def overdue(self) -> bool:
        return self.state != OK


def clock(detained_at: datetime | None, handed_over_at: datetime | None, now: datetime,
          thresholds: Thresholds) -> Custody | None:
    """The custody clock of one detention (None without a detention time). A closed one
    keeps the colour of the time it took: a late hand-over stays red."""
    if detained_at is None:
        return None
    end = handed_over_at if handed_over_at is not None else now
    elapsed = max(end - detained_at, timedelta(0))
    state = ALERT if elapsed >= thresholds.alert else WARN if elapsed >= thresholds.warn else OK
    return Custody(elapsed, state, handed_over_at is None)


def elapsed_text(elapsed: timedelta) -> str:
    """2 h 05 min, 45 min, 3 d 4 h: how long someone has been held."""
    minutes = int(elapsed.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"
