"""Sync service throughput on loopback against a real `fieldsync serve` process.

Figures (median of BENCH_RUNS runs, default 3, each on a fresh database):
  sync.push_100k_s        push 100,000 positions in batches of 5,000 (SQLite default)
  sync.pull_100k_s        pull them back from an empty cursor, 10,000 per page, the way
                          the client does: gzip on the wire, decoded with sync.protocol.codec,
                          the next page asked for while this one is decoded
                          (fieldclient.replication.ahead); server_cpu_s and
                          client_decode_s show the two sides that overlap
  sync.push_floor_ratio   push time / the raw floor measured in the same run: the same
                          100,000 stored rows inserted with plain sqlite3 `executemany`,
                          one transaction per batch of 5,000, same PRAGMAs (informational)
The same on a throwaway PostgreSQL cluster (sync.pg_push_100k_s, sync.pg_pull_100k_s,
sync.pg_push_floor_ratio with `COPY` as the floor) when its binaries are installed;
BENCH_PG=0 skips it.

BENCH_PROFILE=DIR adds one run after the measured ones with py-spy attached to the
server (push and pull phases apart) and writes collapsed stacks and a summary of
the hottest functions to DIR (py-spy must be installed; the figures ignore that run).
"""

from __future__ import annotations

import gc
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from common import ROOT, emit, median

sys.path.insert(0, str(ROOT / "tests" / "sync"))
from sync_helpers import PG_BIN, Api, PgCluster, ServerProcess, seed, unit  # noqa: E402

from fieldclient.replication import ahead  # noqa: E402
from sync.protocol import codec, new_id  # noqa: E402

N, BATCH, PAGE = 100_000, 5_000, 10_000
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
COLS = ("seq", "change_id", "entity", "entity_id", "op", "scope", "doc")


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


