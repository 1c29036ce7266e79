"""Joint operations on the command line (issue 12): op create/set/join/leave/list, assign,
handover, handover ack and list, each going through the outbox like any local edit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.test_cli import run

AREA = ('{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": '
        '[[[-103.42, 20.62], [-103.28, 20.62], [-103.28, 20.74], [-103.42, 20.62]]]}}')


@pytest.fixture
def data(tmp_path: Path) -> Path:
    from fieldclient.demo import load_agencies
    from fieldclient.store.db import open_store

    st = open_store(tmp_path)
    load_agencies(st)
    st.close()
    return tmp_path


def _ok(data: Path, *args: str) -> str:
    r = run(data, "--lang", "en", *args)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_operation_assignments_and_handovers_from_the_command_line(data: Path) -> None:
    """Proves an operation is created with its area from GeoJSON, joined and left by
    agencies, a unit assigned and re-assigned (one assignment, edited) so `unit list` shows
    its operation and who commands it, a hand-over older than the site's threshold is
    listed OVERDUE until its acknowledgement, and every step queued one outbox row."""
    (data / "area.geojson").write_text(AREA, encoding="utf-8")
    start = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    _ok(data, "op", "create", "OP-JAL-01", "--name", "Guadalajara Segura", "--lead", "sedena",
        "--agencies", "pol-jal", "--authority", "military", "--legal-basis",
        "coordination_agreement", "--legal-ref", "Convenio 14/2026", "--starts",
        start, "--area", str(data / "area.geojson"), "--status", "active")
    assert "participants: pol-jal, mun-gdl" in _ok(data, "op", "join", "OP-JAL-01", "mun-gdl")
    assert "participants: pol-jal" in _ok(data, "op", "leave", "OP-JAL-01", "mun-gdl")
    (op,) = map(json.loads, _ok(data, "op", "list", "--json").splitlines())
    assert (op["code"], op["lead_agency"], op["agencies"]) == ("OP-JAL-01", "sedena", ["pol-jal"])

    _ok(data, "unit", "add", "JAGUAR 1", "--agency", "pol-jal", "--kind", "police",
        "--visibility", "operation", "--operation", "OP-JAL-01")
    _ok(data, "assign", "JAGUAR 1", "--operation", "OP-JAL-01", "--role", "patrol",
        "--commanding-agency", "pol-jal", "--from", start)
    assert "commanding_agency" in _ok(data, "assign", "JAGUAR 1", "--operation", "OP-JAL-01",
                                      "--commanding-agency", "sedena")
    units = {u["callsign"]: u for u in map(json.loads, _ok(data, "unit", "list", "--json")
                                           .splitlines())}
    jaguar = units["JAGUAR 1"]
    assert (jaguar["visibility"], jaguar["operation"], jaguar["role"],
            jaguar["commanding_agency"]) == ("operation", "OP-JAL-01", "patrol", "sedena")
    assert "OP-JAL-01\tsedena" in _ok(data, "unit", "list")

    long_ago = (datetime.now(UTC) - timedelta(minutes=45)).isoformat()
    handed = _ok(data, "handover", "--operation", "OP-JAL-01", "--unit", "JAGUAR 1",
                 "--from-agency", "pol-jal", "--to-agency", "sedena", "--at", long_ago,
                 "--reason", "Relevo").strip()
    (row,) = map(json.loads, _ok(data, "handover", "list", "--json").splitlines())
    assert (row["id"], row["what"], row["overdue"]) == (handed, "JAGUAR 1", True)
    assert "OVERDUE" in _ok(data, "handover", "list", "--operation", "OP-JAL-01")
    _ok(data, "handover", "ack", handed, "--to-person", "Cap. Ortega")
    (row,) = map(json.loads, _ok(data, "handover", "list", "--json").splitlines())
    assert row["acknowledged_at"] and not row["overdue"]

    from fieldclient.store import outbox
    from fieldclient.store.db import open_store

    st = open_store(data)
    with st.session() as s:
        assert outbox.counts(s).pending == 8  # op, 2 memberships, unit, 2 assign, 2 hand-overs
    st.close()


def test_bad_operation_input_on_the_command_line(data: Path) -> None:
    """Proves the command line refuses a crossing area, an area that is not GeoJSON, an end
    before the start and an unknown participant with exit 2 and the reason, queueing
    nothing."""
    base = ["op", "create", "OP-X", "--name", "X", "--lead", "sedena", "--authority", "civil",
            "--legal-basis", "other", "--starts", "2026-11-30T08:00Z"]
    for extra, words in (
            (["--area", "[[[0,0],[1,1],[1,0],[0,1],[0,0]]]"], "Area is not a valid polygon"),
            (["--area", "{nope"], "The area is not GeoJSON"),
            (["--ends", "2026-11-29T08:00Z"], "Ends at is before Starts at"),
            (["--agencies", "marina-x"], "“marina-x” is not an agency of this deployment")):
        r = run(data, "--lang", "en", *base, *extra)
        assert r.returncode == 2 and words in r.stderr, r.stderr
    assert _ok(data, "op", "list") == "code\tname\tlead\tagencies\tauthority\tstatus\tstarts_at\tends_at\n"
