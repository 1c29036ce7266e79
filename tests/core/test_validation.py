"""Form-level validation: typed values out, exact translatable messages for bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fieldclient.core.errors import InvalidInput
from fieldclient.core.validation import (
    validate_entry,
    validate_incident,
    validate_position,
    validate_unit,
)

NOW = datetime(2026, 11, 29, 17, 30, tzinfo=UTC)
AGENCIES = {"sedena", "pol-jal"}


def _err(fn, *args, **kwargs) -> InvalidInput:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as err:
        fn(*args, **kwargs)
    return err.value


def test_unit_create_cleans_and_defaults() -> None:
    """A new unit gets stripped text, an int strength and default status/visibility."""
    out = validate_unit(
        {"callsign": "  Lobo 1 ", "agency": "sedena", "kind": "infantry", "strength": "12",
         "name": "", "echelon": "platoon"},
        creating=True,
        agencies=AGENCIES,
    )
    assert out == {"callsign": "Lobo 1", "agency": "sedena", "kind": "infantry",
                   "strength": 12, "name": None, "echelon": "platoon",
                   "status": "available", "visibility": "shared"}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"callsign": "  "}, "callsign", "The callsign is required."),
        ({"callsign": "x" * 201}, "callsign", "The text is too long (201 characters; at most 200)."),
        ({"strength": "-1"}, "strength", "Strength cannot be negative (got -1)."),
        ({"strength": "doce"}, "strength", "Enter a whole number (got “doce”)."),
        ({"strength": 100_001}, "strength", "Strength must be at most 100000 (got 100001)."),
        ({"kind": "tank"}, "kind", "Unknown kind “tank”."),
        ({"status": "asleep"}, "status", "Unknown status “asleep”."),
        ({"agency": "marina"}, "agency", "Unknown agency “marina”."),
        ({"visibility": "public"}, "visibility",
         "Visibility must be “shared” or “agency” (got “public”)."),
        ({"sidc": "S F G"}, "sidc",
         "The symbol code (SIDC) must be 10 to 30 letters, digits, “-” or “*” (got “S F G”)."),
        ({"parent_id": "JAGUAR"}, "parent_id", "“JAGUAR” is not a record id."),
        ({"colour": "red"}, "colour", "Units have no field “colour”."),
    ],
)
def test_unit_refused(fields: dict, field: str, message: str) -> None:
    """Each bad unit field is refused with its own exact message and field name."""
    err = _err(validate_unit, fields, creating=False, agencies=AGENCIES)
    assert (err.field, str(err)) == (field, message)


def test_unit_create_requires_agency_and_kind() -> None:
    """Creating without agency or kind says which one is missing."""
    assert _err(validate_unit, {"callsign": "A"}, creating=True).field == "agency"
    assert _err(validate_unit, {"callsign": "A", "agency": "sedena"}, creating=True).field == "kind"


def test_position_ok_and_defaults_now() -> None:
    """Text numbers (decimal comma too) become floats; no time means now."""
    out = validate_position("19,5", "-99.1", None, "gps", "8", " nota ", now=NOW)
    assert out == {"lat": 19.5, "lon": -99.1, "observed_at": NOW, "source": "gps",
                   "accuracy_m": 8.0, "note": " nota "}


def test_position_time_tolerance() -> None:
    """Up to 5 minutes ahead is accepted (clock skew); 6 minutes is refused."""
    ok = validate_position(1, 1, NOW + timedelta(minutes=5), now=NOW)
    assert ok["observed_at"] == NOW + timedelta(minutes=5)
    err = _err(validate_position, 1, 1, NOW + timedelta(minutes=6), now=NOW)
    assert err.field == "observed_at"
    assert str(err) == "The time is in the future (more than 5 minutes ahead)."


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ((95, 10), "lat", "Latitude must be between -90 and 90 (got 95)."),
        ((10, 181), "lon", "Longitude must be between -180 and 180 (got 181)."),
        (("", 10), "lat", "Enter both latitude and longitude."),
        (("x", 10), "lat", "Enter a number (got “x”)."),
        ((10, 10, "ayer"), "observed_at", None),
        ((10, 10, None, "pigeon"), "source", "Unknown position source “pigeon”."),
        ((10, 10, None, "gps", -1), "accuracy_m",
         "Accuracy must be between 0 and 1000000 metres (got -1)."),
    ],
)
def test_position_refused(args: tuple, field: str, message: str | None) -> None:
    """Bad position input names the field and what is wrong."""
    err = _err(validate_position, *args, now=NOW)
    assert err.field == field
    if message:
        assert str(err) == message


def test_incident_create() -> None:
    """An incident gets typed severity, aware occurred_at and a de-duplicated agency list."""
    out = validate_incident(
        {"title": "Bloqueo", "kind": "blockade", "severity": "4", "agency": "pol-jal",
         "occurred_at": "2026-11-29T17:00:00Z", "agencies": "sedena, sedena", "lat": "20.6",
         "lon": "-103.3"},
        creating=True, agencies=AGENCIES, now=NOW,
    )
    assert out["severity"] == 4 and out["agencies"] == ["sedena"]
    assert out["occurred_at"] == datetime(2026, 11, 29, 17, tzinfo=UTC)
    assert out["status"] == "open" and out["visibility"] == "shared"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"severity": 6}, "severity", "Severity must be from 1 to 5 (got 6)."),
        ({"severity": 0}, "severity", "Severity must be from 1 to 5 (got 0)."),
        ({"severity": ""}, "severity", "Choose a severity from 1 to 5."),
        ({"lat": 20}, "lon", "Give both latitude and longitude, or neither."),
        ({"occurred_at": ""}, "occurred_at", "The time it occurred is required."),
        ({"title": ""}, "title", "The title is required."),
        ({"status": "voided", "void_reason": " "}, "void_reason", "Say why the incident is voided."),
    ],
)
def test_incident_refused(fields: dict, field: str, message: str) -> None:
    """Bad incident fields are refused with exact messages."""
    err = _err(validate_incident, fields, creating=False, now=NOW)
    assert (err.field, str(err)) == (field, message)


def test_entry_rules() -> None:
    """Amendments need the original, assignments a unit, status entries a status."""
    uid = "01a2e2c4-0000-7000-8000-000000000001"
    assert validate_entry("note", "  exact text  ")["body"] == "  exact text  "
    assert validate_entry("amendment", "fix", amends=uid)["amends"] == uid
    assert _err(validate_entry, "amendment", "fix").field == "amends"
    assert _err(validate_entry, "note", "x", amends=uid).field == "amends"
    assert _err(validate_entry, "assignment", "x").field == "unit_id"
    assert _err(validate_entry, "status", "x").field == "status"
    assert str(_err(validate_entry, "note", "   ")) == "The entry text is required."
