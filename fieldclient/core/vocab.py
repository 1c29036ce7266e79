"""Display labels for the controlled vocabularies of the data model.

Stored and wire values are the English identifiers of `sync.protocol`
(``out_of_service``); people see labels. Labels here are English source strings
marked with ``QT_TRANSLATE_NOOP`` in the context ``"vocab"``; the UI shows
``QCoreApplication.translate("vocab", label(group, value))``. Headless code
(CLI, export) uses the English label or the raw value.
"""

from __future__ import annotations

from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from sync.protocol import (
    AGENCY_KINDS,
    ECHELONS,
    ENTRY_KINDS,
    INCIDENT_KINDS,
    INCIDENT_STATUSES,
    POSITION_SOURCES,
    UNIT_KINDS,
    UNIT_STATUSES,
    VISIBILITIES,
)

CONTEXT = "vocab"

UNIT_KIND_LABELS: dict[str, str] = {
    "infantry": QT_TRANSLATE_NOOP("vocab", "Infantry"),
    "motorized": QT_TRANSLATE_NOOP("vocab", "Motorized"),
    "armor": QT_TRANSLATE_NOOP("vocab", "Armor"),
    "aviation": QT_TRANSLATE_NOOP("vocab", "Aviation"),
    "naval": QT_TRANSLATE_NOOP("vocab", "Naval"),
    "marines": QT_TRANSLATE_NOOP("vocab", "Marines"),
    "military_police": QT_TRANSLATE_NOOP("vocab", "Military police"),
    "police": QT_TRANSLATE_NOOP("vocab", "Police"),
    "special_forces": QT_TRANSLATE_NOOP("vocab", "Special forces"),
    "investigation": QT_TRANSLATE_NOOP("vocab", "Investigation"),
    "medical": QT_TRANSLATE_NOOP("vocab", "Medical"),
    "engineer": QT_TRANSLATE_NOOP("vocab", "Engineers"),
    "logistics": QT_TRANSLATE_NOOP("vocab", "Logistics"),
    "signals": QT_TRANSLATE_NOOP("vocab", "Signals"),
    "command": QT_TRANSLATE_NOOP("vocab", "Command post"),
    "civil_protection": QT_TRANSLATE_NOOP("vocab", "Civil protection"),
    "other": QT_TRANSLATE_NOOP("vocab", "Other"),
}

UNIT_STATUS_LABELS: dict[str, str] = {
    "available": QT_TRANSLATE_NOOP("vocab", "Available"),
    "assigned": QT_TRANSLATE_NOOP("vocab", "Assigned"),
    "engaged": QT_TRANSLATE_NOOP("vocab", "Engaged"),
    "returning": QT_TRANSLATE_NOOP("vocab", "Returning"),
    "out_of_service": QT_TRANSLATE_NOOP("vocab", "Out of service"),
    "retired": QT_TRANSLATE_NOOP("vocab", "Retired"),
}

ECHELON_LABELS: dict[str, str] = {
    "team": QT_TRANSLATE_NOOP("vocab", "Team"),
    "squad": QT_TRANSLATE_NOOP("vocab", "Squad"),
    "section": QT_TRANSLATE_NOOP("vocab", "Section"),
    "platoon": QT_TRANSLATE_NOOP("vocab", "Platoon"),
    "company": QT_TRANSLATE_NOOP("vocab", "Company"),
    "battalion": QT_TRANSLATE_NOOP("vocab", "Battalion"),
    "regiment": QT_TRANSLATE_NOOP("vocab", "Regiment"),
    "brigade": QT_TRANSLATE_NOOP("vocab", "Brigade"),
    "division": QT_TRANSLATE_NOOP("vocab", "Division"),
    "corps": QT_TRANSLATE_NOOP("vocab", "Corps"),
    "none": QT_TRANSLATE_NOOP("vocab", "No echelon"),
}

POSITION_SOURCE_LABELS: dict[str, str] = {
    "gps": QT_TRANSLATE_NOOP("vocab", "GPS"),
    "manual": QT_TRANSLATE_NOOP("vocab", "Manual"),
    "radio": QT_TRANSLATE_NOOP("vocab", "Radio"),
    "relay": QT_TRANSLATE_NOOP("vocab", "Relay"),
    "imported": QT_TRANSLATE_NOOP("vocab", "Imported"),
}

