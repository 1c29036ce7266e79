"""Coordinates: DD, DMS and MGRS parsing, strict refusal of bad input, round trips."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fieldclient.core import coords
from fieldclient.core.errors import InvalidInput

ZOCALO = (19.428361111111112, -99.13330555555555)  # 19°25'42.1"N 99°07'59.9"W


@pytest.mark.parametrize(
    "text",
    [
        "19°25'42.1\"N 99°07'59.9\"W",
        "19 25 42.1 N, 99 7 59.9 W",
        "19 25 42.1 N 99 7 59.9 O",
        "N19 25 42.1 W99 7 59.9",
        "19 25 42.1 -99 7 59.9",
        "19d25m42.1s N 99d7m59.9s W",
        "19°25′42.1″ norte 99°07′59.9″ oeste",
        "19 25 42,1 N 99 7 59,9 O",
        "99 7 59.9 W 19 25 42.1 N",
        "  19 25 42.1n 99 7 59.9w  ",
    ],
)
def test_dms_common_forms(text: str) -> None:
    """Every common way of writing the same DMS position reads as the same point."""
    lat, lon = coords.parse_dms(text)
    assert lat == pytest.approx(ZOCALO[0], abs=1e-9)
    assert lon == pytest.approx(ZOCALO[1], abs=1e-9)


def test_dms_degrees_and_decimal_minutes() -> None:
    """Degrees with decimal minutes (GPS style) are read correctly."""
    assert coords.parse_dms("19 25.5 S 99 30 E") == pytest.approx((-19.425, 99.5))


@pytest.mark.parametrize(
    "text",
    ["19.4283, -99.1333", "19.4283 -99.1333", "19.4283;-99.1333", "19.4283N 99.1333W",
     "19,4283; -99,1333", "19,4283 -99,1333"],
)
def test_dd_forms(text: str) -> None:
    """Decimal degrees with commas, semicolons, letters or decimal commas all parse."""
    assert coords.parse_dd(text) == pytest.approx((19.4283, -99.1333))


def test_dd_east_longitude_with_plain_comma() -> None:
    """A comma between two dotted numbers is a separator, not a decimal comma."""
    assert coords.parse_dd("40.1,3.5") == pytest.approx((40.1, 3.5))


@pytest.mark.parametrize(
    ("text", "message", "field"),
    [
        ("95, 10", "Latitude must be between -90 and 90 (got 95).", "lat"),
        ("19, -190.5", "Longitude must be between -180 and 180 (got -190.5).", "lon"),
        ("19.4", None, "coordinates"),
        ("abc, def", None, "coordinates"),
        ("19.4 -99.1 7", None, "coordinates"),
        ("19.4N -99.1W", "Use either a minus sign or a hemisphere letter, not both (in “19.4N -99.1W”).", "coordinates"),
        ("19.4N 99.1N", None, "coordinates"),
    ],
)
def test_dd_refused(text: str, message: str | None, field: str) -> None:
    """Out-of-range or unreadable decimal degrees raise InvalidInput naming the problem."""
    with pytest.raises(InvalidInput) as err:
        coords.parse_dd(text)
    assert err.value.field == field
    if message:
        assert str(err.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("95 0 0 N 99 0 0 W", "Latitude must be between -90 and 90 (got 95)."),
        ("19 61 0 N 99 0 0 W", "Minutes must be less than 60 (got 61)."),
        ("19 25 60 N 99 0 0 W", "Seconds must be less than 60 (got 60)."),
        ("19.5 25 0 N 99 0 0 W", None),
        ("19 25 42 N", None),
        ("19 25 42 X 99 7 59 W", None),
        ("", None),
    ],
)
def test_dms_refused(text: str, message: str | None) -> None:
    """Bad DMS input is refused with an exact message where one value is wrong."""
    with pytest.raises(InvalidInput) as err:
        coords.parse_dms(text)
    if message:
        assert str(err.value) == message


def test_error_template_and_params_for_translation() -> None:
    """Errors carry what the UI needs to translate them: the coordinate parser's own
    messages a template and params, a range refusal the position definition's Problem."""
    with pytest.raises(InvalidInput) as err:
        coords.parse_mgrs("14QMG8600648")
    assert err.value.template.startswith("An MGRS reference needs an even number of digits")
    assert err.value.params == {"count": 7}
    with pytest.raises(InvalidInput) as err:
        coords.parse_dd("95, 10")
    assert err.value.problem is not None
    assert (err.value.problem.code, err.value.field) == ("out_of_range", "lat")
    assert err.value.problem.params == {"min": "-90", "max": "90", "value": "95"}


