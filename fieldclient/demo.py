"""The demo deployment.

``load_demo(store)`` fills a data folder with a realistic joint deployment in
Jalisco, Guerrero and Nuevo León: 11 agencies, about 200 units in chains of
command, tracks of several positions each, about 50 incidents with their
log entries (one of them amended), and one joint operation in Guadalajara with its
assignments and hand-overs of command (fieldclient/demo_operations.py).

Choices, and why:

- Agencies are server-managed reference data, so they are written straight to
  the agency table with no outbox row (a client never pushes agencies).
- Units, positions, incidents and entries go through ``LocalWriter`` like any
  user action, so the demo exercises the same validation, HLCs and outbox. They
  are therefore local changes waiting to be sent: **do not sign a demo data
  folder in to an operational server** (it would push the demo records); use a
  fresh data folder for real work.
- Every id is a uuid5 of a fixed name, and records that already exist are
  skipped, so running the loader again adds nothing (no records, no outbox rows).
- Times are laid out relative to the moment of the first load, so the roster
  looks live (some positions deliberately older than the 30-minute stale mark).
  The random layout uses a fixed seed, so coordinates are the same every time.
- It lives outside the store: it is a user of the write path, not part of storage.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from fieldclient.core.sidc import default_sidc
from fieldclient.demo_accountability import load_accountability
from fieldclient.demo_operations import load_operation, load_zones
from fieldclient.store import meta
from fieldclient.store.db import Store
from fieldclient.store.models import Agency, Incident, IncidentEntry, Position, Unit
from fieldclient.store.writer import LocalWriter

NAMESPACE = uuid.UUID("3b0c7f4e-9a51-4d67-8f0e-5d1e2a6c9b10")

AGENCIES: list[tuple[str, str, str]] = [
    ("sedena", "Secretaría de la Defensa Nacional (SEDENA)", "military"),
    ("semar", "Secretaría de Marina (SEMAR)", "military"),
    ("gn", "Guardia Nacional", "federal"),
    ("fgr", "Fiscalía General de la República (FGR)", "federal"),
    ("pol-jal", "Policía Estatal de Jalisco", "state"),
    ("pol-gro", "Policía Estatal de Guerrero", "state"),
    ("pol-nl", "Fuerza Civil de Nuevo León", "state"),
    ("mun-gdl", "Policía Municipal de Guadalajara", "municipal"),
    ("mun-aca", "Policía Municipal de Acapulco", "municipal"),
    ("mun-mty", "Policía Municipal de Monterrey", "municipal"),
    ("pc-jal", "Protección Civil Jalisco", "civil"),
]
_AGENCY_KIND = {slug: kind for slug, _, kind in AGENCIES}

# Places (lat, lon, spread in degrees) where units operate.
PLACES: dict[str, tuple[float, float, float]] = {
    "gdl": (20.6767, -103.3475, 0.08),  # Guadalajara
    "zap": (20.7214, -103.3918, 0.05),  # Zapopan
    "tlq": (20.6406, -103.2936, 0.04),  # Tlaquepaque
    "lagos": (21.3564, -101.9292, 0.05),  # Lagos de Moreno
    "pv": (20.6534, -105.2253, 0.04),  # Puerto Vallarta (land)
    "pv-bay": (20.6500, -105.3200, 0.05),  # Bahía de Banderas (sea)
    "aca": (16.8634, -99.8901, 0.05),  # Acapulco
    "aca-bay": (16.8000, -99.9100, 0.03),  # off Acapulco (sea)
    "chil": (17.5515, -99.5006, 0.05),  # Chilpancingo
    "igu": (18.3448, -99.5391, 0.05),  # Iguala
    "alt": (18.3580, -100.6668, 0.06),  # Ciudad Altamirano (Tierra Caliente)
    "mty": (25.6866, -100.3161, 0.07),  # Monterrey
    "esc": (25.7906, -100.3138, 0.04),  # General Escobedo
    "apo": (25.7817, -100.1880, 0.04),  # Apodaca
}


@dataclass
class _UnitSpec:
    callsign: str
    name: str
    agency: str
    kind: str
    echelon: str
    place: str
    parent: str | None
    strength: int
    status: str = "available"


def _uid(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def _tree(
    agency: str,
    word: str,
    hq_name: str,
    place: str,
    levels: list[tuple[int, str, str, str, int]],
    out: list[_UnitSpec],
    hq_echelon: str = "brigade",
) -> None:
    """A headquarters with nested subordinates. ``levels``: (count, kind, echelon,
    name pattern with {n} and {parent}, strength) from the top down; callsigns
    follow radio practice: WORD, WORD 1, WORD 1-2, WORD 1-2-3."""
    top = _UnitSpec(word, hq_name, agency, "command", hq_echelon, place, None, 40)
    out.append(top)
    parents = [top]
    for count, kind, echelon, pattern, strength in levels:
        children = []
        for p in parents:
            for n in range(1, count + 1):
                suffix = f"{n}" if p is top else f"{p.callsign[len(word) + 1:]}-{n}"
                spec = _UnitSpec(
                    f"{word} {suffix}",
                    pattern.format(n=n, parent=p.name),
                    agency,
                    kind,
                    echelon,
                    p.place,
                    p.callsign,
                    strength,
                )
                out.append(spec)
                children.append(spec)
        parents = children


def _units() -> list[_UnitSpec]:
    u: list[_UnitSpec] = []
    # SEDENA: one military zone per state, an infantry battalion, companies, platoons.
    for word, zone, battalion, place in (
        ("JAGUAR", "15/a. Zona Militar", "79/o. Batallón de Infantería", "zap"),
        ("HALCON", "35/a. Zona Militar", "50/o. Batallón de Infantería", "chil"),
        ("COYOTE", "7/a. Zona Militar", "22/o. Batallón de Infantería", "esc"),
    ):
        _tree("sedena", word, zone, place, [
            (1, "infantry", "battalion", battalion, 600),
            (3, "infantry", "company", "{n}/a. Compañía de Fusileros", 120),
            (2, "motorized", "platoon", "{n}/o. Pelotón motorizado", 30),
        ], u)
    # SEMAR: naval region at Acapulco, naval sector at Puerto Vallarta.
    _tree("semar", "TRITON", "8/a. Región Naval", "aca", [
        (1, "marines", "battalion", "Batallón de Infantería de Marina No. 8", 450),
        (3, "marines", "company", "{n}/a. Compañía de Infantería de Marina", 110),
        (2, "marines", "platoon", "{n}/o. Pelotón de Infantería de Marina", 28),
    ], u)
    for n in range(1, 4):
        u.append(_UnitSpec(f"TRITON P-{n}", f"Patrulla interceptora {n}", "semar", "naval",
                           "section", "aca-bay", "TRITON", 8))
    _tree("semar", "DELFIN", "Sector Naval de Puerto Vallarta", "pv", [
        (1, "marines", "company", "Compañía de Infantería de Marina Vallarta", 100),
        (2, "marines", "platoon", "{n}/o. Pelotón", 28),
    ], u, hq_echelon="battalion")
    for n in range(1, 3):
        u.append(_UnitSpec(f"DELFIN P-{n}", f"Patrulla costera {n}", "semar", "naval",
                           "section", "pv-bay", "DELFIN", 8))
    # Guardia Nacional: one coordination per state, companies and sections.
    for word, state, place in (("CONDOR", "Jalisco", "tlq"), ("CENTAURO", "Guerrero", "igu"),
                               ("PUMA", "Nuevo León", "apo")):
        _tree("gn", word, f"Coordinación Estatal GN {state}", place, [
            (3, "police", "company", "{n}/a. Compañía GN", 110),
            (2, "police", "section", "{n}/a. Sección", 25),
        ], u, hq_echelon="battalion")
    # FGR: investigation teams.
    for word, state, place in (("FENIX", "Jalisco", "gdl"), ("ORCA", "Guerrero", "aca"),
                               ("BISONTE", "Nuevo León", "mty")):
        _tree("fgr", word, f"Delegación FGR {state}", place, [
            (3, "investigation", "team", "Célula de investigación {n}", 6),
        ], u, hq_echelon="none")
    # State police: regional groups and patrols (Guerrero's in Tierra Caliente too).
    _tree("pol-jal", "ESCUDO", "Comisaría de Seguridad Pública del Estado", "gdl", [
        (3, "police", "company", "Agrupamiento regional {n}", 80),
        (4, "police", "squad", "Patrulla {n}", 4),
    ], u, hq_echelon="regiment")
    _tree("pol-gro", "AGUILA", "Secretaría de Seguridad Pública de Guerrero", "chil", [
        (3, "police", "company", "Agrupamiento regional {n}", 80),
        (4, "police", "squad", "Patrulla {n}", 4),
    ], u, hq_echelon="regiment")
    _tree("pol-nl", "FUERZA", "Fuerza Civil", "mty", [
        (3, "police", "company", "División {n}", 90),
        (4, "police", "squad", "Unidad {n}", 4),
    ], u, hq_echelon="regiment")
    # Municipal police: sectors and patrol cars.
    for agency, word, hq, place, sectors, cars in (
        ("mun-gdl", "TAPATIO", "Comisaría de la Policía de Guadalajara", "gdl", 2, 6),
        ("mun-aca", "BAHIA", "Secretaría de Seguridad Pública de Acapulco", "aca", 2, 5),
        ("mun-mty", "REGIO", "Secretaría de Seguridad de Monterrey", "mty", 2, 6),
    ):
        _tree(agency, word, hq, place, [
            (sectors, "police", "company", "Sector {n}", 60),
            (cars, "police", "team", "Patrulla {n}", 2),
        ], u, hq_echelon="battalion")
    # Civil protection: rescue and medical teams.
    _tree("pc-jal", "ALERTA", "Unidad Estatal de Protección Civil y Bomberos", "gdl", [
        (4, "civil_protection", "team", "Grupo de rescate {n}", 8),
    ], u, hq_echelon="company")
    for n in range(1, 3):
        u.append(_UnitSpec(f"ALERTA M-{n}", f"Ambulancia {n}", "pc-jal", "medical", "team",
                           "gdl", "ALERTA", 3))
    # A few units away from home and a few not available, so filters show something.
    statuses = ["assigned", "engaged", "returning", "out_of_service"]
    for i, spec in enumerate(u):
        if i % 7 == 3:
            spec.status = statuses[(i // 7) % len(statuses)]
    for spec in u:
        if spec.callsign.startswith("AGUILA 3"):
            spec.place = "alt"
    return u


def _jitter(rng: random.Random, place: str) -> tuple[float, float]:
    lat, lon, spread = PLACES[place]
    return lat + rng.uniform(-spread, spread), lon + rng.uniform(-spread, spread)


INCIDENT_TEMPLATES: list[tuple[str, str, int, str]] = [
    ("Bloqueo carretero con vehículos incendiados", "blockade", 4, "pol-jal"),
    ("Enfrentamiento armado en brecha", "armed_attack", 5, "sedena"),
    ("Aseguramiento de arsenal en domicilio", "arms_seizure", 3, "fgr"),
    ("Aseguramiento de narcóticos en retén", "drug_seizure", 3, "gn"),
    ("Privación ilegal de la libertad reportada al 911", "kidnapping", 5, "pol-gro"),
    ("Robo a transporte de carga", "robbery", 3, "gn"),
    ("Extorsión a comerciantes del mercado", "extortion", 2, "mun-aca"),
    ("Homicidio en vía pública", "homicide", 4, "mun-gdl"),
    ("Detención en flagrancia por portación de arma", "detention", 2, "mun-mty"),
    ("Riña con lesionados a las afueras de bar", "disturbance", 2, "mun-mty"),
    ("Volcadura de tractocamión", "accident", 2, "pc-jal"),
    ("Incendio forestal", "fire", 3, "pc-jal"),
    ("Inundación por lluvias intensas", "natural_disaster", 4, "pc-jal"),
    ("Persona desaparecida reportada por familiares", "missing_person", 3, "fgr"),
    ("Recorrido de vigilancia sin novedad", "patrol_report", 1, "semar"),
    ("Embarcación sospechosa frente a la costa", "other", 3, "semar"),
    ("Quema de vehículos en zona urbana", "disturbance", 4, "pol-nl"),
    ("Ataque a instalaciones de seguridad pública", "armed_attack", 5, "pol-gro"),
]
INCIDENT_PLACES = ["gdl", "zap", "tlq", "lagos", "pv", "aca", "chil", "igu", "alt", "mty",
                   "esc", "apo"]
_PLACE_AGENCIES = {
    "gdl": ["pol-jal", "mun-gdl", "gn"], "zap": ["pol-jal", "sedena"], "tlq": ["gn", "pol-jal"],
    "lagos": ["sedena", "pol-jal"], "pv": ["semar", "pol-jal"], "aca": ["semar", "mun-aca", "gn"],
    "chil": ["pol-gro", "sedena"], "igu": ["gn", "pol-gro"], "alt": ["sedena", "pol-gro"],
    "mty": ["pol-nl", "mun-mty"], "esc": ["sedena", "pol-nl"], "apo": ["gn", "pol-nl"],
}
_NOTES = [
    "Se despliegan unidades al punto; se establece perímetro de seguridad.",
    "Se solicita apoyo aéreo para reconocimiento de la zona.",
    "Personal reporta saldo blanco entre la población civil.",
    "Se da vista al Ministerio Público; cadena de custodia iniciada.",
    "Tránsito desviado por la carretera libre; se informa a Protección Civil.",
    "Se coordina con autoridades municipales el cierre de vialidades.",
]


def load_agencies(store: Store) -> int:
    """Write the reference agencies of a Mexican joint deployment (the demo's 11) that are
    missing; returns how many were added. Agencies are server-managed reference data: no
    outbox rows. A laptop that starts empty (no demo, no server yet) can call this so the
    unit form has agencies to choose from; a later sync overwrites them with the server's."""
    with store.transaction() as s:
        have = set(s.execute(select(Agency.id)).scalars())
        new = [Agency(id=a, name=n, kind=k, field_hlcs={}) for a, n, k in AGENCIES if a not in have]
        s.add_all(new)
    return len(new)


def load_demo(store: Store, now: datetime | None = None) -> dict[str, int]:
    """Load the demo deployment; returns how many records of each kind were added
    (all zero when it was already loaded). Safe to run any number of times."""
    writer = LocalWriter(store, actor="demo")
    added = {"agency": load_agencies(store), "unit": 0, "position": 0, "incident": 0,
             "incident_entry": 0}
    # The first load fixes the time base, so later runs lay out the same times.
    base_text = store.get_meta(meta.DEMO_LOADED)
    if base_text is None:
        base = (now or datetime.now(UTC)).replace(microsecond=0)
        store.set_meta(meta.DEMO_LOADED, base.isoformat())
    else:
        base = datetime.fromisoformat(base_text)
    with store.session() as s:
        have_units = set(s.execute(select(Unit.id)).scalars())
        have_pos = set(s.execute(select(Position.id)).scalars())
        have_inc = set(s.execute(select(Incident.id)).scalars())
        have_entries = set(s.execute(select(IncidentEntry.id)).scalars())
    rng = random.Random(20261129)
    specs = _units()
    ids = {spec.callsign: _uid("unit", spec.callsign) for spec in specs}
    for spec in specs:
        uid = ids[spec.callsign]
        if uid not in have_units:
            writer.create_unit(
                {
                    "callsign": spec.callsign,
                    "name": spec.name,
                    "agency": spec.agency,
                    "kind": spec.kind,
                    "echelon": spec.echelon,
                    "sidc": default_sidc(_AGENCY_KIND[spec.agency], spec.kind, spec.echelon),
                    "parent_id": ids[spec.parent] if spec.parent else None,
                    "strength": spec.strength,
                    "status": spec.status,
                    "visibility": "agency" if spec.agency == "fgr" else "shared",
                },
                unit_id=uid,
            )
            added["unit"] += 1
        added["position"] += _write_track(writer, rng, spec, uid, base, have_pos)
    added["incident"], added["incident_entry"] = _write_incidents(
        writer, rng, ids, base, have_inc, have_entries
    )
    for kind, n in [*load_operation(writer, _uid, ids, base).items(),
                    *load_zones(writer, _uid, ids, base).items(),
                    *load_accountability(writer, _uid, ids, base).items()]:
        added[kind] = added.get(kind, 0) + n
    return added


def _write_track(
    writer: LocalWriter,
    rng: random.Random,
    spec: _UnitSpec,
    uid: str,
    base: datetime,
    have: set[str],
) -> int:
    # rng is consumed identically on every run, so coordinates never drift between runs.
    n = rng.randint(3, 6)
    lat, lon = _jitter(rng, spec.place)
    heading_lat, heading_lon = rng.uniform(-0.004, 0.004), rng.uniform(-0.004, 0.004)
    last_age = timedelta(minutes=rng.choice([2, 5, 9, 14, 22, 28, 45, 75, 130]))
    step = timedelta(minutes=rng.choice([10, 15, 20, 30]))
    sources = ["gps"] * 4 + ["radio", "relay", "manual"]
    added = 0
    for i in range(n):
        observed = base - last_age - step * (n - 1 - i)
        p_lat, p_lon = lat + heading_lat * i, lon + heading_lon * i
        source = rng.choice(sources)
        accuracy = round(rng.uniform(3, 15), 1) if source == "gps" else 100.0
        pid = _uid("position", f"{spec.callsign}:{i}")
        if pid in have:
            continue
        writer.log_position(
            uid, round(p_lat, 6), round(p_lon, 6), observed_at=observed, source=source,
            accuracy_m=accuracy, position_id=pid,
        )
        added += 1
    return added


def _write_incidents(
    writer: LocalWriter,
    rng: random.Random,
    unit_ids: dict[str, str],
    base: datetime,
    have_inc: set[str],
    have_entries: set[str],
) -> tuple[int, int]:
    callsigns = sorted(unit_ids)
    n_inc = n_entries = 0
    for k in range(50):
        title, kind, severity, agency = INCIDENT_TEMPLATES[k % len(INCIDENT_TEMPLATES)]
        place = INCIDENT_PLACES[(k * 5) % len(INCIDENT_PLACES)]
        lat, lon = _jitter(rng, place)
        occurred = base - timedelta(minutes=20 + k * 83 + rng.randint(0, 40))
        status = ["open", "responding", "contained", "closed"][(k * 3) % 4]
        involved = [a for a in _PLACE_AGENCIES[place] if a != agency][:2]
        iid = _uid("incident", str(k))
        entry_plan = _entry_plan(rng, k, status, callsigns)
        if iid not in have_inc:
            writer.create_incident(
                {
                    "title": title,
                    "kind": kind,
                    "severity": severity,
                    "status": "open",
                    "lat": round(lat, 6),
                    "lon": round(lon, 6),
                    "occurred_at": occurred.isoformat(),
                    "agency": agency,
                    "agencies": involved,
                    "visibility": "agency" if agency == "fgr" else "shared",
                },
                incident_id=iid,
            )
            n_inc += 1
        for j, (ekind, body, extra) in enumerate(entry_plan):
            eid = _uid("entry", f"{k}:{j}")
            if eid in have_entries:
                continue
            amends = _uid("entry", f"{k}:{extra['amends']}") if "amends" in extra else None
            writer.add_entry(
                iid,
                ekind,
                body,
                amends=amends,
                unit_id=unit_ids[extra["unit"]] if "unit" in extra else None,
                status=extra.get("status"),
                entry_id=eid,
                created_at=occurred + timedelta(minutes=2 + 3 * j),
            )
            n_entries += 1
    return n_inc, n_entries


def _entry_plan(
    rng: random.Random, k: int, status: str, callsigns: list[str]
) -> list[tuple[str, str, dict[str, Any]]]:
    plan: list[tuple[str, str, dict[str, Any]]] = [
        ("note", "Reporte inicial recibido vía C5; se verifica información.", {}),
    ]
    unit = callsigns[rng.randrange(len(callsigns))]
    plan.append(("assignment", f"Se asigna a {unit} para atender el reporte.", {"unit": unit}))
    plan.append(("note", rng.choice(_NOTES), {}))
    if k % 10 == 0:
        plan.append(("note", "Se reportan 3 lesionados trasladados al hospital general.", {}))
        plan.append((
            "amendment",
            "Corrección: son 2 lesionados, no 3; el tercero fue atendido en el lugar.",
            {"amends": len(plan) - 1},
        ))
    if status != "open":
        words = {"responding": "en atención", "contained": "controlado", "closed": "cerrado"}
        plan.append(("status", f"Cambio de estado: {words[status]}.", {"status": status}))
    return plan
