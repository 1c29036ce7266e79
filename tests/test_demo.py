"""The demo deployment: realistic, fast enough, and idempotent."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from fieldclient.core.coords import format_mgrs
from fieldclient.demo import AGENCIES, load_demo
from fieldclient.store import queries as q
from fieldclient.store.db import Store, open_store
from tests.benchmarks.bulk import load_bulk


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    st = open_store(tmp_path / "data")
    yield st
    st.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, dict[str, int], float]]:
    st = open_store(tmp_path_factory.mktemp("demo"))
    t = time.perf_counter()
    added = load_demo(st)
    yield st, added, time.perf_counter() - t
    st.close()


def test_demo_loads_and_second_run_is_a_no_op(demo: tuple[Store, dict[str, int], float]) -> None:
    """Running the demo twice adds nothing the second time: same counts, no new outbox rows."""
    store, added, elapsed = demo
    with store.session() as s:
        first = q.counts(s)
    assert added["agency"] == 11 and 180 <= added["unit"] <= 220
    assert 45 <= added["incident"] <= 55 and added["position"] >= 3 * added["unit"]
    # One outbox row per record, plus one per status entry (it also changes the incident).
    assert first["outbox"] >= first["unit"] + first["position"] + first["incident"] + first[
        "incident_entry"]
    assert load_demo(store) == dict.fromkeys(added, 0)
    with store.session() as s:
        assert q.counts(s) == first
    assert elapsed < 15  # ~2 s on an idle 2-core machine; generous under shared load


def test_demo_content_is_realistic(demo: tuple[Store, dict[str, int], float]) -> None:
    """Agencies, chains of command, SIDCs, positions in the right states and an amendment."""
    store = demo[0]
    with store.session() as s:
        slugs = {a.id for a in q.agencies(s)}
        rows = q.roster_rows(s)
        incidents = q.incidents(s)
        amended = [e for i in incidents for e in q.incident_entries(s, i.id) if e.amended_by]
        outbox_entities = set(s.execute(text("SELECT DISTINCT entity FROM outbox")).scalars())
    assert slugs == {a for a, _, _ in AGENCIES}
    assert "agency" not in outbox_entities  # server-managed: never pushed
    assert outbox_entities == {"unit", "position", "incident", "incident_entry", "operation",
                               "assignment", "handover", "zone", "detention", "use_of_force"}
    by_id = {r[q.R_ID]: r for r in rows}
    assert all(r[q.R_PARENT_ID] in by_id for r in rows if r[q.R_PARENT_ID])
    assert sum(1 for r in rows if r[q.R_PARENT_ID]) > 150
    assert all(r[q.R_SIDC] and len(r[q.R_SIDC]) == 15 for r in rows)
    zones = {format_mgrs(r[q.R_LAT], r[q.R_LON])[:3] for r in rows}
    assert zones <= {"13Q", "14Q", "14R", "13R"}  # Jalisco, Guerrero, Nuevo León
    assert all(14 < r[q.R_LAT] < 27 and -106 < r[q.R_LON] < -99 for r in rows)
    assert amended, "the demo shows at least one amended entry"
    assert {r[q.R_STATUS] for r in rows} > {"available"}


def test_demo_ids_are_deterministic(
    demo: tuple[Store, dict[str, int], float], tmp_path: Path
) -> None:
    """A second fresh data folder gets the same ids and coordinates, so nothing drifts."""
    st = open_store(tmp_path)
    load_demo(st)
    with st.session() as s:
        other = sorted((r[q.R_ID], r[q.R_LAT]) for r in q.roster_rows(s))
    st.close()
    with demo[0].session() as s:
        assert sorted((r[q.R_ID], r[q.R_LAT]) for r in q.roster_rows(s)) == other


def test_load_bulk_writes_units_and_positions_without_outbox(store: Store) -> None:
    """Benchmark data: n units × k positions, latest position copied, no outbox rows."""
    load_bulk(store, 250, 4)
    with store.session() as s:
        counts = q.counts(s)
        rows = q.roster_rows(s)
        track = q.unit_track(s, rows[0][q.R_ID])
    assert (counts["unit"], counts["position"], counts["outbox"]) == (250, 1000, 0)
    assert track[0].observed_at == rows[0][q.R_OBSERVED_AT] and len(track) == 4


def test_load_agencies_alone_is_idempotent(store: Store) -> None:
    """The reference agencies can be loaded without the demo, once, with no outbox rows."""
    from fieldclient.demo import load_agencies

    assert load_agencies(store) == 11 and load_agencies(store) == 0
    with store.session() as s:
        assert q.counts(s)["outbox"] == 0 and q.counts(s)["unit"] == 0


def test_demo_holds_the_joint_operation_scenario(demo) -> None:  # type: ignore[no-untyped-def]
    """Proves the demo has issue 12's scenario: SEDENA leads an operation in Jalisco with the
    state and Guadalajara's police over a valid area, units of all three are assigned (the
    state police's under SEDENA's command), a state police unit and an incident are seen by
    the operation's agencies only, a scene handed from the state police to SEDENA is
    acknowledged, and a hand-over still waiting is overdue."""
    from fieldclient.core.timefmt import utcnow
    from fieldclient.store import operations
    from fieldclient.store.models import Incident, Unit

    store, _added, _elapsed = demo
    now = utcnow()
    with store.session() as s:
        (op,) = operations.operations(s)
        assert (op.code, op.lead_agency, op.agencies, op.authority) == (
            "OP-JAL-01", "sedena", ["pol-jal", "mun-gdl"], "military")
        command = {s.get(Unit, uid).agency: c.commanding_agency  # type: ignore[union-attr]
                   for uid, c in operations.current_assignments(s, now).items()}
        assert command == {"sedena": "sedena", "pol-jal": "sedena", "mun-gdl": "mun-gdl"}
        assert s.query(Unit).filter_by(visibility="operation", operation_id=op.id).count() == 1
        assert s.query(Incident).filter_by(visibility="operation", operation_id=op.id).count() == 1
        scene, patrol = operations.handovers(s, op.id)
        assert (scene.subject, scene.from_agency, scene.to_agency) == ("scene", "pol-jal", "sedena")
        assert scene.acknowledged_at is not None and scene.acknowledged_by == "demo"
        assert patrol.overdue(now, operations.ack_threshold(s))


def test_demo_holds_the_zones_scenario(demo) -> None:  # type: ignore[no-untyped-def]
    """Proves the demo's zones make issue 12's tagging scenario: the operation's incident is
    inside Guadalajara's municipal zone (and Jalisco's), and exactly one unit, a
    Guadalajara patrol reporting from Tlajomulco, is outside its jurisdiction."""
    from fieldclient.core.timefmt import utcnow
    from fieldclient.store import zones
    from fieldclient.store.models import Incident, Unit

    store, _added, _elapsed = demo
    index = zones.tagger(store).index()
    with store.session() as s:
        incident = s.query(Incident).filter(Incident.operation_id.is_not(None)).one()
        assert [(h.name, h.level) for h in index.at(incident.lon, incident.lat)] == [
            ("Guadalajara", "municipal"), ("Jalisco", "state")]
        (stray,) = zones.outside_jurisdiction(s, index, utcnow())
        unit = s.get(Unit, stray)
        assert unit is not None and unit.agency == "mun-gdl" and unit.pos_lat == 20.47


def test_demo_holds_the_accountability_scenario(demo) -> None:  # type: ignore[no-untyped-def]
    """Proves the demo holds issue 13's scenario inside the operation: two detentions by
    JAGUAR 1-1, one reduced by force (a level-3 report naming it, one injured, aid given)
    and handed over inside the warning threshold, the other still held past the alert
    threshold with its age amended; the oversight view lists the held one first."""
    from datetime import UTC, datetime

    from fieldclient.store import accountable

    store, _added, _elapsed = demo
    with store.session() as s:
        rows = accountable.oversight_rows(s, accountable.thresholds(store), datetime.now(UTC))
        held, handed = [r for r in rows if r.entity == "detention"]
        (report,) = [r for r in rows if r.entity == "use_of_force"]
        amended = accountable.summaries(s, "detention", ids=[held.id])[0]
    assert (held.state, held.open, held.unit) == ("alert", True, "JAGUAR 1-1")
    assert (handed.state, handed.open, handed.authority) == ("ok", False, "local_prosecutor")
    assert (report.level, report.injured, report.deaths) == ("reduction", 1, 0)
    assert amended.values["age"] == 33 and amended.amended == ("age",)
    assert held.operation_id == handed.operation_id == report.operation_id is not None
