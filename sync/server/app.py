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
import contextlib
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
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from sync.merge import HybridClock
from sync.protocol import (
    DEFAULT_PULL_LIMIT,
    ERR_RATE_LIMITED,
    MAX_PULL_LIMIT,
    MAX_WAIT_S,
    PROTOCOL_VERSION,
    codec,
    envelope,
    protocol_info,
)
from sync.server import accounts, anchor, audit, auth, bodylimit, db, openapi, pages, pull
from sync.server.auth import Passwords, Principal, authenticate
from sync.server.errors import ApiError, invalid, unauthenticated
from sync.server.group_commit import DECODE_ON_LOOP, GroupCommit
from sync.server.notify import Notifier
from sync.server.openapi import MAX_SEQ
from sync.server.settings import Settings
from sync.server.throttle import DbStore, Throttle

log = logging.getLogger("fieldsync")
JSON = "application/json"
GZIP_MIN = 1024  # smaller answers are not worth compressing
_login_request = msgspec.json.Decoder(envelope.LoginRequest)
TOKEN_CACHE_S = 5.0  # how long a token seen valid lets a push body be read unchecked


@dataclass
class Services:
    settings: Settings
    engine: Engine
    passwords: Passwords
    throttle: Throttle
    clock: HybridClock
    notifier: Notifier
    writer: GroupCommit
    pool: ThreadPoolExecutor  # blocking work of pulls, sign-ins and the audit feed
    info: envelope.ProtocolInfo
    metrics: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("pushes", "accepted", "pulls"), 0))
    # Heavy work at bounded concurrency: Argon2 (64 MiB each) and big push bodies.
    kdf_gate: asyncio.Semaphore = field(init=False)
    push_gate: asyncio.Semaphore = field(init=False)
    logins_waiting: int = 0
    # Bearer headers a push or pull recently proved valid -> until when (monotonic):
    # such a push's body is read at once; any other is looked up first.
    valid_tokens: dict[str, float] = field(default_factory=dict)
    pages: pages.Batcher = field(init=False)

    def __post_init__(self) -> None:
        self.pages = pages.Batcher(self.engine, self.run)
        self.kdf_gate = asyncio.Semaphore(self.settings.kdf_concurrency)
        self.push_gate = asyncio.Semaphore(self.settings.big_push_concurrency)

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    def vouch(self, authorization: str | None) -> None:
        if authorization:
            if len(self.valid_tokens) > 10_000:
                self.valid_tokens.clear()
            self.valid_tokens[authorization] = time.monotonic() + TOKEN_CACHE_S

    async def read_body(self, request: Request, caps: bodylimit.Caps) -> bytes:
        gzipped = bodylimit.precheck(request.headers, caps)
        return await bodylimit.read_body(request.receive, gzipped, caps,
                                         idle_s=self.settings.body_idle_s,
                                         total_s=self.settings.body_total_s)


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


def _respond_page(request: Request, page: pull.Page) -> Response:
    """A pull page; its gzip is made once for all the pulls it answers. Its cursor is in
    the headers too, so a client can ask for the next page while it reads this one."""
    headers = {**_clock_header(), envelope.PULL_NEXT_HEADER: str(page.next),
               envelope.PULL_MORE_HEADER: "true" if page.more else "false"}
    if len(page.body) > GZIP_MIN and "gzip" in request.headers.get("accept-encoding", ""):
        if page.gzipped is None:
            page.gzipped = isal_zlib.compress(page.body, _services(request).settings.gzip_level,
                                              wbits=31)
        headers.update({"content-encoding": "gzip", "vary": "Accept-Encoding"})
        return Response(page.gzipped, 200, headers, media_type=JSON)
    return Response(page.body, 200, headers, media_type=JSON)


def _error(status: int, code: str, detail: str, headers: dict[str, str] | None = None,
           wipe: str | None = None) -> Response:
    body = codec.encode(envelope.ErrorBody(code=code, detail=detail, wipe=wipe))
    return Response(body, status, {**_clock_header(), **(headers or {})}, media_type=JSON)


Handler = Callable[[Request], Awaitable[Response]]


def _endpoint(fn: Handler) -> Handler:
    """Errors of one request become `{code, detail}`; a bug becomes a logged 500."""
    async def run(request: Request) -> Response:
        try:
            return await fn(request)
        except ApiError as exc:
            # A body left unread is discarded by the server as it arrives, within the
            # header deadline of the next request (serving.py); the connection is not
            # closed under a client still sending, which could lose it this answer.
            return _error(exc.status, exc.code, exc.detail, exc.headers, exc.wipe)
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
        f"fieldsync_full_pages_served_again_total {svc.pages.full_pages.hits}",
        f"fieldsync_page_reads_total {svc.pages.full_pages.reads}",
    ]
    return PlainTextResponse("\n".join(lines) + "\n")


async def login(request: Request) -> Response:
    svc = _services(request)
    body = _decode_login(await svc.read_body(request, bodylimit.LOGIN))
    addr = request.client.host if request.client else "?"
    # Counted before the password is verified (so parallel guesses cannot all slip past
    # the limit), then verified with a bounded number of Argon2 runs at once.
    await svc.run(accounts.begin_login, svc.throttle, body.username, addr)
    if svc.logins_waiting >= svc.settings.login_queue:
        raise ApiError(429, ERR_RATE_LIMITED, "too many sign-ins at once; try again shortly",
                       {"Retry-After": "1"})
    svc.logins_waiting += 1
    try:
        async with svc.kdf_gate:
            row = await svc.run(accounts.check_password, svc.engine, svc.passwords,
                                body.username, body.password)
    finally:
        svc.logins_waiting -= 1
    if row is None:
        raise unauthenticated("wrong username or password, or account disabled")
    res = await svc.run(accounts.finish_login, svc.engine, svc.passwords, svc.throttle,
                        svc.settings, row, body.password, body.device_name, addr)
    return _respond(request, codec.encode(
        envelope.LoginResponse(token=res.token, device_id=res.device_id, user=res.user)))


