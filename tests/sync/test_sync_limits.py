"""Size limits: enforced while reading, gzip bombs refused, batch and page caps."""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from pathlib import Path

import httpx
from sync_helpers import Api, ServerProcess, position, seed, unit

from sync.protocol import MAX_PULL_LIMIT, MAX_PUSH_CHANGES
from sync.server.bodylimit import Caps, read_body
from sync.server.errors import ApiError


def test_more_than_5000_changes_is_413(api: Api) -> None:
    """Proves a push over the batch cap answers 413 too_large and applies nothing."""
    u = unit()
    body = {"changes": [u] * (MAX_PUSH_CHANGES + 1)}
    r = api.http.post("/v1/changes", json=body, headers=api.h("cmd-sedena"))
    assert r.status_code == 413 and r.json()["code"] == "too_large" and "5000" in r.json()["detail"]
    assert all(c["entity"] == "agency" for c in api.pull_all("observer"))


def test_pull_page_is_capped(api: Api) -> None:
    """Proves limit above 10,000 answers 422 and the cap itself is accepted."""
    h = api.h("lia-gn")
    assert api.http.get("/v1/changes", params={"limit": MAX_PULL_LIMIT}, headers=h).status_code == 200
    assert api.http.get("/v1/changes", params={"limit": MAX_PULL_LIMIT + 1}, headers=h).status_code == 422


def _peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_gzip_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    """Proves a gzip body that would inflate to 512 MiB answers 413 and costs the real
    server process at most about the 4 MiB push cap in memory, not the bomb's size."""
    url = f"sqlite:///{tmp_path / 'bomb.sqlite3'}"
    seed(url)
    srv = ServerProcess(url).wait_ready()
    try:
        with httpx.Client(base_url=srv.base, timeout=60) as http:
            api = Api(http)
            api.push_ok("cmd-sedena", unit())  # warm: the server has done real work
            zeros, deflate = bytes(1024 * 1024), zlib.compressobj(9, zlib.DEFLATED, 31)
            member = deflate.compress(zeros * 16) + deflate.flush()  # one 16 MiB gzip member
            bomb = member * 32  # 512 MiB once inflated, members read one after another
            assert len(bomb) < 1024 * 1024
            before = _peak_rss_mib(srv.proc.pid)
            r = http.post("/v1/changes", content=bomb, headers={
                **api.h("cmd-sedena"), "Content-Encoding": "gzip",
                "Content-Type": "application/json"})
            assert r.status_code == 413 and "decompressed" in r.json()["detail"]
            grown = _peak_rss_mib(srv.proc.pid) - before
            assert grown < 200, f"peak memory grew by {grown:.0f} MiB"
            assert http.get("/v1/health").status_code == 200  # and it is still serving
    finally:
        srv.stop()


def test_multi_member_gzip_body_is_read_whole(api: Api) -> None:
    """Proves a gzip body of several members (as `cat a.gz b.gz` makes) is read whole,
    not cut after its first member."""
    body = json.dumps({"changes": [unit(), unit()]}).encode()
    two = gzip.compress(body[:20]) + gzip.compress(body[20:])
    r = api.http.post("/v1/changes", content=two, headers={
        **api.h("cmd-sedena"), "Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert r.status_code == 200 and [x["status"] for x in r.json()["results"]] == ["applied"] * 2


def test_wire_body_over_the_push_cap_is_413(api: Api) -> None:
    """Proves a push body over 4 MiB answers 413 (Content-Length not needed to catch it)."""
    big = b'{"changes": [' + b" " * (4 * 1024 * 1024 + 10) + b"]}"
    r = api.http.post("/v1/changes", content=big, headers={**api.h("cmd-sedena"),
                                                          "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "too_large"


def _read(chunks: list[bytes], gzipped: bool, **kw: int) -> tuple[int, bytes]:
    """Drive bodylimit.read_body with a chunked body and no Content-Length."""
    queue = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
             for i, c in enumerate(chunks)]

    async def receive():  # noqa: ANN202
        return queue.pop(0)

    caps = Caps(kw.get("max_wire", 16 * 1024 * 1024), kw.get("max_inflated", 64 * 1024 * 1024))
    try:
        return 200, asyncio.run(read_body(receive, gzipped, caps))
    except ApiError as exc:
        return exc.status, b""


def test_limits_counted_while_streaming_not_from_content_length() -> None:
    """Proves a chunked body without Content-Length is cut off at the wire and inflated limits."""
    status, _ = _read([b"x" * 600] * 3, False, max_wire=1000, max_inflated=5000)
    assert status == 413
    blob = gzip.compress(b"a" * 10_000)
    status, _ = _read([blob[:10], blob[10:]], True, max_wire=1000, max_inflated=5000)
    assert status == 413
    status, body = _read([blob[:10], blob[10:]], True, max_wire=1000, max_inflated=20_000)
    assert status == 200 and body == b"a" * 10_000


def test_truncated_gzip_is_400() -> None:
    """Proves a gzip stream cut short is refused rather than half-read."""
    blob = gzip.compress(json.dumps({"changes": []}).encode())
    status, _ = _read([blob[:-6]], True)
    assert status == 400


def test_responses_are_gzipped_when_asked(api: Api) -> None:
    """Proves pulls are sent gzip-compressed to clients that accept it."""
    u = unit()
    api.push_ok("cmd-sedena", u, *[position(u["entity_id"]) for _ in range(50)])
    r = api.http.get("/v1/changes", headers={**api.h("lia-gn"), "Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip" and len(r.json()["changes"]) == 54
    raw = api.http.get("/v1/changes", headers={**api.h("lia-gn"), "Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert zlib.crc32(raw.content) == zlib.crc32(r.content)
