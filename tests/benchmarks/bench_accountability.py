"""Accountability records (`make bench`): logging a detention, filtering the oversight view.

Figures (one JSON line each):
- records.log_detention_ms: median of 300 `LocalWriter.append_record("detention", ...)`
  calls with a signed-in commander (definition checks, the shared rules with the unit
  looked up, the row and its outbox row in one transaction) in a store already holding
  100,000 detentions; budget 5 ms, like a position.
- oversight.load_100k_s: building the oversight view's rows (each record as it stands,
  custody clock, order) from 50,000 detentions and 50,000 use-of-force reports in the
  store; reported, not judged (the view does it off the UI thread).
- oversight.filter_100k_ms: the slowest of the view's filters (agency, level, operation,
  overdue only, text search), median of 20 runs each over those 100,000 rows; budget 100 ms.
- oversight.export_verify_100k_s: `sync.server.oversight_verify.verify` (signature, file
  digests, the audit chain, completeness record by record) over an export of 100,000
  detentions pushed through the real app (20 pushes of 5,000) and exported with
  `fieldsync oversight export`'s code; median of 3 runs, budget 5 s. The export's own
  time is reported beside it (oversight.export_100k_s, not judged).
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import ROOT, emit, median

from fieldclient.core.oversight import Criteria, Selector, select
from fieldclient.store import accountable, meta
from fieldclient.store.db import open_store
from fieldclient.store.writer import LocalWriter
from sync.protocol.ids import new_id
from sync.protocol.vocab import FORCE_LEVEL

N = 100_000
LOGS = 300
AGENCIES = ("sedena", "semar", "gn", "pol-jal")


def _bulk(store, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """n/2 detentions (a third handed over) and n/2 reports, straight into SQLite."""
    rng = random.Random(3)
    now = datetime.now(UTC)
    units = [str(new_id()) for _ in range(200)]
    operations = [str(new_id()) for _ in range(20)]
    det, force = [], []
    for i in range(n // 2):
        at = now - timedelta(minutes=rng.randint(5, 60 * 24 * 30))
        handed = (at + timedelta(minutes=rng.randint(20, 400))).isoformat() if i % 3 == 0 else None
        rid = str(new_id())
        agency = AGENCIES[i % len(AGENCIES)]
        det.append((rid, "record", agency, rng.choice(units), rng.choice(operations),
                    f"Persona {i} Apellido", rng.randint(16, 80), at.isoformat(), "flagrancy",
                    "Motivo", "civic_judge" if handed else None, handed, now.isoformat(),
                    "bench", f"{i:013d}-0000-bench"))
        force.append((str(new_id()), "report", agency, rng.choice(units), rng.choice(operations),
                      at.isoformat(), rng.choice(FORCE_LEVEL.values), rng.randint(0, 3), 0,
                      "c", "n",
                      rid if i % 4 == 0 else None, now.isoformat(), "bench",
                      f"{i:013d}-0001-bench"))
    with store.transaction() as s:
        con = s.connection()
        con.exec_driver_sql(
            "INSERT INTO detention (id, kind, agency, unit_id, operation_id, person_name, age, "
            "detained_at, legal_ground, motive, authority, handed_over_at, created_at, author, "
            "hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", det)
        con.exec_driver_sql(
            "INSERT INTO use_of_force (id, kind, agency, unit_id, operation_id, occurred_at, "
            "level, injured, deaths, circumstances, necessity, detention_id, created_at, author, "
            "hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", force)
    return operations


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "records")
        t = time.perf_counter()
        operations = _bulk(store, N * 2)  # 100,000 detentions for the logging figure
        setup_s = time.perf_counter() - t
        writer = LocalWriter(store)
        uid = writer.create_unit({"callsign": "HALCON-3", "agency": "sedena", "kind": "infantry"})
        with store.transaction() as s:
            for key, value in ((meta.SIGNED_IN_USER, "ana"), (meta.SIGNED_IN_ROLE, "commander"),
                               (meta.SIGNED_IN_AGENCY, "sedena")):
                store.set_meta(key, value, session=s)
        samples = []
        for i in range(LOGS + 20):
            fields = {"kind": "record", "agency": "sedena", "unit_id": uid,
                      "person_name": f"Juan Pérez {i}", "age": 30, "sex": "male",
                      "detained_at": datetime.now(UTC) - timedelta(minutes=5),
                      "legal_ground": "flagrancy", "motive": "Portación de arma de fuego",
                      "officers": "Sgto. Ramírez"}
            t = time.perf_counter()
            writer.append_record("detention", fields)
            if i >= 20:  # the first ones warm caches and the clock
                samples.append((time.perf_counter() - t) * 1000)
        emit("records.log_detention_ms", median(samples), "ms", 5.0, runs=LOGS,
             p90=round(sorted(samples)[int(LOGS * 0.9)], 3), detentions=N,
             setup_s=round(setup_s, 1))
        store.close()

        store = open_store(Path(tmp) / "oversight")
        operations = _bulk(store, N)
        t = time.perf_counter()
        with store.session() as s:
            rows = accountable.oversight_rows(s, accountable.thresholds(store), datetime.now(UTC))
        emit("oversight.load_100k_s", time.perf_counter() - t, "s", None, rows=len(rows))
        assert len(rows) == N
        criteria = {
            "agency": Criteria(agency="gn"),
            "level": Criteria(entity="use_of_force", level="reduction"),
            "operation": Criteria(operation_id=operations[4]),
            "overdue": Criteria(entity="detention", overdue_only=True),
            "text": Criteria(text="persona 4"),
        }
        t = time.perf_counter()
        selector = Selector(rows)  # what the view builds once per refresh
        index_ms = (time.perf_counter() - t) * 1000
        medians = {}
        for name, c in criteria.items():
            assert selector.select(c) == select(rows, c)  # the index answers as a full pass
            runs = []
            for _ in range(20):
                t = time.perf_counter()
                selector.select(c)
                runs.append((time.perf_counter() - t) * 1000)
            medians[name] = round(median(runs), 2)
        worst = max(medians, key=lambda k: medians[k])
        emit("oversight.filter_100k_ms", medians[worst], "ms", 100.0, slowest=worst,
             per_filter=medians, rows=len(rows), index_ms=round(index_ms, 1))
        store.close()


def export_and_verify(tmp: Path) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "sync"))
    from starlette.testclient import TestClient
    from sync_helpers import Api, fast_settings, seed, unit

    from sync.server import audit, oversight
    from sync.server.app import create_app
    from sync.server.oversight_verify import verify

    url = f"sqlite:///{tmp / 'server.db'}"
    seed(url)
    start = datetime.now(UTC) - timedelta(minutes=1)
    with TestClient(create_app(fast_settings(url))) as client:
        api = Api(client)
        u = unit()
        api.push_ok("cmd-sedena", u)
        at = (datetime.now(UTC) - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
        t = time.perf_counter()
        for b in range(N // 5000):
            changes = [{"change_id": str(new_id()), "entity": "detention",
                        "entity_id": str(new_id()), "op": "append",
                        "hlc": f"{int(time.time() * 1000):013d}-{i % 65536:04x}-bench",
                        "fields": {"kind": "record", "agency": "sedena", "unit_id": u["entity_id"],
                                   "person_name": f"Persona {b} {i}", "age": 30,
                                   "detained_at": at, "legal_ground": "flagrancy",
                                   "motive": "Portación de arma", "created_at": at}}
                       for i in range(5000)]
            api.push_ok("lia-sedena", *changes)
        push_s = time.perf_counter() - t
        engine = client.app.state.services.engine
        key = audit.load_or_create_key(tmp / "key.pem")
        end = datetime.now(UTC) + timedelta(minutes=1)
        t = time.perf_counter()
        done = oversight.export(engine, key, "sedena", start.isoformat(), end.isoformat(),
                                tmp / "export")
        export_s = time.perf_counter() - t
    assert done.records == N, done
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        report = verify(tmp / "export", audit.public_key_b64(key))
        runs.append(time.perf_counter() - t)
        assert report.ok and len(report.records) == N, report.problems[:3]
    emit("oversight.export_100k_s", export_s, "s", None, push_s=round(push_s, 1))
    emit("oversight.export_verify_100k_s", median(runs), "s", 5.0, runs=3, records=N)


if __name__ == "__main__":
    main()
    with tempfile.TemporaryDirectory() as tmp:
        export_and_verify(Path(tmp))
