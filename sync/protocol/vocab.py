"""Controlled vocabularies: the wire values and their English labels, declared once.

Stored and wire values are English identifiers (``out_of_service``); people see
labels. Labels are source strings in the translation context "vocab"; the client
shows ``translate("vocab", label)``. A value added by a newer peer has no label
here and shows as itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.protocol.i18n import QT_TRANSLATE_NOOP as N


@dataclass(frozen=True)
class Vocab:
    name: str
    labels: dict[str, str]  # value -> English label, in display order

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def label(self, value: str | None) -> str:
        if value is None:
            return ""
        return self.labels.get(value, value)

    def choices(self) -> list[tuple[str, str]]:
        """(value, English label) pairs in display order, for pickers."""
        return list(self.labels.items())

    def __contains__(self, value: object) -> bool:
        return value in self.labels


VOCABS: dict[str, Vocab] = {}


def vocab(name: str, *pairs: tuple[str, str]) -> Vocab:
    v = Vocab(name, dict(pairs))
    if name in VOCABS:
        raise ValueError(f"vocabulary {name!r} declared twice")
    VOCABS[name] = v
    return v


AGENCY_KIND = vocab(
    "agency_kind",
    ("military", N("vocab", "Military")),
    ("federal", N("vocab", "Federal")),
    ("state", N("vocab", "State")),
    ("municipal", N("vocab", "Municipal")),
    ("civil", N("vocab", "Civil")),
)

ROLE = vocab(
    "role",
    ("admin", N("vocab", "Administrator")),
    ("commander", N("vocab", "Commander")),
    ("liaison", N("vocab", "Liaison officer")),
    ("observer", N("vocab", "Observer")),
)

UNIT_KIND = vocab(
    "unit_kind",
    ("infantry", N("vocab", "Infantry")),
    ("motorized", N("vocab", "Motorized")),
    ("armor", N("vocab", "Armor")),
    ("aviation", N("vocab", "Aviation")),
    ("naval", N("vocab", "Naval")),
    ("marines", N("vocab", "Marines")),
    ("military_police", N("vocab", "Military police")),
    ("police", N("vocab", "Police")),
    ("special_forces", N("vocab", "Special forces")),
    ("investigation", N("vocab", "Investigation")),
    ("medical", N("vocab", "Medical")),
    ("engineer", N("vocab", "Engineers")),
    ("logistics", N("vocab", "Logistics")),
    ("signals", N("vocab", "Signals")),
    ("command", N("vocab", "Command post")),
    ("civil_protection", N("vocab", "Civil protection")),
    ("other", N("vocab", "Other")),
)

UNIT_STATUS = vocab(
    "unit_status",
    ("available", N("vocab", "Available")),
    ("assigned", N("vocab", "Assigned")),
    ("engaged", N("vocab", "Engaged")),
    ("returning", N("vocab", "Returning")),
    ("out_of_service", N("vocab", "Out of service")),
    ("retired", N("vocab", "Retired")),
)

ECHELON = vocab(
    "echelon",
    ("team", N("vocab", "Team")),
    ("squad", N("vocab", "Squad")),
    ("section", N("vocab", "Section")),
    ("platoon", N("vocab", "Platoon")),
    ("company", N("vocab", "Company")),
    ("battalion", N("vocab", "Battalion")),
    ("regiment", N("vocab", "Regiment")),
    ("brigade", N("vocab", "Brigade")),
    ("division", N("vocab", "Division")),
    ("corps", N("vocab", "Corps")),
    ("none", N("vocab", "No echelon")),
)

VISIBILITY = vocab(
    "visibility",
    ("shared", N("vocab", "Shared with all agencies")),
    ("agency", N("vocab", "Own agency only")),
    # protocol revision 4: the participants of the record's operation (and its owner)
    ("operation", N("vocab", "Agencies in the operation")),
)

POSITION_SOURCE = vocab(
    "position_source",
    ("gps", N("vocab", "GPS")),
    ("manual", N("vocab", "Manual")),
    ("radio", N("vocab", "Radio")),
    ("relay", N("vocab", "Relay")),
    ("imported", N("vocab", "Imported")),
)

INCIDENT_KIND = vocab(
    "incident_kind",
    ("armed_attack", N("vocab", "Armed attack")),
    ("blockade", N("vocab", "Blockade")),
    ("kidnapping", N("vocab", "Kidnapping")),
    ("homicide", N("vocab", "Homicide")),
    ("robbery", N("vocab", "Robbery")),
    ("extortion", N("vocab", "Extortion")),
    ("drug_seizure", N("vocab", "Drug seizure")),
    ("arms_seizure", N("vocab", "Arms seizure")),
    ("detention", N("vocab", "Detention")),
    ("disturbance", N("vocab", "Disturbance")),
    ("accident", N("vocab", "Accident")),
    ("natural_disaster", N("vocab", "Natural disaster")),
    ("fire", N("vocab", "Fire")),
    ("missing_person", N("vocab", "Missing person")),
    ("patrol_report", N("vocab", "Patrol report")),
    ("other", N("vocab", "Other")),
)

INCIDENT_STATUS = vocab(
    "incident_status",
    ("open", N("vocab", "Open")),
    ("responding", N("vocab", "Responding")),
    ("contained", N("vocab", "Contained")),
    ("closed", N("vocab", "Closed")),
    ("voided", N("vocab", "Voided")),
)

SEVERITY = vocab(  # stored as integers 1-5; the keys here are their text form
    "severity",
    ("1", N("vocab", "1 - Minor")),
    ("2", N("vocab", "2 - Moderate")),
    ("3", N("vocab", "3 - Serious")),
    ("4", N("vocab", "4 - Severe")),
    ("5", N("vocab", "5 - Critical")),
)

ENTRY_KIND = vocab(
    "entry_kind",
    ("note", N("vocab", "Note")),
    ("status", N("vocab", "Status change")),
    ("assignment", N("vocab", "Unit assignment")),
    ("amendment", N("vocab", "Amendment")),
)

CONFLICT_STATUS = vocab(
    "conflict_status",
    ("open", N("vocab", "Open")),
    ("resolved", N("vocab", "Resolved")),
)

CONFLICT_RESOLUTION = vocab(
    "conflict_resolution",
    ("kept", N("vocab", "Kept the value that stands")),
    ("reapplied", N("vocab", "Re-applied the overwritten value")),
)

# -- joint operations (protocol revision 4) ------------------------------------------

# A value that is in several vocabularies reads the same in each (civil, military,
# closed, other): one word per value in both languages (tests/ui/test_labels.py).
AUTHORITY = vocab(
    "authority",
    ("civil", N("vocab", "Civil")),
    ("military", N("vocab", "Military")),
)

LEGAL_BASIS = vocab(
    "legal_basis",
    ("coordination_agreement", N("vocab", "Coordination agreement")),
    ("request_for_support", N("vocab", "Request for support")),
    ("emergency_declaration", N("vocab", "Emergency declaration")),
    ("other", N("vocab", "Other")),
)

OPERATION_STATUS = vocab(
    "operation_status",
    ("planned", N("vocab", "Planned")),
    ("active", N("vocab", "Active")),
    ("suspended", N("vocab", "Suspended")),
    ("closed", N("vocab", "Closed")),
)

ASSIGNMENT_ROLE = vocab(
    "assignment_role",
    ("cordon", N("vocab", "Cordon")),
    ("patrol", N("vocab", "Patrol")),
    ("escort", N("vocab", "Escort")),
    ("reserve", N("vocab", "Reserve")),
    ("command_post", N("vocab", "Command post")),
    ("other", N("vocab", "Other")),
)

HANDOVER_KIND = vocab(
    "handover_kind",
    ("handover", N("vocab", "Hand-over")),
    ("acknowledgement", N("vocab", "Acknowledgement")),
)

HANDOVER_SUBJECT = vocab(
    "handover_subject",
    ("unit", N("vocab", "Unit")),
    ("incident", N("vocab", "Incident")),
    ("scene", N("vocab", "Scene")),
)
# -- accountability records (sync.protocol.accountability, revision 4) --------------

DETENTION_ENTRY = vocab(
    "detention_entry",
    ("record", N("vocab", "Detention record")),
    ("handover", N("vocab", "Hand-over")),
    ("amendment", N("vocab", "Amendment")),
)

FORCE_ENTRY = vocab(
    "force_entry",
    ("report", N("vocab", "Use-of-force report")),
    ("amendment", N("vocab", "Amendment")),
)

# Grounds the Constitution (art. 16) and the Ley Nacional del Registro de Detenciones
# recognise for depriving someone of liberty.
LEGAL_GROUND = vocab(
    "legal_ground",
    ("warrant", N("vocab", "Arrest warrant")),
    ("flagrancy", N("vocab", "Caught in the act (flagrancy)")),
    ("urgent_case", N("vocab", "Urgent case")),
    ("administrative", N("vocab", "Administrative arrest")),
)

# Who a detained person is handed to (puesta a disposición).
CUSTODY_AUTHORITY = vocab(
    "custody_authority",
    ("federal_prosecutor", N("vocab", "Federal public prosecutor")),
    ("local_prosecutor", N("vocab", "State public prosecutor")),
    ("civic_judge", N("vocab", "Civic judge")),
)

SEX = vocab(
    "sex",
    ("female", N("vocab", "Female")),
    ("male", N("vocab", "Male")),
    ("not_recorded", N("vocab", "Not recorded")),
)

# The five levels of the Ley Nacional sobre el Uso de la Fuerza (art. 11), in order:
# level n is the n-th value (`force_level_number`).
FORCE_LEVEL = vocab(
    "force_level",
    ("presence", N("vocab", "1 - Presence of authority")),
    ("persuasion", N("vocab", "2 - Verbal persuasion or deterrence")),
    ("reduction", N("vocab", "3 - Physical reduction of movement")),
    ("less_lethal", N("vocab", "4 - Less-lethal incapacitating weapons")),
    ("lethal", N("vocab", "5 - Firearms or lethal force")),
)


def force_level_number(value: str | None) -> int | None:
    """1-5 for a level of force (None for none or an unknown one)."""
    return FORCE_LEVEL.values.index(value) + 1 if value in FORCE_LEVEL else None

# -- jurisdiction zones (protocol revision 5) -----------------------------------------

ZONE_LEVEL = vocab(
    "zone_level",
    ("municipal", N("vocab", "Municipal")),
    ("state", N("vocab", "State")),
    ("federal", N("vocab", "Federal")),
    ("military_region", N("vocab", "Military region")),
    ("military_zone", N("vocab", "Military zone")),
    ("other", N("vocab", "Other")),
)
