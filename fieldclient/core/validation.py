"""Form-level checks for units, positions, incidents and entries.

These run before ``LocalWriter`` (in the UI forms and the command line) and turn
what a person typed into typed values, or raise ``InvalidInput`` with a message
in the user's language (templates marked for the "errors" context) and the
``field`` it concerns, so a form can point at the right widget. The writer and
``sync.protocol.validate_fields`` still check everything again: these functions
exist to give good messages, not to be the last line of defence.

Each ``validate_*`` returns a new dict with only the keys it was given (for an
edit) or all keys the record needs (``creating=True``); optional text that is
blank becomes None, which clears the field.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from fieldclient.core.coords import check_lat, check_lon
from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.core.timefmt import parse_iso, to_utc, utcnow
from sync.protocol import (
    ECHELONS,
    ENTRY_KINDS,
    INCIDENT_KINDS,
    INCIDENT_STATUSES,
    MAX_SHORT,
    MAX_TEXT,
    POSITION_SOURCES,
    SIDC_RE,
    SLUG_RE,
    UNIT_KINDS,
    UNIT_STATUSES,
    VISIBILITIES,
)

FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_STRENGTH = 100_000
MAX_ACCURACY_M = 1_000_000
MAX_AGENCIES = 50

_REQUIRED = {
    "callsign": QT_TRANSLATE_NOOP("errors", "The callsign is required."),
    "agency": QT_TRANSLATE_NOOP("errors", "Choose the agency."),
    "kind": QT_TRANSLATE_NOOP("errors", "Choose the kind."),
    "title": QT_TRANSLATE_NOOP("errors", "The title is required."),
    "severity": QT_TRANSLATE_NOOP("errors", "Choose a severity from 1 to 5."),
    "occurred_at": QT_TRANSLATE_NOOP("errors", "The time it occurred is required."),
    "body": QT_TRANSLATE_NOOP("errors", "The entry text is required."),
}
_TOO_LONG = QT_TRANSLATE_NOOP(
    "errors", "The text is too long ({length} characters; at most {max})."
)
_UNKNOWN = {
    "kind": QT_TRANSLATE_NOOP("errors", "Unknown kind “{value}”."),
    "echelon": QT_TRANSLATE_NOOP("errors", "Unknown echelon “{value}”."),
    "status": QT_TRANSLATE_NOOP("errors", "Unknown status “{value}”."),
    "visibility": QT_TRANSLATE_NOOP(
        "errors", "Visibility must be “shared” or “agency” (got “{value}”)."
    ),
    "source": QT_TRANSLATE_NOOP("errors", "Unknown position source “{value}”."),
    "agency": QT_TRANSLATE_NOOP("errors", "Unknown agency “{value}”."),
}


def _text(
    value: Any, field: str, *, required: bool = False, max_len: int = MAX_SHORT, strip: bool = True
) -> str | None:
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value.strip() if strip else value
    else:
        text = str(value)
    if not text.strip():
        if required:
            raise InvalidInput(_REQUIRED[field], field=field)
        return None
    if len(text) > max_len:
        raise InvalidInput(_TOO_LONG, field=field, length=len(text), max=max_len)
    return text


def _choice(value: Any, field: str, allowed: Collection[str], *, required: bool = False) -> str | None:
    text = _text(value, field, required=required)
    if text is None:
        return None
    if text not in allowed:
        raise InvalidInput(_UNKNOWN[field], field=field, value=text)
    return text


def parse_int(value: Any, field: str) -> int | None:
    """A whole number from a form or the command line; blank -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    raise InvalidInput(
        QT_TRANSLATE_NOOP("errors", "Enter a whole number (got “{got}”)."), field=field, got=text
    )


