"""The map page: built once with folium, pointed at local assets, and a locked-down QWebEnginePage.

folium's default page pulls Leaflet, jQuery, Bootstrap and Font Awesome from
CDNs, which leaves a blank grey box with the network unplugged. The builder
replaces Leaflet's links with `enlace://` ones and drops the rest (the page
uses none of them). No record data is ever rendered into the HTML: the page
is the same few kilobytes for 10 or 50,000 units, and data arrives through
the web channel. Inline scripts folium writes are pinned in the page's
Content-Security-Policy by their sha256, so an injected `<script>` or
`onerror=` attribute could not run even if some text were ever mis-rendered.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from functools import lru_cache
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from PySide6.QtCore import QObject, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineSettings

from fieldclient.map.data import MAX_ZOOM, MIN_ZOOM
from fieldclient.map.scheme import APP_ORIGIN, PAGE_URL

log = logging.getLogger(__name__)

CENTER = (23.6, -102.5)  # Mexico
ZOOM = 5
# From this zoom (about 70 m a pixel, a town fills the window) every unit is drawn on its own.
# Each clustered level costs a pass per unit, the most at the highest level, where most
# units are still alone: zoom 11 cost as much as all lower levels together at 50,000.
CLUSTER_UNTIL = 11

JS = [
    ("leaflet", f"{APP_ORIGIN}/vendor/leaflet/leaflet.js"),
    ("markercluster", f"{APP_ORIGIN}/vendor/leaflet.markercluster/leaflet.markercluster.js"),
    ("milsymbol", f"{APP_ORIGIN}/vendor/milsymbol/milsymbol.js"),
    # leaflet-geoman: drawing an operation's area (opted in per layer by map-areaedit.js)
    ("geoman", f"{APP_ORIGIN}/vendor/leaflet-geoman/leaflet-geoman.min.js"),
    ("enlace_areaedit", f"{APP_ORIGIN}/web/map-areaedit.js"),
    ("qwebchannel", f"{APP_ORIGIN}/qwebchannel.js"),
    ("enlace_tiles", f"{APP_ORIGIN}/web/map-tiles.js"),
    ("enlace_labels", f"{APP_ORIGIN}/web/map-labels.js"),
    ("enlace_grid", f"{APP_ORIGIN}/web/map-grid.js"),
    ("enlace_measure", f"{APP_ORIGIN}/web/map-measure.js"),
    ("enlace_trails", f"{APP_ORIGIN}/web/map-trails.js"),
    ("enlace_areas", f"{APP_ORIGIN}/web/map-areas.js"),
    ("enlace_custody", f"{APP_ORIGIN}/web/map-custody.js"),
    ("enlace_map", f"{APP_ORIGIN}/web/map.js"),
]
# The geodesy library is published as ES modules only: map-geo.js imports it and publishes
# window.EnlaceGeo for the tools above (map.js waits for it before saying hello).
GEO_MODULE = f'<script type="module" id="enlace-geo" src="{APP_ORIGIN}/web/map-geo.js"></script>'
CSS = [
    ("leaflet_css", f"{APP_ORIGIN}/vendor/leaflet/leaflet.css"),
    ("markercluster_css", f"{APP_ORIGIN}/vendor/leaflet.markercluster/MarkerCluster.css"),
    ("markercluster_default_css", f"{APP_ORIGIN}/vendor/leaflet.markercluster/MarkerCluster.Default.css"),
    ("geoman_css", f"{APP_ORIGIN}/vendor/leaflet-geoman/leaflet-geoman.css"),
    ("enlace_map_css", f"{APP_ORIGIN}/web/map.css"),
]


class _Start(MacroElement):
    """Hands folium's Leaflet map object to map.js once folium has created it."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "window.EnlaceMap.start({{ this._parent.get_name() }}, "
        f"{{minZoom: {MIN_ZOOM}, maxZoom: {MAX_ZOOM}, disableClusteringAtZoom: {CLUSTER_UNTIL}}});"
        "{% endmacro %}"
    )


