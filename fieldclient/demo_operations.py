"""The demo's joint operation (issue 12's scenario): SEDENA leads "Operativo Guadalajara
Segura" with the state police of Jalisco and Guadalajara's municipal police, under a
coordination agreement and military command, over an area around Guadalajara. Units of
all three are assigned (the state police's under SEDENA's command), one state police
unit and one incident are seen by the operation's agencies only, command of a scene
passes from the state police to SEDENA and is acknowledged, and a municipal patrol
handed over fifty minutes ago still waits for its acknowledgement (flagged).
Jurisdiction zones (`load_zones`): Guadalajara's municipality (its police's territory,
where the operation's incident is) and the state of Jalisco (the state police's), drawn
roughly; a Guadalajara patrol assigned to the operation reports from Tlajomulco, outside
both its zone and the operation's area, and is flagged outside its jurisdiction (on the
roster, the map and the operation's SITREP).

Written through `LocalWriter` like the rest of the demo (fieldclient/demo.py), with
fixed ids so loading again adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from fieldclient.store.models import Assignment, Handover, Incident, Operation, Zone
from fieldclient.store.operations import assignment_id
from fieldclient.store.writer import LocalWriter

# Guadalajara, Zapopan and Tlaquepaque, roughly (lon, lat; the first point repeated)
AREA = [[[-103.46, 20.60], [-103.25, 20.60], [-103.25, 20.78], [-103.46, 20.78],
         [-103.46, 20.60]]]
CODE = "OP-JAL-01"
# callsign -> (role, commanding agency)
ASSIGNED = {
    "JAGUAR 1": ("command_post", "sedena"),
    "JAGUAR 1-1": ("cordon", "sedena"),
    "ESCUDO 1": ("patrol", "sedena"),
    "ESCUDO 1-1": ("cordon", "sedena"),
    "TAPATIO 1": ("patrol", "mun-gdl"),
    "TAPATIO 1-1": ("escort", "mun-gdl"),
}


def load_operation(writer: LocalWriter, uid: Callable[[str, str], str], units: dict[str, str],
                   base: datetime) -> dict[str, int]:
    """Write the demo operation and what belongs to it (missing parts only); returns how
    many records of each kind were added."""
    added = {"operation": 0, "assignment": 0, "handover": 0, "incident": 0}
    store = writer.store
    op = uid("operation", CODE)
    with store.session() as s:
        have_op = s.get(Operation, op) is not None
        have_handovers = set(s.scalars(select(Handover.id)))
        have_incident = s.get(Incident, uid("incident", "operation")) is not None
    if not have_op:
        writer.create_record("operation", {
            "code": CODE, "name": "Operativo Guadalajara Segura", "lead_agency": "sedena",
            "agencies": ["pol-jal", "mun-gdl"], "authority": "military",
            "legal_basis": "coordination_agreement",
            "legal_reference": "Convenio de coordinación SEDENA–Gobierno de Jalisco 14/2026",
            "area": AREA, "starts_at": base - timedelta(days=1), "status": "active",
            "instructions": "Uso de la fuerza conforme a la Ley Nacional sobre el Uso de la "
                            "Fuerza; personas detenidas a disposición de la Fiscalía del "
                            "Estado; enlace por radio en el canal 4.",
        }, record_id=op)
        added["operation"] += 1
        # one state police unit seen by the operation's agencies only
        writer.update_unit(units["ESCUDO 1-1"], {"visibility": "operation", "operation_id": op})
    for callsign, (role, commanding) in ASSIGNED.items():
        aid = assignment_id(op, units[callsign])
        with store.session() as s:
            if s.get(Assignment, aid) is not None:
                continue
        writer.create_record("assignment", {
            "operation_id": op, "unit_id": units[callsign], "role": role,
            "commanding_agency": commanding, "starts_at": base - timedelta(hours=20)},
            record_id=aid)
        added["assignment"] += 1
    if not have_incident:
        writer.create_incident({
            "title": "Bloqueo con vehículos incendiados en Av. López Mateos",
            "kind": "blockade", "severity": 4, "status": "responding",
            "lat": 20.6598, "lon": -103.4012, "occurred_at": base - timedelta(minutes=95),
            "agency": "pol-jal", "agencies": ["sedena", "mun-gdl"],
            "visibility": "operation", "operation_id": op,
        }, incident_id=uid("incident", "operation"))
        added["incident"] += 1
    plan = [
        ("scene", {"subject": "scene", "scene": "Cruce Av. López Mateos y Av. Vallarta",
                   "lat": 20.6598, "lon": -103.4012, "from_agency": "pol-jal",
                   "from_person": "Cmdte. R. Ruiz (ESCUDO 1)", "to_agency": "sedena",
                   "to_person": "Cap. L. Ortega (JAGUAR 1-1)",
                   "reason": "Agresión con armas de fuego: el mando pasa a SEDENA.",
                   "at": base - timedelta(minutes=80)}),
        ("scene-ack", {"kind": "acknowledgement", "acknowledges": uid("handover", "scene"),
                       "to_person": "Cap. L. Ortega (JAGUAR 1-1)",
                       "at": base - timedelta(minutes=74)}),
        ("patrol", {"subject": "unit", "unit_id": units["TAPATIO 1-1"], "from_agency": "mun-gdl",
                    "to_agency": "sedena", "reason": "Escolta del convoy de traslado.",
                    "at": base - timedelta(minutes=50)}),
    ]
    for key, fields in plan:
        hid = uid("handover", key)
        if hid not in have_handovers:
            writer.hand_over({"operation_id": op, **fields}, handover_id=hid)
            added["handover"] += 1
    return added


# Rough outlines (lon, lat), not official boundaries: `fieldclient zone import` takes
# INEGI's Marco Geoestadístico for those (docs/client.md).
ZONES = {
    "Guadalajara": ("mun-gdl", "municipal",
                    [[[[-103.47, 20.55], [-103.22, 20.55], [-103.22, 20.80], [-103.47, 20.80],
                       [-103.47, 20.55]]]]),
    "Jalisco": ("pol-jal", "state",
                [[[[-105.70, 18.90], [-101.50, 18.90], [-101.50, 22.75], [-105.70, 22.75],
                   [-105.70, 18.90]]]]),
}
TLAJOMULCO = (20.47, -103.44)  # lat, lon: south of Guadalajara, outside the operation


def load_zones(writer: LocalWriter, uid: Callable[[str, str], str], units: dict[str, str],
               base: datetime) -> dict[str, int]:
    """Write the demo's zones and the stray patrol's report (when the zones are new);
    returns how many records of each kind were added."""
    added = {"zone": 0, "position": 0}
    with writer.store.session() as s:
        missing = [name for name in ZONES if s.get(Zone, uid("zone", name)) is None]
    for name in missing:
        agency, level, geometry = ZONES[name]
        writer.create_record("zone", {"name": name, "agency": agency, "level": level,
                                      "geometry": geometry}, record_id=uid("zone", name))
        added["zone"] += 1
    stray = sorted(c for c in units if c.startswith("TAPATIO") and c not in ASSIGNED)
    if missing and stray:
        writer.log_position(units[stray[-1]], *TLAJOMULCO, observed_at=base,
                            note="Apoyo a Tlajomulco sin orden de operativo.")
        added["position"] += 1
        op = uid("operation", CODE)
        aid = assignment_id(op, units[stray[-1]])
        with writer.store.session() as s:
            assigned = s.get(Assignment, aid) is not None
        if not assigned:
            writer.create_record("assignment", {
                "operation_id": op, "unit_id": units[stray[-1]], "role": "patrol",
                "commanding_agency": "mun-gdl", "starts_at": base - timedelta(hours=20)},
                record_id=aid)
            added["assignment"] = 1
    return added