@pytest.mark.parametrize(
    "text", ["14QMG8600648224", "14Q MG 86006 48224", "14qmg 86006 48224"]
)
def test_mgrs_forms(text: str) -> None:
    """MGRS with or without spaces, any case, reads as the same point."""
    assert coords.parse_mgrs(text) == pytest.approx((19.4283007, -99.1332997), abs=1e-6)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("14QMG", "An MGRS reference needs an even number of digits, from 2 to 10 (got 0)."),
        ("14QMG123", "An MGRS reference needs an even number of digits, from 2 to 10 (got 3)."),
        ("14QMG860064822412", "An MGRS reference needs an even number of digits, from 2 to 10 (got 12)."),
        ("61QMG8600648224", "The MGRS zone must be between 1 and 60 (got 61)."),
        ("0QMG8600648224", "The MGRS zone must be between 1 and 60 (got 0)."),
        ("14IMG8600648224", "The MGRS latitude band must be a letter from C to X other than I and O (got I)."),
        ("14QZZ8600648224", "The MGRS 100 km square ZZ does not exist."),
        ("14QMV8600648224", "The MGRS reference 14QMV8600648224 does not exist (check the zone, band and letters)."),
        ("14CMG8626148863", "The MGRS reference 14CMG8626148863 does not exist (check the zone, band and letters)."),
        ("MG8600648224", None),
        ("garbage", None),
        ("14QMG86O0648224", None),
        ("", "Enter an MGRS reference."),
    ],
)
def test_mgrs_refused(text: str, message: str | None) -> None:
    """Malformed MGRS, bad zone/band/square, wrong digit count and wrong band are refused."""
    with pytest.raises(InvalidInput) as err:
        coords.parse_mgrs(text)
    assert err.value.field == "coordinates"
    if message:
        assert str(err.value) == message


def test_format_examples() -> None:
    """Formatting gives the documented shapes for the status bar and copy."""
    lat, lon = ZOCALO
    assert coords.format_coord(lat, lon, "dd") == "19.42836, -99.13331"
    assert coords.format_coord(lat, lon, "dms") == "19°25'42.1\"N 99°07'59.9\"W"
    assert coords.format_coord(lat, lon, "dms", lang="es") == "19°25'42.1\"N 99°07'59.9\"O"
    assert coords.format_coord(19.4283, -99.1333, "mgrs") == "14Q MG 86006 48224"
    assert coords.format_mgrs(19.4283, -99.1333, spaced=False) == "14QMG8600648224"
    assert coords.format_mgrs(19.4283, -99.1333, digits=4) == "14Q MG 86 48"


def test_format_dms_carries_rounded_seconds() -> None:
    """59.96 seconds rounds up into the next minute instead of printing 60.0."""
    assert coords.format_dms(10 + 59.96 / 3600, 0) == "10°01'00.0\"N 0°00'00.0\"E"


lat_st = st.floats(min_value=-79.9, max_value=83.9, allow_nan=False)
lon_st = st.floats(min_value=-179.9, max_value=179.9, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(lat_st, lon_st)
@example(-1e-12, 3.0)  # a hair south of the equator: northing 10,000,000 in band M
@example(23.9999999, -99.0)  # band edge Q/R
def test_mgrs_round_trip(lat: float, lon: float) -> None:
    """format_mgrs then parse_mgrs returns the point within 1.5 m (1 m grid)."""
    back = coords.parse_mgrs(coords.format_mgrs(lat, lon))
    assert back[0] == pytest.approx(lat, abs=2e-5)
    # 1.5 m east-west is more degrees of longitude towards the poles.
    tolerance = 2e-5 / max(0.05, math.cos(math.radians(lat)))
    assert abs((back[1] - lon + 180) % 360 - 180) < tolerance


@settings(max_examples=300, deadline=None)
@given(st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False))
def test_dms_round_trip(lat: float, lon: float) -> None:
    """format_dms then parse_dms returns the point within a tenth of a second."""
    back = coords.parse_dms(coords.format_dms(lat, lon))
    assert back == pytest.approx((lat, lon), abs=0.05 / 3600 + 1e-12)
    back_es = coords.parse_dms(coords.format_dms(lat, lon, lang="es"))
    assert back_es == back


@settings(max_examples=200, deadline=None)
@given(st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False))
def test_dd_round_trip(lat: float, lon: float) -> None:
    """format_dd then parse_dd returns the point within 5 decimals."""
    assert coords.parse_dd(coords.format_dd(lat, lon)) == pytest.approx((lat, lon), abs=6e-6)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_parsers_never_crash(text: str) -> None:
    """Arbitrary text gives a point or InvalidInput, never another exception."""
    for parse in (coords.parse_dd, coords.parse_dms, coords.parse_mgrs):
        try:
            lat, lon = parse(text)
        except InvalidInput:
            continue
        assert -90 <= lat <= 90 and -180 <= lon <= 180
