"""How typed times, MGRS references and numbers are read (issue 9 item 8): a local time the
clocks skipped or repeated is never silently shifted, an MGRS square is placed at its centre
with its size, and a comma groups thousands rather than making 1,500 into 1.5."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from fieldclient.core import coords
from fieldclient.core.errors import InvalidInput
from fieldclient.core.timefmt import AmbiguousLocalTime, NonexistentLocalTime, local_to_utc
from fieldclient.core.validation import check_input, parse_float

TIJUANA = ZoneInfo("America/Tijuana")  # Baja California keeps daylight saving time


@pytest.fixture
def in_tijuana(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TZ", "America/Tijuana")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("zone", [TIJUANA, None], ids=["named-zone", "computer-zone"])
def test_skipped_and_repeated_local_times_are_refused_not_shifted(in_tijuana, zone):  # type: ignore[no-untyped-def]
    """Proves 02:30 on the spring-forward night does not exist (refused), 01:30 on the
    fall-back night is ambiguous (refused with both offsets, or chosen by fold), and an
    ordinary time converts exactly."""
    with pytest.raises(NonexistentLocalTime) as gap:
        local_to_utc(datetime(2026, 3, 8, 2, 30), zone)
    assert "does not exist" in str(gap.value)
    with pytest.raises(AmbiguousLocalTime) as twice:
        local_to_utc(datetime(2026, 11, 1, 1, 30), zone)
    assert "-07:00" in str(twice.value) and "-08:00" in str(twice.value)
    assert twice.value.choices == (datetime(2026, 11, 1, 8, 30, tzinfo=UTC),
                                   datetime(2026, 11, 1, 9, 30, tzinfo=UTC))
    assert local_to_utc(datetime(2026, 11, 1, 1, 30), zone, fold=1) == twice.value.choices[1]
    assert local_to_utc(datetime(2026, 6, 1, 12, 0), zone) == datetime(2026, 6, 1, 19, tzinfo=UTC)


def test_forms_and_command_line_refuse_a_skipped_time(in_tijuana):  # type: ignore[no-untyped-def]
    """Proves the shared input reading (forms and command line) refuses a typed local time
    the clocks skipped, and accepts the same time written with its offset."""
    with pytest.raises(InvalidInput) as err:
        check_input("position", {"observed_at": "2026-03-08T02:30"}, creating=False)
    assert err.value.field == "observed_at"
    out = check_input("position", {"observed_at": "2026-03-08T02:30-08:00"}, creating=False)
    assert out["observed_at"] == "2026-03-08T10:30:00Z"


@pytest.mark.parametrize("ref,size", [("14QMG86", 10_000), ("14Q MG 86 48", 1_000),
                                      ("14QMG860482", 100), ("14QMG8600648224", 1)])
def test_mgrs_square_is_placed_at_its_centre_with_its_size(ref, size):  # type: ignore[no-untyped-def]
    """Proves a 10 km or 1 km MGRS reference lands in the middle of its square (it reads
    back as the same square, half a square from the south-west corner) and reports the
    square's size, which becomes the position's accuracy unless a larger one was given."""
    lat, lon, square = coords.locate(ref, "mgrs")
    assert square == size
    digits = len(ref.replace(" ", "")) - 5
    assert coords.format_mgrs(lat, lon, digits=digits, spaced=False) == ref.replace(" ", "")
    if size >= 10:
        precise = coords.format_mgrs(lat, lon, digits=10, spaced=False)
        east, north = int(precise[5:10]), int(precise[10:15])
        assert east % size == pytest.approx(size / 2, abs=2)
        assert north % size == pytest.approx(size / 2, abs=2)
    assert coords.accuracy_for(None, square) == size
    assert coords.accuracy_for(5.0, square) == max(5.0, size)
    assert coords.accuracy_for(50_000.0, square) == 50_000.0


@pytest.mark.parametrize("typed,value", [("1,500", 1500.0), ("12,500.5", 12500.5),
                                         ("2,500,000", 2_500_000.0), ("1,5", 1.5),
                                         ("19,43", 19.43), ("1500", 1500.0)])
def test_commas_group_thousands_or_mark_decimals(typed, value):  # type: ignore[no-untyped-def]
    """Proves 1,500 is fifteen hundred (es-MX and English group thousands with commas),
    never 1.5, and a lone decimal comma still reads as one."""
    assert parse_float(typed, "accuracy_m") == value


def test_a_comma_that_could_mean_either_is_refused():
    """Proves a number mixing a decimal point and comma the other way round is refused."""
    with pytest.raises(InvalidInput):
        parse_float("1.500,5", "accuracy_m")
