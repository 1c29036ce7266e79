"""Load held: two `fieldsync` processes on one PostgreSQL behind HAProxy, 500 clients.

A throwaway PostgreSQL cluster (initdb, as the tests do), two `fieldsync serve`
processes on it, and HAProxy in front (round robin, health checks, started here).
500 simulated clients, each with two keep-alive connections through HAProxy: one
long-polls (`wait=25`), the other pushes a position of a shared unit every 10 s;
every tenth client is a commander who also edits its unit and its incident. At 30%
of the run one client comes back online with 20,000 queued positions (4 pushes of
5,000) and pulls from where it left off; they are the track of its own agency-only
unit (SEMAR), so they reach the 25 SEMAR laptops online, which page through them
(sending 20,000 changes to all 500 laptops is 3.5 GB: a bandwidth question, not this
one). At 60% one server process is killed with SIGKILL and started again. Clients
retry what failed (a push is idempotent).

  load.push_p99_ms      99th percentile of answered push round trips (<= 250)
  load.a_to_b_p95_ms    a position pushed by one client until a long-poll of another
                        client receives it, 95th percentile (<= 1,000)
  load.errors           failed requests outside the killed process's outage (= 0)
  load.lost             acknowledged changes missing from a full pull from seq 0, or
                        with another seq (= 0)
  load.duplicated       changes (or position ids) found twice in that pull (= 0)
  load.server_rss_mb    peak resident memory of each server process (reported)
  load.reconnect_s      the returning client: pushing its 20,000 changes and catching up

BENCH_LOAD_S (default 300) and BENCH_LOAD_CLIENTS (default 500) shorten it.
The load generator shares the machine with the servers and PostgreSQL, so it is one
asyncio loop speaking minimal HTTP/1.1 from pre-built bytes, and only 5% of the
clients decode the pages they pull (to time deliveries); the rest read `next`.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import msgspec
from common import ROOT, emit

sys.path.insert(0, str(ROOT / "tests" / "sync"))
from sync_helpers import (  # noqa: E402
    PASSWORD,
    PG_BIN,
    Api,
    PgCluster,
    cpu_s,
    free_port,
    incident,
    seed,
    unit,
    wait_until,
)

from sync.protocol import new_id  # noqa: E402

DURATION = float(os.environ.get("BENCH_LOAD_S", "300"))
CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "500"))
PUSH_EVERY_S = 10.0
EDIT_EVERY_S = 20.0
UNITS = 50
QUEUED = 20_000
USERS = ["lia-sedena", "lia-gn", "cmd-sedena", "cmd-semar"]
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _hlc(node: str, k: int) -> str:
    return f"{int(time.time() * 1000):013d}-{k % 65536:04x}-{node}"


class Server:
    """`fieldsync serve` on a fixed port (so HAProxy finds it again after a restart)."""

    def __init__(self, url: str, port: int, log: Path) -> None:
        self.url, self.port, self.log = url, port, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.peak_rss: list[float] = []

    def start(self) -> None:
        env = dict(os.environ, FIELDSYNC_KDF_MEMORY_KIB="19456", FIELDSYNC_KDF_TIME_COST="2",
                   FIELDSYNC_TRUSTED_PROXIES="127.0.0.1", PYTHONPATH=str(ROOT))
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "sync.server.cli", "--database", self.url, "serve",
                 "--port", str(self.port), "--log-level", "warning"],
                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(ROOT))
        self.peak_rss.append(0.0)
        wait_until(self._up, timeout=60, every=0.05)

    def _up(self) -> bool:
        assert self.proc is not None and self.proc.poll() is None, self.log.read_text()[-2000:]
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/v1/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def sample(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    self.peak_rss[-1] = max(self.peak_rss[-1], int(line.split()[1]) / 1024)
        except OSError:
            pass

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _haproxy(folder: Path, port: int, backends: list[int]) -> subprocess.Popen[bytes]:
    cfg = folder / "haproxy.cfg"
    servers = "\n".join(f"    server s{i} 127.0.0.1:{p} check inter 500ms fall 2 rise 1"
                        for i, p in enumerate(backends))
    cfg.write_text(f"""global
    maxconn 8000
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-keep-alive 30s
    option forwardfor
    retries 2
    option redispatch
    retry-on conn-failure empty-response
