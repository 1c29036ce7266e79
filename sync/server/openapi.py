"""The OpenAPI document served at /openapi.json, generated from the msgspec types
of `sync.protocol.envelope` (the same definitions that decode and encode the wire),
and a small self-contained page at /docs that lists it (no CDN, no script)."""

from __future__ import annotations

import html
from typing import Any

import msgspec

from sync.protocol import envelope
from sync.protocol.limits import DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_WAIT_S
from sync.server.audit import AuditPage

MAX_SEQ = 2**63 - 1  # BIGINT: a larger cursor cannot be bound, let alone exist
_REF = "#/components/schemas/{name}"


def _json(ref: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def _errors(*codes: int) -> dict[str, Any]:
    err = {"$ref": _REF.format(name="ErrorBody")}
    return {str(c): _json(err, "error as {code, detail}") for c in codes}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def document(title: str, version: str, description: str) -> dict[str, Any]:
    types = [envelope.LoginRequest, envelope.LoginResponse, envelope.MeResponse,
             envelope.HealthResponse, envelope.PushRequest, envelope.PushResponse,
             envelope.PullResponse, envelope.ErrorBody, AuditPage, envelope.WipeReport]
    refs, components = msgspec.json.schema_components(types, ref_template=_REF)
    login_req, login, me, health, push_req, push, pull, _error, audit, wiped = refs
    bearer: list[dict[str, list[str]]] = [{"bearer": []}]
    cursor = {"type": "integer", "minimum": 0, "maximum": MAX_SEQ, "default": 0}
    paths: dict[str, Any] = {
        "/v1/health": {"get": {
            "summary": "Liveness, protocol revision and known entities (no authentication)",
            "tags": ["meta"], "responses": {"200": _json(health)}}},
        "/v1/metrics": {"get": {
            "summary": "Counters in Prometheus text format (no authentication)", "tags": ["meta"],
            "responses": {"200": {"description": "OK",
                                  "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
        "/v1/auth/login": {"post": {
            "summary": "Exchange username and password for a device token", "tags": ["auth"],
            "requestBody": {"required": True, "content": {"application/json": {"schema": login_req}}},
            "responses": {"200": _json(login), **_errors(401, 413, 422, 429)}}},
        "/v1/auth/logout": {"post": {
            "summary": "Revoke this device's token", "tags": ["auth"], "security": bearer,
            "responses": {"204": {"description": "signed out"}, **_errors(401)}}},
        "/v1/me": {"get": {
            "summary": "Who this token belongs to, and the server's clock", "tags": ["auth"],
            "security": bearer, "responses": {"200": _json(me), **_errors(401)}}},
        "/v1/device/wiped": {"post": {
            "summary": "A device revoked with the wipe policy erased its local data (audited)",
            "tags": ["auth"], "security": bearer,
            "requestBody": {"required": False, "content": {"application/json": {"schema": wiped}}},
            "responses": {"204": {"description": "recorded"}, **_errors(401, 413, 422)}}},
        "/v1/changes": {
            "post": {
                "summary": "Push a batch; one result per change, in order", "tags": ["sync"],
                "security": bearer,
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": push_req}}},
                "responses": {"200": _json(push), **_errors(401, 413, 415, 422)}},
            "get": {
                "summary": "Changes after a cursor that the caller may see; waits up to "
                           "`wait` s for new ones", "tags": ["sync"], "security": bearer,
                "parameters": [
                    _query("after", cursor, "last seq already seen"),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PULL_LIMIT,
                                     "default": DEFAULT_PULL_LIMIT}, "page size"),
                    _query("wait", {"type": "number", "minimum": 0, "maximum": MAX_WAIT_S,
                                    "default": 0}, "long-poll seconds"),
                    _query("scope", {"type": "string", "minLength": 1, "maxLength": 64},
                           "only this record's history (a record that turned visible); "
                           "no long-poll"),
                    _query("before", cursor, "with scope: the last seq of the history"),
                ],
                "responses": {"200": _json(pull), **_errors(401, 422)}}},
        "/v1/audit": {"get": {
            "summary": "The audit trail, for oversight (observers) and admins", "tags": ["audit"],
            "security": bearer,
            "parameters": [
                _query("after", cursor, "last audit id already seen"),
                _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PULL_LIMIT,
                                 "default": 1000}, "page size"),
            ],
            "responses": {"200": _json(audit), **_errors(401, 403, 422)}}},
        "/v1/records/{record_id}": {"get": {
            "summary": "A detention or use-of-force report whole (the original and what "
                       "followed it, personal data included); audited for anyone but the "
                       "author", "tags": ["sync"], "security": bearer,
            "parameters": [{"name": "record_id", "in": "path", "required": True,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 64}}],
            "responses": {"200": _json(pull), **_errors(401, 404, 422)}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def docs_page(doc: dict[str, Any]) -> str:
    rows = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            rows.append(f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}"
                        f"</code></td><td>{html.escape(op.get('summary', ''))}</td></tr>")
    info = doc["info"]
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>"
        f"{html.escape(info['title'])} API</title></head><body>"
        f"<h1>{html.escape(info['title'])} {html.escape(info['version'])}</h1>"
        f"<p>{html.escape(info['description'])} The full schema is at "
        "<a href='/openapi.json'>/openapi.json</a>.</p>"
        f"<table>{''.join(rows)}</table></body></html>"
    )
