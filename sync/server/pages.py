"""Pulls served together: one trip to the database for every pull that asks at once.

A commit wakes every parked pull of the process at the same moment, and they all ask
for the page after the same cursor. Each pull still has its token checked again (a
revoked device gets nothing), but the tokens of all of them are looked up in one
query, and a page is read once per (cursor, page size, audience) and shared, gzip
included. Under a fleet of long-polls that is one database trip per wake-up instead
of one per client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Engine

from sync.server import pull
from sync.server.auth import Principal, authenticate_many
from sync.server.errors import ApiError

Request = tuple[str | None, int, int]  # authorization, after, limit


def serve(engine: Engine, requests: list[Request]) -> list[tuple[Principal, pull.Page] | ApiError]:
    """Every request's page (or its 401), with one token look-up and one read per page."""
    callers = authenticate_many(engine, [r[0] for r in requests])
    pages: dict[tuple[int, int, tuple[str, ...]], pull.Page] = {}
    out: list[tuple[Principal, pull.Page] | ApiError] = []
    for (_, after, limit), who in zip(requests, callers, strict=True):
        if isinstance(who, ApiError):
            out.append(who)
            continue
        key = (after, limit, pull.audience(who))
        if key not in pages:
            pages[key] = pull.pull_page(engine, who, after, limit)
        out.append((who, pages[key]))
    return out


class Batcher:
    def __init__(self, engine: Engine, run: Callable[..., Awaitable[Any]]) -> None:
        self.engine, self.run = engine, run
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
        task = asyncio.ensure_future(self.run(serve, self.engine, [r for r, _ in batch]))

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
