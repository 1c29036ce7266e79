"""The demo's accountability records (issue 13's scenario), inside the demo operation
(fieldclient/demo_operations.py): SEDENA's JAGUAR 1-1 detains two people at the blockade.
One resisted and was reduced physically (force level 3, one person injured, first aid
given): the use-of-force report names that detention, and the person was handed to the
state public prosecutor 50 minutes later, inside the warning threshold. The other is
still in custody four hours on (red on the custody clock), and the commander corrected
their age with a reason (an amendment beside the original).

The people are invented. Written through `LocalWriter` with fixed ids, so loading again
adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from fieldclient.store import accountable
from fieldclient.store.writer import LocalWriter

BLOCKADE = (20.6598, -103.4012)  # lat, lon: the operation's incident


def load_accountability(writer: LocalWriter, uid: Callable[[str, str], str],
                        units: dict[str, str], base: datetime) -> dict[str, int]:
    """Write the demo's detentions, hand-over, amendment and use-of-force report (missing
    ones only); returns how many records of each kind were added."""
    unit = units["JAGUAR 1-1"]
    links = {"agency": "sedena", "unit_id": unit, "incident_id": uid("incident", "operation"),
             "operation_id": uid("operation", "OP-JAL-01")}
    place = {"lat": BLOCKADE[0], "lon": BLOCKADE[1],
             "address": "Av. López Mateos y Av. Vallarta, Guadalajara, Jal."}
    officers = "Cap. L. Ortega; Sgto. M. Vega (JAGUAR 1-1, SEDENA)"
    plan: list[tuple[str, str, dict[str, object]]] = [
        ("detention", "reduced", {
            "kind": "record", **links, **place, "person_name": "Jorge Ramírez Solís",
            "age": 24, "sex": "male", "injuries": "Raspón en el antebrazo izquierdo",
            "detained_at": base - timedelta(minutes=90), "legal_ground": "flagrancy",
            "motive": "Lanzó objetos incendiarios contra los elementos en el bloqueo",
            "officers": officers, "force_used": True, "relative_notified": True,
            "notified_person": "Rosa Solís (madre)", "belongings": "Teléfono, cartera"}),
        ("use_of_force", "reduced", {
            "kind": "report", **links, **place, "officers": officers,
            "occurred_at": base - timedelta(minutes=91), "level": "reduction",
            "means": "Sujeción y candados de mano", "people_affected": 1, "injured": 1,
            "deaths": 0, "injury_details": "Raspón en el antebrazo izquierdo",
            "medical_aid": True, "medical_aid_at": base - timedelta(minutes=80),
            "medical_aid_by": "Paramédico de la Cruz Roja",
            "circumstances": "Se resistió al aseguramiento y siguió lanzando objetos",
            "necessity": "Detener la agresión contra los elementos y terceros"}),
        ("detention", "reduced-handover", {
            "kind": "handover", "agency": "sedena", "authority": "local_prosecutor",
            "handed_over_at": base - timedelta(minutes=40)}),
        ("detention", "held", {
            "kind": "record", **links, **place, "person_name": "Martín Ochoa Delgado",
            "age": 30, "sex": "male", "detained_at": base - timedelta(hours=4),
            "legal_ground": "flagrancy", "motive": "Portaba un arma de fuego sin licencia",
            "officers": officers, "force_used": False, "relative_notified": False,
            "belongings": "Pistola calibre .380, dos cargadores"}),
        ("detention", "held-age", {
            "kind": "amendment", "agency": "sedena", "age": 33,
            "amend_reason": "Edad según su credencial del INE"}),
    ]
    originals = {"reduced-handover": "reduced", "held-age": "held"}
    added = {"detention": 0, "use_of_force": 0}
    for entity, key, fields in plan:
        rid = uid(entity, key)
        with writer.store.session() as s:
            if s.get(accountable.MODELS[entity], rid) is not None:
                continue
        if key in originals:
            fields = {**fields, "amends": uid("detention", originals[key])}
        if entity == "use_of_force":
            fields = {**fields, "detention_id": uid("detention", "reduced")}
        writer.append_record(entity, fields, record_id=rid)
        added[entity] += 1
    return added
