"""Slow and idle connections (issue 10, holes 7 and 9): headers and bodies that never
finish are cut off, connections are capped, running out of file descriptors is logged
sparingly, and idle long-polls cost nothing while they wait."""

from __future__ import annotations

import asyncio
import resource
import socket
import time
from pathlib import Path

import httpx
from sync_helpers import Api, ServerProcess, cpu_s, seed, unit, wait_until


def _server(tmp_path: Path, env: dict[str, str] | None = None, nofile: int | None = None) -> ServerProcess:
    tmp_path.mkdir(exist_ok=True)
    url = f"sqlite:///{tmp_path / 'conn.sqlite3'}"
    seed(url)
    srv = ServerProcess(url, env=env, preexec=None if nofile is None else (
        lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))))
    return srv.wait_ready()


async def _open(port: int, n: int, first: bytes) -> list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    out = []
    for _ in range(n):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(first)
        out.append((r, w))
    return out


def _long_poll(token: str, after: int) -> bytes:
    """A raw long-poll request (`token`: the Authorization header's value)."""
    return (f"GET /v1/changes?after={after}&wait=25 HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: {token}\r\n\r\n").encode()


async def _closed_by_server(conns: list, within: float) -> int:
    """How many of these connections the server closes within `within` seconds.

    A close reaches the client as EOF (perhaps after a 4xx) or as a reset: the server's
    kernel answers with RST when the server closes a socket holding unread bytes, or when
    bytes arrive after the close, which is what a client trickling its headers does when
    its byte crosses the deadline (1 in 1,000 once; a 0.3 s deadline shows it every few
    thousand). Only a connection still open at the end of the wait was not closed."""
    async def one(r: asyncio.StreamReader) -> bool:
        try:
            await asyncio.wait_for(r.read(), within)  # EOF (or a 4xx then EOF)
            return True
        except ConnectionError:  # reset or broken pipe: the server closed it
            return True
        except TimeoutError:
            return False
    return sum(await asyncio.gather(*[one(r) for r, _ in conns]))


def test_a_thousand_slow_header_senders_are_cut_off(tmp_path: Path) -> None:
    """Proves 1,000 connections that never finish their request headers are closed by the
    server after the header timeout (1 s here) while /v1/health keeps answering."""
    srv = _server(tmp_path, {"FIELDSYNC_HEADER_TIMEOUT_S": "1"})
    try:
        async def run() -> int:
            conns = await _open(srv.port, 1000, b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            async with httpx.AsyncClient(base_url=srv.base) as c:
                assert (await c.get("/v1/health")).status_code == 200
            for _, w in conns:  # keep trickling: a byte does not buy more time
                w.write(b"a")
            closed = await _closed_by_server(conns, 10)
            for _, w in conns:
                w.close()
            return closed
        assert asyncio.run(run()) == 1000
    finally:
        srv.stop()


def test_a_body_that_stops_arriving_is_cut_off(tmp_path: Path) -> None:
    """Proves a push whose body stalls answers 408 after the body timeout (1 s here)."""
    srv = _server(tmp_path, {"FIELDSYNC_BODY_TIMEOUT_S": "1"})
    try:
        with httpx.Client(base_url=srv.base) as http:
            token = Api(http).h("cmd-sedena")["Authorization"]
        with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
            s.sendall(f"POST /v1/changes HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\n"
                      "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                      '{"changes": ['.encode())
            t = time.monotonic()
            answer = s.recv(4096)
            assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - t < 8, answer
    finally:
        srv.stop()


def test_connections_are_capped_and_running_out_of_descriptors_is_logged_sparingly(tmp_path: Path) -> None:
    """Proves connections past the cap are closed at once, and with the cap above the
    descriptor limit the "Too many open files" line is logged at most a few times a
    minute instead of once per attempt."""
    srv = _server(tmp_path, {"FIELDSYNC_MAX_CONNECTIONS": "100", "FIELDSYNC_HEADER_TIMEOUT_S": "30"})
    try:
        async def run() -> int:
            conns = await _open(srv.port, 300, b"")
            closed = await _closed_by_server(conns, 3)
            for _, w in conns:
                w.close()
            return closed
        assert asyncio.run(run()) >= 195
    finally:
        srv.stop()
    srv = _server(tmp_path / "fd", {"FIELDSYNC_MAX_CONNECTIONS": "5000",
                                    "FIELDSYNC_HEADER_TIMEOUT_S": "30"}, nofile=256)
    try:
        async def flood() -> None:
            conns = []
            for _ in range(400):
                try:
                    conns.append(await asyncio.open_connection("127.0.0.1", srv.port))
                except OSError:
                    break
            await asyncio.sleep(3)  # the server keeps meeting EMFILE meanwhile
            for _, w in conns:
                w.close()
        asyncio.run(flood())
        wait_until(lambda: httpx.get(srv.base + "/v1/health", timeout=2).status_code == 200, timeout=30)
    finally:
        out = srv.stop()
    lines = [ln for ln in out.splitlines() if "open files" in ln or "out of system resource" in ln]
    assert len(lines) <= 3, lines[:5]
    assert len(out) < 20_000, len(out)


def test_idle_long_polls_cost_no_cpu_while_they_wait(tmp_path: Path) -> None:
    """Proves 1,000 pulls parked on one SQLite server cost next to no CPU (no periodic
    re-read per waiting pull), and a commit still wakes them."""
    srv = _server(tmp_path)
    try:
        with httpx.Client(base_url=srv.base, timeout=30) as http:
            api = Api(http)
            token = api.h("lia-gn")["Authorization"]
            req = _long_poll(token, api.pull("lia-gn")["next"])

            async def run() -> tuple[float, int]:
                conns = await _open(srv.port, 1000, req)
                await asyncio.to_thread(wait_until, lambda: "fieldsync_waiting_pulls 1000"
                                        in http.get("/v1/metrics").text, 30)
                before = cpu_s(srv.proc.pid)
                await asyncio.sleep(3)
                used = cpu_s(srv.proc.pid) - before
                await asyncio.to_thread(api.push_ok, "cmd-sedena", unit())
                answered = 0
                for r, w in conns:
                    head = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 20)
                    answered += head.startswith(b"HTTP/1.1 200")
                    w.close()
                return used, answered
            used, answered = asyncio.run(run())
        assert answered == 1000
        assert used < 0.3, f"{used:.2f} CPU s in 3 s of idle long-polls"
    finally:
        srv.stop()


def test_big_heads_are_refused_and_big_bodies_are_not(tmp_path: Path) -> None:
    """Proves request headers past 64 KiB close the connection, while a push whose body
    arrives in large chunks right behind its headers (a 5,000-change push) is served."""
    from sync_helpers import position

    srv = _server(tmp_path)
    try:
        with httpx.Client(base_url=srv.base, timeout=30) as http:
            api = Api(http)
            u = unit()
            api.push_ok("cmd-sedena", u)
            assert len(api.push_ok("cmd-sedena", *[position(u["entity_id"]) for _ in range(5000)])) == 5000
        with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
            s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000)
            try:
                assert s.recv(4096) == b""  # closed without an answer
            except ConnectionResetError:
                pass  # closed with the rest of the head unread
    finally:
        srv.stop()


