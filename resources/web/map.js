/*
 * Enlace map page. Built once by fieldclient/map/page.py; after load, data moves only
 * through the QWebChannel object "enlace" (fieldclient/map/bridge.py). The base map
 * (outlines, map packages, their notices) is map-tiles.js (EnlaceTiles); the tools are
 * map-grid.js (MGRS grid, centre crosshair), map-measure.js (range and bearing),
 * map-trails.js (trails and their replay) and map-labels.js (label placement), with
 * geodesy from map-geo.js (EnlaceGeo, an ES module). Zones and operation areas are
 * map-areas.js, drawing an operation's area map-areaedit.js, a detention's route and
 * custody clock map-custody.js.
 *
 * Safety rules of this file: every string that comes from records (callsigns, names,
 * titles) is data. It is only ever assigned with textContent. Nothing here calls eval,
 * new Function or innerHTML with record text.
 */
(function () {
  "use strict";

  var E = (window.EnlaceMap = {});
  var FALLBACK_SIDC = "SFGPU----------";
  var SIDC_RE = /^[A-Za-z0-9*\-]{10,30}$/;
  var ID_RE = /^[A-Za-z0-9\-]{1,64}$/;
  // Compact records sent by Python (fieldclient/map/data.py keeps the same order).
  var U_ID = 0, U_CALL = 1, U_SIDC = 2, U_LAT = 3, U_LON = 4, U_T = 5, U_STATUS = 6,
    U_NAME = 7, U_AGENCY = 8, U_KIND = 9, U_ECHELON = 10;
  var I_ID = 0, I_TITLE = 1, I_KIND = 2, I_SEV = 3, I_STATUS = 4, I_LAT = 5, I_LON = 6,
    I_T = 7;
  var SEVERITY_COLOURS = ["#2e7d32", "#9e9d24", "#f9a825", "#ef6c00", "#c62828"];
  var KIND_CODES = {
    armed_attack: "AA", blockade: "BL", kidnapping: "SE", homicide: "HO", robbery: "RO",
    extortion: "EX", drug_seizure: "AD", arms_seizure: "AR", detention: "DE",
    disturbance: "DI", accident: "AC", natural_disaster: "DN", fire: "IN",
    missing_person: "PD", patrol_report: "PA", other: "OT"
  };
  var Tiles = window.EnlaceTiles;
  var Labels = window.EnlaceLabels, Grid = window.EnlaceGrid, Measure = window.EnlaceMeasure,
    Trails = window.EnlaceTrails, Areas = window.EnlaceAreas, AreaEdit = window.EnlaceAreaEdit,
    Custody = window.EnlaceCustody;
  var geo = function () { return window.EnlaceGeo || null; };
  var ZOOM_LEVELS = { min: 0, max: 24 };

  var map, bridge, clusters, incidentLayer, trackLayer, infoBox;
  var units = new Map(); // id -> rec
  var incidents = new Map(); // id -> rec
  var symbols = new Map(); // sidc|size -> {url, w, h, ax, ay}
  var incidentSymbols = new Map();
  var selectedId = null;
  var cfg = { staleMs: 30 * 60 * 1000, symbolSize: 22, texts: {}, labels: {} };
  var gotoLayer = null;
  var loads = 1;
  var defaultSidcs = {}; // "agency|kind|echelon" -> SIDC, for units without their own
  var pendingAck = null;
  // Units flagged "outside jurisdiction" (fieldclient/store/zones.py, as the roster shows
  // them): a warning badge on the marker, never anything more.
  var outside = new Set();

  try {
    loads = Number(window.sessionStorage.getItem("enlace.loads") || "0") + 1;
    window.sessionStorage.setItem("enlace.loads", String(loads));
  } catch (e) {
    loads = 1; // storage unavailable on this origin: a reload is still seen by Python
  }

  function text(v, max) {
    if (typeof v !== "string") return "";
    return max && v.length > max ? v.slice(0, max) : v;
  }

  function num(v) {
    return typeof v === "number" && isFinite(v) ? v : null;
  }

  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function send(method, payload) {
    if (bridge && typeof bridge[method] === "function") bridge[method](JSON.stringify(payload));
  }

  // -- symbols --------------------------------------------------------------------------

  function symbolFor(sidc) {
    var key = sidc + "|" + cfg.symbolSize;
    var s = symbols.get(key);
    if (!s) {
      var sym = SIDC_RE.test(sidc) ? new ms.Symbol(sidc, { size: cfg.symbolSize }) : null;
      if (!sym || !sym.isValid()) sym = new ms.Symbol(FALLBACK_SIDC, { size: cfg.symbolSize });
      var size = sym.getSize();
      var anchor = sym.getAnchor();
      s = {
        url: sym.toDataURL(),
        w: Math.ceil(size.width),
        h: Math.ceil(size.height),
        ax: Math.round(anchor.x),
        ay: Math.round(anchor.y)
      };
      symbols.set(key, s);
    }
    return s;
  }

  function incidentSymbolFor(kind, severity) {
    var key = kind + "|" + severity;
    var s = incidentSymbols.get(key);
    if (!s) {
      var colour = SEVERITY_COLOURS[Math.min(5, Math.max(1, severity)) - 1];
      var code = KIND_CODES[kind] || "OT";
      var svg =
        '<svg xmlns="http://www.w3.org/2000/svg" width="26" height="26" viewBox="0 0 26 26">' +
        '<path d="M13 1 L25 13 L13 25 L1 13 Z" fill="' + colour +
        '" stroke="#111" stroke-width="1.5"/>' +
        '<text x="13" y="16.5" font-family="DejaVu Sans, sans-serif" font-size="9" ' +
        'font-weight="bold" text-anchor="middle" fill="#fff">' + code + "</text></svg>";
      s = { url: "data:image/svg+xml;base64," + btoa(svg), w: 26, h: 26, ax: 13, ay: 13 };
      incidentSymbols.set(key, s);
    }
    return s;
  }

  // One icon object per marker (cheap: options only); the DOM is built only when
  // Leaflet shows the marker, so 50,000 clustered units cost no DOM.
  var RecordIcon = L.Icon.extend({
    initialize: function (rec) {
      this.rec = rec;
    },
    createIcon: function () {
      var rec = this.rec;
      var s = rec.kind === "unit" ? symbolFor(rec.sidc) : incidentSymbolFor(rec.ikind, rec.severity);
      var div = el("div", "leaflet-marker-icon enl-marker enl-" + rec.kind);
      div.style.marginLeft = -s.ax + "px";
      div.style.marginTop = -s.ay + "px";
      var img = el("img", "enl-symbol");
      img.src = s.url;
      img.width = s.w;
      img.height = s.h;
      img.alt = "";
      img.draggable = false;
      // Placed (or left hidden) by EnlaceLabels once the marker is on screen.
      var label = el("span", "enl-label", rec.label);
      div.appendChild(img);
      div.appendChild(label);
      if (rec.kind === "unit") {
        var badge = el("span", "enl-outside-badge", "!");
        badge.title = cfg.texts.outside_jurisdiction || "Outside jurisdiction";
        div.appendChild(badge);
      }
      rec.icon = div;
      rec.sym = s;
      rec.labelEl = label;
      applyClasses(rec);
      Labels.schedule();
      return div;
    },
    createShadow: function () {
      return null;
    }
  });

  function applyClasses(rec) {
    if (!rec.icon) return;
    rec.icon.classList.toggle("enl-stale", !!rec.stale);
    rec.icon.classList.toggle("enl-selected", rec.id === selectedId);
    rec.icon.classList.toggle("enl-closed", rec.status === "closed");
    if (rec.kind === "unit") rec.icon.classList.toggle("enl-outside", outside.has(rec.id));
  }

  // -- units ----------------------------------------------------------------------------

  function unitFrom(a) {
    if (!Array.isArray(a)) return null;
    var id = text(a[U_ID]), lat = num(a[U_LAT]), lon = num(a[U_LON]);
    if (!ID_RE.test(id) || lat === null || lon === null) return null;
    return {
      kind: "unit",
      id: id,
      label: text(a[U_CALL], 10000),
      sidc: sidcOf(a),
      lat: lat,
      lon: lon,
      t: num(a[U_T]) || 0,
      status: text(a[U_STATUS], 40),
      name: text(a[U_NAME], 10000),
      agency: text(a[U_AGENCY], 200),
      lastTrail: 0
    };
  }

  function sidcOf(a) {
    if (SIDC_RE.test(text(a[U_SIDC]))) return a[U_SIDC];
    var d = defaultSidcs[text(a[U_AGENCY]) + "|" + text(a[U_KIND]) + "|" + text(a[U_ECHELON])];
    return SIDC_RE.test(text(d)) ? d : FALLBACK_SIDC;
  }

  function isStale(t, now) {
    return t > 0 && now - t > cfg.staleMs;
  }

  function newMarker(rec) {
    var m = L.marker([rec.lat, rec.lon], { icon: new RecordIcon(rec), keyboard: false });
    m.enlRec = rec;
    rec.marker = m;
    return m;
  }

  function upsertUnit(fresh, now, added) {
    var rec = units.get(fresh.id);
    fresh.stale = isStale(fresh.t, now);
    if (!rec) {
      units.set(fresh.id, fresh);
      added.push(newMarker(fresh));
      return;
    }
    var look = rec.label !== fresh.label || rec.sidc !== fresh.sidc;
    rec.label = fresh.label;
    rec.sidc = fresh.sidc;
    rec.t = fresh.t;
    rec.status = fresh.status;
    rec.name = fresh.name;
    rec.agency = fresh.agency;
    rec.stale = fresh.stale;
    if (rec.lat !== fresh.lat || rec.lon !== fresh.lon) {
      rec.lat = fresh.lat;
      rec.lon = fresh.lon;
      rec.marker.setLatLng([fresh.lat, fresh.lon]); // the cluster group re-files it
      Measure.unitMoved(rec.id, rec.lat, rec.lon);
    }
    if (fresh.t > rec.lastTrail) {
      rec.lastTrail = fresh.t;
      Trails.append(rec.id, rec.lat, rec.lon, fresh.t);
    }
    if (look && rec.icon) {
      rec.icon = null;
      rec.marker.setIcon(new RecordIcon(rec));
    }
    applyClasses(rec);
  }

  function removeUnit(id) {
    var rec = units.get(id);
    if (!rec) return;
    clusters.removeLayer(rec.marker);
    units.delete(id);
    if (selectedId === id) selectedId = null;
  }

  // -- incidents ------------------------------------------------------------------------

  function incidentFrom(a) {
    if (!Array.isArray(a)) return null;
    var id = text(a[I_ID]), lat = num(a[I_LAT]), lon = num(a[I_LON]);
    if (!ID_RE.test(id) || lat === null || lon === null) return null;
    var sev = num(a[I_SEV]);
    return {
      kind: "incident",
      id: id,
      label: text(a[I_TITLE], 10000),
      ikind: text(a[I_KIND], 40),
      severity: sev === null ? 3 : Math.min(5, Math.max(1, Math.round(sev))),
      status: text(a[I_STATUS], 40),
      lat: lat,
      lon: lon,
      t: num(a[I_T]) || 0
    };
  }

  function upsertIncident(fresh) {
    removeIncident(fresh.id);
    if (fresh.status === "voided") return;
    incidents.set(fresh.id, fresh);
    var m = newMarker(fresh);
    m.options.pane = "enlIncidents"; // over units, under cluster bubbles and their counts
    incidentLayer.addLayer(m);
  }

  function removeIncident(id) {
    var rec = incidents.get(id);
    if (!rec) return;
    incidentLayer.removeLayer(rec.marker);
    incidents.delete(id);
  }

  // -- messages from Python -------------------------------------------------------------

  // The full load comes as a one-time URL: fetch() parses megabytes natively, where
  // the web channel would escape and copy them twice.
  function fetchReset(msg) {
    if (typeof msg.url !== "string" || msg.url.indexOf("enlace://app/data/") !== 0) return;
    fetch(msg.url)
      .then(function (r) { return r.json(); })
      .then(function (d) {
        defaultSidcs = d.sidcs && typeof d.sidcs === "object" ? d.sidcs : {};
        applyReset({ seq: msg.seq, units: d.units, incidents: d.incidents });
      })
      .catch(function () { console.error("enlace: snapshot could not be loaded"); });
  }

  function applyReset(msg) {
    var t0 = performance.now();
    clusters.clearLayers();
    incidentLayer.clearLayers();
    units.clear();
    incidents.clear();
    var now = Date.now();
    var added = [];
    (msg.units || []).forEach(function (a) {
      var rec = unitFrom(a);
      if (rec) upsertUnit(rec, now, added);
    });
    (msg.incidents || []).forEach(function (a) {
      var rec = incidentFrom(a);
      if (rec) upsertIncident(rec);
    });
    // Diagnostics for benchmarks: ms spent building markers, then clustering them.
    E.timing = { build: performance.now() - t0, started: performance.now() };
    addMarkers(added, msg.seq);
    Labels.schedule();
  }

  // The ack tells Python the delta is on screen (flow control and latency probes).
  // The cluster group adds in chunks and calls chunkProgress before its final
  // refresh, hence the ack is queued as a microtask, which runs right after it.
  function addMarkers(added, seq) {
    var ack = function () {
      send("applied", { seq: seq, units: units.size });
    };
    if (!added.length) {
      ack();
      return;
    }
    pendingAck = ack;
    clusters.addLayers(added, true);
  }

  function applyDelta(msg) {
    var now = Date.now();
    var added = [];
    (msg.unitsGone || []).forEach(function (id) {
      removeUnit(text(id));
    });
    (msg.units || []).forEach(function (a) {
      var rec = unitFrom(a);
      if (rec) upsertUnit(rec, now, added);
    });
    (msg.incidentsGone || []).forEach(function (id) {
      removeIncident(text(id));
    });
    (msg.incidents || []).forEach(function (a) {
      var rec = incidentFrom(a);
      if (rec) upsertIncident(rec);
    });
    addMarkers(added, msg.seq);
    Labels.schedule();
  }

  function applySelect(msg) {
    var previous = units.get(selectedId);
    selectedId = typeof msg.id === "string" ? msg.id : null;
    if (previous) applyClasses(previous);
    Labels.schedule();
    var rec = units.get(selectedId);
    if (!rec) return;
    applyClasses(rec);
    if (msg.reveal) {
      if (clusters.getVisibleParent(rec.marker) === rec.marker) {
        if (!map.getBounds().contains(rec.marker.getLatLng())) map.panTo(rec.marker.getLatLng());
      } else {
        clusters.zoomToShowLayer(rec.marker);
      }
    }
  }

  function formatTime(t) {
    var d = new Date(t);
    var hh = String(d.getHours()).padStart(2, "0");
    var mm = String(d.getMinutes()).padStart(2, "0");
    return hh + ":" + mm;
  }

  function applyTrack(msg) {
    trackLayer.clearLayers();
    var pts = Array.isArray(msg.points) ? msg.points : [];
    var latlngs = [];
    pts.forEach(function (p) {
      if (Array.isArray(p) && num(p[0]) !== null && num(p[1]) !== null) latlngs.push(p);
    });
    if (!latlngs.length) return;
    L.polyline(latlngs.map(function (p) { return [p[0], p[1]]; }), {
      color: "#0d47a1", weight: 3, opacity: 0.85, interactive: false
    }).addTo(trackLayer);
    var step = Math.max(1, Math.ceil(latlngs.length / 12));
    latlngs.forEach(function (p, i) {
      L.circleMarker([p[0], p[1]], {
        radius: 3, color: "#0d47a1", fillColor: "#fff", fillOpacity: 1, weight: 2,
        interactive: false
      }).addTo(trackLayer);
      var last = i === latlngs.length - 1;
      if ((i % step === 0 || last) && num(p[2]) !== null) {
        var mark = el("span", "enl-timemark", formatTime(p[2]));
        L.marker([p[0], p[1]], {
          icon: L.divIcon({ html: mark, className: "enl-timemark-icon", iconSize: null }),
          interactive: false, keyboard: false
        }).addTo(trackLayer);
      }
    });
  }

  function applyView(msg) {
    var lat = num(msg.lat), lon = num(msg.lon), zoom = num(msg.zoom);
    if (lat !== null && lon !== null && zoom !== null) map.setView([lat, lon], zoom, { animate: false });
    Tiles.want(msg.base);
  }

  // The shipped state boundaries are amCharts' (linkware): credited in the attribution
  // line, in the user's language (escaped: the control takes HTML).
  var credit = null;
  function creditStates(textValue) {
    if (!map.attributionControl) return;
    var span = document.createElement("span");
    span.textContent = text(textValue, 200) || "State boundaries: amCharts";
    if (credit === span.innerHTML) return;
    if (credit) map.attributionControl.removeAttribution(credit);
    credit = span.innerHTML;
    map.attributionControl.addAttribution(credit);
  }

  function applyConfig(msg) {
    if (num(msg.staleMinutes) !== null) cfg.staleMs = msg.staleMinutes * 60000;
    cfg.texts = msg.texts || {};
    creditStates(cfg.texts.statesCredit);
    cfg.labels = msg.labels || {};
    Tiles.configure(msg.layers, cfg.texts, msg.notices, msg.layersKnown === true);
    Trails.setTexts(cfg.texts);
    Measure.set(Measure.active(), cfg.texts);
    refreshStale();
  }

  // The tools' state from the toolbar: {grid, crosshair, measure, format, west}.
  function applyTools(msg) {
    Grid.set({
      grid: msg.grid === true, crosshair: msg.crosshair === true,
      format: ["dd", "dms", "mgrs"].indexOf(msg.format) >= 0 ? msg.format : "dd",
      west: msg.west === "O" ? "O" : "W"
    });
    Measure.set(msg.measure === true, cfg.texts);
  }

  // "Go to": centre on a place Python resolved, and mark it with a pin and its name.
  function applyGoto(msg) {
    gotoLayer.clearLayers();
    var lat = num(msg.lat), lon = num(msg.lon), zoom = num(msg.zoom);
    if (lat === null || lon === null) return;
    zoom = zoom === null ? map.getZoom() : Math.min(ZOOM_LEVELS.max, Math.max(ZOOM_LEVELS.min, zoom));
    map.setView([lat, lon], zoom, { animate: false });
    var pin = el("div", "enl-goto-pin");
    pin.appendChild(el("div", "enl-goto-dot"));
    pin.appendChild(el("span", "enl-goto-label", text(msg.label, 200)));
    L.marker([lat, lon], {
      pane: "enlGoto", interactive: false, keyboard: false,
      icon: L.divIcon({ html: pin, className: "enl-goto-icon", iconSize: [14, 14], iconAnchor: [7, 7] })
    }).addTo(gotoLayer);
  }

  function applyOutside(msg) {
    var before = outside;
    outside = new Set((Array.isArray(msg.ids) ? msg.ids : []).filter(function (id) {
      return typeof id === "string" && ID_RE.test(id);
    }));
    before.forEach(function (id) { if (!outside.has(id) && units.get(id)) applyClasses(units.get(id)); });
    outside.forEach(function (id) { if (!before.has(id) && units.get(id)) applyClasses(units.get(id)); });
  }

  function applyTrails(msg) {
    if (typeof msg.url === "string") Trails.load(msg.url);
    else Trails.clear();
  }

  function onMessage(raw) {
    var msg;
    try {
      msg = JSON.parse(raw);
    } catch (e) {
      console.error("enlace: bad message from host");
      return;
    }
    switch (msg && msg.type) {
      case "config": applyConfig(msg); break;
      case "reset": fetchReset(msg); break;
      case "delta": applyDelta(msg); break;
      case "select": applySelect(msg); break;
      case "track": applyTrack(msg); break;
      case "view": applyView(msg); break;
      case "showLayer": Tiles.show(msg.key); break;
      case "tools": applyTools(msg); break;
      case "goto": applyGoto(msg); break;
      case "trails": applyTrails(msg); break;
      case "outside": applyOutside(msg); break;
      case "areas": Areas.load(msg); break;
      case "areasDetail": Areas.loadDetail(msg); break;
      case "editArea": AreaEdit.start(msg); break;
      case "areaRefused": AreaEdit.refused(msg); break;
      case "custody": Custody.show(msg); break;
      case "theme": document.documentElement.classList.toggle("enl-night", msg.night === true); break;
      default: console.error("enlace: unknown message type");
    }
  }

  // -- info box (hover) -----------------------------------------------------------------

  function showInfo(rec) {
    infoBox.textContent = "";
    if (!rec) {
      infoBox.style.display = "none";
      return;
    }
    infoBox.appendChild(el("div", "enl-info-title", rec.label));
    var labels = cfg.labels || {};
    if (rec.kind === "unit") {
      if (rec.name) infoBox.appendChild(el("div", null, rec.name));
      var agency = (labels.agency || {})[rec.agency] || rec.agency;
      var line = [agency, (labels.status || {})[rec.status] || rec.status].filter(Boolean);
      infoBox.appendChild(el("div", null, line.join(" · ")));
      if (outside.has(rec.id)) {
        infoBox.appendChild(el("div", "enl-info-warning",
          cfg.texts.outside_jurisdiction || "Outside jurisdiction"));
      }
    } else {
      var kinds = labels.incidentKind || {};
      var sts = labels.incidentStatus || {};
      infoBox.appendChild(el("div", null, (kinds[rec.ikind] || rec.ikind) + " · " +
        (cfg.texts.severity || "Severity") + " " + rec.severity + " · " +
        (sts[rec.status] || rec.status)));
    }
    if (rec.t) infoBox.appendChild(el("div", "enl-info-time", new Date(rec.t).toLocaleString()));
    infoBox.style.display = "block";
  }

  // -- stale fading ---------------------------------------------------------------------

  function refreshStale() {
    var now = Date.now();
    units.forEach(function (rec) {
      var stale = isStale(rec.t, now);
      if (stale !== rec.stale) {
        rec.stale = stale;
        applyClasses(rec);
      }
    });
  }

  // -- start ----------------------------------------------------------------------------

  function buildLayers(options) {
    // Panes, bottom to top: units (markerPane, 600), incidents, trail heads, cluster
    // bubbles (an incident never hides a count), then the measured line and go-to pin.
    map.createPane("enlIncidents").style.zIndex = 620;
    map.createPane("enlClusters").style.zIndex = 640;
    map.createPane("enlGoto").style.zIndex = 670;
    map.getPane("enlGoto").style.pointerEvents = "none";
    gotoLayer = L.layerGroup().addTo(map);
    clusters = L.markerClusterGroup({
      clusterPane: "enlClusters",
      chunkedLoading: true,
      chunkInterval: 250,
      chunkDelay: 1,
      chunkProgress: function (done, total) {
        if (done === total && E.timing) E.timing.clustered = performance.now() - E.timing.started;
        if (done === total && pendingAck) {
          var ack = pendingAck;
          pendingAck = null;
          Promise.resolve().then(ack); // a microtask: after the group's final refresh, before paint
        }
      },
      disableClusteringAtZoom: options.disableClusteringAtZoom || 11,
      maxClusterRadius: 80,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: false,
      removeOutsideVisibleBounds: true
    });
    incidentLayer = L.layerGroup();
    trackLayer = L.layerGroup();
    trackLayer.addTo(map);
    clusters.addTo(map);
    incidentLayer.addTo(map);

    clusters.on("click", function (e) {
      var rec = e.layer && e.layer.enlRec;
      if (!rec) return;
      if (Measure.active()) {
        Measure.record(rec); // measuring from or to the unit itself
        return;
      }
      applySelect({ id: rec.id });
      send("unitClicked", { id: rec.id });
    });
    clusters.on("mouseover", function (e) { showInfo(e.layer && e.layer.enlRec); });
    // Markers fly out of their cluster for a moment after a zoom: place labels where they land.
    clusters.on("animationend", Labels.schedule);
    clusters.on("mouseout", function () { showInfo(null); });
  }

  function wireIncidentEvents() {
    // layerGroup does not forward child events; attach once per marker on add.
    incidentLayer.on("layeradd", function (e) {
      var m = e.layer;
      m.on("click", function () {
        if (Measure.active()) Measure.record(m.enlRec);
        else send("incidentClicked", { id: m.enlRec.id });
      });
      m.on("mouseover", function () { showInfo(m.enlRec); });
      m.on("mouseout", function () { showInfo(null); });
    });
  }

  function wireMapEvents() {
    var pending = null;
    var timer = null;
    map.on("mousemove", function (e) {
      pending = e.latlng.wrap();
      if (timer) return;
      timer = setTimeout(function () {
        timer = null;
        if (pending) send("cursorMoved", { lat: pending.lat, lon: pending.lng });
      }, 40);
    });
    map.on("contextmenu", function (e) {
      var ll = e.latlng.wrap();
      send("contextMenu", { lat: ll.lat, lon: ll.lng });
    });
    map.on("click", function (e) {
      if (Measure.active()) Measure.click(e.latlng);
    });
    map.on("moveend", reportView);
  }

  // Labels of units and incidents on screen, for EnlaceLabels to place.
  function labelSource(push, far) {
    var add = function (rec, rank) {
      if (!rec.icon || !rec.icon.parentNode || !rec.sym) return;
      var force = rec.id === selectedId;
      if (far && !force) {
        if (rec.labelEl.classList.contains("enl-label-on")) rec.labelEl.classList.remove("enl-label-on");
        return;
      }
      var p = map.latLngToContainerPoint(rec.marker.getLatLng()).round(); // as Leaflet places it
      push({ el: rec.labelEl, x: p.x, y: p.y, sym: rec.sym, text: rec.label.slice(0, 60) || " ",
        rank: rank, force: force });
    };
    units.forEach(function (rec) { add(rec, 1); });
    incidents.forEach(function (rec) { add(rec, 0.5 + rec.severity / 10); });
  }

  // map-geo.js is an ES module: it runs after this script, and its imports may still be
  // on their way. The map says hello once it has run, or once it failed to load (the
  // map then works without grid labels, measuring or MGRS readouts).
  function geoLoaded() {
    return new Promise(function (resolve) {
      if (geo()) return resolve();
      window.addEventListener("enlace-geo", function () { resolve(); }, { once: true });
      var tag = document.getElementById("enlace-geo");
      if (tag) tag.addEventListener("error", function () {
        console.error("enlace: geodesy module could not be loaded");
        resolve();
      }, { once: true });
    });
  }

  function reportView() {
    var c = map.getCenter().wrap();
    send("viewChanged", { lat: c.lat, lon: c.lng, zoom: map.getZoom(), base: Tiles.current() });
  }

  E.start = function (leafletMap, options) {
    map = leafletMap;
    options = options || {};
    // Without a tile layer Leaflet has no zoom range; clustering needs one.
    map.setMinZoom(options.minZoom || 3);
    map.setMaxZoom(options.maxZoom || 18);
    ZOOM_LEVELS = { min: map.getMinZoom(), max: map.getMaxZoom() };
    if (map.attributionControl) {
      map.attributionControl.setPrefix(false); // the default prefix is a remote link
      map.attributionControl.addAttribution("Leaflet | Natural Earth | GeoNames (CC BY 4.0)");
      creditStates(null);
    }
    L.control.scale({ metric: true, imperial: false }).addTo(map);
    infoBox = el("div", "enl-info");
    infoBox.style.display = "none";
    map.getContainer().appendChild(infoBox);
    Tiles.init(map, { send: send, onBase: reportView });
    Labels.init(map, options.disableClusteringAtZoom || 11);
    Labels.addSource(labelSource);
    Grid.init(map, geo);
    Measure.init(map, geo);
    Trails.init(map, { send: send });
    Areas.init(map, { send: send, setOverlays: Tiles.setOverlays });
    AreaEdit.init(map, { send: send });
    Custody.init(map);
    buildLayers(options);
    wireIncidentEvents();
    wireMapEvents();
    setInterval(refreshStale, 30000);
    Promise.all([Tiles.loadOutlines(), geoLoaded()]).then(function () {
      new QWebChannel(qt.webChannelTransport, function (channel) {
        bridge = channel.objects.enlace;
        bridge.push.connect(onMessage);
        send("hello", { loads: loads });
      });
    });
  };

  // Read-only probes used by tests and benchmarks (no effect on the page).
  E.stats = function () {
    var placed = 0;
    units.forEach(function (rec) { if (clusters.hasLayer(rec.marker)) placed++; });
    return { units: units.size, placed: placed, incidents: incidents.size, loads: loads,
      selected: selectedId, track: trackLayer.getLayers().length, geo: !!geo(),
      animating: !!clusters._inZoomAnimation || map.getPane("mapPane").classList.contains("leaflet-cluster-anim"),
      gotoPins: gotoLayer.getLayers().length, outside: outside.size };
  };
  E.unit = function (id) {
    var rec = units.get(id);
    if (!rec) return null;
    var ll = rec.marker.getLatLng();
    var label = rec.icon ? rec.icon.querySelector(".enl-label") : null;
    var badge = rec.icon ? rec.icon.querySelector(".enl-outside-badge") : null;
    return { lat: ll.lat, lon: ll.lng, stale: !!rec.stale, label: label ? label.textContent : null,
      shown: !!rec.icon && document.body.contains(rec.icon), selected: selectedId === id,
      outside: outside.has(id),
      badge: !!badge && getComputedStyle(badge).display !== "none" };
  };
  E.incident = function (id) {
    var rec = incidents.get(id);
    if (!rec) return null;
    var label = rec.icon ? rec.icon.querySelector(".enl-label") : null;
    return { label: label ? label.textContent : null };
  };
  E.reveal = function (id) {
    var rec = units.get(id);
    if (rec) clusters.zoomToShowLayer(rec.marker);
  };
  E.click = function (id) {
    // A real DOM click on the shown marker, exactly what a user's click produces.
    var rec = units.get(id) || incidents.get(id);
    if (!rec || !rec.icon || !document.body.contains(rec.icon)) return false;
    rec.icon.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
    return true;
  };
  E.map = function () { return map; };
})();
