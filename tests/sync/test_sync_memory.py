"""Memory and event-loop time before authentication (issue 10, hole 1): bodies are
capped per endpoint, a push is authenticated before its body is read, and a flood of
inflating requests neither grows the server nor stalls /v1/health."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import zlib
from pathlib import Path
from typing import Any

import httpx
from sync_helpers import Api, ServerProcess, position, seed, unit

from sync.protocol import MAX_PUSH_CHANGES


def _asgi_post(app: Any, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[int, int]:
    """POST straight into the ASGI app; (status, how many times the app asked for the body)."""
    asked = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(msg: dict[str, Any]) -> None:
        sent.append(msg)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 5000),
             "server": ("127.0.0.1", 8765)}
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], asked


def test_push_without_a_valid_token_is_refused_before_its_body_is_read(app) -> None:  # noqa: ANN001
    """Proves a push with no token or a wrong one answers 401 without the server reading
    (or inflating) a single byte of its body."""
    bomb = gzip.compress(b"{}," * 1_000_000)
    for auth in ([], [(b"authorization", b"Bearer 00000000-0000-0000-0000-000000000000.x")]):
        status, asked = _asgi_post(app, "/v1/changes",
                                   [(b"content-encoding", b"gzip"), *auth], bomb)
        assert (status, asked) == (401, 0)


def test_login_body_is_capped_at_a_few_kib(api: Api) -> None:
    """Proves a sign-in body over 4 KiB (on the wire or once inflated) answers 413, and a
    normal one still signs in."""
    big = json.dumps({"username": "lia-gn", "password": "x" * 900, "device_name": "d" * 5000}).encode()
    r = api.http.post("/v1/auth/login", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    r = api.http.post("/v1/auth/login", content=gzip.compress(b" " * 100_000 + b"{}"),
                      headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert r.status_code == 413
    assert api.login("lia-gn")["user"]["username"] == "lia-gn"


def test_push_body_is_capped_near_the_5000_change_limit(api: Api) -> None:
    """Proves a push of 5,000 positions is accepted while a body past the push cap (4 MiB
    once inflated, far below the old 64 MiB) answers 413 before it is parsed."""
    u = unit()
    api.push_ok("cmd-sedena", u)
    full = json.dumps({"changes": [position(u["entity_id"]) for _ in range(MAX_PUSH_CHANGES)]}).encode()
    r = api.http.post("/v1/changes", content=gzip.compress(full), headers={
        **api.h("cmd-sedena"), "Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert r.status_code == 200 and len(r.json()["results"]) == MAX_PUSH_CHANGES
    padded = b'{"changes": [' + b" " * (5 * 1024 * 1024) + b"]}"
    r = api.http.post("/v1/changes", content=gzip.compress(padded), headers={
        **api.h("cmd-sedena"), "Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert r.status_code == 413 and r.json()["code"] == "too_large"


def _rss_mib(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError(key)


def test_twenty_inflating_requests_keep_memory_bounded(tmp_path: Path) -> None:
    """Proves 20 concurrent 63 KiB gzip bodies that inflate to 63 MiB of `{},` (sign-in,
    push without a token, push with an observer's token) are all refused and keep the real
    server's peak memory under 400 MB (the /v1/health latency meanwhile is a benchmark:
    hardening.bomb_health_p99_ms in tests/benchmarks/bench_hardening.py)."""
    url = f"sqlite:///{tmp_path / 'mem.sqlite3'}"
    seed(url)
    srv = ServerProcess(url).wait_ready()
    try:
        with httpx.Client(base_url=srv.base, timeout=30) as http:
            token = Api(http).h("observer")["Authorization"]
        deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
        bomb = deflate.compress(b"{}," * (21 * 1024 * 1024)) + deflate.flush()
        assert len(bomb) < 70 * 1024
        gz = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        targets = [("/v1/auth/login", gz), ("/v1/changes", gz),
                   ("/v1/changes", {**gz, "Authorization": token})]
        statuses: list[int] = []

        async def attack(n: int, stop: float) -> None:
            path, headers = targets[n % 3]
            async with httpx.AsyncClient(base_url=srv.base, timeout=30) as c:
                while time.monotonic() < stop:
                    statuses.append((await c.post(path, content=bomb, headers=headers)).status_code)

        async def run() -> None:
            stop = time.monotonic() + 4
            await asyncio.gather(*[attack(n, stop) for n in range(20)])

        asyncio.run(run())
        peak = _rss_mib(srv.proc.pid, "VmHWM")
        assert statuses and set(statuses) <= {401, 413, 422}, set(statuses)
        assert peak < 400, f"peak RSS {peak:.0f} MiB"
    finally:
        srv.stop()
