"""HTTP app factory: the endpoints of sync protocol v1 (see docs/protocol.md).

`create_app(settings)` builds everything a process needs (engine, migrations,
clock, notifier, rate limiter, group commit) and hangs it on `app.state`.
Plain Starlette routes: every body is a msgspec type of `sync.protocol.envelope`,
encoded and decoded by `sync.protocol.codec`, so a framework layer that
validates through pydantic would only add cost (docs/server.md has the figures).
Every error leaves as `{code, detail}` with a 4xx status; anything else is a
bug and is logged.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
from isal import isal_zlib
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from sync.merge import HybridClock
from sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_PULL_LIMIT,
    MAX_WAIT_S,
    PROTOCOL_VERSION,
    codec,
    envelope,
    protocol_info,
)
from sync.server import accounts, audit, db, openapi, pull
from sync.server.auth import LoginLimiter, Passwords, Principal, authenticate
from sync.server.bodylimit import BodyLimitMiddleware
from sync.server.errors import ApiError, invalid
from sync.server.group_commit import GroupCommit
from sync.server.notify import Notifier
from sync.server.openapi import MAX_SEQ
from sync.server.settings import Settings

log = logging.getLogger("fieldsync")
JSON = "application/json"
GZIP_MIN = 1024  # smaller answers are not worth compressing
_login_request = msgspec.json.Decoder(envelope.LoginRequest)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    passwords: Passwords
    limiter: LoginLimiter
    clock: HybridClock
    notifier: Notifier
    writer: GroupCommit
    pool: ThreadPoolExecutor  # blocking work of pulls, sign-ins and the audit feed
    info: envelope.ProtocolInfo
    metrics: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("pushes", "accepted", "pulls"), 0))

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)


def _services(request: Request) -> Services:
    svc: Services = request.app.state.services
    return svc


def _clock_header() -> dict[str, str]:
    """The server's time on every answer, to the millisecond: a client compares it with
    its own clock and warns about a wrong one (docs/protocol.md)."""
    return {envelope.SERVER_TIME_HEADER: codec.encode(_now()).decode().strip('"')}


def _respond(request: Request, body: bytes, status: int = 200,
             headers: dict[str, str] | None = None) -> Response:
    """A JSON answer, gzip-compressed (ISA-L, several times faster than zlib) when
    the client accepts it and it is worth it."""
    out = {**_clock_header(), **(headers or {})}
    if len(body) > GZIP_MIN and "gzip" in request.headers.get("accept-encoding", ""):
        body = isal_zlib.compress(body, _services(request).settings.gzip_level, wbits=31)
        out["content-encoding"] = "gzip"
        out["vary"] = "Accept-Encoding"
    return Response(body, status, out, media_type=JSON)


def _error(status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> Response:
    body = codec.encode(envelope.ErrorBody(code=code, detail=detail))
    return Response(body, status, {**_clock_header(), **(headers or {})}, media_type=JSON)


Handler = Callable[[Request], Awaitable[Response]]


def _endpoint(fn: Handler) -> Handler:
    """Errors of one request become `{code, detail}`; a bug becomes a logged 500."""
    async def run(request: Request) -> Response:
        try:
            return await fn(request)
        except ApiError as exc:
            return _error(exc.status, exc.code, exc.detail, exc.headers)
        except Exception:
            log.exception("unhandled error in %s %s", request.method, request.url.path)
            return _error(500, "internal_error", "internal server error (logged)")
    run.__name__ = fn.__name__
    return run


def _decode_login(raw: bytes) -> Any:
    if not raw.strip():
        raise invalid("request body is empty; expected JSON")
    try:
        return _login_request.decode(raw)
    except msgspec.DecodeError as exc:
        raise invalid(f"malformed JSON: {exc}") from None
    except (msgspec.ValidationError, RecursionError) as exc:
        raise invalid(str(exc) or "invalid login body") from None


def _int_param(q: QueryParams, name: str, default: int, lo: int, hi: int) -> int:
    raw = q.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"{name}: must be a whole number") from None
    if not lo <= value <= hi:
        raise invalid(f"{name}: must be between {lo} and {hi}")
    return value


def _wait_param(q: QueryParams) -> float:
    raw = q.get("wait")
    if raw is None:
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        raise invalid("wait: must be a number of seconds") from None
    if not (math.isfinite(value) and 0 <= value <= MAX_WAIT_S):
        raise invalid(f"wait: must be between 0 and {MAX_WAIT_S:g} seconds")
    return value


def _auth_and_pull(engine: Engine, authorization: str | None, after: int,
                   limit: int) -> tuple[Principal, pull.Page]:
    who = authenticate(engine, authorization)  # one trip off the loop for both
    return who, pull.pull_page(engine, who, after, limit)


def _now() -> datetime:
    return datetime.now(UTC)


# -- endpoints -----------------------------------------------------------------------


async def health(request: Request) -> Response:
    info = _services(request).info
    return _respond(request, codec.encode(envelope.HealthResponse(
        status="ok", server_time=_now(), protocol=PROTOCOL_VERSION, revision=info.revision,
        min_client_revision=info.min_client_revision, entities=info.entities)))


async def metrics(request: Request) -> Response:
    svc = _services(request)
    m = svc.metrics
    lines = [
        f"fieldsync_waiting_pulls {svc.notifier.waiting}",
        f"fieldsync_pushes_total {m['pushes']}",
        f"fieldsync_changes_accepted_total {m['accepted']}",
        f"fieldsync_pulls_total {m['pulls']}",
    ]
    return PlainTextResponse("\n".join(lines) + "\n")


async def login(request: Request) -> Response:
    svc = _services(request)
    body = _decode_login(await request.body())
    addr = request.client.host if request.client else "?"
    res = await svc.run(accounts.login, svc.engine, svc.passwords, svc.limiter, svc.settings,
                        body.username, body.password, body.device_name, addr)
    return _respond(request, codec.encode(
        envelope.LoginResponse(token=res.token, device_id=res.device_id, user=res.user)))


async def logout(request: Request) -> Response:
    svc = _services(request)

    def run() -> None:
        accounts.logout(svc.engine, authenticate(svc.engine, request.headers.get("authorization")))

    await svc.run(run)
    return Response(status_code=204)


async def me(request: Request) -> Response:
    svc = _services(request)
    who: Principal = await svc.run(authenticate, svc.engine, request.headers.get("authorization"))
    info = svc.info
    return _respond(request, codec.encode(envelope.MeResponse(
        user=accounts.user_info(who), device_id=who.device_id or "", server_time=_now(),
        revision=info.revision, min_client_revision=info.min_client_revision,
        entities=info.entities)))


async def push_changes(request: Request) -> Response:
    svc = _services(request)
    # Authentication, decoding and the transaction all happen on the group-commit
    # thread: one hand-off there and one back, none through a thread pool.
    reply = await svc.writer.push(request.headers.get("authorization"), await request.body())
    svc.metrics["pushes"] += 1
    svc.metrics["accepted"] += reply.accepted
    return _respond(request, reply.body)


def _auth_and_history(engine: Engine, authorization: str | None, scope: str, after: int,
                      before: int, limit: int) -> pull.Page:
    return pull.history_page(engine, authenticate(engine, authorization), scope, after, before,
                             limit)


async def pull_changes(request: Request) -> Response:
    svc = _services(request)
    q = request.query_params
    after = _int_param(q, "after", 0, 0, MAX_SEQ)
    limit = _int_param(q, "limit", DEFAULT_PULL_LIMIT, 1, MAX_PULL_LIMIT)
    scope = q.get("scope")
    if scope is not None:  # one record's history (a record that turned visible)
        if not 0 < len(scope) <= 64:
            raise invalid("scope: must be a record id")
        before = _int_param(q, "before", MAX_SEQ, 0, MAX_SEQ)
        svc.metrics["pulls"] += 1
        page = await svc.run(_auth_and_history, svc.engine,
                             request.headers.get("authorization"), scope, after, before, limit)
        return _respond(request, page.body)
    wait = _wait_param(q)
    deadline = time.monotonic() + min(wait, svc.settings.long_poll_cap_s)
    svc.metrics["pulls"] += 1
    # Without LISTEN (SQLite) another process's commit is found by re-reading.
    recheck = 30.0 if svc.settings.is_postgres else svc.settings.sqlite_recheck_s
    who: Principal | None = None
    while True:
        mark = svc.notifier.counter
        if who is None:
            who, page = await svc.run(_auth_and_pull, svc.engine,
                                      request.headers.get("authorization"), after, limit)
        else:
            page = await svc.run(pull.pull_page, svc.engine, who, after, limit)
        left = deadline - time.monotonic()
        if page.count or page.more or left <= 0:
            return _respond(request, page.body)
        after = page.next
        await svc.notifier.wait(mark, min(left, recheck))


async def open_record(request: Request) -> Response:
    """A detention or use-of-force report whole; the opening is audited (sync.server.pull)."""
    svc = _services(request)
    record_id = request.path_params["record_id"]
    if not 0 < len(record_id) <= 64:
        raise invalid("record id: must be a record id")

    def run() -> bytes | None:
        who = authenticate(svc.engine, request.headers.get("authorization"))
        return pull.open_record(svc.engine, who, record_id)

    body = await svc.run(run)
    if body is None:
        raise ApiError(404, "not_found", "no such record (or not visible to you)")
    return _respond(request, body)


async def audit_feed(request: Request) -> Response:
    svc = _services(request)
    q = request.query_params
    after = _int_param(q, "after", 0, 0, MAX_SEQ)
    limit = _int_param(q, "limit", 1000, 1, MAX_PULL_LIMIT)

    def run() -> bytes:
        accounts.require_role(authenticate(svc.engine, request.headers.get("authorization")),
                              "observer", "admin")
        rows = audit.read(svc.engine, after, limit)
        return codec.encode({"rows": rows, "next": rows[-1]["id"] if rows else after})

    return _respond(request, await svc.run(run))


def create_app(settings: Settings, engine: Engine | None = None) -> Starlette:
    """A ready app: schema migrated, services built, routes mounted."""
    engine = engine or db.make_engine(settings.database_url)
    db.migrate(engine)
    clock, notifier = HybridClock(settings.node_id), Notifier()
    svc = Services(
        settings, engine, Passwords(settings),
        LoginLimiter(settings.login_fail_per_user, settings.login_fail_per_addr, settings.login_window_s),
        clock, notifier, GroupCommit(engine, clock, notifier.bump),
        ThreadPoolExecutor(settings.io_threads, thread_name_prefix="fieldsync-io"),
        protocol_info(settings.min_client_revision),
    )
    doc = openapi.document("fieldsync", f"{PROTOCOL_VERSION}",
                           "Enlace sync protocol v1. See docs/protocol.md.")
    schema, page = codec.encode(doc), openapi.docs_page(doc)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        svc.notifier.bind(asyncio.get_running_loop())
        if settings.is_postgres and settings.listen_notify:
            await svc.run(svc.notifier.start_listening, settings.database_url)
        try:
            yield
        finally:
            svc.notifier.stop()
            svc.writer.close()

    async def openapi_json(request: Request) -> Response:
        return _respond(request, schema)

    async def docs(_request: Request) -> Response:
        return HTMLResponse(page)

    async def http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))

    routes = [
        Route("/v1/health", _endpoint(health), methods=["GET"]),
        Route("/v1/metrics", _endpoint(metrics), methods=["GET"]),
        Route("/v1/auth/login", _endpoint(login), methods=["POST"]),
        Route("/v1/auth/logout", _endpoint(logout), methods=["POST"]),
        Route("/v1/me", _endpoint(me), methods=["GET"]),
        Route("/v1/changes", _endpoint(push_changes), methods=["POST"]),
        Route("/v1/changes", _endpoint(pull_changes), methods=["GET"]),
        Route("/v1/audit", _endpoint(audit_feed), methods=["GET"]),
        Route("/v1/records/{record_id}", _endpoint(open_record), methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(BodyLimitMiddleware)],
                    exception_handlers={HTTPException: http_error}, lifespan=lifespan)
    app.state.services = svc
    return app

