"""Sync service under many clients, and long-poll wake-up latency (real server, loopback).

  sync.ingest_50_clients_per_s  50 concurrent clients each pushing batches of 100
                                positions as fast as they can (BENCH_INGEST_S, default 20 s)
  sync.push_p99_ms              99th percentile latency of those pushes
  sync.push_p99_at_20k_ms       the same 50 clients paced to a fixed offered load of 20,000
                                changes/s (200 pushes/s): latency when the server is not
                                saturated, which a shared machine disturbs far less
  sync.wake_p95_ms              commit -> delivery to a parked long-poll, 95th percentile
Each figure but the last is the median of BENCH_RUNS runs (default 3), each on a fresh
database and server; `runs` lists them.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from bench_sync import Profiler, cpu_s
from common import ROOT, emit, median

sys.path.insert(0, str(ROOT / "tests" / "sync"))
from sync_helpers import Api, ServerProcess, position, seed, unit, wait_until  # noqa: E402

CLIENTS, BATCH = 50, 100
RUNS = int(os.environ.get("BENCH_RUNS", "3"))  # each figure: the median of this many runs
PACED = 20_000  # changes/s offered in the paced run


# One position change as the laptops send it. Built from a template, not by json.dumps
# and uuid7: the load generator shares the 2-core machine with the server, and building
# bodies the slow way cost it about 0.8 ms of CPU per push (half a core at this rate).
_CHANGE = ('{"change_id":"%s%012x","entity":"position","entity_id":"%s%012x","op":"append",'
           '"hlc":"%013d-%04x-c%d","fields":{"unit_id":"%s","lat":%r,"lon":-99.0,'
           '"accuracy_m":5.0,"observed_at":"2026-11-29T17:00:00Z","source":"gps"}}')


def _id_prefix() -> str:
    """The first 20 hex digits of this run's ids (a UUIDv7-shaped text with a counter
    for its last 12), so every change and record id is new to the server."""
    h = uuid.uuid4().hex
    return f"{h[:8]}-{h[8:12]}-7{h[13:16]}-8{h[17:20]}-"


def _batch(prefix: str, unit_id: str, t0: int, k: int) -> bytes:
    """Push k of a run (k: a number unique in the run, stepping by BATCH)."""
    return ('{"changes":[' + ",".join(
        _CHANGE % (prefix, 2 * (k + i), prefix, 2 * (k + i) + 1, t0, (k + i) % 65536, k % 97,
                   unit_id, 19.0 + i * 1e-5) for i in range(BATCH)) + "]}").encode()


async def _ingest(base: str, tokens: list[str], unit_id: str, seconds: float,
                  rate: float | None = None) -> tuple[int, list[float]]:
    """50 keep-alive connections speaking minimal HTTP/1.1, as fast as they can or,
    with `rate` (pushes per second, all clients together), each on a fixed schedule
    (a late push goes as soon as the previous answer is in).

    The load generator shares the 2-core machine with the server, so it must
    cost next to nothing per request: no HTTP library (a full client library here
    used more CPU than the server), and bodies filled in from a template (see
    _CHANGE). The CPU it used is reported as client_cpu_share.
    """
    lat: list[float] = []
    total = 0
    t0, prefix = int(time.time() * 1000), _id_prefix()
    host, port = base.removeprefix("http://").split(":")
    start = time.perf_counter()
    stop_at = start + seconds
    every = CLIENTS / rate if rate else 0.0

    async def client(n: int) -> None:
        nonlocal total
        reader, writer = await asyncio.open_connection(host, int(port))
        k = 0
        while time.perf_counter() < stop_at:
            if every:
                due = start + (k + n / CLIENTS) * every  # clients spread over the period
                if due > time.perf_counter():
                    await asyncio.sleep(due - time.perf_counter())
            req = _request(tokens[n], _batch(prefix, unit_id, t0, (k * CLIENTS + n) * BATCH))
            k += 1
            t = time.perf_counter()
            writer.write(req)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            body = await reader.readexactly(length)
            lat.append(time.perf_counter() - t)
            assert head.startswith(b"HTTP/1.1 200"), head + body[:300]
            total += BATCH
        writer.close()

    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    return total, lat


def _request(token: str, body: bytes) -> bytes:
    return (b"POST /v1/changes HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " + token.encode()
            + b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode()
            + b"\r\n\r\n" + body)


def _wake(srv: ServerProcess, api: Api, unit_id: str, rounds: int = 20) -> list[float]:
    out = []
    with httpx.Client(base_url=srv.base, timeout=30) as http:
        cursor = api.pull("lia-gn", 0)["next"]
        while api.pull("lia-gn", cursor)["more"]:
            cursor = api.pull("lia-gn", cursor)["next"]
        cursor = api.pull("lia-gn", cursor)["next"]
        hdr = api.h("lia-gn")
        for _ in range(rounds):
            done: dict = {}

            def waiter(after: int = cursor, box: dict = done) -> None:
                with httpx.Client(base_url=srv.base, timeout=30) as h:
                    page = h.get("/v1/changes", params={"after": after, "wait": 20}, headers=hdr).json()
                box["at"], box["page"] = time.perf_counter(), page

            th = threading.Thread(target=waiter)
            th.start()
            wait_until(lambda: "fieldsync_waiting_pulls 1" in http.get("/v1/metrics").text)
            (seq,) = api.push_ok("cmd-sedena", position(unit_id))
            committed = time.perf_counter()
            th.join(30)
            out.append(done["at"] - committed)
            cursor = done["page"]["next"]
    return out


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def _one_run(seconds: float, wake_too: bool) -> dict[str, Any]:
    """One run on a fresh database: the saturated phase, then the paced one."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'rt.sqlite3'}"
        seed(url)
        srv = ServerProcess(url).wait_ready()
        try:
            with httpx.Client(base_url=srv.base, timeout=60) as http:
                api = Api(http)
                u = unit()
                api.push_ok("cmd-sedena", u)
                if wake_too:
                    out["wake"] = _wake(srv, api, u["entity_id"])
                tokens = [Api(http).login("lia-sedena", device=f"c{n}")["token"] for n in range(CLIENTS)]
            profile = os.environ.get("BENCH_PROFILE")
            prof = Profiler(srv.proc.pid, Path(profile) / "ingest.txt" if profile and wake_too else None)
            c0, mine = cpu_s(srv.proc.pid), time.process_time()
            total, lat = asyncio.run(_ingest(srv.base, tokens, u["entity_id"], seconds))
            server_cpu, client_cpu = cpu_s(srv.proc.pid) - c0, time.process_time() - mine
            prof.stop()
            c0 = cpu_s(srv.proc.pid)
            paced_total, paced = asyncio.run(_ingest(srv.base, tokens, u["entity_id"],
                                                     seconds / 2, rate=PACED / BATCH))
            paced_cpu = cpu_s(srv.proc.pid) - c0
        finally:
            srv.stop()
    out.update(rate=total / seconds, server_cpu=server_cpu / seconds, client_cpu=client_cpu / seconds,
               per_cpu_s=total / max(server_cpu, 1e-9), pushes=len(lat), p99=_pct(lat, 0.99) * 1000,
               p50=_pct(lat, 0.5) * 1000, paced_p99=_pct(paced, 0.99) * 1000,
               paced_p50=_pct(paced, 0.5) * 1000, paced_rate=paced_total / (seconds / 2),
               paced_cpu=paced_cpu / (seconds / 2))
    return out


