"""A small fault-injecting TCP proxy on loopback (threads), for replication tests.

Modes (switchable while running; each new connection reads the current mode):
- "pass":      forward both ways
- "reset":     accept, then close with RST at once
- "cut":       forward the request; forward only the first `cut_after` bytes of the reply, then RST
- "stall":     forward the request; hold the reply (never deliver it) until the client gives up
- "half_open": accept and read, never connect upstream, never answer, never close
- "drop_reply": forward the request, wait for the server's reply to start (the commit is done),
               call `on_reply` (e.g. kill -9 the server), drop the reply and reset the client
With `only` set (e.g. b"POST /v1/changes"), a fault hits only requests that start so and
every other request passes: a client asks the server's version before it pushes, and
pulls while it pushes.
`clock_shift_ms` moves the server's clock as its answers tell it (`X-Server-Time` and
`Date` headers), so a test can show a client a server whose clock differs from the
client's own without touching either process's clock.
"""

from __future__ import annotations

import re
import socket
import struct
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

_TIME_HEADER = re.compile(rb"(?im)^(x-server-time|date): ([^\r\n]+)\r$")


def _rst(sock: socket.socket) -> None:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # wakes a pump blocked in recv() on it in another thread (closing alone would not,
        # on Linux, and close() could not join it); sends nothing to the peer, unlike a FIN
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def _close(sock: socket.socket) -> None:
    """A plain close (FIN) that also wakes a pump blocked in recv() on it elsewhere."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


class FaultProxy:
    def __init__(self, upstream_port: int, host: str = "127.0.0.1") -> None:
        self.upstream = (host, upstream_port)
        self.mode = "pass"
        self.cut_after = 200
        self.on_reply: Callable[[], None] | None = None
        self.only: bytes | None = None
        self.clock_shift_ms = 0
        self.connections = 0
        self._lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._lsock.bind((host, 0))
        self._lsock.listen(64)
        self.port = self._lsock.getsockname()[1]
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._open: set[socket.socket] = set()  # every socket of every connection, to end them
        self._threads: list[threading.Thread] = []  # the connections' pumps, to join them
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_mode(self, mode: str) -> None:
        self.mode = mode

    def close(self) -> None:
        """Stop listening, reset every connection and wait for every thread of the proxy to
        end (a thread left blocked in accept() or recv() would outlive the test)."""
        with self._lock:  # from here no connection is tracked nor thread started
            self._stop.set()
        try:
            # close() alone does not wake a thread blocked in accept() on Linux; shutdown does
            self._lsock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._thread.join(10)
        self._lsock.close()
        with self._lock:
            socks, self._open = list(self._open), set()
            threads, self._threads = self._threads, []
        for sock in socks:  # wakes the pumps blocked in recv() (closing the socket would not)
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.release()
        for sock in socks:
            _rst(sock)
        for t in threads:
            t.join(10)
        alive = [t for t in [self._thread, *threads] if t.is_alive()]
        assert not alive, f"fault proxy threads still running: {alive}"

    def release(self) -> None:
        """Close every held (stalled / half-open) connection."""
        with self._lock:
            held, self._held = self._held, []
        for s in held:
            _rst(s)

    def _track(self, *socks: socket.socket) -> bool:
        """Keep these sockets for close(); False (and reset them) once it has begun."""
        with self._lock:
            if not self._stop.is_set():
                self._open.update(socks)
                return True
        for sock in socks:
            _rst(sock)
        return False

    def _spawn(self, target: Callable[..., None], *args: object) -> bool:
        """Start a thread close() will join; False once close() has begun (none started)."""
        with self._lock:
            if self._stop.is_set():
                return False
            t = threading.Thread(target=target, args=args, daemon=True)
            self._threads = [x for x in self._threads if x.is_alive()]
            self._threads.append(t)
            t.start()
        return True

    def _hold(self, *socks: socket.socket) -> None:
        with self._lock:
            self._held.extend(socks)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._lsock.accept()
            except OSError:
                return
            self.connections += 1
            if not (self._track(client) and self._spawn(self._serve, client, self.mode)):
                _rst(client)
                return

    def _shifted(self, m: re.Match[bytes]) -> bytes:
        name, value = m.group(1), m.group(2).decode()
        shift = timedelta(milliseconds=self.clock_shift_ms)
        if name.lower() == b"date":
            when = parsedate_to_datetime(value) + shift
            return name + b": " + format_datetime(when.astimezone(UTC), usegmt=True).encode() + b"\r"
        when = datetime.fromisoformat(value.replace("Z", "+00:00")) + shift
        return name + b": " + when.isoformat(timespec="milliseconds").replace(
            "+00:00", "Z").encode() + b"\r"

    def _hits(self, request: bytes) -> bool:
        return self.only is None or request.startswith(self.only)

    def _serve(self, client: socket.socket, mode: str) -> None:
        if mode == "reset" and self.only is None:
            _rst(client)
            return
        if mode == "half_open" and self.only is None:
            self._hold(client)
            try:
                while client.recv(65536):
                    pass
            except OSError:
                pass
            return
        try:
            up = socket.create_connection(self.upstream, timeout=10)
        except OSError:
            _rst(client)
            return
        up.settimeout(None)
        request = [b""]  # the start of the request being answered on this connection
        if not (self._track(up) and self._spawn(self._pump_up, client, up, request)):
            _rst(client)  # closed meanwhile
            _rst(up)
            return
        self._pump_down(up, client, request)

    def _pump_up(self, client: socket.socket, up: socket.socket, request: list[bytes]) -> None:
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    up.shutdown(socket.SHUT_WR)
                    return
                if data[:4] in (b"GET ", b"POST", b"PUT ", b"HEAD"):
                    request[0] = data[:64]
                # pooled keep-alive connections see a mode switch at their next request
                if self.mode == "reset" and self._hits(request[0]):
                    _rst(client)
                    _rst(up)
                    return
                if self.mode == "half_open" and self._hits(request[0]):
                    self._hold(client, up)
                    while client.recv(65536):
                        pass
                    return
                up.sendall(data)
        except OSError:
            return

    def _pump_down(self, up: socket.socket, client: socket.socket, request: list[bytes]) -> None:
        sent = 0
        try:
            while True:
                data = up.recv(65536)
                mode = self.mode
                if not data:
                    _close(client)
                    _close(up)
                    return
                if mode == "stall" and self._hits(request[0]):
                    self._hold(client, up)
                    return
                if mode == "drop_reply" and self._hits(request[0]):
                    if self.on_reply:
                        self.on_reply()
                    _rst(client)
                    _rst(up)
                    return
                if self.clock_shift_ms:
                    data = _TIME_HEADER.sub(self._shifted, data)
                if mode == "cut" and self._hits(request[0]):
                    room = self.cut_after - sent
                    if room <= len(data):
                        client.sendall(data[: max(room, 0)])
                        _rst(client)
                        _rst(up)
                        return
                client.sendall(data)
                sent += len(data)
        except OSError:
            _rst(client)
            _rst(up)
