"""Sync service throughput on loopback against a real `fieldsync serve` process.

Figures (median of 3 runs, each on a fresh database):
  sync.push_100k_s  push 100,000 positions in batches of 5,000 (SQLite default)
  sync.pull_100k_s  pull them back from an empty cursor, 10,000 per page
The same on a throwaway PostgreSQL cluster (sync.pg_push_100k_s,
sync.pg_pull_100k_s) when its binaries are installed; BENCH_PG=0 skips it.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx
from common import ROOT, emit, median

sys.path.insert(0, str(ROOT / "tests" / "sync"))
from sync_helpers import PG_BIN, Api, PgCluster, ServerProcess, seed, unit  # noqa: E402

from sync.protocol import new_id  # noqa: E402

N, BATCH, PAGE = 100_000, 5_000, 10_000
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def bodies(unit_id: str) -> list[bytes]:
    out = []
    t0 = int(time.time() * 1000)
    for b in range(N // BATCH):
        changes = []
        for i in range(BATCH):
            k = b * BATCH + i
            changes.append({
                "change_id": str(new_id()), "entity": "position", "entity_id": str(new_id()),
                "op": "append", "hlc": f"{t0 + k // 16:013d}-{k % 16:04x}-bench",
                "fields": {"unit_id": unit_id, "lat": 20.0 + k * 1e-6, "lon": -103.0 - k * 1e-6,
                           "accuracy_m": 8.0, "observed_at": "2026-11-29T17:00:00.000Z",
                           "source": "gps"},
            })
        out.append(json.dumps({"changes": changes}).encode())
    return out


def cpu_s(pid: int) -> float:
    """CPU seconds used by a process so far (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(url: str) -> tuple[float, float, float, float]:
    seed(url)
    srv = ServerProcess(url).wait_ready()
    try:
        with httpx.Client(base_url=srv.base, timeout=120) as http:
            api = Api(http)
            u = unit()
            api.push_ok("cmd-sedena", u)
            pre = bodies(u["entity_id"])
            hdr = {**api.h("cmd-sedena"), "Content-Type": "application/json"}
            c0 = cpu_s(srv.proc.pid)
            t = time.perf_counter()
            for body in pre:
                r = http.post("/v1/changes", content=body, headers=hdr)
                assert r.status_code == 200 and '"rejected"' not in r.text, r.text[:500]
            push_s = time.perf_counter() - t
            push_cpu = cpu_s(srv.proc.pid) - c0
            hdr_obs = api.h("observer")
            c0 = cpu_s(srv.proc.pid)
            t = time.perf_counter()
            after, got = 0, 0
            while True:
                page = http.get("/v1/changes", params={"after": after, "limit": PAGE}, headers=hdr_obs).json()
                got += len(page["changes"])
                after = page["next"]
                if not page["more"]:
                    break
            pull_s = time.perf_counter() - t
            pull_cpu = cpu_s(srv.proc.pid) - c0
            assert got >= N, got
    finally:
        srv.stop()
    return push_s, pull_s, push_cpu, pull_cpu


def main() -> None:
    os.environ.setdefault("FIELDSYNC_KDF_MEMORY_KIB", "19456")
    results: dict[str, list[tuple[float, float, float, float]]] = {"": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(RUNS):
            results[""].append(one_run(f"sqlite:///{Path(tmp) / f'b{i}.sqlite3'}"))
    if os.environ.get("BENCH_PG", "1") != "0" and (PG_BIN / "initdb").exists():
        cluster = PgCluster()
        try:
            results["pg_"] = [one_run(cluster.new_database()) for _ in range(RUNS)]
        finally:
            cluster.stop()
    for prefix, runs in results.items():
        # server_cpu_s: the server process's own CPU time, a figure that a
        # busy shared machine disturbs far less than wall time.
        emit(f"sync.{prefix}push_100k_s", median([r[0] for r in runs]), "s", 3.0,
             runs=[round(r[0], 3) for r in runs], server_cpu_s=round(median([r[2] for r in runs]), 3))
        emit(f"sync.{prefix}pull_100k_s", median([r[1] for r in runs]), "s", 3.0,
             runs=[round(r[1], 3) for r in runs], server_cpu_s=round(median([r[3] for r in runs]), 3))


if __name__ == "__main__":
    main()
