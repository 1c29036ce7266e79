"""The command line end to end, as radio operators and relay scripts run it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(data: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", **(env or {})}
    full_env.pop("ENLACE_DATA_DIR", None)
    if env and "ENLACE_DATA_DIR" in env:
        full_env["ENLACE_DATA_DIR"] = env["ENLACE_DATA_DIR"]
    cmd = [sys.executable, "main.py"] + (["--data-dir", str(data)] if data else []) + list(args)
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, env=full_env)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    from fieldclient.demo import load_agencies
    from fieldclient.store.db import open_store

    st = open_store(folder)
    load_agencies(st)
    st.close()
    return folder


def test_unit_add_set_list_and_position_log(data: Path) -> None:
    """unit add / set / list and position log --mgrs work and go through the outbox."""
    r = run(data, "unit", "add", "HALCON 1", "--agency", "sedena", "--kind", "infantry",
            "--echelon", "platoon", "--strength", "30")
    assert r.returncode == 0, r.stderr
    uid = r.stdout.strip()
    r = run(data, "unit", "add", "HALCON 1-1", "--agency", "sedena", "--kind", "infantry",
            "--parent", "halcon 1")
    assert r.returncode == 0, r.stderr
    r = run(data, "position", "log", "HALCON 1", "--mgrs", "14Q MG 86006 48224",
            "--source", "radio", "--note", "relevo", "--accuracy", "100")
    assert r.returncode == 0, r.stderr
    assert "19.42830, -99.13330" in r.stdout and "14Q MG 86006 48224" in r.stdout
    r = run(data, "unit", "set", "HALCON 1", "--status", "engaged", "--strength", "28")
    assert r.returncode == 0 and "status" in r.stdout and "strength" in r.stdout, r.stderr
    r = run(data, "unit", "list", "--json")
    units = {u["callsign"]: u for u in map(json.loads, r.stdout.splitlines())}
    assert units["HALCON 1"]["id"] == uid and units["HALCON 1"]["status"] == "engaged"
    assert units["HALCON 1"]["pos_source"] == "radio" and units["HALCON 1"]["strength"] == 28
    assert units["HALCON 1"]["sidc"] == "SFGPUCI----DMX-"  # derived default
    assert units["HALCON 1-1"]["parent_id"] == uid
    from fieldclient.store import outbox
    from fieldclient.store.db import open_store

    st = open_store(data)
    with st.session() as s:
        assert outbox.counts(s).pending == 4
    st.close()


def test_position_log_dms_latlon_and_time(data: Path) -> None:
    """--dms with Spanish O, --latlon with '=' for a negative value and --at with a DTG."""
    assert run(data, "unit", "add", "ORCA 2", "--agency", "semar", "--kind", "naval").returncode == 0
    r = run(data, "position", "log", "ORCA 2", "--dms", "16 51 0 N 99 53 0 O",
            "--at", "2026-11-29T09:00-06:00")
    assert r.returncode == 0, r.stderr
    r = run(data, "position", "log", "ORCA 2", "--latlon=-16.85,-99.88")
    assert r.returncode == 0 and "-16.85000, -99.88000" in r.stdout, r.stderr
    r = run(data, "position", "log", "ORCA 2", "--latlon", "16.85,-99.88", "--at", "291500Z NOV 26")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("position", "log", "ORCA 2", "--latlon", "95,10"),
         "Latitude must be between -90 and 90 (got 95)."),
        (("position", "log", "ORCA 2", "--mgrs", "14QMG8600648"),
         "An MGRS reference needs an even number of digits, from 2 to 10 (got 7)."),
        (("position", "log", "ORCA 2", "--latlon", "16,-99", "--at", "2099-01-01T00:00Z"),
         "Observed at is in the future (more than 5 minutes ahead)."),
        (("position", "log", "NADIE", "--latlon", "16,-99"), "No unit has the callsign NADIE."),
        (("unit", "add", "X", "--agency", "marina", "--kind", "naval"), "Agency: “marina” is not an agency of this deployment."),
        (("unit", "set", "ORCA 2", "--strength", "-4"), "Strength must be between 0 and 100000 (got -4)."),
        (("unit", "set", "ORCA 2"), "Nothing to change"),
    ],
)
def test_bad_input_exit_2_with_message(data: Path, args: tuple[str, ...], message: str) -> None:
    """Bad input exits 2 with the exact message on stderr and writes nothing."""
    r = run(data, *args)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_usage_error_and_help(data: Path) -> None:
    """argparse usage errors exit 2; --help lists the commands and the exit codes."""
    assert run(data, "position", "log", "ORCA 2").returncode == 2
    r = run(data, "--help")
    assert r.returncode == 0 and "export" in r.stdout and "5 database refused" in r.stdout


def test_export_stdout_and_file(data: Path, tmp_path: Path) -> None:
    """export writes CSV to stdout and GeoJSON to a file."""
    r = run(data, "export", "--format", "csv", "--what", "units")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {"HALCON 1", "ORCA 2"} <= {row["callsign"] for row in rows}
    out = tmp_path / "pos.geojson"
    r = run(data, "export", "--format", "geojson", "--what", "positions", "--output", str(out))
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) >= 4


def test_env_data_dir_and_demo_idempotent(tmp_path: Path) -> None:
    """ENLACE_DATA_DIR selects the folder; `demo` twice adds nothing the second time."""
    folder = tmp_path / "env-data"
    r = run(None, "demo", env={"ENLACE_DATA_DIR": str(folder)})  # type: ignore[arg-type]
    assert r.returncode == 0 and "demo loaded" in r.stdout, r.stderr
    assert (folder / "enlace.db").exists()
    r = run(None, "demo", env={"ENLACE_DATA_DIR": str(folder)})  # type: ignore[arg-type]
    assert r.returncode == 0 and "nothing to add" in r.stdout


def test_corrupt_database_refused_untouched_then_quarantined(tmp_path: Path) -> None:
    """A foreign file is refused with exit 5 and kept; `db quarantine` moves it aside."""
    (tmp_path / "enlace.db").write_bytes(b"not a database")
    r = run(tmp_path, "unit", "list")
    assert r.returncode == 5 and "is not a usable Enlace database" in r.stderr
    assert (tmp_path / "enlace.db").read_bytes() == b"not a database"
    r = run(tmp_path, "db", "quarantine")
    assert r.returncode == 0 and "refused-" in r.stdout
    assert run(tmp_path, "unit", "list").returncode == 0


def test_spanish_messages_when_translated(data: Path) -> None:
    """--lang es shows the Spanish message when the .ts catalog has it, English otherwise:
    the client's own messages ("errors") and the shared rules' ("problems", "fields")."""
    from fieldclient.core.i18n import translate
    from sync.protocol.problems import render

    r = run(data, "--lang", "es", "position", "log", "ORCA 2", "--mgrs", "14QMG8600648")
    assert r.returncode == 2
    expected = translate(
        "errors", "An MGRS reference needs an even number of digits, from 2 to 10 (got {count}).",
        "es")
    assert expected.startswith("Una referencia MGRS")  # the catalogue has it
    assert expected.format(count=7) in r.stderr
    r = run(data, "--lang", "es", "position", "log", "ORCA 2", "--latlon", "95,10")
    assert r.returncode == 2
    spanish = render("out_of_range", {"min": "-90", "max": "90", "value": "95"}, "lat",
                     "position", lambda context, text: translate(context, text, "es"))
    assert spanish in r.stderr


def test_unit_add_on_a_fresh_folder_without_agencies(tmp_path: Path) -> None:
    """Before any agency list exists, a well-formed agency slug is accepted (headless setup)."""
    r = run(tmp_path, "unit", "add", "LINCE 1", "--agency", "sedena", "--kind", "infantry")
    assert r.returncode == 0, r.stderr
    r = run(tmp_path, "unit", "add", "LINCE 2", "--agency", "Bad Slug", "--kind", "infantry")
    assert r.returncode == 2 and "“Bad Slug” is not an agency code" in r.stderr