frontend sync
    bind 127.0.0.1:{port}
    default_backend fieldsync
backend fieldsync
    balance roundrobin
    http-reuse safe
    option httpchk GET /v1/health
{servers}
""")
    subprocess.run([HAPROXY, "-c", "-q", "-f", str(cfg)], check=True)
    proc = subprocess.Popen([HAPROXY, "-db", "-f", str(cfg)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    return proc


class Conn:
    """One keep-alive HTTP/1.1 connection that answers (status, body) or raises."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.r: asyncio.StreamReader | None = None
        self.w: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes, timeout: float) -> tuple[int, bytes]:
        try:
            if self.w is None:
                self.r, self.w = await asyncio.open_connection("127.0.0.1", self.port)
            assert self.r is not None
            self.w.write(raw)
            head = await asyncio.wait_for(self.r.readuntil(b"\r\n\r\n"), timeout)
            status = int(head[9:12])
            low = head.lower()
            length = int(low.split(b"content-length:")[1].split(b"\r\n")[0]) \
                if b"content-length:" in low else 0
            body = await asyncio.wait_for(self.r.readexactly(length), timeout) if length else b""
            if b"connection: close" in low:
                self.close()
            return status, body
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError, IndexError):
            self.close()
            raise ConnectionError("request failed") from None

    def close(self) -> None:
        if self.w is not None:
            self.w.close()
        self.r = self.w = None


def _get(path: str, token: str) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: sync\r\nAuthorization: Bearer {token}\r\n\r\n").encode()