INCIDENT_KIND_LABELS: dict[str, str] = {
    "armed_attack": QT_TRANSLATE_NOOP("vocab", "Armed attack"),
    "blockade": QT_TRANSLATE_NOOP("vocab", "Blockade"),
    "kidnapping": QT_TRANSLATE_NOOP("vocab", "Kidnapping"),
    "homicide": QT_TRANSLATE_NOOP("vocab", "Homicide"),
    "robbery": QT_TRANSLATE_NOOP("vocab", "Robbery"),
    "extortion": QT_TRANSLATE_NOOP("vocab", "Extortion"),
    "drug_seizure": QT_TRANSLATE_NOOP("vocab", "Drug seizure"),
    "arms_seizure": QT_TRANSLATE_NOOP("vocab", "Arms seizure"),
    "detention": QT_TRANSLATE_NOOP("vocab", "Detention"),
    "disturbance": QT_TRANSLATE_NOOP("vocab", "Disturbance"),
    "accident": QT_TRANSLATE_NOOP("vocab", "Accident"),
    "natural_disaster": QT_TRANSLATE_NOOP("vocab", "Natural disaster"),
    "fire": QT_TRANSLATE_NOOP("vocab", "Fire"),
    "missing_person": QT_TRANSLATE_NOOP("vocab", "Missing person"),
    "patrol_report": QT_TRANSLATE_NOOP("vocab", "Patrol report"),
    "other": QT_TRANSLATE_NOOP("vocab", "Other"),
}

INCIDENT_STATUS_LABELS: dict[str, str] = {
    "open": QT_TRANSLATE_NOOP("vocab", "Open"),
    "responding": QT_TRANSLATE_NOOP("vocab", "Responding"),
    "contained": QT_TRANSLATE_NOOP("vocab", "Contained"),
    "closed": QT_TRANSLATE_NOOP("vocab", "Closed"),
    "voided": QT_TRANSLATE_NOOP("vocab", "Voided"),
}

ENTRY_KIND_LABELS: dict[str, str] = {
    "note": QT_TRANSLATE_NOOP("vocab", "Note"),
    "status": QT_TRANSLATE_NOOP("vocab", "Status change"),
    "assignment": QT_TRANSLATE_NOOP("vocab", "Unit assignment"),
    "amendment": QT_TRANSLATE_NOOP("vocab", "Amendment"),
}

AGENCY_KIND_LABELS: dict[str, str] = {
    "military": QT_TRANSLATE_NOOP("vocab", "Military"),
    "federal": QT_TRANSLATE_NOOP("vocab", "Federal"),
    "state": QT_TRANSLATE_NOOP("vocab", "State"),
    "municipal": QT_TRANSLATE_NOOP("vocab", "Municipal"),
    "civil": QT_TRANSLATE_NOOP("vocab", "Civil"),
}

VISIBILITY_LABELS: dict[str, str] = {
    "shared": QT_TRANSLATE_NOOP("vocab", "Shared with all agencies"),
    "agency": QT_TRANSLATE_NOOP("vocab", "Own agency only"),
}

SEVERITY_LABELS: dict[int, str] = {
    1: QT_TRANSLATE_NOOP("vocab", "1 - Minor"),
    2: QT_TRANSLATE_NOOP("vocab", "2 - Moderate"),
    3: QT_TRANSLATE_NOOP("vocab", "3 - Serious"),
    4: QT_TRANSLATE_NOOP("vocab", "4 - Severe"),
    5: QT_TRANSLATE_NOOP("vocab", "5 - Critical"),
}

# group name -> (allowed values in display order, labels)
GROUPS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "unit_kind": (UNIT_KINDS, UNIT_KIND_LABELS),
    "unit_status": (UNIT_STATUSES, UNIT_STATUS_LABELS),
    "echelon": (ECHELONS, ECHELON_LABELS),
    "position_source": (POSITION_SOURCES, POSITION_SOURCE_LABELS),
    "incident_kind": (INCIDENT_KINDS, INCIDENT_KIND_LABELS),
    "incident_status": (INCIDENT_STATUSES, INCIDENT_STATUS_LABELS),
    "entry_kind": (ENTRY_KINDS, ENTRY_KIND_LABELS),
    "agency_kind": (AGENCY_KINDS, AGENCY_KIND_LABELS),
    "visibility": (VISIBILITIES, VISIBILITY_LABELS),
}


def label(group: str, value: str | None) -> str:
    """English source label of ``value`` in ``group`` (translate with context "vocab").

    Unknown values (e.g. from a newer server) come back unchanged rather than failing.
    """
    if value is None:
        return ""
    return GROUPS[group][1].get(value, value)


def choices(group: str) -> list[tuple[str, str]]:
    """(value, English source label) pairs in display order, for combo boxes."""
    values, labels = GROUPS[group]
    return [(v, labels[v]) for v in values]


def values(group: str) -> tuple[str, ...]:
    """The allowed stored values of ``group``."""
    return GROUPS[group][0]
