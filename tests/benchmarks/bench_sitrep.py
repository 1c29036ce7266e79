"""The operation report (SITREP, issue 12 item 8) of a large operation.

  ops.sitrep_pdf_s        `report.tables.write_report(..., "pdf")`: reading the operation
                          as it stood (500 assigned units with their last positions and
                          jurisdiction flags, 1,000 incidents with their zones, 100
                          hand-overs), drawing the map and writing the PDF (<= 3)
  ops.sitrep_assemble_s   the reading part alone (reported, not judged)
  ops.sitrep_csv_s        the same report as CSV (reported, not judged)

Each figure is the median of BENCH_SITREP_RUNS (default 5) runs in one process (Qt
offscreen, the encrypted store of the product). Units come from `bulk.load_bulk` (5
positions each), moved into the operation's area; assignments, incidents and hand-overs
are written through the local writer like any edit.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
from common import emit, median  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
RUNS = int(os.environ.get("BENCH_SITREP_RUNS", "5"))
UNITS, INCIDENTS, HANDOVERS = 500, 1000, 100
AREA = [[[-103.46, 20.60], [-103.25, 20.60], [-103.25, 20.78], [-103.46, 20.78],
         [-103.46, 20.60]]]
GDL = [[[[-103.47, 20.55], [-103.22, 20.55], [-103.22, 20.80], [-103.47, 20.80],
          [-103.47, 20.55]]]]


def _operation(store: object) -> None:
    from bulk import load_bulk
    from sqlalchemy import text

    from fieldclient.store.operations import assignment_id
    from fieldclient.store.writer import LocalWriter

    rng = random.Random(8)
    now = datetime.now(UTC)
    load_bulk(store, UNITS)  # type: ignore[arg-type]
    with store.transaction() as s:  # type: ignore[attr-defined]
        # into the area: every position of a unit near one spot of it
        s.execute(text("UPDATE position SET lat = 20.6 + (abs(random()) % 1800) / 10000.0, "
                       "lon = -103.46 + (abs(random()) % 2100) / 10000.0"))
        units = [(u, a) for u, a in s.execute(text("SELECT id, agency FROM unit"))]
    w = LocalWriter(store)  # type: ignore[arg-type]
    op = w.create_record("operation", {
        "code": "OP-BENCH", "name": "Operativo de prueba", "lead_agency": "sedena",
        "agencies": sorted({a for _, a in units} - {"sedena"}), "authority": "military",
        "legal_basis": "coordination_agreement", "area": AREA,
        "starts_at": now - timedelta(days=2), "status": "active"})
    w.create_record("zone", {"name": "Guadalajara", "agency": "mun-gdl", "level": "municipal",
                             "geometry": GDL})
    w.create_records("assignment", [
        {"operation_id": op, "unit_id": u, "role": "patrol", "commanding_agency": "sedena"}
        for u, _ in units], [assignment_id(op, u) for u, _ in units])
    w.create_records("incident", [
        {"title": f"Incidente {i}", "kind": "other", "severity": 1 + i % 5, "agency": "pol-jal",
         "occurred_at": now - timedelta(minutes=5 + i), "operation_id": op,
         "lat": 20.6 + rng.random() * 0.18, "lon": -103.46 + rng.random() * 0.21}
        for i in range(INCIDENTS)])
    for i in range(HANDOVERS):
        w.hand_over({"operation_id": op, "subject": "unit", "unit_id": units[i][0],
                     "from_agency": units[i][1], "to_agency": "sedena",
                     "at": now - timedelta(minutes=10 + i)})


def main() -> None:
    from fieldclient.core.timefmt import utcnow
    from fieldclient.demo import load_agencies
    from fieldclient.report import sitrep, tables
    from fieldclient.store.db import open_store

    pdfs: list[float] = []
    assembles: list[float] = []
    csvs: list[float] = []
    cpus: list[float] = []  # this process's CPU time: the machine is shared and noisy
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "data")
        load_agencies(store)
        _operation(store)
        for run in range(RUNS + 1):  # the first run warms Qt's fonts: not counted
            now = utcnow()
            t = time.perf_counter()
            rep = sitrep.assemble(store, "OP-BENCH", now, now)
            took_assemble = time.perf_counter() - t
            assert len(rep.units) == UNITS and len(rep.incidents) == INCIDENTS
            t, cpu = time.perf_counter(), time.process_time()
            files = tables.write_report(store, "OP-BENCH", None, "pdf", Path(tmp) / "r.pdf",
                                        "es", now)
            took_pdf, took_cpu = time.perf_counter() - t, time.process_time() - cpu
            assert files[0].stat().st_size > 10_000
            t = time.perf_counter()
            tables.write_report(store, "OP-BENCH", None, "csv", Path(tmp) / "r.csv", "es", now)
            took_csv = time.perf_counter() - t
            if run:
                assembles.append(took_assemble)
                pdfs.append(took_pdf)
                cpus.append(took_cpu)
                csvs.append(took_csv)
        store.close()
    emit("ops.sitrep_pdf_s", median(pdfs), "s", 3, runs=RUNS, units=UNITS,
         incidents=INCIDENTS, handovers=HANDOVERS, all=[round(x, 3) for x in pdfs],
         cpu_s=round(median(cpus), 3))
    emit("ops.sitrep_assemble_s", median(assembles), "s", None, runs=RUNS)
    emit("ops.sitrep_csv_s", median(csvs), "s", None, runs=RUNS)


if __name__ == "__main__":
    main()
