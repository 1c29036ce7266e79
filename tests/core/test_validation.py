"""Human input -> typed values checked by the entity definitions: one path, exact messages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fieldclient.core.errors import InvalidInput
from fieldclient.core.validation import check_input, input_problems, parse_time
from sync.protocol.roster import MAX_ACCURACY_M

NOW = datetime(2026, 11, 29, 17, 30, tzinfo=UTC)
AGENCIES = {"sedena", "pol-jal"}
UID = "01a2e2c4-0000-7000-8000-000000000001"
ROOT = Path(__file__).resolve().parents[2]


def _err(entity: str, fields: dict, creating: bool = False, **kw) -> InvalidInput:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as err:
        check_input(entity, fields, creating=creating, now=NOW, **kw)
    return err.value


def test_unit_create_cleans_and_defaults() -> None:
    """A new unit gets stripped text, an int strength, blank as none and the definition's
    default status and visibility."""
    out = check_input(
        "unit",
        {"callsign": "  Lobo 1 ", "agency": "sedena", "kind": "infantry", "strength": "12",
         "name": "", "echelon": "platoon"},
        creating=True, agencies=AGENCIES,
    )
    assert out == {"callsign": "Lobo 1", "agency": "sedena", "kind": "infantry",
                   "strength": 12, "name": None, "echelon": "platoon",
                   "status": "available", "visibility": "shared"}


@pytest.mark.parametrize(
    ("fields", "field", "code", "message"),
    [
        ({"callsign": "  "}, "callsign", "required", "Callsign is required."),
        ({"callsign": "x" * 201}, "callsign", "too_long",
         "Callsign is too long (201 characters; at most 200)."),
        ({"callsign": "LOBO\u202e1"}, "callsign", "bidi_control",
         "Callsign contains hidden characters that change the text direction; type it again."),
        ({"strength": "-1"}, "strength", "out_of_range",
         "Strength must be between 0 and 100000 (got -1)."),
        ({"strength": "doce"}, "strength", None, "Enter a whole number (got “doce”)."),
        ({"strength": 100_001}, "strength", "out_of_range",
         "Strength must be between 0 and 100000 (got 100001)."),
        ({"kind": "tank"}, "kind", "unknown_value", "Kind: “tank” is not one of the allowed values."),
        ({"status": "asleep"}, "status", "unknown_value",
         "Status: “asleep” is not one of the allowed values."),
        ({"agency": "marina"}, "agency", "unknown_agency",
         "Agency: “marina” is not an agency of this deployment."),
        ({"agency": "Marina Armada"}, "agency", "bad_slug",
         "Agency: “Marina Armada” is not an agency code (lower-case letters, digits and “-”)."),
        ({"visibility": "public"}, "visibility", "unknown_value",
         "Visibility: “public” is not one of the allowed values."),
        ({"sidc": "S F G"}, "sidc", "bad_sidc",
         "Symbol code (SIDC) must be 10 to 30 letters, digits, “-” or “*” (got “S F G”)."),
        ({"parent_id": "JAGUAR"}, "parent_id", "not_id", "Reports to: “JAGUAR” is not a record id."),
        ({"colour": "red"}, "colour", "unknown_field", "Unit has no field “colour”."),
    ],
)
def test_unit_refused(fields: dict, field: str, code: str | None, message: str) -> None:
    """Each bad unit field is refused with the definition's problem, its field and message."""
    err = _err("unit", fields, agencies=AGENCIES)
    assert (err.field, str(err)) == (field, message)
    assert (err.problem.code if err.problem else None) == code


def test_unit_create_requires_agency_and_kind() -> None:
    """Creating without agency or kind names the first missing field and lists them all."""
    err = _err("unit", {"callsign": "A"}, creating=True)
    assert (err.field, str(err)) == ("agency", "A new Unit needs: Agency, Kind.")
    assert _err("unit", {"callsign": "A", "agency": "sedena"}, creating=True).field == "kind"


def test_every_refused_field_is_reported_at_once() -> None:
    """A form can mark every bad field in one go (and keeps what passed)."""
    out, problems = input_problems(
        "unit", {"callsign": "", "agency": "Bad Slug", "strength": "x", "name": "Lobo"},
        creating=True, now=NOW)
    assert {p.field for p in problems} == {"callsign", "agency", "strength", "kind"}
    assert out["name"] == "Lobo"


def test_position_ok() -> None:
    """Text numbers (decimal comma too) become floats; a time becomes canonical UTC text."""
    out = check_input("position", {"unit_id": UID, "lat": "19,5", "lon": "-99.1",
                                   "observed_at": NOW, "source": "gps", "accuracy_m": "8",
                                   "note": " nota "}, creating=True, now=NOW)
    assert out == {"unit_id": UID, "lat": 19.5, "lon": -99.1, "observed_at": "2026-11-29T17:30:00Z",
                   "source": "gps", "accuracy_m": 8.0, "note": " nota "}


