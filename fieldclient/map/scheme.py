"""The map's private web: the `enlace://` URL scheme, its handler and the request guard.

Everything the map page loads comes from here, so the page works with the
network unplugged:

- `enlace://app/map.html`            the page (built once by page.py)
- `enlace://app/qwebchannel.js`      Qt's channel client, copied from Qt's resources
- `enlace://app/web/map*.js|map*.css` the project's own scripts and style
- `enlace://app/vendor/<pkg>/<file>` pinned third-party files (scripts/fetch-web-assets.py)
- `enlace://app/basemap/<file>`      shipped Natural Earth outlines
- `enlace://app/tiles/<key>/<rev>/<z>/<x>/<y>` raster tiles from an installed MBTiles
  package (same origin as the page, so no CORS rules apply); `rev` changes when the
  file does, so a replaced package is never drawn from the page's memory cache
- `enlace://app/data/<token>`        a one-time JSON snapshot (the full load of units and
  incidents): fetched and parsed natively instead of squeezed through the web channel

`register_url_scheme()` must run before the QApplication exists (Qt's rule);
importing `fieldclient.map` does it when no application exists yet. The
interceptor blocks and logs any request for another scheme: a remote URL in
the page is a bug, never a silent leak.
"""

from __future__ import annotations

import itertools
import logging
import mimetypes
import re
import secrets
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QFile,
    QIODevice,
    QObject,
    QTimer,
)
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from fieldclient.map.mbtiles import TileSource, mime_of
from fieldclient.ui.tasks import run_task, serial_pool

log = logging.getLogger(__name__)

SCHEME = "enlace"
APP_ORIGIN = f"{SCHEME}://app"
PAGE_URL = f"{APP_ORIGIN}/map.html"
# Schemes a page may use without touching the network. data:/blob: are in-memory.
LOCAL_SCHEMES = frozenset({SCHEME, "data", "blob"})
REV_RE = re.compile(r"^[a-z0-9]{1,16}$")
WEB_FILE_RE = re.compile(r"^map(-[a-z]+)?\.(js|css)$")  # the page's own modules, next to map.js