class Profiler:
    """py-spy attached to the server for one phase (collapsed stacks to `out`)."""

    def __init__(self, pid: int, out: Path | None) -> None:
        self.out, self.proc = out, None
        if out is not None:
            self.proc = subprocess.Popen(
                [_py_spy(), "record", "--pid", str(pid), "--rate", "250", "--format", "raw",
                 "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)  # attach before the phase starts (a one-off profiling run)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(60)
            summarise(self.out)  # type: ignore[arg-type]


def _py_spy() -> str:
    local = Path(sys.executable).parent / "py-spy"
    return str(local) if local.exists() else "py-spy"


def summarise(path: Path, top: int = 30) -> None:
    """Inclusive and self samples per function from py-spy's collapsed stacks."""
    incl: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        count = int(n)
        total += count
        # one entry per function (py-spy names frames "func (file.py:line)")
        frames = [re.sub(r":\d+\)$", ")", f.strip()) for f in stack.split(";") if f.strip()]
        for f in set(frames):
            incl[f] += count
        if frames:
            own[frames[-1]] += count
    lines = [f"{path.name}: {total} samples at 250 Hz"]
    for title, counter in (("inclusive", incl), ("self", own)):
        lines.append(f"-- {title}")
        for f, n in counter.most_common(top):
            lines.append(f"{100 * n / max(total, 1):6.1f}%  {f}")
    path.with_suffix(".summary.txt").write_text("\n".join(lines) + "\n")


def one_run(url: str, profile: Path | None = None) -> dict[str, float]:
    seed(url)
    srv = ServerProcess(url).wait_ready()
    try:
        with httpx.Client(base_url=srv.base, timeout=120) as http:
            api = Api(http)
            u = unit()
            api.push_ok("cmd-sedena", u)
            pre = bodies(u["entity_id"])
            hdr = {**api.h("cmd-sedena"), "Content-Type": "application/json"}
            prof = Profiler(srv.proc.pid, profile and profile / "push.txt")
            c0 = cpu_s(srv.proc.pid)
            t = time.perf_counter()
            for body in pre:
                r = http.post("/v1/changes", content=body, headers=hdr)
                assert r.status_code == 200 and b'"rejected"' not in r.content, r.text[:500]
            push_s = time.perf_counter() - t
            push_cpu = cpu_s(srv.proc.pid) - c0
            prof.stop()
            hdr_obs = {**api.h("observer"), "Accept-Encoding": "gzip"}
            gc.collect()
            gc.freeze()  # as the client app does with its start-up heap (fieldclient/app.py)
            prof = Profiler(srv.proc.pid, profile and profile / "pull.txt")
            c0 = cpu_s(srv.proc.pid)

            def fetch(after: int) -> ahead.Fetched:
                r = http.get("/v1/changes", params={"after": after, "limit": PAGE}, headers=hdr_obs)
                assert r.status_code == 200, r.text[:500]
                return ahead.fetched(r.content, r.headers)

            def decode(body: bytes) -> codec.PulledPage:
                nonlocal decode_s
                t0 = time.perf_counter()
                page = codec.decode_pull(body)
                decode_s += time.perf_counter() - t0
                return page

            decode_s, got = 0.0, 0
            t = time.perf_counter()
            for page in ahead.pages(fetch, decode, 0):
                assert not page.held, page.held[:1]
                got += len(page.changes)
            pull_s = time.perf_counter() - t
            pull_cpu = cpu_s(srv.proc.pid) - c0
            prof.stop()
            assert got >= N, got
    finally:
        srv.stop()
    rows = stored_rows(url)
    return {"push": push_s, "pull": pull_s, "push_cpu": push_cpu, "pull_cpu": pull_cpu,
            "decode": decode_s,
            "floor": floor(url, rows)}


def stored_rows(url: str) -> list[tuple[Any, ...]]:
    """The change-log rows the pushes stored, as the floor re-inserts them."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {', '.join(COLS)} FROM changes WHERE entity = 'position'"
                                 " ORDER BY seq")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def floor(url: str, rows: list[tuple[Any, ...]]) -> float:
    """Seconds to insert `rows` into an empty change log with the database's own bulk
    path, one transaction per batch of BATCH rows and nothing else."""
    from sqlalchemy import create_engine

    from sync.server import db

    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///")).with_suffix(".floor.sqlite3")
        engine = db.make_engine(f"sqlite:///{path}")  # the server's own PRAGMAs
        db.metadata.create_all(engine)
        conn = engine.raw_connection().driver_connection  # a plain sqlite3 connection
        sql = f"INSERT INTO changes ({', '.join(COLS)}) VALUES ({', '.join('?' * len(COLS))})"
        t = time.perf_counter()
        for i in range(0, len(rows), BATCH):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(sql, rows[i:i + BATCH])
            conn.execute("COMMIT")
        spent = time.perf_counter() - t
        engine.dispose()
        return spent
    import psycopg

    fresh = url.rsplit("/", 1)[0] + "/postgres"
    name = "floor" + str(new_id()).replace("-", "")[:12]
    plain = fresh.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    target = url.rsplit("/", 1)[0] + "/" + name
    engine = create_engine(target)
    db.metadata.create_all(engine)
    engine.dispose()
    with psycopg.connect(target.replace("postgresql+psycopg", "postgresql")) as conn:
        t = time.perf_counter()
        for i in range(0, len(rows), BATCH):
            with conn.cursor() as cur, cur.copy(f"COPY changes ({', '.join(COLS)}) FROM STDIN") as cp:
                for row in rows[i:i + BATCH]:
                    cp.write_row(row)
            conn.commit()
        return time.perf_counter() - t


def main() -> None:
    os.environ.setdefault("FIELDSYNC_KDF_MEMORY_KIB", "19456")
    profile = Path(os.environ["BENCH_PROFILE"]) if os.environ.get("BENCH_PROFILE") else None
    results: dict[str, list[dict[str, float]]] = {"": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(RUNS):
            results[""].append(one_run(f"sqlite:///{Path(tmp) / f'b{i}.sqlite3'}"))
        if profile:
            (profile / "sqlite").mkdir(parents=True, exist_ok=True)
            one_run(f"sqlite:///{Path(tmp) / 'profiled.sqlite3'}", profile / "sqlite")
    if os.environ.get("BENCH_PG", "1") != "0" and (PG_BIN / "initdb").exists():
        cluster = PgCluster()
        try:
            results["pg_"] = [one_run(cluster.new_database()) for _ in range(RUNS)]
            if profile:
                (profile / "pg").mkdir(parents=True, exist_ok=True)
                one_run(cluster.new_database(), profile / "pg")
        finally:
            cluster.stop()
    budgets = {"": (1.5, 0.6), "pg_": (2.0, 0.8)}
    for prefix, runs in results.items():
        push_budget, pull_budget = budgets[prefix]
        # server_cpu_s: the server process's own CPU time, a figure that a
        # busy shared machine disturbs far less than wall time.
        emit(f"sync.{prefix}push_100k_s", median([r["push"] for r in runs]), "s", push_budget,
             runs=[round(r["push"], 3) for r in runs],
             server_cpu_s=round(median([r["push_cpu"] for r in runs]), 3))
        emit(f"sync.{prefix}pull_100k_s", median([r["pull"] for r in runs]), "s", pull_budget,
             runs=[round(r["pull"], 3) for r in runs],
             server_cpu_s=round(median([r["pull_cpu"] for r in runs]), 3),
             client_decode_s=round(median([r["decode"] for r in runs]), 3))
        # Ratio of each run's push to the floor measured right after it (same load).
        emit(f"sync.{prefix}push_floor_ratio", median([r["push"] / r["floor"] for r in runs]),
             "x", None, floor_s=round(median([r["floor"] for r in runs]), 3),
             cpu_ratio=round(median([r["push_cpu"] / r["floor"] for r in runs]), 2))


if __name__ == "__main__":
    main()