def parse_float(value: Any, field: str) -> float | None:
    """A finite number (a decimal comma is accepted); blank -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = str(value).strip().replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            number = math.nan
    if not math.isfinite(number):
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Enter a number (got “{got}”)."),
            field=field,
            got=str(value).strip(),
        )
    return number


def _uuid(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "“{got}” is not a record id."), field=field, got=str(value)
        ) from None


def _slug(value: Any, field: str, known: Collection[str] | None, required: bool) -> str | None:
    text = _text(value, field, required=required, max_len=40)
    if text is None:
        return None
    if not SLUG_RE.match(text) or (known is not None and text not in known):
        raise InvalidInput(_UNKNOWN["agency"], field=field, value=text)
    return text


def check_time(value: Any, field: str, now: datetime | None = None) -> datetime:
    """An aware UTC time from a datetime or ISO text, at most 5 minutes in the future."""
    if isinstance(value, datetime):
        when = to_utc(value)
    else:
        when = parse_iso(str(value), field=field)
    current = now or utcnow()
    if when > current + FUTURE_TOLERANCE:
        raise InvalidInput(
            QT_TRANSLATE_NOOP(
                "errors", "The time is in the future (more than {minutes} minutes ahead)."
            ),
            field=field,
            minutes=int(FUTURE_TOLERANCE.total_seconds() // 60),
        )
    return when


# -- units ----------------------------------------------------------------------


def validate_unit(
    fields: Mapping[str, Any], *, creating: bool, agencies: Collection[str] | None = None
) -> dict[str, Any]:
    """Check unit fields (callsign, name, agency, kind, echelon, sidc, parent_id,
    commander, strength, status, visibility, notes). ``agencies``: known slugs, if
    the caller has them. Creation defaults status to available and visibility to shared."""
    data = dict(fields)
    if creating:
        data.setdefault("status", "available")
        data.setdefault("visibility", "shared")
        for key in ("callsign", "agency", "kind"):
            data.setdefault(key, None)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "callsign":
            out[key] = _text(value, key, required=True)
        elif key in ("name", "commander"):
            out[key] = _text(value, key)
        elif key == "notes":
            out[key] = _text(value, key, max_len=MAX_TEXT, strip=False)
        elif key == "agency":
            out[key] = _slug(value, key, agencies, required=True)
        elif key == "kind":
            out[key] = _choice(value, key, UNIT_KINDS, required=True)
        elif key == "echelon":
            out[key] = _choice(value, key, ECHELONS)
        elif key == "status":
            out[key] = _choice(value, key, UNIT_STATUSES, required=True)
        elif key == "visibility":
            out[key] = _choice(value, key, VISIBILITIES, required=True)
        elif key == "strength":
            out[key] = _strength(value)
        elif key == "sidc":
            out[key] = _sidc(value)
        elif key == "parent_id":
            out[key] = _uuid(value, key)
        else:
            raise InvalidInput(
                QT_TRANSLATE_NOOP("errors", "Units have no field “{name}”."), field=key, name=key
            )
    return out


def _strength(value: Any) -> int | None:
    number = parse_int(value, "strength")
    if number is None:
        return None
    if number < 0:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Strength cannot be negative (got {got})."),
            field="strength",
            got=number,
        )
    if number > MAX_STRENGTH:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Strength must be at most {max} (got {got})."),
            field="strength",
            got=number,
            max=MAX_STRENGTH,
        )
    return number


def _sidc(value: Any) -> str | None:
    text = _text(value, "sidc", max_len=30)
    if text is None:
        return None
    text = text.upper()
    if not SIDC_RE.match(text):
        raise InvalidInput(
            QT_TRANSLATE_NOOP(
                "errors",
                "The symbol code (SIDC) must be 10 to 30 letters, digits, “-” or “*” (got “{got}”).",
            ),
            field="sidc",
            got=text,
        )
    return text


# -- positions ------------------------------------------------------------------


def validate_position(
    lat: Any,
    lon: Any,
    observed_at: Any = None,
    source: Any = "manual",
    accuracy_m: Any = None,
    note: Any = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """-> ``{lat, lon, observed_at (aware UTC), source, accuracy_m, note}`` ready for
    ``LocalWriter.log_position``. No time means now."""
    lat_f = parse_float(lat, "lat")
    lon_f = parse_float(lon, "lon")
    if lat_f is None or lon_f is None:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Enter both latitude and longitude."),
            field="lat" if lat_f is None else "lon",
        )
    current = now or utcnow()
    when = current if observed_at in (None, "") else check_time(observed_at, "observed_at", current)
    acc = parse_float(accuracy_m, "accuracy_m")
    if acc is not None and not 0 <= acc <= MAX_ACCURACY_M:
        raise InvalidInput(
            QT_TRANSLATE_NOOP(
                "errors", "Accuracy must be between 0 and {max} metres (got {got})."
            ),
            field="accuracy_m",
            got=f"{acc:g}",
            max=MAX_ACCURACY_M,
        )
    return {
        "lat": check_lat(lat_f),
        "lon": check_lon(lon_f),
        "observed_at": when,
        "source": _choice(source or "manual", "source", POSITION_SOURCES, required=True),
        "accuracy_m": acc,
        "note": _text(note, "note", max_len=MAX_TEXT, strip=False),
    }


# -- incidents ------------------------------------------------------------------


def validate_incident(
    fields: Mapping[str, Any],
    *,
    creating: bool,
    agencies: Collection[str] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Check incident fields (title, kind, severity, status, lat, lon, occurred_at,
    agency, agencies, visibility, void_reason). ``occurred_at`` comes back as an aware
    UTC datetime; lat and lon must come together."""
    data = dict(fields)
    if creating:
        data.setdefault("status", "open")
        data.setdefault("visibility", "shared")
        for key in ("title", "kind", "severity", "occurred_at", "agency"):
            data.setdefault(key, None)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "title":
            out[key] = _text(value, key, required=True)
        elif key == "kind":
            out[key] = _choice(value, key, INCIDENT_KINDS, required=True)
        elif key == "status":
            out[key] = _choice(value, key, INCIDENT_STATUSES, required=True)
        elif key == "visibility":
            out[key] = _choice(value, key, VISIBILITIES, required=True)
        elif key == "severity":
            out[key] = _severity(value)
        elif key in ("lat", "lon"):
            number = parse_float(value, key)
            out[key] = None if number is None else (check_lat if key == "lat" else check_lon)(number)
        elif key == "occurred_at":
            if value in (None, ""):
                raise InvalidInput(_REQUIRED["occurred_at"], field=key)
            out[key] = check_time(value, key, now)
        elif key == "agency":
            out[key] = _slug(value, key, agencies, required=True)
        elif key == "agencies":
            out[key] = _agency_list(value, agencies)
        elif key == "void_reason":
            out[key] = _text(value, key, max_len=MAX_TEXT, strip=False)
        else:
            raise InvalidInput(
                QT_TRANSLATE_NOOP("errors", "Incidents have no field “{name}”."), field=key, name=key
            )
    if ("lat" in out or "lon" in out) and (out.get("lat") is None) != (out.get("lon") is None):
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Give both latitude and longitude, or neither."),
            field="lat" if out.get("lat") is None else "lon",
        )
    if out.get("status") == "voided" and "void_reason" in data and not out.get("void_reason"):
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Say why the incident is voided."), field="void_reason"
        )
    return out


