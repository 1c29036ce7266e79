"""The operation report (SITREP, issue 12 item 8): the data as it stood at the chosen time,
its three formats, the need-to-know rule of issue 13 (detentions as counts only) and bad
input (clear message, nothing written)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldclient.core.errors import InvalidInput, NotFound
from fieldclient.report import sitrep, tables
from fieldclient.store.db import Store, open_store
from fieldclient.store.writer import LocalWriter
from tests.test_cli import run

MARKER = "ZZMARKERNOMBRE"  # a detained person's name: must appear in no report
AREA = [[[-103.46, 20.60], [-103.25, 20.60], [-103.25, 20.78], [-103.46, 20.78],
         [-103.46, 20.60]]]
GDL = [[[[-103.47, 20.55], [-103.22, 20.55], [-103.22, 20.80], [-103.47, 20.80],
          [-103.47, 20.55]]]]
JAL = [[[[-104.5, 19.8], [-102.5, 19.8], [-102.5, 21.5], [-104.5, 21.5], [-104.5, 19.8]]]]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """An operation seen 2 h ago (`at`), with records before and after that moment."""
    from fieldclient.demo import load_agencies

    store = open_store(tmp_path / "data")
    load_agencies(store)
    w = LocalWriter(store)
    now = datetime.now(UTC).replace(microsecond=0)
    at = now - timedelta(hours=2)
    op = w.create_record("operation", {
        "code": "OP-T", "name": "Operativo Prueba", "lead_agency": "sedena",
        "agencies": ["pol-jal", "mun-gdl"], "authority": "military",
        "legal_basis": "coordination_agreement", "legal_reference": "Convenio 14/2026",
        "area": AREA, "starts_at": now - timedelta(days=1), "status": "active",
        "instructions": "Uso de la fuerza conforme a la LNUF."})
    w.create_record("zone", {"name": "Guadalajara", "agency": "mun-gdl", "level": "municipal",
                             "geometry": GDL})
    w.create_record("zone", {"name": "Jalisco", "agency": "pol-jal", "level": "state",
                             "geometry": JAL})
    units = {}
    for callsign, agency, role, commanding in (
            ("JAGUAR 1", "sedena", "command_post", "sedena"),
            ("ESCUDO 1", "pol-jal", "cordon", "sedena"),
            ("ESCUDO 2", "pol-jal", "patrol", "pol-jal"),
            ("TAPATIO 9", "mun-gdl", "patrol", "mun-gdl")):
        uid = w.create_unit({"callsign": callsign, "agency": agency, "kind": "police"})
        units[callsign] = uid
        ends = now - timedelta(hours=3) if callsign == "TAPATIO 9" else None  # left before
        w.create_record("assignment", {"operation_id": op, "unit_id": uid, "role": role,
                                       "commanding_agency": commanding,
                                       "starts_at": now - timedelta(hours=20), "ends_at": ends})
    w.log_position(units["JAGUAR 1"], 20.70, -103.35, observed_at=at - timedelta(minutes=30))
    w.log_position(units["JAGUAR 1"], 20.75, -103.30, observed_at=now - timedelta(hours=1))
    w.log_position(units["ESCUDO 1"], 20.65, -103.40, observed_at=at - timedelta(minutes=5))
    # ESCUDO 2 strays to Colima (outside Jalisco and the area) before `at`, back after it
    w.log_position(units["ESCUDO 2"], 19.24, -103.72, observed_at=at - timedelta(minutes=10))
    w.log_position(units["ESCUDO 2"], 20.66, -103.36, observed_at=now - timedelta(minutes=30))
    inc = {}
    for key, title, when, extra in (
            ("blockade", "Bloqueo en López Mateos", at - timedelta(hours=3),
             {"operation_id": op}),
            ("robbery", "Robo a transporte", at - timedelta(hours=4), {}),  # in the area
            ("later", "Incendio posterior", now - timedelta(minutes=20), {"operation_id": op}),
            ("away", "Accidente en Colima", at - timedelta(hours=1), {})):
        lat, lon = (19.24, -103.72) if key == "away" else (20.6598, -103.4012)
        inc[key] = w.create_incident({"title": title, "kind": "other", "severity": 3,
                                      "occurred_at": when, "agency": "pol-jal", "lat": lat,
                                      "lon": lon, **extra})
    w.add_entry(inc["robbery"], "status", "Cerrado", status="closed",
                created_at=at - timedelta(hours=1))
    w.add_entry(inc["blockade"], "status", "Cerrado", status="closed",
                created_at=now - timedelta(minutes=10))  # after `at`: still open then
    scene = w.hand_over({"operation_id": op, "subject": "scene", "scene": "Cruce Vallarta",
                         "from_agency": "pol-jal", "to_agency": "sedena",
                         "at": at - timedelta(minutes=90)})
    w.hand_over({"operation_id": op, "kind": "acknowledgement", "acknowledges": scene,
                 "at": at - timedelta(minutes=80)})
    late = w.hand_over({"operation_id": op, "subject": "unit", "unit_id": units["ESCUDO 1"],
                        "from_agency": "pol-jal", "to_agency": "sedena",
                        "at": at - timedelta(minutes=50)})
    w.hand_over({"operation_id": op, "kind": "acknowledgement", "acknowledges": late,
                 "at": now - timedelta(minutes=5)})  # acknowledged only after `at`
    for name, handed in ((MARKER + " Uno", at - timedelta(minutes=200)),
                         (MARKER + " Dos", None)):
        did = w.append_record("detention", {
            "kind": "record", "agency": "sedena", "unit_id": units["JAGUAR 1"],
            "operation_id": op, "person_name": name, "age": 30,
            "detained_at": at - timedelta(hours=5), "legal_ground": "flagrancy",
            "motive": "Portación de arma"})
        if handed is not None:
            w.append_record("detention", {"kind": "handover", "amends": did,
                                          "agency": "sedena", "authority": "local_prosecutor",
                                          "handed_over_at": handed})
    w.append_record("use_of_force", {
        "kind": "report", "agency": "sedena", "unit_id": units["JAGUAR 1"], "operation_id": op,
        "level": "reduction", "occurred_at": at - timedelta(hours=5), "people_affected": 1,
        "injured": 1, "circumstances": f"Resistencia de {MARKER}", "necessity": "Riesgo"})
    yield {"store": store, "op": op, "at": at, "now": now, "units": units, "inc": inc}
    store.close()


def _rep(world: dict[str, Any]) -> sitrep.Sitrep:
    return sitrep.assemble(world["store"], "OP-T", world["at"], world["now"])


def test_the_report_is_the_operation_as_it_stood_at_the_chosen_time(world) -> None:  # type: ignore[no-untyped-def]
    """Proves the assembly reads the state at `at`: each unit's latest position at or before
    it (not later ones), assignments that had ended are left out, the unit that had strayed
    outside its agency's zones and the area is flagged, incidents opened by then with their
    status then and their zones, hand-overs acknowledged only by then, the overdue one
    flagged, and accountability as counts (detentions, custody past the thresholds, force
    by level)."""
    rep = _rep(world)
    assert rep.header.code == "OP-T" and rep.header.agencies == ("sedena", "pol-jal", "mun-gdl")
    by = {u.callsign: u for u in rep.units}
    assert set(by) == {"JAGUAR 1", "ESCUDO 1", "ESCUDO 2"}  # TAPATIO 9 had left
    assert (by["JAGUAR 1"].lat, by["JAGUAR 1"].lon) == (20.70, -103.35)
    assert by["JAGUAR 1"].mgrs.startswith("13Q ")
    assert by["ESCUDO 1"].role == "cordon" and by["ESCUDO 1"].commanding_agency == "sedena"
    assert by["ESCUDO 2"].outside and not by["JAGUAR 1"].outside and not by["ESCUDO 1"].outside
    incidents = {i.title: i for i in rep.incidents}
    assert set(incidents) == {"Bloqueo en López Mateos", "Robo a transporte"}
    assert incidents["Bloqueo en López Mateos"].status == "open"
    assert incidents["Robo a transporte"].closed
    assert incidents["Robo a transporte"].closed_at == world["at"] - timedelta(hours=1)
    assert incidents["Bloqueo en López Mateos"].zones == ("Guadalajara (mun-gdl)",
                                                         "Jalisco (pol-jal)")
    assert [(h.subject, h.acknowledged_at is not None, h.overdue) for h in rep.handovers] == [
        ("scene", True, False), ("unit", False, True)]
    a = rep.accountability
    # one handed over after 1 h 40 min (past the warning), one still held after 5 h (alert)
    assert (a.detentions, a.held, a.handed_over, a.custody_warn, a.custody_alert) == (
        2, 1, 1, 1, 1)
    assert a.force_by_level["reduction"] == 1 and a.force_reports == 1 and a.injured == 1
    # now, the late acknowledgement and the returning unit count
    later = sitrep.assemble(world["store"], "OP-T", world["now"], world["now"])
    assert not {u.callsign: u for u in later.units}["ESCUDO 2"].outside
    assert all(h.acknowledged_at is not None for h in later.handovers)
    assert len(later.incidents) == 3


def _pdf_text(path: Path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils missing: run scripts/setup-system.sh"
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_pdf_csv_and_geojson_carry_the_report_and_never_a_detained_name(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Proves the PDF (read back by pdftotext, in Spanish and English) lists the header,
    the units with MGRS and the outside flag, the incidents, the hand-overs with the
    overdue one, and the accountability counts; the CSV files and the GeoJSON hold the
    same records; and a marker in the detained people's names (and a force report's text)
    is in none of the three formats."""
    store, at, now = world["store"], world["at"], world["now"]
    es = tables.write_report(store, "OP-T", at, "pdf", tmp_path / "es.pdf", "es", now)
    text = " ".join(_pdf_text(es[0]).split())
    for words in ("OP-T", "Operativo Prueba", "Convenio 14/2026", "Militar", "JAGUAR 1",
                  "13Q", "FUERA DE JURISDICCIÓN", "Bloqueo en López Mateos",
                  "Guadalajara (mun-gdl)", "VENCIDO", "Detenciones: 2",
                  "3 - Reducción física de movimientos: 1", "Relevos de mando: 2",
                  "Personas lesionadas: 1; Personas fallecidas: 0",
                  # the operation's fields labelled as its form labels them (sync.protocol)
                  "Dependencia coordinadora", "Dependencias participantes",
                  "Referencia del fundamento"):
        assert words in text, words
    # the map is in it: one image of the map's size, and page 1 renders
    images = subprocess.run(["pdfimages", "-list", str(es[0])], check=True,
                            capture_output=True, text=True).stdout
    assert any(line.split()[3:5] == ["1200", "760"] for line in images.splitlines()[2:])
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(es[0]),
                    str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 5_000
    en = tables.write_report(store, "OP-T", at, "pdf", tmp_path / "en.pdf", "en", now)
    text_en = " ".join(_pdf_text(en[0]).split())
    assert "OUTSIDE JURISDICTION" in text_en and "OVERDUE" in text_en
    assert "People injured: 1; Deaths: 0" in text_en
    files = tables.write_report(store, "OP-T", at, "csv", tmp_path / "r.csv", "es", now)
    assert [f.name for f in files] == ["r.csv", "r-incidents.csv", "r-handovers.csv",
                                       "r-summary.csv"]
    rows = list(csv.DictReader(files[0].read_text(encoding="utf-8-sig").splitlines()))
    assert {r["callsign"]: r["outside_jurisdiction"] for r in rows} == {
        "JAGUAR 1": "False", "ESCUDO 1": "False", "ESCUDO 2": "True"}
    summary = dict(csv.reader(files[3].read_text(encoding="utf-8-sig").splitlines()))
    assert summary["detentions"] == "2" and summary["handovers_overdue"] == "1"
    [gj] = tables.write_report(store, "OP-T", at, "geojson", tmp_path / "r.geojson", "es", now)
    doc = json.loads(gj.read_text(encoding="utf-8"))
    layers = [f["properties"]["layer"] for f in doc["features"]]
    assert layers == ["operation_area"] + ["unit"] * 3 + ["incident"] * 2
    assert doc["features"][0]["properties"]["use_of_force_reduction"] == 1
    everything = [es[0], en[0], *files, gj]
    assert all(MARKER.lower() not in _pdf_text(f).lower() for f in everything[:2])
    assert all(MARKER.lower() not in f.read_text(encoding="utf-8-sig").lower()
               for f in everything[2:])
    assert "Uno" not in text and "Dos" not in text


