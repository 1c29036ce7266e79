"""Attacks before authentication (issue 10, holes 1 and 3), against a real `fieldsync serve`.

  hardening.bomb_rss_mb           peak RSS of the server while 20 clients keep posting
                                  63 KiB gzip bodies that inflate to 63 MiB of `{},` (to
                                  sign-in, to push without a token, to push with an
                                  observer's token) for 4 s (<= 400)
  hardening.bomb_health_p99_ms    /v1/health round trip meanwhile, 99th percentile (<= 100)
  hardening.signin_rss_mb         peak RSS while 40 wrong passwords arrive at once for 8
                                  accounts, hashed at the production Argon2 cost (64 MiB,
                                  t=3) (<= 400)
  hardening.signin_health_p99_ms  /v1/health meanwhile, 99th percentile (<= 100)

Each figure is the median of BENCH_HARDENING_RUNS (default 3) runs, each on a fresh
server; /v1/health is timed from another process, since this one is busy attacking.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import httpx
from common import ROOT, emit, median

sys.path.insert(0, str(ROOT / "tests" / "sync"))
from sync_helpers import PASSWORD, Api, ServerProcess, seed  # noqa: E402

from sync.server import accounts, db  # noqa: E402
from sync.server.auth import Passwords  # noqa: E402
from sync.server.settings import Settings  # noqa: E402

RUNS = int(os.environ.get("BENCH_HARDENING_RUNS", "3"))
SECONDS = 4.0
PRODUCTION_KDF = {"FIELDSYNC_KDF_MEMORY_KIB": str(64 * 1024), "FIELDSYNC_KDF_TIME_COST": "3"}

_WATCH = """
import sys, time, httpx
base, seconds = sys.argv[1], float(sys.argv[2])
stop = time.monotonic() + seconds
with httpx.Client(base_url=base, timeout=60) as c:
    while time.monotonic() < stop:
        t = time.perf_counter()
        assert c.get("/v1/health").status_code == 200
        print(time.perf_counter() - t, flush=True)
        time.sleep(0.01)
"""


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def _p99_ms(out: str) -> float:
    times = sorted(float(x) for x in out.split())
    return times[int(len(times) * 0.99)] * 1000


def _bomb() -> bytes:
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    return deflate.compress(b"{}," * (21 * 1024 * 1024)) + deflate.flush()


def bomb_run(tmp: Path, bomb: bytes) -> tuple[float, float, int]:
    """One run of the gzip flood: (peak RSS MiB, health p99 ms, requests answered)."""
    url = f"sqlite:///{tmp / 'bomb.sqlite3'}"
    seed(url)
    srv = ServerProcess(url).wait_ready()
    try:
        with httpx.Client(base_url=srv.base, timeout=30) as http:
            token = Api(http).h("observer")["Authorization"]
        gz = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        targets = [("/v1/auth/login", gz), ("/v1/changes", gz),
                   ("/v1/changes", {**gz, "Authorization": token})]
        statuses: list[int] = []
        watcher = subprocess.Popen([sys.executable, "-c", _WATCH, srv.base, str(SECONDS)],
                                   stdout=subprocess.PIPE, text=True)

        async def attack(n: int, stop: float) -> None:
            path, headers = targets[n % 3]
            async with httpx.AsyncClient(base_url=srv.base, timeout=60) as c:
                while time.monotonic() < stop:
                    statuses.append((await c.post(path, content=bomb, headers=headers)).status_code)

        async def flood() -> None:
            stop = time.monotonic() + SECONDS
            await asyncio.gather(*[attack(n, stop) for n in range(20)])

        asyncio.run(flood())
        peak = _peak_rss_mib(srv.proc.pid)
        p99 = _p99_ms(watcher.communicate(timeout=60)[0])
        if not statuses or not set(statuses) <= {401, 413, 422}:
            raise RuntimeError(f"unexpected answers to the bombs: {set(statuses)}")
        return peak, p99, len(statuses)
    finally:
        srv.stop()


def signin_run(tmp: Path) -> tuple[float, float, dict[int, int]]:
    """One run of 40 wrong passwords at once: (peak RSS MiB, health p99 ms, answers)."""
    url = f"sqlite:///{tmp / 'signin.sqlite3'}"
    seed(url)
    engine = db.make_engine(url)
    real_cost = Passwords(Settings(database_url=url))
    agents = [f"agente{i}" for i in range(8)]
    for name in agents:
        accounts.add_user(engine, real_cost, name, PASSWORD, "liaison", "gn")
    engine.dispose()
    srv = ServerProcess(url, env=PRODUCTION_KDF).wait_ready()
    try:
        answers: dict[int, int] = {}
        watcher = subprocess.Popen([sys.executable, "-c", _WATCH, srv.base, str(SECONDS)],
                                   stdout=subprocess.PIPE, text=True)

        async def wrong(c: httpx.AsyncClient, n: int) -> None:
            r = await c.post("/v1/auth/login", json={"username": agents[n % len(agents)],
                                                     "password": "not-the-password",
                                                     "device_name": "bench"})
            answers[r.status_code] = answers.get(r.status_code, 0) + 1

        async def flood() -> None:
            limits = httpx.Limits(max_connections=40)
            async with httpx.AsyncClient(base_url=srv.base, timeout=60, limits=limits) as c:
                await asyncio.gather(*[wrong(c, n) for n in range(40)])

        asyncio.run(flood())
        peak = _peak_rss_mib(srv.proc.pid)
        p99 = _p99_ms(watcher.communicate(timeout=60)[0])
        if set(answers) - {401, 429}:
            raise RuntimeError(f"unexpected answers to wrong passwords: {answers}")
        return peak, p99, answers
    finally:
        srv.stop()


def main() -> None:
    bomb = _bomb()
    bombs = []
    signins = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory(prefix="enlace-bench-hard-") as tmp:
            bombs.append(bomb_run(Path(tmp), bomb))
        with tempfile.TemporaryDirectory(prefix="enlace-bench-hard-") as tmp:
            signins.append(signin_run(Path(tmp)))
    load = os.getloadavg()[0]
    emit("hardening.bomb_rss_mb", median([b[0] for b in bombs]), "MiB", 400, runs=RUNS,
         all=[round(b[0]) for b in bombs], requests=[b[2] for b in bombs], bomb_bytes=len(bomb))
    emit("hardening.bomb_health_p99_ms", median([b[1] for b in bombs]), "ms", 100, runs=RUNS,
         all=[round(b[1], 1) for b in bombs], loadavg=round(load, 2))
    emit("hardening.signin_rss_mb", median([s[0] for s in signins]), "MiB", 400, runs=RUNS,
         all=[round(s[0]) for s in signins], answers=signins[-1][2])
    emit("hardening.signin_health_p99_ms", median([s[1] for s in signins]), "ms", 100, runs=RUNS,
         all=[round(s[1], 1) for s in signins], loadavg=round(load, 2))


if __name__ == "__main__":
    main()