def main() -> None:
    os.environ.setdefault("FIELDSYNC_KDF_MEMORY_KIB", "19456")
    seconds = float(os.environ.get("BENCH_INGEST_S", "20"))
    runs = [_one_run(seconds, wake_too=i == 0) for i in range(RUNS)]

    def mid(key: str, digits: int = 1) -> float:
        return round(median([r[key] for r in runs]), digits)

    def each(key: str) -> list[float]:
        return [round(r[key], 1) for r in runs]

    # server_cpu_share: fraction of one core the server used; well under 1
    # means the load generator (same machine) was the limit, not the server.
    # client_cpu_share: the same for the load generator, which competes with it.
    emit("sync.ingest_50_clients_per_s", median([r["rate"] for r in runs]), "changes/s", 40_000,
         better="higher", clients=CLIENTS, runs=[round(r["rate"]) for r in runs],
         server_cpu_share=mid("server_cpu", 2), client_cpu_share=mid("client_cpu", 2),
         changes_per_server_cpu_s=round(median([r["per_cpu_s"] for r in runs])))
    emit("sync.push_p99_ms", median([r["p99"] for r in runs]), "ms", 100, runs=each("p99"),
         pushes=sum(r["pushes"] for r in runs), p50_ms=mid("p50"))
    emit(f"sync.push_p99_at_{PACED // 1000}k_ms", median([r["paced_p99"] for r in runs]), "ms", 100,
         runs=each("paced_p99"), p50_ms=mid("paced_p50"), achieved_per_s=round(mid("paced_rate")),
         server_cpu_share=mid("paced_cpu", 2))
    wake = runs[0]["wake"]
    emit("sync.wake_p95_ms", _pct(wake, 0.95) * 1000, "ms", 100, rounds=len(wake))


if __name__ == "__main__":
    main()