def _severity(value: Any) -> int:
    number = parse_int(value, "severity")
    if number is None:
        raise InvalidInput(_REQUIRED["severity"], field="severity")
    if not 1 <= number <= 5:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Severity must be from 1 to 5 (got {got})."),
            field="severity",
            got=number,
        )
    return number


def _agency_list(value: Any, known: Collection[str] | None) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value or [])
    out: list[str] = []
    for item in items:
        slug = _slug(item, "agencies", known, required=False)
        if slug and slug not in out:
            out.append(slug)
    if len(out) > MAX_AGENCIES:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "At most {max} agencies can be involved."),
            field="agencies",
            max=MAX_AGENCIES,
        )
    return out


# -- entries --------------------------------------------------------------------


def validate_entry(
    kind: Any,
    body: Any,
    amends: Any = None,
    unit_id: Any = None,
    status: Any = None,
) -> dict[str, Any]:
    """-> ``{kind, body, amends, unit_id, status}`` for ``LocalWriter.add_entry``. An
    amendment must name the entry it corrects, an assignment a unit, a status entry
    the new status. The body keeps its exact text (only emptiness is checked)."""
    k = _choice(kind, "kind", ENTRY_KINDS, required=True)
    text = _text(body, "body", required=True, max_len=MAX_TEXT, strip=False)
    out: dict[str, Any] = {
        "kind": k,
        "body": text,
        "amends": _uuid(amends, "amends"),
        "unit_id": _uuid(unit_id, "unit_id"),
        "status": _choice(status, "status", INCIDENT_STATUSES),
    }
    if k == "amendment" and out["amends"] is None:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Choose the entry this amendment corrects."), field="amends"
        )
    if k != "amendment" and out["amends"] is not None:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Only an amendment can correct another entry."),
            field="amends",
        )
    if k == "assignment" and out["unit_id"] is None:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Choose the unit to assign."), field="unit_id"
        )
    if k == "status" and out["status"] is None:
        raise InvalidInput(
            QT_TRANSLATE_NOOP("errors", "Choose the new status."), field="status"
        )
    return out
