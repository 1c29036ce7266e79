"""Running the app on uvicorn with the limits uvicorn lacks.

uvicorn has a keep-alive timeout but no deadline for request headers: its idle timer
restarts with every byte, so a client trickling one header byte at a time holds a
connection (and a file descriptor) forever, and a thousand of them exhaust the
process. `GuardedProtocol` (uvicorn's httptools protocol) adds:
- a header deadline: a request's headers must be complete within `header_timeout_s`
  of the connection opening or of the previous response, whatever trickles in, and
  may not exceed MAX_HEAD bytes;
- a connection cap: past `max_connections` open connections a new one is closed at
  once, before it costs more than its accept (kept below the descriptor limit, so
  the process does not run out of descriptors in the first place).
Bodies are timed by the app itself (bodylimit.read_body). When the process still
runs out of descriptors, the event loop's "Too many open files" error is logged at
most once every LOG_EVERY_S seconds with a count of what was left out.
X-Forwarded-For is honoured only from the proxies the operator names.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from sync.server.settings import Settings

MAX_HEAD = 64 * 1024
LOG_EVERY_S = 30.0
_FD_WORDS = ("Too many open files", "out of system resource", "EMFILE", "ENFILE")


class GuardedProtocol(HttpToolsProtocol):
    header_timeout_s = 10.0
    max_connections = 4096

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_bytes = 0
        self._heads = 0  # request heads parsed on this connection
        self._in_head = True  # bytes arriving now belong to a request's head
        if len(self.connections) > self.max_connections:
            transport.abort()
            return
        self._arm_head()

    def _arm_head(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(self.header_timeout_s, self._head_too_slow)

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        counting, heads = self._in_head, self._heads
        super().data_received(data)
        # Only a chunk that began in a head and completed none is part of a head still
        # coming. A chunk that held a whole request (head, body and all) used to count
        # too, which closed the connection under a push just accepted.
        if counting and self._in_head and self._heads == heads:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD:
                self._head_too_slow()

    def on_headers_complete(self) -> None:
        self._heads += 1
        self._in_head, self._head_bytes = False, 0
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        # what follows is the next request (a body left unread is over)
        self._in_head, self._head_bytes = True, 0
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._arm_head()  # the next request's headers get the same deadline

    def connection_lost(self, exc: Exception | None) -> None:
        timer = getattr(self, "_head_timer", None)
        if timer is not None:
            timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)


class RateLimitedFdErrors(logging.Filter):
    """Lets one "out of descriptors" record through every `every_s` seconds."""

    def __init__(self, every_s: float = LOG_EVERY_S) -> None:
        super().__init__()
        self.every_s, self.next_at, self.dropped = every_s, 0.0, 0

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f" {record.exc_info[1]}"
        if not any(w in text for w in _FD_WORDS):
            return True
        now = time.monotonic()
        if now < self.next_at:
            self.dropped += 1
            return False
        if self.dropped:
            record.msg = f"{record.msg} ({self.dropped} more like it in the last {self.every_s:g} s)"
        self.next_at, self.dropped = now + self.every_s, 0
        return True


def _raise_fd_limit() -> int:
    """Use every descriptor the hard limit allows; returns the limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft


def run(app: Any, settings: Settings, *, host: str, port: int, log_level: str,
        tls_cert: Path | None, tls_key: Path | None) -> None:
    limit = _raise_fd_limit()
    fd_filter = RateLimitedFdErrors()
    for name in ("asyncio", "uvicorn.error", "uvicorn"):
        logging.getLogger(name).addFilter(fd_filter)
    # Automatic cap: the descriptor limit less room for the database pool, LISTEN, logs
    # and the listener. An operator's explicit cap is taken as given.
    cap = settings.max_connections or max(16, min(10_000, limit - 128))
    if cap > limit:
        logging.getLogger("fieldsync").warning(
            "max connections %d is above the descriptor limit %d", cap, limit)
    protocol = type("Guarded", (GuardedProtocol,), {
        "header_timeout_s": settings.header_timeout_s, "max_connections": cap})
    config = uvicorn.Config(
        app, host=host, port=port, log_level=log_level, access_log=False, http=protocol,
        ssl_certfile=str(tls_cert) if tls_cert else None,
        ssl_keyfile=str(tls_key) if tls_key else None,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies) or None,
        timeout_keep_alive=5,
    )
    uvicorn.Server(config).run()
