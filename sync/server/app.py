"""HTTP app factory: endpoints of sync protocol v1 (see docs/protocol.md).

`create_app(settings)` builds everything a process needs (engine, migrations,
clock, notifier, rate limiter) and hangs it on `app.state`; endpoints get
them through the dependency aliases below. Every error leaves as
`{code, detail}` with a 4xx status; anything else is a bug and is logged.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

import pydantic_core
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.merge import HybridClock
from sync.protocol import (
    DEFAULT_PULL_LIMIT,
    ERR_INVALID,
    ERR_TOO_LARGE,
    MAX_PULL_LIMIT,
    MAX_PUSH_CHANGES,
    MAX_WAIT_S,
    PROTOCOL_VERSION,
    ErrorBody,
    HealthResponse,
    LoginRequest,
    LoginResponse,
    MeResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    _describe,
    utcnow,
)
from sync.server import accounts, audit, db, pull, push
from sync.server.auth import LoginLimiter, Passwords, Principal, authenticate
from sync.server.bodylimit import BodyLimitMiddleware
from sync.server.errors import ApiError, invalid
from sync.server.notify import Notifier
from sync.server.settings import Settings
from sync.server.writer import GroupWriter

log = logging.getLogger("fieldsync")
MAX_SEQ = 2**63 - 1  # BIGINT: a larger cursor cannot be bound, let alone exist


@dataclass
class Services:
    settings: Settings
    engine: Engine
    passwords: Passwords
    limiter: LoginLimiter
    clock: HybridClock
    notifier: Notifier
    writer: GroupWriter
    metrics: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("pushes", "accepted", "pulls"), 0))


def get_services(request: Request) -> Services:
    svc: Services = request.app.state.services
    return svc


ServicesDep = Annotated[Services, Depends(get_services)]


def current_user(request: Request, svc: ServicesDep) -> Principal:
    return authenticate(svc.engine, request.headers.get("authorization"))


CurrentUser = Annotated[Principal, Depends(current_user)]


def parse_json(raw: bytes) -> Any:
    """Strict JSON as a 422 on failure: no NaN/Infinity, nesting bounded (~200
    levels), UTF-8 only, no lone surrogates (they could not be stored).
    pydantic-core's parser is also about twice as fast as the stdlib's."""
    if not raw.strip():
        raise invalid("request body is empty; expected JSON")
    try:
        return pydantic_core.from_json(raw, allow_inf_nan=False)
    except ValueError as exc:
        raise invalid(f"malformed JSON: {exc}") from None


def _auth_and_parse(
    engine: Engine, authorization: str | None, raw: bytes
) -> tuple[Principal, list[push.Prepared | push.Result]]:
    who = authenticate(engine, authorization)
    return who, _parse_push(raw, who)


def _parse_push(raw: bytes, who: Principal) -> list[push.Prepared | push.Result]:
    data = parse_json(raw)
    if not isinstance(data, dict) or not isinstance(data.get("changes"), list):
        raise invalid("body must be an object {\"changes\": [...]}")
    if set(data) != {"changes"}:
        raise invalid(f"unknown keys in body: {', '.join(sorted(set(data) - {'changes'}))}")
    items = data["changes"]
    if len(items) > MAX_PUSH_CHANGES:
        raise ApiError(413, ERR_TOO_LARGE, f"{len(items)} changes in one push; at most {MAX_PUSH_CHANGES}")
    return push.prepare(items, who)


def _error(status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "detail": detail}, status_code=status, headers=headers)


def _body(model: type[BaseModel]) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"model": ErrorBody} for c in codes}


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """A ready app: schema migrated, services built, routes mounted."""
    engine = engine or db.make_engine(settings.database_url)
    db.migrate(engine)
    clock, notifier = HybridClock(settings.node_id), Notifier()
    svc = Services(
        settings, engine, Passwords(settings),
        LoginLimiter(settings.login_fail_per_user, settings.login_fail_per_addr, settings.login_window_s),
        clock, notifier, GroupWriter(engine, clock, notifier.notify_threadsafe),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        svc.notifier.bind(asyncio.get_running_loop())
        if settings.is_postgres and settings.listen_notify:
            await run_in_threadpool(svc.notifier.start_listening, settings.database_url)
        try:
            yield
        finally:
            svc.notifier.stop()
            svc.writer.close()

    app = FastAPI(
        title="fieldsync", version=f"{PROTOCOL_VERSION}", lifespan=lifespan,
        description="Enlace sync protocol v1. See docs/protocol.md.",
    )
    app.state.services = svc
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=settings.gzip_level)
    _install_handlers(app)
    _install_routes(app)
    _install_openapi(app)
    return app


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_r: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_r: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors()[:5]:
            loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body"))
            parts.append(f"{loc or 'request'}: {str(err.get('msg', 'invalid'))}")
        return _error(422, ERR_INVALID, "; ".join(parts) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_r: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _bug(_r: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return _error(500, "internal_error", "internal server error (logged)")


def _install_routes(app: FastAPI) -> None:
    @app.get("/v1/health", response_model=HealthResponse, tags=["meta"])
    def health() -> HealthResponse:
        """Liveness: answers without authentication."""
        return HealthResponse(status="ok", server_time=utcnow())

    @app.get("/v1/metrics", tags=["meta"], response_class=PlainTextResponse)
    def metrics(svc: ServicesDep) -> str:
        """Counters in Prometheus text format (no operational data)."""
        m = svc.metrics
        lines = [
            f"fieldsync_waiting_pulls {svc.notifier.waiting}",
            f"fieldsync_pushes_total {m['pushes']}",
            f"fieldsync_changes_accepted_total {m['accepted']}",
            f"fieldsync_pulls_total {m['pulls']}",
        ]
        return "\n".join(lines) + "\n"

    @app.post("/v1/auth/login", response_model=LoginResponse, tags=["auth"],
              openapi_extra=_body(LoginRequest), responses=_errors(401, 413, 422, 429))
    async def login(request: Request, svc: ServicesDep) -> LoginResponse:
        """Exchange username and password for a device token."""
        data = parse_json(await request.body())
        try:
            body = LoginRequest.model_validate(data)
        except ValidationError as exc:
            raise invalid(_describe(exc)) from None
        addr = request.client.host if request.client else "?"
        res = await run_in_threadpool(
            accounts.login, svc.engine, svc.passwords, svc.limiter, svc.settings,
            body.username, body.password, body.device_name, addr,
        )
        return LoginResponse(token=res.token, device_id=res.device_id, user=res.user)

    @app.post("/v1/auth/logout", status_code=204, tags=["auth"], responses=_errors(401))
    def logout(who: CurrentUser, svc: ServicesDep) -> Response:
        """Revoke this device's token."""
        accounts.logout(svc.engine, who)
        return Response(status_code=204)

    @app.get("/v1/me", response_model=MeResponse, tags=["auth"], responses=_errors(401))
    def me(who: CurrentUser) -> MeResponse:
        """Who this token belongs to, and the server's clock."""
        user = accounts.UserInfo(username=who.username, agency=who.agency, role=who.role,
                                 display_name=who.display_name)
        return MeResponse(user=user, device_id=who.device_id or "", server_time=utcnow())

    @app.post("/v1/changes", response_model=PushResponse, tags=["sync"],
              openapi_extra=_body(PushRequest), responses=_errors(401, 413, 415, 422))
    async def push_changes(request: Request, svc: ServicesDep) -> Response:
        """Push a batch; one result per change, in order."""
        # Authenticating, parsing and validating (up to 64 MiB) in one trip off
        # the event loop: parked long-polls keep being served meanwhile, and a
        # push pays for one thread hand-off instead of two.
        who, prepared = await run_in_threadpool(
            _auth_and_parse, svc.engine, request.headers.get("authorization"), await request.body())
        out = await asyncio.wrap_future(svc.writer.submit(who, prepared))
        svc.metrics["pushes"] += 1
        svc.metrics["accepted"] += out.accepted
        return Response(push.results_json(out.results), media_type="application/json")

    @app.get("/v1/changes", response_model=PullResponse, tags=["sync"], responses=_errors(401, 422))
    async def pull_changes(
        who: CurrentUser,
        svc: ServicesDep,
        after: Annotated[int, Query(ge=0, le=MAX_SEQ, description="last seq already seen")] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
        wait: Annotated[float, Query(ge=0, le=MAX_WAIT_S, description="long-poll seconds")] = 0,
    ) -> Response:
        """Changes after a cursor that the caller may see; waits up to `wait` s for new ones."""
        deadline = time.monotonic() + min(wait, svc.settings.long_poll_cap_s)
        svc.metrics["pulls"] += 1
        # Without LISTEN (SQLite) another process's commit is found by re-reading.
        recheck = 30.0 if svc.settings.is_postgres else 1.0
        while True:
            mark = svc.notifier.counter
            page = await run_in_threadpool(pull.pull_page, svc.engine, who, after, limit)
            left = deadline - time.monotonic()
            if page.count or page.more or left <= 0:
                return Response(page.body, media_type="application/json")
            after = page.next
            await svc.notifier.wait(mark, min(left, recheck))

    @app.get("/v1/audit", tags=["audit"], responses=_errors(401, 403, 422))
    def audit_feed(
        who: CurrentUser,
        svc: ServicesDep,
        after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 1000,
    ) -> dict[str, Any]:
        """The audit trail, for oversight (observers) and admins."""
        accounts.require_role(who, "observer", "admin")
        rows = audit.read(svc.engine, after, limit)
        return {"rows": rows, "next": rows[-1]["id"] if rows else after}


def _install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description,
                             routes=app.routes)
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (LoginRequest, PushRequest):
            js = model.model_json_schema(ref_template="#/components/schemas/{model}")
            comps.update(js.pop("$defs", {}))
            comps[model.__name__] = js
        # Query/body validation errors leave as ErrorBody, not FastAPI's default.
        for path in schema.get("paths", {}).values():
            for op in path.values():
                if "422" in op.get("responses", {}):
                    op["responses"]["422"] = {
                        "description": "invalid request",
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/ErrorBody"}}},
                    }
        comps.pop("HTTPValidationError", None)
        comps.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
