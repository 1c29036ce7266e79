"""HTTP client for sync protocol v1 on `requests`.

Trust is explicit: `Session.trust_env = False`, so neither proxies nor
REQUESTS_CA_BUNDLE/SSL_CERT_FILE from the environment apply; `verify` is the CA
bundle given at sign-in, or the operating system's trust store when none was given
(not certifi's bundle, which requests would use): on Linux the CA file and folder
OpenSSL was built with, read directly so SSL_CERT_FILE cannot add trust; on macOS
and Windows the platform verifier through `truststore`.
Bodies are gzip both ways. The bearer token lives only in the session's
headers in memory; it is never logged or written anywhere by this module.

Every answer tells the server's time (`X-Server-Time`, to the millisecond, or the
standard `Date` header of any HTTP server, to the second): `clock_offset_ms` is how
far the server's clock is ahead of this laptop's, measured at the middle of the
request, so a wrong laptop clock is noticed on the first answer.
"""

from __future__ import annotations

import gzip
import ipaddress
import logging
import os
import ssl
import sys
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import msgspec
import requests
from requests.adapters import HTTPAdapter

from fieldclient.core import timefmt
from fieldclient.replication.ahead import Fetched, fetched
from fieldclient.replication.errors import (
    AuthFailed,
    DeviceRevoked,
    InsecureServerUrl,
    ServerRefused,
    TlsFailure,
    Unreachable,
)
from sync.protocol import ERR_DEVICE_REVOKED, MAX_WAIT_S, codec
from sync.protocol.envelope import (
    SERVER_TIME_HEADER,
    WIPE_POLICIES,
    HealthResponse,
    PushResponse,
    WipeReport,
)

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0
USER_AGENT = "enlace-fieldclient/1 (protocol v1)"
_READ_CHUNK = 1 << 20


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalise_server_url(url: str) -> str:
    """Canonical server URL (scheme://host[:port][/path], no trailing slash).

    Raises InsecureServerUrl for plain http to anything but loopback.
    """
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureServerUrl(url)
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise InsecureServerUrl(url)
    return url


def is_plain_http(url: str) -> bool:
    return urlsplit(url).scheme == "http"


def _system_ca_paths() -> list[str]:
    """Where this Linux keeps its trusted CAs: OpenSSL's compiled-in locations (never
    the SSL_CERT_FILE/SSL_CERT_DIR overrides), else the usual distribution files."""
    paths = ssl.get_default_verify_paths()
    found = [p for p in (paths.openssl_cafile, paths.openssl_capath) if p and os.path.exists(p)]
    for candidate in ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                      "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem"):
        if not found and os.path.isfile(candidate):
            found.append(candidate)
    return found


def system_trust() -> ssl.SSLContext:
    """A verifying TLS context that trusts what the operating system trusts."""
    if sys.platform in ("darwin", "win32"):
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # hostname checked, certificate required
    for path in _system_ca_paths():
        if os.path.isdir(path):
            ctx.load_verify_locations(capath=path)
        else:
            ctx.load_verify_locations(cafile=path)
    return ctx


class _SystemTrustAdapter(HTTPAdapter):
    """requests with `verify=True` loads certifi's bundle into every connection; this
    adapter hands urllib3 the system context and no CA file instead."""

    def __init__(self) -> None:
        self._ctx = system_trust()
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._ctx
        super().init_poolmanager(*args, **kwargs)

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        super().cert_verify(conn, url, verify, cert)
        conn.ca_certs = conn.ca_cert_dir = None  # still CERT_REQUIRED, against the context