async def logout(request: Request) -> Response:
    svc = _services(request)

    def run() -> None:
        accounts.logout(svc.engine, authenticate(svc.engine, request.headers.get("authorization")))

    await svc.run(run)
    return Response(status_code=204)


async def device_wiped(request: Request) -> Response:
    """A laptop of a device revoked with the wipe policy erased its data (revision 5)."""
    svc = _services(request)
    raw = await bodylimit.read_body(request.receive, bodylimit.precheck(request.headers,
                                                                         bodylimit.LOGIN),
                                    bodylimit.LOGIN, idle_s=svc.settings.body_idle_s,
                                    total_s=svc.settings.body_total_s)
    try:
        report = msgspec.json.decode(raw or b"{}", type=envelope.WipeReport)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise invalid(f"wipe report: {exc}") from None

    def run() -> None:
        who = authenticate(svc.engine, request.headers.get("authorization"), auth.WIPE_ACK)
        accounts.device_wiped(svc.engine, who, report.pushed, report.unsent, report.locked)

    await svc.run(run)
    return Response(status_code=204, headers=_clock_header())


async def me(request: Request) -> Response:
    svc = _services(request)
    who: Principal = await svc.run(authenticate, svc.engine, request.headers.get("authorization"))
    info = svc.info
    return _respond(request, codec.encode(envelope.MeResponse(
        user=accounts.user_info(who), device_id=who.device_id or "", server_time=_now(),
        revision=info.revision, min_client_revision=info.min_client_revision,
        entities=info.entities)))


async def changes(request: Request) -> Response:
    """One route for both methods, so OPTIONS and a wrong method name both in Allow."""
    return await (push_changes(request) if request.method == "POST" else pull_changes(request))


async def push_changes(request: Request) -> Response:
    svc = _services(request)
    authorization = request.headers.get("authorization")
    # Nothing of the body is read before its token is known good: a token a recent
    # request proved valid, else one look-up. The group-commit thread authenticates
    # again (the real check, in one look-up for every waiting push) before applying.
    if svc.valid_tokens.get(authorization or "", 0.0) < time.monotonic():
        await svc.run(authenticate, svc.engine, authorization, auth.PUSH)
    gzipped = bodylimit.precheck(request.headers, bodylimit.PUSH)
    length = request.headers.get("content-length", "")
    small = length.isdigit() and int(length) <= (DECODE_ON_LOOP // 8 if gzipped else DECODE_ON_LOOP)
    async with contextlib.AsyncExitStack() as stack:
        if not small:  # big bodies: a few at a time, so memory stays bounded
            await stack.enter_async_context(svc.push_gate)
        raw = await bodylimit.read_body(request.receive, gzipped, bodylimit.PUSH,
                                        idle_s=svc.settings.body_idle_s,
                                        total_s=svc.settings.body_total_s)
        reply = await svc.writer.push(authorization, raw)
    svc.vouch(authorization)
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
    authorization = request.headers.get("authorization")
    svc.notifier.open_pulls += 1
    try:
        return await _pull_pages(request, svc, authorization, after, limit, deadline)
    finally:
        svc.notifier.open_pulls -= 1


async def _pull_pages(request: Request, svc: Services, authorization: str | None, after: int,
                      limit: int, deadline: float) -> Response:
    if deadline > time.monotonic():
        await svc.notifier.slot()  # a long-poll reads with the others of its moment
    while True:
        mark = svc.notifier.counter
        # The device and user are checked again with every page, in the same trip: a
        # pull parked when its device was revoked or its user disabled gets 401, not
        # what was committed meanwhile.
        # Pulls asking together share one look-up of their tokens and one read per page.
        _who, page = await svc.pages.page(authorization, after, limit)
        left = deadline - time.monotonic()
        if page.count or page.more or left <= 0:
            svc.vouch(authorization)
            return _respond_page(request, page)
        after = page.next
        await svc.notifier.wait(mark, left)


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
    clock = HybridClock(settings.node_id)
    notifier = Notifier(settings.wake_spread_per_pull_s, settings.wake_spread_cap_s)
    throttle = Throttle(per_pair=settings.login_fail_per_user, per_addr=settings.login_fail_per_addr,
                        per_user=settings.login_fail_per_account, window_s=settings.login_window_s,
                        lock_cap_s=settings.login_lock_cap_s, store=DbStore(engine))
    svc = Services(
        settings, engine, Passwords(settings), throttle,
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
        elif settings.is_sqlite:
            svc.notifier.start_watching(engine, settings.sqlite_recheck_s)
        signer = anchor.Checkpointer.start(engine, settings)
        try:
            yield
        finally:
            if signer is not None:
                signer.stop()
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
        Route("/v1/device/wiped", _endpoint(device_wiped), methods=["POST"]),
        Route("/v1/changes", _endpoint(changes), methods=["GET", "POST"]),
        Route("/v1/audit", _endpoint(audit_feed), methods=["GET"]),
        Route("/v1/records/{record_id}", _endpoint(open_record), methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error},
                    lifespan=lifespan)
    app.state.services = svc
    return app