def _csp(html: str) -> str:
    hashes = []
    for body in re.findall(r"<script>(.*?)</script>", html, flags=re.S):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return (
        "default-src 'none'; "
        f"script-src enlace: {' '.join(hashes)}; "
        "style-src enlace: 'unsafe-inline'; "
        "img-src enlace: data: blob:; "
        "connect-src enlace:; font-src enlace: data:; "
        "base-uri 'none'; form-action 'none'; frame-src 'none'; object-src 'none'"
    )


@lru_cache(maxsize=1)
def build_page_html() -> bytes:
    """The page HTML (built once per process; independent of the data)."""
    m = folium.Map(
        location=CENTER,
        zoom_start=ZOOM,
        tiles=None,
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
        control_scale=False,  # map.js adds a metric-only scale
        prefer_canvas=False,
        world_copy_jump=False,
        # Tiles appear at once instead of fading in over 200 ms: each fading frame is
        # a frame QtWebEngine draws on the UI thread, a dozen per tile batch.
        fade_animation=False,
    )
    # Instance attributes shadow folium's class-level CDN lists.
    m.default_js = JS
    m.default_css = CSS
    _Start().add_to(m)
    fig: Any = m.get_root()
    fig.header.add_child(Element('<meta name="referrer" content="no-referrer">'), name="referrer")
    fig.header.add_child(Element(GEO_MODULE), name="enlace_geo")
    html = fig.render()
    if re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html):
        raise RuntimeError("map page would load a remote asset")  # guard against folium changes
    meta = f'<meta http-equiv="Content-Security-Policy" content="{_csp(html)}">'
    html = html.replace("<head>", "<head>\n    " + meta, 1)
    return html.encode("utf-8")


class MapPage(QWebEnginePage):
    """A page that stays on the map: no navigation away, no new windows, no remote access."""

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self.console: list[tuple[int, str]] = []
        s = self.settings()
        A = QWebEngineSettings.WebAttribute
        for attr, on in (
            (A.LocalContentCanAccessRemoteUrls, False),
            (A.LocalContentCanAccessFileUrls, False),
            (A.JavascriptCanOpenWindows, False),
            (A.JavascriptCanAccessClipboard, False),
            (A.JavascriptCanPaste, False),
            (A.PluginsEnabled, False),
            (A.PdfViewerEnabled, False),
            (A.AllowRunningInsecureContent, False),
            (A.AllowGeolocationOnInsecureOrigins, False),
            (A.AllowWindowActivationFromJavaScript, False),
            (A.FullScreenSupportEnabled, False),
            (A.ScreenCaptureEnabled, False),
            (A.WebGLEnabled, False),
            (A.NavigateOnDropEnabled, False),
            (A.JavascriptEnabled, True),
            (A.LocalStorageEnabled, True),
            (A.ErrorPageEnabled, False),
        ):
            s.setAttribute(attr, on)
        # Camera, microphone, location, notifications...: the map needs none of them.
        if hasattr(self, "permissionRequested"):
            self.permissionRequested.connect(self._deny_permission)
        else:
            self.featurePermissionRequested.connect(self._deny_feature)

    def load_map(self) -> None:
        self.load(QUrl(PAGE_URL))

    def acceptNavigationRequest(
        self, url: QUrl | str, nav_type: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        # Only the map page itself, in the main frame; links, forms, redirects and
        # drops are refused. Reloads of the map page are allowed (crash recovery).
        text = url.toString() if isinstance(url, QUrl) else str(url)
        if is_main_frame and text.split("#", 1)[0] == PAGE_URL:
            return True
        log.warning("map: refused navigation to %s", text[:300])
        return False

    def createWindow(self, _type: QWebEnginePage.WebWindowType) -> None:  # type: ignore[override]
        log.warning("map: refused to open a new window")
        return None

    def javaScriptConsoleMessage(
        self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str, line: int,
        source: str,
    ) -> None:
        lvl = int(level.value)
        if len(self.console) < 500:
            self.console.append((lvl, message))
        log.log(logging.WARNING if lvl >= 2 else logging.DEBUG, "map js: %s (%s:%s)",
                message[:500], source[:200], line)

    def _deny_feature(self, origin: QUrl, feature: Any) -> None:
        self.setFeaturePermission(origin, feature, QWebEnginePage.PermissionPolicy.PermissionDeniedByUser)

    def _deny_permission(self, permission: Any) -> None:
        permission.deny()