def _post(body: bytes, token: str) -> bytes:
    return (f"POST /v1/changes HTTP/1.1\r\nHost: sync\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


_results = msgspec.json.Decoder()


class Load:
    def __init__(self, port: int, tokens: list[str], units: list[str],
                 edits: dict[int, tuple[dict[str, Any], dict[str, Any]]], head: int) -> None:
        self.port, self.tokens, self.units, self.edits, self.head = port, tokens, units, edits, head
        self.stop_at = 0.0
        self.push_lat: list[float] = []
        self.timeline: list[tuple[float, float]] = []
        self.deliveries: list[tuple[float, float]] = []  # (when, latency)
        self.sent_at: dict[str, float] = {}
        self.acked: dict[str, int] = {}
        self.errors: list[tuple[float, str]] = []
        self.outage: tuple[float, float] = (float("inf"), float("inf"))
        self.pushes = 0
        self.reconnect: dict[str, float] = {}

    def _error(self, what: str) -> None:
        self.errors.append((time.monotonic(), what))

    async def push(self, conn: Conn, token: str, body: bytes, ids: list[str]) -> None:
        """Until answered 200 (a push is idempotent: the same body again is safe)."""
        raw = _post(body, token)
        while True:
            t = time.perf_counter()
            try:
                status, answer = await conn.request(raw, 30)
            except ConnectionError:
                self._error("push: connection")
                await asyncio.sleep(0.5)
                continue
            if status != 200:
                self._error(f"push: {status}")
                await asyncio.sleep(0.5)
                continue
            self.push_lat.append(time.perf_counter() - t)
            self.timeline.append((time.monotonic(), self.push_lat[-1]))
            self.pushes += 1
            for cid, r in zip(ids, _results.decode(answer)["results"], strict=True):
                if r["status"] in ("applied", "duplicate"):
                    self.acked[cid] = r["seq"]
                else:
                    self._error(f"push: {r.get('code')}")
            return

    async def pusher(self, n: int) -> None:
        conn, token = Conn(self.port), self.tokens[n]
        unit_id = self.units[n % len(self.units)]
        await asyncio.sleep(random.uniform(0, PUSH_EVERY_S))
        k, next_edit = 0, time.monotonic() + random.uniform(0, EDIT_EVERY_S)
        while time.monotonic() < self.stop_at:
            tick = time.monotonic()
            cid = str(new_id())
            change = (f'{{"change_id":"{cid}","entity":"position","entity_id":"{new_id()}",'
                      f'"op":"append","hlc":"{_hlc(f"c{n}", k)}","fields":{{"unit_id":"{unit_id}",'
                      f'"lat":{19 + random.random():.6f},"lon":{-99 - random.random():.6f},'
                      f'"accuracy_m":5.0,"observed_at":"{_now_iso()}","source":"gps"}}}}')
            ids = [cid]
            if n in self.edits and tick >= next_edit:
                extra = self._edit(n, k)
                change += "," + ",".join(json.dumps(c) for c in extra)
                ids += [c["change_id"] for c in extra]
                next_edit = tick + EDIT_EVERY_S
            k += 1
            self.sent_at[cid] = time.perf_counter()
            await self.push(conn, token, f'{{"changes":[{change}]}}'.encode(), ids)
            await asyncio.sleep(max(0.0, tick + PUSH_EVERY_S - time.monotonic()))
        conn.close()

    def _edit(self, n: int, k: int) -> list[dict[str, Any]]:
        """The commander's unit and incident, each edited seeing its last value."""
        u, inc = self.edits[n]
        now = _hlc(f"e{n}", k)
        status = random.choice(["available", "assigned", "engaged", "returning"])
        sev = random.randint(1, 5)
        out = [unit(u["entity_id"], f={"status": status}, base={"status": u["seen"]}, at=now),
               incident(inc["entity_id"], f={"severity": sev}, base={"severity": inc["seen"]}, at=now)]
        u["seen"] = inc["seen"] = now
        return out

    async def poller(self, n: int, measure: bool) -> None:
        conn, token, cursor = Conn(self.port), self.tokens[n], self.head
        wait = 25  # as the client does: pages while there is more, then a long-poll
        while time.monotonic() < self.stop_at:
            try:
                status, body = await conn.request(
                    _get(f"/v1/changes?after={cursor}&limit=1000&wait={wait}", token), 60)
            except ConnectionError:
                self._error("pull: connection")
                await asyncio.sleep(0.5)
                continue
            if status != 200:
                self._error(f"pull: {status}")
                await asyncio.sleep(0.5)
                continue
            got = time.perf_counter()
            if measure:
                page = _results.decode(body)
                for c in page["changes"]:
                    sent = self.sent_at.get(c["change_id"])
                    if sent is not None:
                        self.deliveries.append((time.monotonic(), got - sent))
                cursor = page["next"]
            else:
                at = body.rfind(b'"next":')
                cursor = int(body[at + 7:body.index(b",", at)])
            wait = 0 if body.endswith(b'"more":true}') else 25
        conn.close()

    async def returning_client(self, token: str, queued: list[bytes], ids: list[list[str]]) -> None:
        """Offline since the start: pushes its 20,000 queued changes, then catches up."""
        await asyncio.sleep(DURATION * 0.3)
        conn = Conn(self.port)
        t = time.perf_counter()
        for body, batch in zip(queued, ids, strict=True):
            await self.push(conn, token, body, batch)
        self.reconnect["push"] = time.perf_counter() - t
        cursor, t = self.head, time.perf_counter()
        while True:
            try:
                status, body = await conn.request(_get(f"/v1/changes?after={cursor}&limit=10000",
                                                       token), 60)
            except ConnectionError:
                self._error("pull: connection")
                continue
            if status != 200:
                self._error(f"pull: {status}")
                continue
            page = _results.decode(body)
            cursor = page["next"]
            if not page["more"]:
                break
        self.reconnect["pull"] = time.perf_counter() - t
        conn.close()


def _pg_cpu_s(cluster: PgCluster) -> float:
    """CPU seconds of the cluster: the postmaster, its reaped children and its live ones."""
    pid = int((cluster.data / "postmaster.pid").read_text().split()[0])
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return total + sum(int(x) for x in fields[11:15]) / tick


def _queued(unit_id: str) -> tuple[list[bytes], list[list[str]]]:
    bodies, ids = [], []
    for b in range(QUEUED // 5000):
        batch = [{"change_id": str(new_id()), "entity": "position", "entity_id": str(new_id()),
                  "op": "append", "hlc": _hlc("offline", b * 5000 + i),
                  "fields": {"unit_id": unit_id, "lat": 20.0, "lon": -103.0, "accuracy_m": 8.0,
                             "observed_at": _now_iso(), "source": "gps"}} for i in range(5000)]
        bodies.append(json.dumps({"changes": batch}).encode())
        ids.append([c["change_id"] for c in batch])
    return bodies, ids


def _check(url: str, acked: dict[str, int]) -> tuple[int, int, int]:
    """(lost, duplicated, log size) from a full pull of the log from seq 0."""
    seen: dict[str, list[int]] = {}
    positions: dict[str, int] = {}
    with httpx.Client(base_url=url, timeout=120) as http:
        api, after = Api(http), 0
        while True:
            page = api.pull("observer", after, limit=10_000)
            for c in page["changes"]:
                seen.setdefault(c["change_id"], []).append(c["seq"])
                if c["entity"] == "position":
                    positions[c["entity_id"]] = positions.get(c["entity_id"], 0) + 1
            after = page["next"]
            if not page["more"]:
                break
    lost = sum(1 for cid, seq in acked.items() if seen.get(cid) != [seq])
    duplicated = sum(len(s) - 1 for s in seen.values()) + sum(n - 1 for n in positions.values())
    return lost, duplicated, len(seen)


async def _drive(load: Load, servers: list[Server], queued: tuple[list[bytes], list[list[str]]],
                 returning_token: str) -> None:
    load.stop_at = time.monotonic() + DURATION
    tasks = [asyncio.create_task(load.pusher(n)) for n in range(CLIENTS)]
    pollers = [asyncio.create_task(load.poller(n, n % 20 == 1)) for n in range(CLIENTS)]
    if not os.environ.get("BENCH_LOAD_CALM"):
        tasks.append(asyncio.create_task(load.returning_client(returning_token, *queued)))

    async def chaos() -> None:
        await asyncio.sleep(DURATION * 0.6)
        victim = servers[1]
        down = time.monotonic()
        await asyncio.to_thread(victim.kill)
        await asyncio.sleep(2.0)
        await asyncio.to_thread(victim.start)
        load.outage = (down, time.monotonic() + 5.0)  # HAProxy's checks see it back within ~1 s

    async def sampler() -> None:
        while time.monotonic() < load.stop_at:
            for s in servers:
                s.sample()
            await asyncio.sleep(1.0)

    extra = [] if os.environ.get("BENCH_LOAD_CALM") else [chaos()]
    await asyncio.gather(sampler(), *extra, *tasks)
    for t in pollers:  # parked long-polls end with the run, not 25 s later
        t.cancel()
    await asyncio.gather(*pollers, return_exceptions=True)
    if os.environ.get("BENCH_LOAD_DEBUG"):
        start = load.stop_at - DURATION
        for name, series in (("push", load.timeline), ("a_to_b", load.deliveries)):
            buckets: dict[int, list[float]] = {}
            for at, lat in series:
                buckets.setdefault(int((at - start) // 5), []).append(lat)
            for b, lats in sorted(buckets.items()):
                lats.sort()
                print(f"# {name} {b * 5:4d}s n={len(lats):5d} p50={lats[len(lats) // 2] * 1000:7.1f} "
                      f"p95={lats[int(len(lats) * 0.95)] * 1000:7.1f} max={lats[-1] * 1000:7.1f}",
                      file=sys.stderr)


def main() -> int:
    if not (PG_BIN / "initdb").exists() or not Path(HAPROXY).exists():
        print(f"# bench_load: needs PostgreSQL ({PG_BIN}) and HAProxy; run scripts/setup-system.sh",
              file=sys.stderr)
        return 1
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    cluster = PgCluster()
    servers: list[Server] = []
    proxy: subprocess.Popen[bytes] | None = None
    try:
        url = cluster.new_database()
        seed(url)
        servers = [Server(url, free_port(), folder / f"server{i}.log") for i in range(2)]
        for s in servers:
            s.start()
        port = free_port()
        proxy = _haproxy(folder, port, [s.port for s in servers])
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: _healthy(base), timeout=30)
        with httpx.Client(base_url=base, timeout=60) as http:
            setup = Api(http)
            units = [unit(agency="sedena") for _ in range(UNITS)]
            setup.push_ok("cmd-sedena", *units)
            edits: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
            for n in range(0, CLIENTS, 10):
                user = "cmd-sedena" if n % 20 == 0 else "cmd-semar"
                agency = user.removeprefix("cmd-")
                u, inc = unit(agency=agency), incident(agency=agency)
                setup.push_ok(user, u, inc)
                edits[n] = ({"entity_id": u["entity_id"], "seen": u["hlc"]},
                            {"entity_id": inc["entity_id"], "seen": inc["hlc"]})
            tokens = []
            for n in range(CLIENTS):
                user = ("cmd-sedena" if n % 20 == 0 else "cmd-semar") if n in edits \
                    else USERS[n % 2]
                r = http.post("/v1/auth/login", json={"username": user, "password": PASSWORD,
                                                      "device_name": f"laptop-{n}"})
                assert r.status_code == 200, r.text
                tokens.append(r.json()["token"])
            track = unit(agency="semar", visibility="agency")
            setup.push_ok("cmd-semar", track)
            returning = Api(http).login("cmd-semar", device="returning")["token"]
            head = setup.pull("observer", 0, limit=10_000)["next"]
        queued = _queued(track["entity_id"])
        load = Load(port, tokens, [u["entity_id"] for u in units], edits, head)
        cpu0 = sum(cpu_s(s.proc.pid) for s in servers if s.proc)
        others0 = (time.process_time(), cpu_s(proxy.pid), _pg_cpu_s(cluster))
        asyncio.run(_drive(load, servers, queued, returning))
        cpu = sum(cpu_s(s.proc.pid) for s in servers if s.proc) - cpu0
        if os.environ.get("BENCH_LOAD_DEBUG"):
            for srv in servers:
                print("#", httpx.get(f"http://127.0.0.1:{srv.port}/v1/metrics").text.replace(
                    "\n", " "), file=sys.stderr)
        others = [round(b - a, 1) for a, b in zip(
            others0, (time.process_time(), cpu_s(proxy.pid), _pg_cpu_s(cluster)), strict=True)]
        lost, duplicated, size = _check(f"http://127.0.0.1:{servers[0].port}", load.acked)
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait()
        for s in servers:
            s.stop()
        cluster.stop()
        if not os.environ.get("BENCH_LOAD_DEBUG"):  # the servers' and HAProxy's logs
            shutil.rmtree(folder, ignore_errors=True)
    in_outage = [e for e in load.errors if load.outage[0] <= e[0] <= load.outage[1]]
    outside = [e for e in load.errors if not load.outage[0] <= e[0] <= load.outage[1]]
    lat, dl = sorted(load.push_lat), sorted(d for _, d in load.deliveries)
    emit("load.push_p99_ms", lat[int(len(lat) * 0.99)] * 1000, "ms", 250, pushes=len(lat),
         p50_ms=round(lat[len(lat) // 2] * 1000, 1), clients=CLIENTS, seconds=DURATION)
    emit("load.a_to_b_p95_ms", dl[int(len(dl) * 0.95)] * 1000, "ms", 1000, deliveries=len(dl),
         p50_ms=round(dl[len(dl) // 2] * 1000, 1))
    emit("load.errors", len(outside), "requests", 0, during_outage=len(in_outage),
         kinds=sorted({e[1] for e in outside})[:10])
    emit("load.lost", lost, "changes", 0, acknowledged=len(load.acked), log=size)
    emit("load.duplicated", duplicated, "changes", 0)
    emit("load.server_rss_mb", max(max(s.peak_rss) for s in servers), "MiB", None,
         per_process=[[round(x) for x in s.peak_rss] for s in servers],
         server_cpu_s=round(cpu, 1), load_generator_cpu_s=others[0], haproxy_cpu_s=others[1],
         postgres_cpu_s=others[2])
    emit("load.reconnect_s", load.reconnect.get("push", float("nan")) +
         load.reconnect.get("pull", float("nan")), "s", None,
         push_s=round(load.reconnect.get("push", -1), 2),
         pull_s=round(load.reconnect.get("pull", -1), 2), changes=QUEUED)
    return 0


def _healthy(base: str) -> bool:
    try:
        return httpx.get(base + "/v1/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


if __name__ == "__main__":
    raise SystemExit(main())
