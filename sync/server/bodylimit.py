"""Reading a request body within its endpoint's limits, gzip-decoded while it arrives.

A handler calls `read_body` only once it has decided the body is worth reading (a
push, after its token was checked), with the caps of its endpoint: a sign-in body is
a few hundred bytes, a push at most MAX_PUSH_CHANGES changes. Content-Length is not
trusted: bytes are counted as they arrive, gzip is inflated incrementally with a cap
on the output (a gzip bomb costs at most the cap), bytes after the end of the gzip
stream are refused unless they are another gzip member, and a body that stops
arriving is cut off after `idle_s` without a byte (or `total_s` in all).
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from isal import isal_zlib

from sync.protocol.envelope import ERR_INVALID, ERR_TOO_LARGE
from sync.protocol.limits import MAX_LOGIN_BODY, MAX_PUSH_BODY
from sync.server.errors import ApiError

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]


@dataclass(frozen=True)
class Caps:
    wire: int  # bytes on the wire
    inflated: int  # bytes once gzip is inflated


# The protocol's caps (limits.py); logout's body is empty or `{}`.
LOGIN = Caps(MAX_LOGIN_BODY, MAX_LOGIN_BODY)
SMALL = Caps(1024, 1024)
PUSH = Caps(MAX_PUSH_BODY, MAX_PUSH_BODY)
ERR_TIMEOUT = "request_timeout"
SLICE = 256 * 1024  # inflated per step; the event loop serves others between steps
_GZIP = 16 + zlib.MAX_WBITS
_ISAL_ERROR: type[Exception] = isal_zlib.error  # type: ignore[assignment]  # loose stubs


def _mib(n: int) -> str:
    return f"{n // 1024} KiB" if n < 1024 * 1024 else f"{n // (1024 * 1024)} MiB"


def too_large(caps: Caps, inflated: bool = False) -> ApiError:
    if inflated:
        return ApiError(413, ERR_TOO_LARGE, f"request body larger than {_mib(caps.inflated)} "
                        "once decompressed")
    return ApiError(413, ERR_TOO_LARGE, f"request body larger than {_mib(caps.wire)}")


def precheck(headers: Any, caps: Caps) -> bool:
    """Refuse what the headers already show is unacceptable; True if the body is gzip."""
    encoding = (headers.get("content-encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", ""):
        raise ApiError(415, ERR_INVALID, f"unsupported Content-Encoding {encoding!r}; use gzip")
    length = headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > caps.wire:
        raise too_large(caps)
    return encoding == "gzip"


async def read_body(receive: Receive, gzipped: bool, caps: Caps, *, idle_s: float = 20.0,
                    total_s: float = 120.0) -> bytes:
    """The whole body, inflated; ApiError 400/408/413 otherwise."""
    out = bytearray()
    wire = 0
    inflater = isal_zlib.decompressobj(_GZIP) if gzipped else None
    deadline = time.monotonic() + total_s
    while True:
        try:
            # asyncio.timeout, not wait_for: no task per chunk (a push arrives in ~30)
            async with asyncio.timeout(min(idle_s, max(0.0, deadline - time.monotonic()))):
                msg = await receive()
        except TimeoutError:
            raise ApiError(408, ERR_TIMEOUT, "request body did not arrive in time",
                           {"Connection": "close"}) from None
        if msg["type"] == "http.disconnect":
            raise ApiError(400, ERR_INVALID, "client disconnected")
        chunk = msg.get("body", b"")
        wire += len(chunk)
        if wire > caps.wire:
            raise too_large(caps)
        if inflater is None:
            out += chunk
        else:
            inflater = await _inflate(inflater, chunk, out, caps)
        if len(out) > caps.inflated:
            raise too_large(caps, inflated=True)
        if not msg.get("more_body", False):
            break
    if inflater is not None and not inflater.eof and wire:
        raise ApiError(400, ERR_INVALID, "request body is truncated gzip")
    return bytes(out)


async def _inflate(inflater: Any, chunk: bytes, out: bytearray, caps: Caps) -> Any:
    """Inflate `chunk` into `out` (ISA-L, twice zlib's speed), a slice at a time; returns
    the inflater for the next chunk (a new one when a member ended and another begins,
    as `gzip -d` reads `cat a.gz b.gz`)."""
    try:
        while chunk:
            room = caps.inflated - len(out) + 1
            piece = inflater.decompress(chunk, min(room, SLICE))
            out += piece
            if len(out) > caps.inflated:
                raise too_large(caps, inflated=True)
            chunk = inflater.unconsumed_tail
            if len(piece) == SLICE:
                await asyncio.sleep(0)  # a bomb's megabytes do not stall the loop at once
            if inflater.eof and inflater.unused_data:
                if not inflater.unused_data.startswith(b"\x1f\x8b"[:len(inflater.unused_data)]):
                    raise ApiError(400, ERR_INVALID, "request body has data after its gzip stream")
                chunk = inflater.unused_data
                inflater = isal_zlib.decompressobj(_GZIP)
    except (zlib.error, _ISAL_ERROR):
        raise ApiError(400, ERR_INVALID, "request body is not valid gzip") from None
    return inflater
