/*
 * Enlace map page: jurisdiction zones and operation areas (fieldclient/map/areas.py builds
 * what they draw, fieldclient/map/overlays.py sends it). Two overlays of the layer switcher:
 * zones coloured by the agency whose territory they are, named on hover; operation areas
 * outlined and labelled with code, name, lead agency and authority.
 *
 * Thousands of municipal boundaries are drawn on canvas (one <canvas> per layer instead of
 * an SVG path each), from coordinates Python already simplified and sent as integers, at
 * the level of detail of the zoom: every zone simplified for the far zooms comes with the
 * layer; from `detailZoom` on, the zones of the view are asked for at that zoom's detail
 * after each move (areasView -> areasDetail), as tiles are, and replace the far ones.
 *
 * Names are data: set with textContent only (tooltips get DOM nodes, never HTML strings);
 * the layer switcher's own names are escaped by EnlaceTiles.
 */
(function () {
  "use strict";

  var A = (window.EnlaceAreas = {});
  var SCALE = 1e5; // areas.py SCALE
  var ID_RE = /^[A-Za-z0-9\-]{1,64}$/;
  // Distinct, dark enough for a thin line and a light fill on any base map.
  var PALETTE = ["#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457",
    "#5d4037", "#283593", "#827717", "#c62828", "#00695c", "#4527a0"];
  var OP_COLOUR = "#b71c1c";

  var map, host, zonesLayer, opsLayer, zoneRenderer, opRenderer, coarse, detail;
  var detailZoom = 99, detailGen = 0;
  var texts = {}, labels = {};
  var shown = { zones: 0, ops: 0, url: null };
  var opLabels = new Map(); // operation id -> its label element (tests)
  var generation = 0;

  function text(v, max) {
    if (typeof v !== "string") return "";
    return max && v.length > max ? v.slice(0, max) : v;
  }

  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  // The same agency gets the same colour on every laptop and every load.
  function colourOf(agency) {
    var h = 0;
    for (var i = 0; i < agency.length; i++) h = (h * 31 + agency.charCodeAt(i)) | 0;
    return PALETTE[Math.abs(h) % PALETTE.length];
  }

  function ring(flat) {
    if (!Array.isArray(flat)) return [];
    var out = new Array(flat.length >> 1);
    for (var i = 0, j = 0; i + 1 < flat.length; i += 2, j++) {
      out[j] = L.latLng(flat[i + 1] / SCALE, flat[i] / SCALE);
    }
    return out;
  }

  function agencyName(slug) {
    return (labels.agency || {})[slug] || slug;
  }

  function zoneTip(z) {
    return function () {
      var box = el("div", "enl-area-tip");
      box.appendChild(el("div", "enl-info-title", z.name));
      var level = (labels.zoneLevel || {})[z.level] || z.level;
      box.appendChild(el("div", null, [agencyName(z.agency), level].filter(Boolean).join(" · ")));
      return box;
    };
  }

  function opLabel(o) {
    var box = el("div", "enl-op-text");
    box.appendChild(el("div", "enl-op-title", [o.code, o.name].filter(Boolean).join(" — ")));
    var authority = (labels.authority || {})[o.authority] || o.authority;
    var lead = text(texts.lead || "Lead: {agency}").split("{agency}").join(agencyName(o.lead));
    box.appendChild(el("div", null, [lead, authority].filter(Boolean).join(" · ")));
    return box;
  }

  function addZone(a, group) {
    if (!Array.isArray(a) || !ID_RE.test(text(a[0])) || !Array.isArray(a[4])) return false;
    var z = { id: a[0], name: text(a[1], 200), agency: text(a[2], 40), level: text(a[3], 20) };
    var parts = a[4].map(function (part) {
      return Array.isArray(part) ? part.map(ring) : [];
    });
    var colour = colourOf(z.agency);
    var poly = L.polygon(parts, {
      renderer: zoneRenderer, pane: "enlZones", color: colour, weight: 1, opacity: 0.85,
      fillColor: colour, fillOpacity: 0.08, smoothFactor: 1.5, pmIgnore: true
    });
    poly.enlZone = z;
    poly.bindTooltip(zoneTip(z), { sticky: true, className: "enl-area-tooltip", opacity: 0.95 });
    group.addLayer(poly);
    return true;
  }

  function addOperation(a) {
    if (!Array.isArray(a) || !ID_RE.test(text(a[0])) || !Array.isArray(a[6])) return false;
    var o = { id: a[0], code: text(a[1], 40), name: text(a[2], 200), lead: text(a[3], 40),
      authority: text(a[4], 20), status: text(a[5], 20) };
    var poly = L.polygon(a[6].map(ring), {
      renderer: opRenderer, pane: "enlOps", color: OP_COLOUR, weight: 2.5, opacity: 0.9,
      dashArray: "8 5", fillColor: OP_COLOUR, fillOpacity: 0.04, pmIgnore: true
    });
    var label = opLabel(o);
    opLabels.set(o.id, label);
    poly.bindTooltip(label, { permanent: true, direction: "center",
      className: "enl-op-label", interactive: false });
    opsLayer.addLayer(poly);
    return true;
  }

  // Two animation frames after the layers changed: the first draws the canvas, the
  // second runs once that frame has been painted.
  function reportDrawn(gen) {
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        if (gen === generation) host.send("areasDrawn", { zones: shown.zones, ops: shown.ops });
      });
    });
  }

  function apply(doc, gen) {
    if (gen !== generation) return;
    coarse.clearLayers();
    detail.clearLayers();
    zonesLayer.removeLayer(detail);
    zonesLayer.addLayer(coarse);
    opsLayer.clearLayers();
    opLabels.clear();
    var nz = 0, no = 0;
    (Array.isArray(doc.zones) ? doc.zones : []).forEach(function (a) {
      if (addZone(a, coarse)) nz++;
    });
    (Array.isArray(doc.ops) ? doc.ops : []).forEach(function (a) { if (addOperation(a)) no++; });
    shown.zones = nz;
    shown.ops = no;
    reportDrawn(gen);
    askDetail();
  }

  // From detailZoom on: the zones of the view (and a margin), at this zoom's detail.
  function askDetail() {
    if (map.getZoom() < detailZoom) {
      if (zonesLayer.hasLayer(detail)) { // back to the far zooms' zones
        zonesLayer.removeLayer(detail);
        detail.clearLayers();
        zonesLayer.addLayer(coarse);
      }
      return;
    }
    if (!shown.zones) return;
    var b = map.getBounds().pad(0.25);
    host.send("areasView", { zoom: map.getZoom(),
      south: Math.max(-90, b.getSouth()), west: Math.max(-180, b.getWest()),
      north: Math.min(90, b.getNorth()), east: Math.min(180, b.getEast()) });
  }

  // {type: "areasDetail", url}: the zones of the view asked for last.
  A.loadDetail = function (msg) {
    if (typeof msg.url !== "string" || msg.url.indexOf("enlace://app/data/") !== 0) return;
    var gen = ++detailGen, areasGen = generation;
    fetch(msg.url)
      .then(function (r) { return r.json(); })
      .then(function (doc) {
        if (gen !== detailGen || areasGen !== generation || map.getZoom() < detailZoom) return;
        var fresh = L.layerGroup([], { pmIgnore: true });
        (Array.isArray(doc.zones) ? doc.zones : []).forEach(function (a) { addZone(a, fresh); });
        zonesLayer.removeLayer(coarse);
        zonesLayer.removeLayer(detail);
        detail = fresh;
        zonesLayer.addLayer(detail);
      })
      .catch(function () { console.error("enlace: zones in view could not be loaded"); });
  };

  // {type: "areas", url, texts, labels}: a one-time URL with areas.py's document.
  A.load = function (msg) {
    texts = msg.texts && typeof msg.texts === "object" ? msg.texts : {};
    labels = msg.labels && typeof msg.labels === "object" ? msg.labels : {};
    detailZoom = typeof msg.detailZoom === "number" ? msg.detailZoom : 99;
    host.setOverlays([
      { name: text(texts.zones || "Jurisdiction zones", 200), layer: zonesLayer },
      { name: text(texts.operations || "Operation areas", 200), layer: opsLayer }
    ]);
    var gen = ++generation;
    if (typeof msg.url !== "string" || msg.url.indexOf("enlace://app/data/") !== 0) return;
    shown.url = msg.url;
    fetch(msg.url)
      .then(function (r) { return r.json(); })
      .then(function (doc) { apply(doc && typeof doc === "object" ? doc : {}, gen); })
      .catch(function () { console.error("enlace: areas could not be loaded"); });
  };

  A.init = function (leafletMap, options) {
    map = leafletMap;
    host = options;
    // Under the units and incidents (markerPane 600) and Leaflet's overlayPane (400):
    // zones at the bottom, operation areas over them.
    map.createPane("enlZones").style.zIndex = 380;
    map.createPane("enlOps").style.zIndex = 390;
    zoneRenderer = L.canvas({ pane: "enlZones", padding: 0.2, tolerance: 2 });
    opRenderer = L.canvas({ pane: "enlOps", padding: 0.2, tolerance: 3 });
    coarse = L.layerGroup([], { pmIgnore: true });
    detail = L.layerGroup([], { pmIgnore: true });
    zonesLayer = L.layerGroup([coarse], { pmIgnore: true }).addTo(map);
    opsLayer = L.layerGroup([], { pmIgnore: true }).addTo(map);
    map.on("moveend", askDetail);
  };

  // Read-only probes for tests and benchmarks.
  A.stats = function () {
    var drawnNow = zonesLayer.hasLayer(detail) ? detail : coarse;
    return { zones: drawnNow.getLayers().length, ops: opsLayer.getLayers().length,
      zonesOn: map.hasLayer(zonesLayer), opsOn: map.hasLayer(opsLayer),
      detail: zonesLayer.hasLayer(detail), vertices: vertices(drawnNow) };
  };
  A.zoneTip = function (id) {
    var found = null;
    [coarse, detail].forEach(function (g) {
      g.eachLayer(function (l) { if (l.enlZone && l.enlZone.id === id) found = l; });
    });
    if (!found) return null;
    var node = found.getTooltip()._content(found);
    return { text: node.textContent, colour: String(found.options.color),
      children: node.querySelectorAll("*").length };
  };
  A.opLabel = function (id) {
    var node = opLabels.get(id);
    return node ? { text: node.textContent, shown: document.body.contains(node),
      elements: node.querySelectorAll("*").length } : null;
  };
  function vertices(group) {
    var n = 0;
    group.eachLayer(function (l) {
      (function count(x) {
        if (Array.isArray(x) && x.length && !Array.isArray(x[0])) n += x.length;
        else if (Array.isArray(x)) x.forEach(count);
      })(l.getLatLngs());
    });
    return n;
  }
  A.layers = function () { return { zones: zonesLayer, ops: opsLayer }; };
})();
