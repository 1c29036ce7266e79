/*
 * Enlace map page: the base map. Country outlines (land drawn under everything, borders
 * over the raster), the installed MBTiles packages as tile layers that never flood the
 * page with requests, the package's coverage, and the notices that say what the map
 * shows. Loaded before map.js, which calls EnlaceTiles.init(map, host).
 *
 * A package's layer asks only for tiles the package holds: the extent of every level
 * is read from its tiles table at import (fieldclient/map/mbtiles.py). Past its highest
 * level the highest is drawn enlarged (overzoom); one level below its lowest, the lowest
 * is drawn at half size; further out nothing is asked for and a notice says to zoom in,
 * with the coverage outlined. However a view comes about (a zoom, a restored view at
 * start, a huge screen), one view never asks for more than MAX_TILES_PER_VIEW tiles.
 *
 * Package names and attributions are data: set with textContent, or escaped where
 * Leaflet takes HTML (the layer switcher, the attribution line).
 */
(function () {
  "use strict";

  var T = (window.EnlaceTiles = {});
  // A 1366x768 view needs about 35 tiles at a package's own levels and about 140 one
  // level below its lowest (tiles at half size). Beyond this a view is a flood.
  var MAX_TILES_PER_VIEW = 256;
  var UNDERZOOM = 1;
  var EMPTY_TILE = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
  var KEY_RE = /^mbt-[a-z0-9\-]{1,60}$/;
  var REV_RE = /^[a-z0-9]{1,16}$/;

  var map, host, control, land, borders, coverage, box, statusEl, skippedEl;
  var layers = {}; // key -> PackageLayer
  var plain = null; // the "Outlines only" base: an empty group, the outlines do the work
  var current = "plain";
  var wanted = null; // a base asked for (restored view) before its package was listed
  var texts = {};
  var configured = false;
  var dismissed = false;
  var pending = false;
  var requests = {}; // key -> tile requests made (diagnostics for tests and benchmarks)
  var extraOverlays = []; // [{name, layer}] from other modules (zones, operation areas)
  var lastConfig = null; // the arguments of the last configure(), to rebuild the switcher

  function escapeHtml(s) {
    var span = document.createElement("span");
    span.textContent = typeof s === "string" ? s.slice(0, 500) : "";
    return span.innerHTML;
  }

  function fill(template, params) {
    var out = typeof template === "string" ? template : "";
    Object.keys(params).forEach(function (k) {
      out = out.split("{" + k + "}").join(String(params[k]));
    });
    return out;
  }

  function int(v) {
    return typeof v === "number" && isFinite(v) && Math.floor(v) === v ? v : null;
  }

  // -- package layers --------------------------------------------------------------------

  var PackageLayer = L.TileLayer.extend({
    // A level the package lacks is drawn from the nearest level below it (or the lowest).
    _clampZoom: function (zoom) {
      var z = L.TileLayer.prototype._clampZoom.call(this, zoom);
      var zooms = this._enl.zooms;
      if (this._enl.extents[z]) return z;
      for (var i = zooms.length - 1; i >= 0; i--) if (zooms[i] <= z) return zooms[i];
      return zooms[0];
    },

    _isValidTile: function (coords) {
      if (!L.TileLayer.prototype._isValidTile.call(this, coords)) return false;
      var e = this._enl.extents[coords.z];
      return !!e && coords.x >= e[0] && coords.x <= e[2] && coords.y >= e[1] && coords.y <= e[3];
    },

    _update: function (center) {
      var m = this._map;
      if (m && this._tileZoom !== undefined) {
        var e = this._enl.extents[this._tileZoom];
        var r = this._pxBoundsToTileRange(
          this._getTiledPixelBounds(center === undefined ? m.getCenter() : center));
        var w = e ? Math.min(r.max.x, e[2]) - Math.max(r.min.x, e[0]) + 1 : 0;
        var h = e ? Math.min(r.max.y, e[3]) - Math.max(r.min.y, e[1]) + 1 : 0;
        var n = w > 0 && h > 0 ? w * h : 0;
        this._enl.state = n > MAX_TILES_PER_VIEW ? "cap" : n ? "ok" : "outside";
        if (n > MAX_TILES_PER_VIEW) {
          this._removeAllTiles();
          schedule();
          return;
        }
      } else {
        this._enl.state = "zoom";
      }
      L.TileLayer.prototype._update.call(this, center);
      schedule();
    }
  });

  function packageLayer(info) {
    var key = typeof info.key === "string" && KEY_RE.test(info.key) ? info.key : null;
    var rev = typeof info.rev === "string" && REV_RE.test(info.rev) ? info.rev : "0";
    var extents = {};
    var zooms = [];
    Object.keys(info.extents || {}).forEach(function (k) {
      var z = Number(k), e = info.extents[k];
      if (!(z >= 0 && z <= 24) || !Array.isArray(e) || e.length !== 4) return;
      if (e.map(int).some(function (v) { return v === null; })) return;
      extents[z] = e;
      zooms.push(z);
    });
    if (!key || !zooms.length) return null;
    zooms.sort(function (a, b) { return a - b; });
    var c = Array.isArray(info.coverage) ? info.coverage : [];
    var cov = c.length === 4 && c.every(function (v) { return typeof v === "number" && isFinite(v); })
      ? L.latLngBounds([c[1], c[0]], [c[3], c[2]]) : null;
    var lo = zooms[0], hi = zooms[zooms.length - 1];
    var layer = new PackageLayer("enlace://app/tiles/" + key + "/" + rev + "/{z}/{x}/{y}", {
      minZoom: Math.max(0, lo - UNDERZOOM),
      maxZoom: map.getMaxZoom(),
      minNativeZoom: lo,
      maxNativeZoom: hi,
      noWrap: true,
      errorTileUrl: EMPTY_TILE,
      attribution: info.attribution ? escapeHtml(info.attribution) : undefined
    });
    layer._enl = {
      key: key, rev: rev, name: typeof info.name === "string" ? info.name.slice(0, 200) : key,
      extents: extents, zooms: zooms, lo: lo, coverage: cov, state: "zoom",
      sig: rev + JSON.stringify(extents)
    };
    layer.on("tileloadstart", function () { requests[key] = (requests[key] || 0) + 1; });
    return layer;
  }

  function active() {
    return current !== "plain" ? layers[current] || null : null;
  }

  function setBase(key) {
    if (key !== "plain" && !layers[key]) key = "plain";
    Object.keys(layers).forEach(function (k) {
      if (k !== key && map.hasLayer(layers[k])) map.removeLayer(layers[k]);
    });
    if (key === "plain") {
      if (!map.hasLayer(plain)) map.addLayer(plain);
    } else {
      if (map.hasLayer(plain)) map.removeLayer(plain);
      if (!map.hasLayer(layers[key])) map.addLayer(layers[key]);
    }
    current = key;
    clip();
    schedule();
  }

  // Edge tiles hold more than the package's area: JPEG has no transparency, so the rest
  // of such a tile is black (or white). The raster is clipped to the coverage, and the
  // land under it shows there. Layer points move only when the view is reset or zoomed.
  function clip() {
    var layer = active();
    if (!layer || !layer._container) return;
    var cov = layer._enl.coverage;
    if (!cov) {
      layer._container.style.clipPath = "";
      return;
    }
    var nw = map.latLngToLayerPoint(cov.getNorthWest());
    var se = map.latLngToLayerPoint(cov.getSouthEast());
    layer._container.style.clipPath = "polygon(" + [
      nw.x + "px " + nw.y + "px", se.x + "px " + nw.y + "px",
      se.x + "px " + se.y + "px", nw.x + "px " + se.y + "px"].join(", ") + ")";
  }

  // -- coverage and notices ---------------------------------------------------------------

  function link(label, onClick) {
    var a = document.createElement("button");
    a.type = "button";
    a.className = "enl-link";
    a.textContent = label;
    L.DomEvent.disableClickPropagation(a);
    a.addEventListener("click", function (e) {
      e.preventDefault();
      onClick();
    });
    return a;
  }

  function showArea(layer) {
    if (!layer._enl.coverage) return;
    map.fitBounds(layer._enl.coverage, { animate: false });
    if (map.getZoom() < layer.options.minZoom) {
      map.setView(layer._enl.coverage.getCenter(), layer._enl.lo, { animate: false });
    }
  }

  function statusNotice() {
    var layer = active();
    if (!layer) {
      if (!configured || Object.keys(layers).length || dismissed) return null;
      return {
        kind: "outlines", text: texts.onlyOutlines,
        links: [[texts.importMap, function () { host.send("action", { name: "import-map" }); }],
                [texts.mapHelp, function () { host.send("action", { name: "map-help" }); }]],
        close: true
      };
    }
    var name = layer._enl.name;
    var inView = layer._enl.coverage && map.getBounds().intersects(layer._enl.coverage);
    var zoomIn = [texts.showArea, function () { showArea(layer); }];
    if (map.getZoom() < layer.options.minZoom) {
      return { kind: "zoom", text: fill(texts.zoomIn, { name: name, zoom: layer.options.minZoom }),
        links: [zoomIn] };
    }
    if (layer._enl.state === "cap") {
      return { kind: "cap", text: fill(texts.tooMany, { name: name }), links: [zoomIn] };
    }
    if (!inView) {
      return { kind: "outside", text: fill(texts.outside, { name: name }), links: [zoomIn] };
    }
    return null;
  }

  function refresh() {
    pending = false;
    if (!map) return;
    var layer = active();
    var drawn = layer && layer._enl.state !== "cap" && map.getZoom() >= layer.options.minZoom;
    if (layer && layer._enl.coverage) {
      coverage.setBounds(layer._enl.coverage);
      // Filled while the raster is not drawn, so the package's area is still seen.
      coverage.setStyle({ fill: !drawn, fillOpacity: 0.12 });
      if (!map.hasLayer(coverage)) coverage.addTo(map);
    } else if (map.hasLayer(coverage)) {
      map.removeLayer(coverage);
    }
    var notice = statusNotice();
    statusEl.textContent = "";
    statusEl.style.display = notice ? "block" : "none";
    statusEl.dataset.kind = notice ? notice.kind : "";
    if (notice) {
      statusEl.appendChild(document.createTextNode(notice.text || ""));
      notice.links.forEach(function (l) {
        statusEl.appendChild(document.createTextNode(" "));
        statusEl.appendChild(link(l[0] || "", l[1]));
      });
      if (notice.close) {
        var x = link("×", function () { dismissed = true; refresh(); });
        x.classList.add("enl-close");
        x.title = texts.close || "";
        statusEl.appendChild(x);
      }
    }
    box.style.display = notice || skippedEl.childNodes.length ? "block" : "none";
  }

  function schedule() {
    if (pending) return;
    pending = true;
    (window.requestAnimationFrame || setTimeout)(refresh);
  }

  // -- outlines ---------------------------------------------------------------------------

  T.loadOutlines = function () {
    return fetch("enlace://app/basemap/countries-mx-region.geojson")
      .then(function (r) { return r.json(); })
      .then(function (data) {
        // Land stays under any raster: where a package has no tiles, land looks like land.
        land = L.geoJSON(data, {
          pane: "enlLand", interactive: false,
          style: { stroke: false, fillColor: "#f2efe9", fillOpacity: 1 }
        }).addTo(map);
        borders = L.geoJSON(data, {
          interactive: false, style: { color: "#6b6b6b", weight: 1.2, fill: false }
        }).addTo(map);
        borders.bringToBack();
      })
      .catch(function () { console.error("enlace: basemap outlines could not be loaded"); });
  };

  // -- the host's calls -------------------------------------------------------------------

  T.init = function (leafletMap, hostCalls) {
    map = leafletMap;
    host = hostCalls;
    map.createPane("enlLand");
    map.getPane("enlLand").style.zIndex = 150; // under tilePane (200)
    map.getPane("enlLand").style.pointerEvents = "none";
    plain = L.layerGroup().addTo(map);
    coverage = L.rectangle([[0, 0], [1, 1]], {
      interactive: false, color: "#0d47a1", weight: 1.5, dashArray: "6 4", fill: false,
      fillColor: "#0d47a1"
    });
    box = document.createElement("div");
    box.className = "enl-notices";
    box.style.display = "none";
    statusEl = document.createElement("div");
    statusEl.className = "enl-notice enl-tiles-notice";
    skippedEl = document.createElement("div");
    box.appendChild(statusEl);
    box.appendChild(skippedEl);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    map.getContainer().appendChild(box);
    map.on("zoomend moveend resize", schedule);
    map.on("zoomend viewreset moveend", clip);
    map.on("baselayerchange", function (e) {
      var key = "plain";
      Object.keys(layers).forEach(function (k) { if (layers[k] === e.layer) key = k; });
      current = key;
      clip();
      schedule();
      host.onBase(key);
    });
  };

  // The packages (from Python, on every config message), the page's texts, the notices
  // of packages that were skipped, and whether the packages folder has been read yet.
  T.configure = function (list, pageTexts, skipped, known) {
    lastConfig = [list, pageTexts, skipped, known];
    texts = pageTexts || {};
    var fresh = {};
    var entries = {};
    (Array.isArray(list) ? list : []).forEach(function (info) {
      var layer = info && typeof info === "object" ? packageLayer(info) : null;
      if (!layer || fresh[layer._enl.key]) return;
      var old = layers[layer._enl.key];
      if (old && old._enl.sig === layer._enl.sig) {
        old._enl.name = layer._enl.name; // a reused layer keeps its loaded tiles
        layer = old;
      }
      fresh[layer._enl.key] = layer;
    });
    Object.keys(layers).forEach(function (k) {
      if (layers[k] !== fresh[k] && map.hasLayer(layers[k])) map.removeLayer(layers[k]);
    });
    var hadAny = Object.keys(layers).length > 0;
    layers = fresh;
    if (hadAny !== Object.keys(layers).length > 0) dismissed = false;
    if (control) control.remove();
    entries[escapeHtml(texts.plain || "Outlines only")] = plain;
    Object.keys(layers).forEach(function (k) { entries[escapeHtml(layers[k]._enl.name)] = layers[k]; });
    var overlays = {};
    if (borders) overlays[escapeHtml(texts.outlines || "Country outlines")] = borders;
    extraOverlays.forEach(function (o) { overlays[escapeHtml(o.name)] = o.layer; });
    control = L.control.layers(entries, overlays, { position: "topright" }).addTo(map);
    configured = configured || !!known;
    var key = wanted && layers[wanted] ? wanted : current;
    if (wanted && (layers[wanted] || known)) wanted = null; // listed, or gone for good
    setBase(layers[key] ? key : "plain");
    skippedEl.textContent = "";
    (Array.isArray(skipped) ? skipped : []).forEach(function (n) {
      var div = document.createElement("div");
      div.className = "enl-notice";
      div.textContent = typeof n === "string" ? n.slice(0, 2000) : "";
      skippedEl.appendChild(div);
    });
    refresh();
  };

  // Overlays of other modules in the layer switcher, by their (translated) names, which
  // are escaped like every name the switcher shows. Rebuilds the switcher if it exists.
  T.setOverlays = function (list) {
    extraOverlays = (Array.isArray(list) ? list : []).filter(function (o) {
      return o && o.layer && typeof o.name === "string";
    });
    if (lastConfig) T.configure.apply(null, lastConfig);
  };

  // A base chosen by a restored view: applied now, or when its package is listed.
  T.want = function (key) {
    if (typeof key !== "string") return;
    if (key === "plain" || layers[key]) {
      wanted = null;
      setBase(key);
    } else {
      wanted = key;
    }
  };

  T.show = function (key) {
    if (typeof key !== "string" || !layers[key]) return;
    setBase(key);
    showArea(layers[key]);
    host.onBase(key);
  };

  T.current = function () {
    return wanted || current;
  };

  // Probe for tests and benchmarks (it only draws a notice already due).
  T.stats = function () {
    if (pending) refresh();
    var layer = active();
    var loaded = 0;
    if (layer) {
      Object.keys(layer._tiles || {}).forEach(function (k) { if (layer._tiles[k].loaded) loaded++; });
    }
    return {
      base: current, requests: requests, state: layer ? layer._enl.state : null,
      tileZoom: layer ? layer._tileZoom === undefined ? null : layer._tileZoom : null,
      loaded: loaded, loading: !!(layer && layer._loading),
      notice: statusEl.style.display === "none" ? null : statusEl.dataset.kind,
      noticeText: statusEl.style.display === "none" ? "" : statusEl.textContent,
      coverage: !!map && map.hasLayer(coverage)
    };
  };

  T.layer = function (key) {
    return layers[key] || null;
  };
})();