def resources_dir() -> Path:
    """resources/ of a source checkout, or of a frozen (PyInstaller) build."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


_registered = False


def register_url_scheme() -> None:
    """Declare `enlace://` to Chromium. Call before QApplication is created; idempotent."""
    global _registered
    if _registered:
        return
    if QCoreApplication.instance() is not None:
        log.error("enlace:// must be registered before the QApplication is created")
        return
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    flags = (
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.LocalScheme
        | QWebEngineUrlScheme.Flag.LocalAccessAllowed
        | QWebEngineUrlScheme.Flag.CorsEnabled
    )
    fetch_flag = getattr(QWebEngineUrlScheme.Flag, "FetchApiAllowed", None)
    if fetch_flag is not None:
        flags |= fetch_flag
    scheme.setFlags(flags)
    QWebEngineUrlScheme.registerScheme(scheme)
    _registered = True


class TileRegistry:
    """MBTiles packages the scheme may serve, by key (thread-safe; keys are [a-z0-9-])."""

    def __init__(self) -> None:
        self._sources: dict[str, TileSource] = {}
        self._lock = threading.Lock()

    def set(self, key: str, source: TileSource) -> None:
        with self._lock:
            old = self._sources.get(key)
            self._sources[key] = source
        if old is not None and old is not source:
            old.close()

    def get(self, key: str) -> TileSource | None:
        with self._lock:
            return self._sources.get(key)

    def drop(self, keys: Iterable[str]) -> None:
        with self._lock:
            gone = [self._sources.pop(k) for k in keys if k in self._sources]
        for source in gone:
            source.close()


class AssetSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers every `enlace://` request from memory, the resources folder or MBTiles."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tiles = TileRegistry()
        self.page_html: bytes = b""
        self._blobs: dict[str, bytes] = {}
        self._blob_lock = threading.Lock()
        self.served: list[str] = []  # for tests and benchmarks: what the page asked for
        # Requests waiting for their bytes, by token; a job Qt deletes (the page no longer
        # wants it) leaves this map at once and its answer is dropped.
        self._waiting: dict[int, QWebEngineUrlRequestJob] = {}
        self._tokens = itertools.count()
        self._queue: list[tuple[int, Callable[[], bytes | None], Callable[[bytes], str]]] = []
        self._flush_due = False
        self._io = serial_pool(self)
        root = resources_dir()
        self._roots = {
            "vendor": root / "web" / "vendor",
            "web": root / "web",
            "basemap": root / "basemap",
        }

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        host, path = url.host(), url.path()
        if len(self.served) < 100_000:
            self.served.append(url.toString())
        try:
            if job.requestMethod() != b"GET":
                job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            elif host == "app" and path.startswith("/tiles/"):
                self._serve_tile(job, path[len("/tiles"):])
            elif host == "app":
                self._serve_app(job, path)
            else:
                job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
        except Exception:  # a handler exception would otherwise leave the request hanging
            log.exception("enlace:// request failed: %s", url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)

    def put_blob(self, data: bytes) -> str:
        """Serve `data` once at enlace://app/data/<token>; returns the URL."""
        token = secrets.token_hex(16)
        with self._blob_lock:
            self._blobs[token] = data
        return f"{APP_ORIGIN}/data/{token}"

    def drop_blob(self, url: str) -> None:
        with self._blob_lock:
            self._blobs.pop(url.rsplit("/", 1)[-1], None)

    def _reply(self, job: QWebEngineUrlRequestJob, mime: str, data: bytes) -> None:
        buf = QBuffer(job)  # owned by the job: lives exactly as long as the request
        buf.setData(QByteArray(data))
        buf.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime.encode(), buf)

    def _serve_app(self, job: QWebEngineUrlRequestJob, path: str) -> None:
        if path == "/map.html" and self.page_html:
            self._reply(job, "text/html;charset=utf-8", self.page_html)
            return
        if path.startswith("/data/"):
            with self._blob_lock:
                blob = self._blobs.pop(path[len("/data/"):], None)
            if blob is None:
                job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            else:
                self._reply(job, "application/json", blob)
            return
        if path == "/qwebchannel.js":
            f = QFile(":/qtwebchannel/qwebchannel.js")
            if f.open(QIODevice.OpenModeFlag.ReadOnly):
                self._reply(job, "application/javascript", bytes(f.readAll().data()))
                f.close()
                return
        file = self._resolve(path)
        if file is None:
            log.warning("enlace:// not found: %s", path)
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        self._answer_later(job, file.read_bytes, lambda _data: _mime(file))

    def _resolve(self, path: str) -> Path | None:
        parts = [p for p in path.split("/") if p]
        if len(parts) < 2 or any(p in (".", "..") or "\\" in p for p in parts):
            return None
        root = self._roots.get(parts[0])
        if root is None:
            return None
        if parts[0] == "web" and (len(parts) != 2 or not WEB_FILE_RE.match(parts[1])):
            return None  # web/ holds node_modules and package files: serve only ours
        file = root.joinpath(*parts[1:])
        try:
            file.resolve().relative_to(root.resolve())
        except ValueError:
            return None
        return file if file.is_file() else None

    def _serve_tile(self, job: QWebEngineUrlRequestJob, path: str) -> None:
        parts = [p for p in path.split("/") if p]
        source = self.tiles.get(parts[0]) if len(parts) == 5 else None
        if (source is None or not REV_RE.match(parts[1])
                or not all(p.isdigit() and len(p) < 9 for p in parts[2:])):
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        z, x, y = (int(p) for p in parts[2:])
        # Each tile says what it is: some packages mix PNG and JPEG tiles.
        self._answer_later(job, lambda: source.tile(z, x, y), mime_of)

    def _answer_later(self, job: QWebEngineUrlRequestJob, read: Callable[[], bytes | None],
                      mime: Callable[[bytes], str]) -> None:
        """Read on the worker; answer on the UI thread if the page still wants it. Requests
        Chromium hands over in one burst (the tiles of a pan) share one task and one reply
        pass, so the UI thread is woken once per burst, not once per tile."""
        token = next(self._tokens)
        self._waiting[token] = job
        job.destroyed.connect(lambda *_: self._waiting.pop(token, None))
        self._queue.append((token, read, mime))
        if not self._flush_due:
            self._flush_due = True
            QTimer.singleShot(0, self._flush)

    def _flush(self) -> None:
        self._flush_due = False
        batch, self._queue = self._queue, []
        waiting = self._waiting

        def work() -> list[tuple[int, bytes | None, Callable[[bytes], str]]]:
            out = []
            for token, read, mime in batch:
                if token not in waiting:
                    continue  # dropped by the page meanwhile (a zoom went past it)
                try:
                    data = read()
                except Exception as exc:  # noqa: BLE001 - one bad read fails one request
                    log.warning("enlace:// read failed: %s", exc)
                    data = None
                out.append((token, data, mime))
            return out

        run_task(work, self._answer, self._io)

    def _answer(self, results: list[tuple[int, bytes | None, Callable[[bytes], str]]] | None,
                error: BaseException | None) -> None:
        if error is not None:
            log.error("enlace:// reads failed", exc_info=error)
        for token, data, mime in results or []:
            job = self._waiting.pop(token, None)
            if job is None:
                continue
            if data is None:
                job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            else:
                self._reply(job, mime(data), data)


def _mime(path: Path) -> str:
    ext = path.suffix.lower()
    fixed = {
        ".js": "application/javascript",
        ".css": "text/css",
        ".geojson": "application/geo+json",
        ".json": "application/json",
        ".png": "image/png",
        ".svg": "image/svg+xml",
    }
    if ext in fixed:
        return fixed[ext]
    guess, _ = mimetypes.guess_type(path.name)
    return guess or "text/plain"


class LocalOnlyInterceptor(QWebEngineUrlRequestInterceptor):
    """Blocks and logs every request whose scheme is not local (http, https, ws, file...)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.blocked: list[str] = []
        self.seen = 0

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        self.seen += 1
        url = info.requestUrl()
        if url.scheme() in LOCAL_SCHEMES:
            return
        info.block(True)
        text = url.toString()
        if len(self.blocked) < 1000:
            self.blocked.append(text)
        log.warning("map: blocked non-local request %s", text[:300])


class _Shared:
    profile: QWebEngineProfile | None = None
    handler: AssetSchemeHandler | None = None
    interceptor: LocalOnlyInterceptor | None = None


def map_profile() -> tuple[QWebEngineProfile, AssetSchemeHandler, LocalOnlyInterceptor]:
    """The one off-the-record profile every map page uses, with handler and guard installed.

    Shared so the page is built and the scheme installed once per process; owned by
    the application so it outlives every page (Qt warns when a profile dies first).
    """
    if _Shared.profile is None:
        app = QCoreApplication.instance()
        profile = QWebEngineProfile(app)  # no storage name: off the record, no disk cache
        profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
        handler = AssetSchemeHandler(profile)
        interceptor = LocalOnlyInterceptor(profile)
        profile.installUrlSchemeHandler(SCHEME.encode(), handler)
        profile.setUrlRequestInterceptor(interceptor)
        _Shared.profile, _Shared.handler, _Shared.interceptor = profile, handler, interceptor
    assert _Shared.handler is not None and _Shared.interceptor is not None
    return _Shared.profile, _Shared.handler, _Shared.interceptor