def test_bad_input_gives_a_clear_message_and_writes_nothing(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Proves an unknown operation, an unreadable time, a time in the future, a missing
    folder, a name taken by a folder and an unwritable folder are refused with a message naming the problem, and that
    no file (not even a temporary one) is left behind."""
    store, now = world["store"], world["now"]
    out = tmp_path / "out"
    out.mkdir()
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"code": "OP-NADA"}, NotFound, "No operation has the code OP-NADA"),
        ({"at": "ayer a mediodía"}, InvalidInput, "is not a date and time"),
        ({"at": (now + timedelta(days=1)).isoformat()}, InvalidInput, "is in the future"),
        ({"output": tmp_path / "missing" / "r.pdf"}, InvalidInput, "Cannot write"),
        ({"output": out / "taken"}, InvalidInput, "Cannot write"),  # a folder has the name
    ]
    (out / "taken").mkdir()
    for given, kind, words in cases:
        args = {"code": "OP-T", "at": None, "output": out / "r.pdf", **given}
        with pytest.raises(kind) as err:
            tables.write_report(store, args["code"], args["at"], "pdf", args["output"], "en",
                                now)
        assert words in str(err.value), str(err.value)
    out.chmod(0o500)
    try:
        if _unwritable(out):  # (root writes anyway)
            with pytest.raises(InvalidInput, match="Cannot write"):
                tables.write_report(store, "OP-T", None, "csv", out / "r.csv", "en", now)
    finally:
        out.chmod(0o700)
    assert [p.name for p in out.iterdir()] == ["taken"]  # no file, no temporary file
    assert list((out / "taken").iterdir()) == []


def _unwritable(folder: Path) -> bool:
    try:
        (folder / ".probe").touch()
    except OSError:
        return True
    (folder / ".probe").unlink()
    return False


def test_the_command_line_writes_the_report_and_says_it_is_not_encrypted(world) -> None:  # type: ignore[no-untyped-def]
    """Proves `fieldclient report sitrep` writes the PDF of the demo-like operation, says
    where and that the file is not encrypted (exit 0), and exits 2 with the message for an
    unknown operation or an unreadable time, writing nothing."""
    store: Store = world["store"]
    data = store.data_dir
    store.close()
    target = data.parent / "sitrep.pdf"
    r = run(data, "--lang", "en", "report", "sitrep", "--operation", "OP-T", "--format", "pdf",
            "-o", str(target))
    assert r.returncode == 0, r.stderr
    assert "NOT encrypted" in r.stderr and str(target) in r.stderr
    assert target.read_bytes().startswith(b"%PDF")
    r = run(data, "--lang", "es", "report", "sitrep", "--operation", "OP-X", "--format", "csv",
            "-o", str(data.parent / "x.csv"))
    assert r.returncode == 2 and "OP-X" in r.stderr
    r = run(data, "--lang", "en", "report", "sitrep", "--operation", "OP-T", "--at", "mañana",
            "--format", "geojson", "-o", str(data.parent / "x.geojson"))
    assert r.returncode == 2 and "is not a date and time" in r.stderr
    assert not list(data.parent.glob("x*"))
    world["store"] = open_store(data)