def test_position_time_tolerance() -> None:
    """Up to 5 minutes ahead is accepted (clock skew); 6 minutes is refused."""
    base = {"unit_id": UID, "lat": 1, "lon": 1}
    ok = check_input("position", {**base, "observed_at": NOW + timedelta(minutes=5)},
                     creating=True, now=NOW)
    assert ok["observed_at"] == "2026-11-29T17:35:00Z"
    err = _err("position", {**base, "observed_at": NOW + timedelta(minutes=6)}, creating=True)
    assert err.field == "observed_at"
    assert str(err) == "Observed at is in the future (more than 5 minutes ahead)."


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"lat": 95}, "lat", "Latitude must be between -90 and 90 (got 95)."),
        ({"lon": 181}, "lon", "Longitude must be between -180 and 180 (got 181)."),
        ({"lat": "x"}, "lat", "Enter a number (got “x”)."),
        ({"observed_at": "ayer"}, "observed_at", None),
        ({"source": "pigeon"}, "source", "Source: “pigeon” is not one of the allowed values."),
        ({"accuracy_m": -1}, "accuracy_m",
         f"Accuracy (m) must be between 0 and {MAX_ACCURACY_M} (got -1)."),
    ],
)
def test_position_refused(fields: dict, field: str, message: str | None) -> None:
    """Bad position input names the field and what is wrong."""
    err = _err("position", {"unit_id": UID, "lat": 10, "lon": 10, "observed_at": NOW, **fields},
               creating=True)
    assert err.field == field
    if message:
        assert str(err) == message


def test_incident_create() -> None:
    """An incident gets typed severity, canonical occurred_at and a de-duplicated agency list."""
    out = check_input(
        "incident",
        {"title": "Bloqueo", "kind": "blockade", "severity": "4", "agency": "pol-jal",
         "occurred_at": "2026-11-29T17:00:00Z", "agencies": "sedena, sedena", "lat": "20.6",
         "lon": "-103.3"},
        creating=True, agencies=AGENCIES, now=NOW,
    )
    assert out["severity"] == 4 and out["agencies"] == ["sedena"]
    assert out["occurred_at"] == "2026-11-29T17:00:00Z"
    assert out["status"] == "open" and out["visibility"] == "shared"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"severity": 6}, "severity", "Severity must be between 1 and 5 (got 6)."),
        ({"severity": ""}, "severity", "Severity is required."),
        ({"lat": 20}, "lat", "Give both Latitude and Longitude, or neither."),
        ({"occurred_at": ""}, "occurred_at", "Occurred at is required."),
        ({"title": ""}, "title", "Title is required."),
        ({"status": "voided", "void_reason": " "}, "void_reason",
         "Say why the record is voided."),
    ],
)
def test_incident_refused(fields: dict, field: str, message: str) -> None:
    """Bad incident fields are refused with exact messages, whole-record rules included."""
    base = {"title": "T", "kind": "blockade", "severity": 3, "agency": "sedena",
            "occurred_at": NOW}
    err = _err("incident", {**base, **fields}, creating=True)
    assert (err.field, str(err)) == (field, message)


def test_entry_rules() -> None:
    """Amendments need the original, assignments a unit, status entries a status; the body
    keeps its exact text."""
    base = {"incident_id": UID, "created_at": NOW}

    def entry(**kw):  # type: ignore[no-untyped-def]
        return check_input("incident_entry", {**base, **kw}, creating=True, now=NOW)

    assert entry(kind="note", body="  exact text  ")["body"] == "  exact text  "
    assert entry(kind="amendment", body="fix", amends=UID)["amends"] == UID
    for kw, field in ((dict(kind="amendment", body="fix"), "amends"),
                      (dict(kind="note", body="x", amends=UID), "amends"),
                      (dict(kind="assignment", body="x"), "unit_id"),
                      (dict(kind="status", body="x"), "status")):
        with pytest.raises(InvalidInput) as err:
            entry(**kw)
        assert err.value.field == field
    with pytest.raises(InvalidInput) as err:
        entry(kind="note", body="   ")
    assert str(err.value) == "Text is required."


def test_local_times_and_dtg_give_the_same_utc() -> None:
    """ISO with an offset, Z and a date-time group name the same instant."""
    a = parse_time("2026-11-29T11:30-06:00", "t")
    assert a == parse_time("2026-11-29T17:30Z", "t") == parse_time("291730Z NOV 26", "t")


def test_refusal_renders_in_the_users_language() -> None:
    """The Problem a refusal carries renders through a translator: template from
    "problems", field label from "fields"."""
    catalogue = {("problems", "{field} is required."): "{field} es obligatorio.",
                 ("fields", "Callsign"): "Indicativo"}
    err = _err("unit", {"callsign": ""})
    assert err.render(lambda ctx, text: catalogue.get((ctx, text), text)) == \
        "Indicativo es obligatorio."


# The definitions' numbers, each of which used to be typed again in the client.
_COPIED_LIMITS = re.compile(
    r"1_?000_?000|(?:strength|max|le|hi)\w*\W{1,4}100_?000\b|timedelta\(minutes=5\)"
    r"|MAX_STRENGTH|MAX_ACCURACY|MAX_AGENCIES"
    r"|FUTURE_TOLERANCE|setRange\(1, 5\)")


def test_no_limit_is_typed_again_in_the_client() -> None:
    """Proves the client takes every limit from sync.protocol: none of the numbers that were
    copied into dialogs, forms and the writer appears in fieldclient/ any more."""
    found = [f"{p.relative_to(ROOT)}:{n}" for p in sorted((ROOT / "fieldclient").rglob("*.py"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if _COPIED_LIMITS.search(line)]
    assert found == []
