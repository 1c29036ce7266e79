"""The custody clock and its thresholds (issue 13 item 3; no Qt): amber past the warning,
red past the alert, a late hand-over stays red; thresholds from the site profile, with
the defaults of 1 h and 3 h, never an alert before the warning."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from fieldclient.core import custody
from fieldclient.trust.profile import ProfileRefused, parse

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(("held", "handed", "state", "is_open"), [
    (timedelta(minutes=59), None, custody.OK, True),
    (timedelta(minutes=60), None, custody.WARN, True),
    (timedelta(hours=3), None, custody.ALERT, True),
    (timedelta(hours=5), timedelta(hours=3, minutes=30), custody.ALERT, False),
    (timedelta(hours=5), timedelta(minutes=40), custody.OK, False),
])
def test_the_clock_runs_to_the_hand_over(held: timedelta, handed: timedelta | None,
                                         state: str, is_open: bool) -> None:
    """Proves the state follows the time held until the hand-over (or now) against the
    default thresholds, and a closed detention keeps the colour of the time it took."""
    detained = T0 - held
    clock = custody.clock(detained, detained + handed if handed else None, T0,
                          custody.Thresholds())
    assert clock is not None and (clock.state, clock.open) == (state, is_open)


def test_thresholds_come_from_the_site_profile() -> None:
    """Proves the site profile's custody minutes are read, blank or zero mean the default,
    an alert below the warning is refused by the profile and never used by the clock."""
    assert custody.Thresholds.from_minutes("30", "90") == custody.Thresholds(
        timedelta(minutes=30), timedelta(minutes=90))
    assert custody.Thresholds.from_minutes("", None) == custody.Thresholds()
    assert custody.Thresholds.from_minutes("120", "60").alert == timedelta(minutes=120)
    base = {"type": "enlace-site-profile", "format": 1, "name": "CP GDL", "serial": 1,
            "server_url": "https://cp.example:8443"}
    prof = parse(json.dumps({**base, "policies": {"custody_warn_minutes": 45,
                                                  "custody_alert_minutes": 150}}).encode())
    assert (prof.custody_warn_minutes, prof.custody_alert_minutes) == (45, 150)
    with pytest.raises(ProfileRefused):
        parse(json.dumps({**base, "policies": {"custody_warn_minutes": 90,
                                               "custody_alert_minutes": 30}}).encode())
    assert custody.elapsed_text(timedelta(hours=3, minutes=5)) == "3 h 05 min"
