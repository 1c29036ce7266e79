"""Pulls served together: one trip to the database for every pull that asks at once.

A commit wakes every parked pull of the process at the same moment, and they all ask
for the page after the same cursor. Each pull still has its token checked again (a
revoked device gets nothing), but the tokens of all of them are looked up in one
query, and a page is read once per (cursor, page size, audience) and shared, gzip
included. Under a fleet of long-polls that is one database trip per wake-up instead
of one per client.

Laptops catching up (a command post's link comes back; a backlog reaches every
laptop of its agency) ask for the same pages one after another rather than at once:
a full page (`more`: every row up to its `next` is committed for good) is kept for
CACHE_S seconds and served again to the same audience, its tokens still checked
per request. Serving it a moment later is the same as having read it a moment
earlier: what changed since (a withdrawal, a reveal) is further on in the log.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Engine

from sync.server import pull
from sync.server.auth import Principal, authenticate_many
from sync.server.errors import ApiError

Request = tuple[str | None, int, int]  # authorization, after, limit
Key = tuple[int, int, tuple[str, ...]]  # after, limit, audience
CACHE_S = 3.0  # how long a full page is served again
CACHE_BYTES = 64 << 20  # at most this much of page bodies kept


class FullPages:
    """Full pages recently read, by (after, limit, audience); thread-safe."""

    def __init__(self, seconds: float = CACHE_S, max_bytes: int = CACHE_BYTES) -> None:
        self.seconds, self.max_bytes = seconds, max_bytes
        self._pages: OrderedDict[Key, tuple[float, pull.Page]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.reads = 0  # pages read from the database (one per page a batch shares)

    def get(self, key: Key) -> pull.Page | None:
        with self._lock:
            self._expire(time.monotonic())
            entry = self._pages.get(key)
            if entry is None:
                return None
            self.hits += 1
            return entry[1]

    def put(self, key: Key, page: pull.Page) -> None:
        if not page.more or len(page.body) > self.max_bytes // 4:
            return  # at the head of the log: the next commit changes it
        with self._lock:
            if key not in self._pages:
                self._pages[key] = (time.monotonic() + self.seconds, page)
                self._bytes += len(page.body)
            while self._bytes > self.max_bytes:
                self._drop_oldest()

    def _expire(self, now: float) -> None:
        while self._pages and next(iter(self._pages.values()))[0] < now:
            self._drop_oldest()

    def _drop_oldest(self) -> None:
        _, (_, page) = self._pages.popitem(last=False)
        self._bytes -= len(page.body)


def serve(engine: Engine, requests: list[Request],
          cache: FullPages) -> list[tuple[Principal, pull.Page] | ApiError]:
    """Every request's page (or its 401), with one token look-up and one read per page."""
    callers = authenticate_many(engine, [r[0] for r in requests])
    pages: dict[Key, pull.Page] = {}
    out: list[tuple[Principal, pull.Page] | ApiError] = []
    for (_, after, limit), who in zip(requests, callers, strict=True):
        if isinstance(who, ApiError):
            out.append(who)
            continue
        key = (after, limit, pull.audience(who))
        if key not in pages:
            page = cache.get(key)
            if page is None:
                page = pull.pull_page(engine, who, after, limit)
                cache.reads += 1
                cache.put(key, page)
            pages[key] = page
        out.append((who, pages[key]))
    return out


class Batcher:
    def __init__(self, engine: Engine, run: Callable[..., Awaitable[Any]]) -> None:
        self.engine, self.run = engine, run
        self.full_pages = FullPages()
        self._pending: list[tuple[Request, asyncio.Future[tuple[Principal, pull.Page]]]] = []

    async def page(self, authorization: str | None, after: int,
                   limit: int) -> tuple[Principal, pull.Page]:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[tuple[Principal, pull.Page]] = loop.create_future()
        self._pending.append(((authorization, after, limit), fut))
        if len(self._pending) == 1:
            loop.call_soon(self._flush)  # whoever asks in this turn of the loop joins
        return await fut

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        task = asyncio.ensure_future(self.run(serve, self.engine, [r for r, _ in batch],
                                              self.full_pages))

        def deliver(done: asyncio.Future[Any]) -> None:
            error = done.exception()
            results = [error] * len(batch) if error is not None else done.result()
            for (_, fut), res in zip(batch, results, strict=True):
                if fut.done():
                    continue
                if isinstance(res, BaseException):
                    fut.set_exception(res)
                else:
                    fut.set_result(res)

        task.add_done_callback(deliver)