def test_a_request_arriving_whole_keeps_its_connection(tmp_path: Path) -> None:
    """Proves a push that reaches the server in one read (head and ~170 KB of body, as a
    client's gzipped 5,000-change push does) is answered on a connection that stays open.
    Such a read used to count toward the next request's 64 KiB head limit, so the server
    closed the connection under a push it had just stored and the client pushed it again."""
    import json

    from sync_helpers import position

    srv = _server(tmp_path)
    try:
        with httpx.Client(base_url=srv.base, timeout=30) as http:
            api = Api(http)
            u = unit()
            api.push_ok("cmd-sedena", u)
            token = api.h("cmd-sedena")["Authorization"]
        with socket.create_connection(("127.0.0.1", srv.port), timeout=30) as s:
            for _ in range(5):
                body = json.dumps({"changes": [position(u["entity_id"]) for _ in range(700)]}).encode()
                assert len(body) > 100_000
                s.sendall(b"POST /v1/changes HTTP/1.1\r\nHost: x\r\nAuthorization: " + token.encode()
                          + b"\r\nContent-Type: application/json\r\nContent-Length: "
                          + str(len(body)).encode() + b"\r\n\r\n" + body)
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = s.recv(65536)
                    assert chunk, "the server closed the connection"
                    head += chunk
                head, _, rest = head.partition(b"\r\n\r\n")
                assert head.startswith(b"HTTP/1.1 200"), head
                length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                while len(rest) < length:
                    chunk = s.recv(65536)
                    assert chunk, "the server closed the connection"
                    rest += chunk
                assert json.loads(rest)["results"][0]["status"] == "applied"
    finally:
        srv.stop()


def test_a_fleet_that_polls_again_at_once_reads_the_log_together(tmp_path: Path) -> None:
    """Proves 100 laptops that get a commit and long-poll again straight away are served
    by a handful of reads of the log, not one each (`fieldsync_page_reads_total`), and
    that the next commit still reaches every one of them."""
    srv = _server(tmp_path)
    try:
        with httpx.Client(base_url=srv.base, timeout=30) as http:
            api = Api(http)
            token = api.h("lia-gn")["Authorization"]
            cursor = api.pull("lia-gn")["next"]

            def reads() -> int:
                text = http.get("/v1/metrics").text
                return int(text.split("fieldsync_page_reads_total ")[1].split()[0])

            async def answer(r: asyncio.StreamReader) -> int:
                """The `next` of the page answered on this connection."""
                head = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 20)
                assert head.startswith(b"HTTP/1.1 200"), head
                size = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                body = await r.readexactly(size)
                return int(body.rsplit(b'"next":', 1)[1].split(b",")[0])

            async def parked(n: int) -> None:
                await asyncio.to_thread(wait_until, lambda: f"fieldsync_waiting_pulls {n}"
                                        in http.get("/v1/metrics").text, 30)

            async def run() -> tuple[int, int]:
                conns = await _open(srv.port, 100, _long_poll(token, cursor))
                await parked(100)
                await asyncio.to_thread(api.push_ok, "cmd-sedena", unit())
                nexts = [await answer(r) for r, _ in conns]
                before = reads()
                for (_, w), nxt in zip(conns, nexts, strict=True):  # all poll again at once
                    w.write(_long_poll(token, nxt))
                await parked(100)
                polled_again = reads() - before
                await asyncio.to_thread(api.push_ok, "cmd-sedena", unit())
                woken = len([await answer(r) for r, _ in conns])
                for _, w in conns:
                    w.close()
                return polled_again, woken
            polled_again, woken = asyncio.run(run())
        assert polled_again <= 10, f"{polled_again} reads for 100 pulls polling again"
        assert woken == 100
    finally:
        srv.stop()