class SyncHttp:
    """One requests.Session bound to one server. Not shared between threads."""

    def __init__(
        self, server_url: str, ca_cert: str | None = None, token: str | None = None
    ) -> None:
        self.server_url = normalise_server_url(server_url)
        self.session = requests.Session()
        self.session.trust_env = False  # the environment may not replace the CA or add proxies
        self.session.verify = ca_cert if ca_cert else True
        if not ca_cert:
            self.session.mount("https://", _SystemTrustAdapter())
        self.session.headers.update(
            {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", "Accept": "application/json"}
        )
        if token:
            self.set_token(token)
        # How far the server's clock is ahead of this laptop's (ms), from the last answer
        # that said; None before any. Long-polls are measured at their end: a parked
        # request's middle says nothing about when the server answered.
        self.clock_offset_ms: int | None = None

    def set_token(self, token: str | None) -> None:
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        else:
            self.session.headers.pop("Authorization", None)

    def close(self) -> None:
        self.session.close()

    # -- endpoints ------------------------------------------------------------

    def login(self, username: str, password: str, device_name: str) -> dict[str, Any]:
        body = {"username": username, "password": password, "device_name": device_name}
        return self._call("POST", "/v1/auth/login", body=body, auth=False)

    def logout(self) -> None:
        self._call("POST", "/v1/auth/logout", body={})

    def me(self) -> dict[str, Any]:
        return self._call("GET", "/v1/me")

    def wiped(self, report: WipeReport) -> None:
        """Tell the server this revoked device erased its data (protocol revision 5)."""
        self._send("POST", "/v1/device/wiped", raw_body=codec.encode(report))

    def health(self, timeout: float = CONNECT_TIMEOUT_S) -> dict[str, Any]:
        return self._call("GET", "/v1/health", auth=False, timeout=(timeout, timeout))

    def protocol(self) -> HealthResponse:
        """What the server speaks (`/v1/health`): its revision of the protocol, the
        oldest client revision it serves and the kinds of record it knows; a server
        older than revision 2 sends none of them (read as None)."""
        try:
            return msgspec.convert(self.health(), HealthResponse)
        except msgspec.ValidationError:
            raise Unreachable("incomplete or malformed answer") from None

    def push(self, changes: list[Any]) -> PushResponse:
        """Push changes in wire form (dicts, or `msgspec.Raw` wire documents as the outbox
        holds them); the answer decoded, each result with its `code`/`params` if any."""
        content = self._send("POST", "/v1/changes", raw_body=codec.push_body(changes))
        try:
            return codec.decode_push_response(content)
        except (msgspec.ValidationError, msgspec.DecodeError):
            raise Unreachable("incomplete or malformed answer") from None

    def pull(self, after: int, limit: int, wait: float = 0.0) -> codec.PulledPage:
        """One page of changes after `after`, decoded into typed changes; those this
        version cannot apply come back in `held` (never dropped)."""
        wait = max(0.0, min(wait, MAX_WAIT_S))
        params = {"after": str(after), "limit": str(limit)}
        if wait:
            params["wait"] = f"{wait:g}"
        content = self._send(
            "GET", "/v1/changes", params=params, timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S + wait)
        )
        return decode_page(content)

    def fetch_page(self, after: int, limit: int) -> Fetched:
        """One page after `after` as it arrived, not decoded, with the cursor its headers
        carry (see fieldclient.replication.ahead)."""
        content, headers = self._exchange(
            "GET", "/v1/changes", params={"after": str(after), "limit": str(limit)})
        return fetched(content, headers)

    def pull_scope(self, scope: str, after: int, before: int, limit: int) -> codec.PulledPage:
        """The history of one record (its changes and those that inherit its visibility)
        in the log window (after, before], for a record that turned visible (revision 3)."""
        params = {"scope": scope, "after": str(after), "before": str(before),
                  "limit": str(limit)}
        return decode_page(self._send("GET", "/v1/changes", params=params))

    def open_record(self, record_id: str) -> codec.PulledPage:
        """A detention or use-of-force report whole, personal data included (revision 4):
        the server writes the opening to its audit trail first. Shown, never stored."""
        return decode_page(self._send("GET", f"/v1/records/{record_id}"))

    def audit(self, after: int = 0, limit: int = 1000) -> dict[str, Any]:
        """One page of the server's audit trail (observers and admins): `{rows, next}`."""
        return self._call("GET", "/v1/audit", params={"after": str(after), "limit": str(limit)})

    # -- plumbing -------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: dict[str, str] | None = None,
        auth: bool = True,
        timeout: tuple[float, float] | None = None,
    ) -> dict[str, Any]:
        """A JSON request with a JSON object for an answer (sign-in, health, me)."""
        raw = None if body is None else codec.encode(body)
        content = self._send(method, path, raw_body=raw, params=params, auth=auth,
                             timeout=timeout)
        if not content:
            return {}
        payload = _decode(content)
        if not isinstance(payload, dict):
            raise Unreachable("incomplete or malformed answer")
        return payload

    def _send(self, method: str, path: str, **options: Any) -> bytes:
        """One request; the body of a 2xx answer, every other outcome as an error."""
        return self._exchange(method, path, **options)[0]

    def _exchange(
        self,
        method: str,
        path: str,
        raw_body: bytes | None = None,
        params: dict[str, str] | None = None,
        auth: bool = True,
        timeout: tuple[float, float] | None = None,
    ) -> tuple[bytes, Mapping[str, str]]:
        """One request; the body and headers of a 2xx answer, every other outcome as an
        error."""
        headers: dict[str, Any] = {}
        data: bytes | None = None
        if raw_body is not None:
            data = gzip.compress(raw_body, compresslevel=5)
            headers["Content-Type"] = "application/json"
            headers["Content-Encoding"] = "gzip"
        if not auth:
            headers["Authorization"] = None  # None removes the session's header for this call
        # One retry on a broken connection (not a timeout): a pooled keep-alive connection
        # that the server closed just as we reused it. Safe: push is idempotent by
        # change_id and pull is a read; login is not retried (it would mint a 2nd device).
        attempts = 2 if path != "/v1/auth/login" else 1
        for attempt in range(attempts):
            started = timefmt.wall_ms()
            try:
                resp = self.session.request(
                    method,
                    self.server_url + path,
                    data=data,
                    params=params,
                    headers=headers,
                    timeout=timeout or (CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
                    stream=True,
                )
                # Read fully here, so a cut body raises here; in large chunks (requests'
                # own `.content` inflates a page of thousands of changes 10 KiB at a time).
                content = b"".join(resp.iter_content(_READ_CHUNK))
                self._note_clock(resp, started, parked=bool(params and "wait" in params))
                break
            except requests.exceptions.SSLError as exc:
                raise TlsFailure(_short(exc)) from None
            except requests.exceptions.ConnectionError as exc:
                if attempt + 1 < attempts and not isinstance(
                    exc, requests.exceptions.ConnectTimeout
                ):
                    log.info("connection broke (%s); retrying once", _short(exc))
                    continue
                raise Unreachable(_short(exc)) from None
            except (requests.exceptions.RequestException, OSError) as exc:
                raise Unreachable(_short(exc)) from None
        if resp.status_code >= 400:
            raise _error(resp, _decode(content))
        return (b"" if resp.status_code == 204 else content), resp.headers


    def _note_clock(self, resp: requests.Response, started: int, parked: bool) -> None:
        server = server_time_ms(resp.headers)
        if server is None:
            return
        now = timefmt.wall_ms()
        # The server stamped its answer somewhere between sending and receiving; the
        # middle is the best guess (half the round trip at most off, well under the
        # minutes that matter). A long-poll was answered near its end.
        local = now if parked else (started + now) // 2
        self.clock_offset_ms = server - local


def decode_page(content: bytes) -> codec.PulledPage:
    """A pull answer decoded; one the server should never have sent is refused, to be
    asked for again."""
    try:
        return codec.decode_pull(content)
    except codec.BodyError as exc:
        raise ServerRefused(exc.status, "malformed", exc.detail, retry=True) from None


def server_time_ms(headers: Any) -> int | None:
    """The server's clock from an answer's headers: `X-Server-Time` (ISO 8601, ms), else
    `Date` (RFC 7231, whole seconds, which every HTTP server sends); None if neither."""
    text = headers.get(SERVER_TIME_HEADER)
    try:
        if text:
            return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
        text = headers.get("Date")
        if text:
            # a Date is truncated to the second: its middle is the best estimate
            return int(parsedate_to_datetime(text).timestamp() * 1000) + 500
    except (ValueError, TypeError, OverflowError):
        return None
    return None


def _decode(content: bytes) -> Any:
    if not content:
        return None
    try:
        return msgspec.json.decode(content)
    except msgspec.DecodeError:
        return None


def _short(exc: BaseException) -> str:
    # requests' messages embed the URL (no secrets: the token is a header), trimmed for the UI
    text = type(exc).__name__
    root = exc
    while root.__context__ is not None and root.__context__ is not root:
        root = root.__context__
    if root is not exc:
        text += f": {type(root).__name__}"
    return text


def _error(resp: requests.Response, payload: Any) -> Exception:
    code = ""
    detail = resp.reason or "error"
    if isinstance(payload, dict):
        code = str(payload.get("code") or "")
        detail = str(payload.get("detail") or detail)[:500]
    status = resp.status_code
    if code == ERR_DEVICE_REVOKED:
        wipe = payload.get("wipe") if isinstance(payload, dict) else None
        return DeviceRevoked(detail, wipe if wipe in WIPE_POLICIES else None)
    if status == 401:
        return AuthFailed(detail)
    retry = status == 429 or status >= 500 or status == 408
    err = ServerRefused(status, code, detail, retry)
    ra = resp.headers.get("Retry-After")
    if ra:
        try:
            err.retry_after = float(ra)
        except ValueError:
            pass
    return err
