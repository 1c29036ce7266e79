"""Store benchmarks (`make bench`): position logging with 100,000 units x 5 positions.

Figures (one JSON line each):
- store.log_position_ms: median of 300 `LocalWriter.log_position` calls (position row,
  unit's latest-position copy and outbox row in one transaction), budget 5 ms.
- store.roster_rows_100k_s: median of 5 full `queries.roster_rows` loads, budget 0.5 s.
- store.demo_load_s: `load_demo` into a fresh folder, budget 3 s.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from bulk import load_bulk
from common import emit, median

from fieldclient.demo import load_demo
from fieldclient.store import queries
from fieldclient.store.db import open_store
from fieldclient.store.writer import LocalWriter

N_UNITS = 100_000
POSITIONS = 5
LOGS = 300


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bulk")
        t = time.perf_counter()
        load_bulk(store, N_UNITS, POSITIONS)
        setup_s = time.perf_counter() - t
        with store.session() as s:
            ids = [r[queries.R_ID] for r in queries.roster_rows(s)]
        writer = LocalWriter(store)
        rng = random.Random(7)
        for _ in range(20):  # warm caches and the clock
            writer.log_position(rng.choice(ids), 20.0, -103.0, source="gps")
        samples = []
        for _ in range(LOGS):
            uid = rng.choice(ids)
            lat, lon = rng.uniform(15, 26), rng.uniform(-106, -98)
            t = time.perf_counter()
            writer.log_position(uid, lat, lon, source="gps", accuracy_m=8.0)
            samples.append((time.perf_counter() - t) * 1000)
        emit("store.log_position_ms", median(samples), "ms", 5.0, runs=LOGS,
             p90=round(sorted(samples)[int(LOGS * 0.9)], 3), units=N_UNITS,
             positions=N_UNITS * POSITIONS, setup_s=round(setup_s, 1))

        loads = []
        for _ in range(5):
            t = time.perf_counter()
            with store.session() as s:
                rows = queries.roster_rows(s)
            loads.append(time.perf_counter() - t)
        assert len(rows) == N_UNITS
        emit("store.roster_rows_100k_s", median(loads), "s", 0.5, runs=5)
        store.close()

        demo = open_store(Path(tmp) / "demo")
        t = time.perf_counter()
        load_demo(demo)
        emit("store.demo_load_s", time.perf_counter() - t, "s", 3.0)
        demo.close()


if __name__ == "__main__":
    main()
