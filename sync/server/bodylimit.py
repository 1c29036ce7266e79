"""ASGI middleware: request bodies within limits, gzip-decoded while reading.

Content-Length is not trusted: bytes are counted as they arrive, and gzip is
inflated incrementally with a cap on the output, so a gzip bomb is refused
after at most MAX_BODY_DECOMPRESSED bytes of work, never inflated in full.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from sync.protocol.envelope import ERR_INVALID, ERR_TOO_LARGE
from sync.protocol.limits import MAX_BODY_COMPRESSED, MAX_BODY_DECOMPRESSED

Scope = dict[str, Any]


class _Refused(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        self.status, self.code, self.detail = status, code, detail


class BodyLimitMiddleware:
    def __init__(
        self,
        app: Any,
        max_wire: int = MAX_BODY_COMPRESSED,
        max_inflated: int = MAX_BODY_DECOMPRESSED,
    ) -> None:
        self.app, self.max_wire, self.max_inflated = app, max_wire, max_inflated

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        encoding = headers.get(b"content-encoding", b"identity").decode("latin-1").strip().lower()
        try:
            if encoding not in ("identity", "gzip", ""):
                raise _Refused(415, ERR_INVALID, f"unsupported Content-Encoding {encoding!r}; use gzip")
            length = headers.get(b"content-length")
            if length is not None and length.isdigit() and int(length) > self.max_wire:
                raise _Refused(413, ERR_TOO_LARGE, self._too_big_wire())
            body = await self._read(receive, encoding == "gzip")
        except _Refused as r:
            await _send_error(send, r.status, r.code, r.detail)
            return
        new_headers = [
            (k, v) for k, v in scope.get("headers", [])
            if k.lower() not in (b"content-encoding", b"content-length")
        ]
        new_headers.append((b"content-length", str(len(body)).encode()))
        scope = dict(scope, headers=new_headers)
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # only disconnects from here on

        await self.app(scope, replay, send)

    def _too_big_wire(self) -> str:
        return f"request body larger than {self.max_wire // (1024 * 1024)} MiB"

    async def _read(self, receive: Any, gzipped: bool) -> bytes:
        out = bytearray()
        wire = 0
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
        while True:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                raise _Refused(400, ERR_INVALID, "client disconnected")
            chunk = msg.get("body", b"")
            wire += len(chunk)
            if wire > self.max_wire:
                raise _Refused(413, ERR_TOO_LARGE, self._too_big_wire())
            if inflater is None:
                out += chunk
            else:
                try:
                    while chunk:
                        room = self.max_inflated - len(out) + 1
                        out += inflater.decompress(chunk, room)
                        if len(out) > self.max_inflated:
                            raise _Refused(413, ERR_TOO_LARGE, self._too_big_inflated())
                        chunk = inflater.unconsumed_tail
                        if inflater.eof and inflater.unused_data:
                            # the next member of a multi-member stream (as `gzip` reads it)
                            chunk = inflater.unused_data
                            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                except zlib.error:
                    raise _Refused(400, ERR_INVALID, "request body is not valid gzip") from None
            if len(out) > self.max_inflated:
                raise _Refused(413, ERR_TOO_LARGE, self._too_big_inflated())
            if not msg.get("more_body", False):
                break
        if inflater is not None and not inflater.eof and wire:
            raise _Refused(400, ERR_INVALID, "request body is truncated gzip")
        return bytes(out)

    def _too_big_inflated(self) -> str:
        return f"request body larger than {self.max_inflated // (1024 * 1024)} MiB once decompressed"


async def _send_error(send: Any, status: int, code: str, detail: str) -> None:
    body = json.dumps({"code": code, "detail": detail}).encode()
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})
