/*
 * Enlace map page: the MGRS grid and the centre crosshair.
 *
 * The grid adapts to the zoom: grid zone lines (6 x 8 degrees, "14Q") when the whole
 * country is in view; 100 km squares ("14Q MG") from the zoom where they are at least
 * MIN_LINE_PX apart; then 10 km, 1 km and 100 m lines, each labelled along the top and
 * left edges with the digits a grid reference uses ("86" is the line 86 km into the
 * square), and every square in view named once in its top-left corner. Lines are
 * computed in UTM (EnlaceGeo, map-geo.js) for the view only, clipped to their zone, and
 * redrawn when the view settles; labels never overlap each other or the map controls.
 *
 * The crosshair marks the centre of the map; the readout in the corner gives its
 * coordinate in the format chosen in the toolbar (DD, DMS or MGRS), the same text
 * "Copy coordinates" gives (fieldclient/core/coords.py).
 */
(function () {
  "use strict";

  var G = (window.EnlaceGrid = {});
  var INTERVALS = [100000, 10000, 1000, 100];
  var DIGITS = { 10000: 2, 1000: 2, 100: 3 }; // digits of a line label at each spacing
  var MIN_LINE_PX = 24; // finer lines than this are not drawn
  var MIN_LABEL_PX = 44; // line labels at least this far apart
  var MAX_LINES = 320; // per redraw; beyond this the next coarser spacing is used
  var BANDS = "CDEFGHJKLMNPQRSTUVWX";
  var STYLE = {
    gzd: { color: "#8e1b1b", weight: 2, opacity: 0.85 },
    major: { color: "#16307a", weight: 1.6, opacity: 0.85 },
    medium: { color: "#16307a", weight: 1.1, opacity: 0.75 },
    minor: { color: "#16307a", weight: 0.7, opacity: 0.6 }
  };

  var map, geo, renderer, lineLayer, labelPane, crossEl, readout, readoutText;
  var gridOn = false, crossOn = false, fmt = "dd", west = "W", centreText = "";
  var frame = false;
  var last = { level: null, lines: 0, labels: [] };

  // -- coordinate text (mirrors fieldclient/core/coords.py) -----------------------------

  function dmsPart(v, pos, neg) {
    var total = Math.round(Math.abs(v) * 36000); // tenths of a second: never 60.0"
    var deg = Math.floor(total / 36000), rest = total - deg * 36000;
    var min = Math.floor(rest / 600), sec = (rest - min * 600) / 10;
    var hemi = v < 0 && total ? neg : pos;
    return deg + "°" + String(min).padStart(2, "0") + "'" + sec.toFixed(1).padStart(4, "0") + '"' + hemi;
  }

  function format(lat, lon, how) {
    if (how === "mgrs") {
      var ref = geo() ? geo().mgrs(lat, lon) : null;
      if (ref) return ref;
    } else if (how === "dms") {
      return dmsPart(lat, "N", "S") + " " + dmsPart(lon, "E", west);
    }
    return lat.toFixed(5) + ", " + lon.toFixed(5);
  }
  G.format = format;

  // -- lines ------------------------------------------------------------------------------

  function metresPerPixel() {
    var size = map.getSize(), y = size.y / 2;
    var a = map.containerPointToLatLng([size.x / 2 - 50, y]);
    var b = map.containerPointToLatLng([size.x / 2 + 50, y]);
    return Math.max(1e-3, a.distanceTo(b) / 100);
  }

  function line(latlngs, style) {
    if (latlngs.length > 1) {
      lineLayer.addLayer(L.polyline(latlngs, L.extend({ renderer: renderer, interactive: false,
        smoothFactor: 0.5 }, style)));
      last.lines++;
    }
  }

  // Keeps the runs of a sampled line whose coordinate `i` (0 lat, 1 lon) lies in [lo, hi];
  // crossings are interpolated between samples (nearly straight over one sample step).
  function clip(pts, i, lo, hi) {
    var runs = [], run = [], j = 1 - i;
    var inside = function (p) { return p[i] >= lo - 1e-9 && p[i] <= hi + 1e-9; };
    var cross = function (p, q, at) {
      var t = (at - p[i]) / (q[i] - p[i]), out = [];
      out[i] = at;
      out[j] = p[j] + (q[j] - p[j]) * t;
      return out;
    };
    for (var k = 0; k < pts.length; k++) {
      var p = pts[k], inP = inside(p);
      if (k > 0) {
        var q = pts[k - 1], inQ = inside(q);
        if (inP && !inQ) run.push(cross(q, p, q[i] < lo ? lo : hi));
        if (!inP && inQ) {
          run.push(cross(q, p, p[i] < lo ? lo : hi));
          runs.push(run);
          run = [];
        }
      }
      if (inP) run.push(p);
    }
    if (run.length) runs.push(run);
    return runs;
  }

  // The UTM rectangle that covers one zone's part of the view (edges sampled: a lat/lon
  // box is not a rectangle in UTM).
  function utmRange(zone, s, w, n, e) {
    var out = { e0: Infinity, e1: -Infinity, n0: Infinity, n1: -Infinity, hemi: null };
    for (var i = 0; i <= 6; i++) {
      var f = i / 6;
      [[s, w + (e - w) * f], [n, w + (e - w) * f], [s + (n - s) * f, w], [s + (n - s) * f, e]]
        .forEach(function (p) {
          var u = geo().toUtm(p[0], p[1], zone);
          out.hemi = out.hemi || u.hemisphere;
          out.e0 = Math.min(out.e0, u.e); out.e1 = Math.max(out.e1, u.e);
          out.n0 = Math.min(out.n0, u.n); out.n1 = Math.max(out.n1, u.n);
        });
    }
    return out;
  }

  function rank(v, step) {
    if (v % 100000 === 0) return "major";
    return step < 10000 && v % 10000 === 0 ? "medium" : "minor";
  }

  // One zone part: its lines at `step`, and their label candidates.
  function zoneLines(part, step, labels) {
    var r = utmRange(part.zone, part.s, part.w, part.n, part.e);
    var e0 = Math.floor(r.e0 / step) * step, e1 = Math.ceil(r.e1 / step) * step;
    var n0 = Math.floor(r.n0 / step) * step, n1 = Math.ceil(r.n1 / step) * step;
    var segments = Math.min(16, Math.max(4, Math.ceil(Math.max(e1 - e0, n1 - n0) / 25000)));
    var lo = -180 + (part.zone - 1) * 6, hi = lo + 6;
    var sample = function (fixedE, v) {
      var pts = [];
      for (var k = 0; k <= segments; k++) {
        var t = (fixedE ? n0 : e0) + ((fixedE ? n1 - n0 : e1 - e0) * k) / segments;
        pts.push(fixedE ? geo().fromUtm(part.zone, r.hemi, v, t) : geo().fromUtm(part.zone, r.hemi, t, v));
      }
      // Clipped to the zone, and to the equator where the view is split there.
      var south = part.s === 0 ? 0 : -90, north = part.n < 0 && part.n > -1e-6 ? 0 : 90;
      var runs = [];
      clip(pts, 1, lo, hi).forEach(function (run) { runs = runs.concat(clip(run, 0, south, north)); });
      return runs;
    };
    for (var v = e0; v <= e1; v += step) {
      sample(true, v).forEach(function (run) {
        line(run, STYLE[rank(v, step)]);
        if (labels) labels.push({ axis: "e", value: v, step: step, pts: run });
      });
    }
    for (v = n0; v <= n1; v += step) {
      sample(false, v).forEach(function (run) {
        line(run, STYLE[rank(v, step)]);
        if (labels) labels.push({ axis: "n", value: v, step: step, pts: run });
      });
    }
    return r;
  }

  // The view split at zone meridians and the equator, within MGRS's latitudes.
  function parts(b) {
    var s = Math.max(-80, b.getSouth()), n = Math.min(84, b.getNorth());
    var w = Math.max(-180, b.getWest()), e = Math.min(180, b.getEast());
    var out = [];
    if (s >= n || w >= e) return out;
    for (var z = Math.floor((w + 180) / 6) + 1; z <= Math.min(60, Math.floor((e + 180) / 6) + 1); z++) {
      var lo = Math.max(w, -180 + (z - 1) * 6), hi = Math.min(e, -180 + z * 6);
      if (hi - lo < 1e-9) continue;
      if (s < 0 && n > 0) {
        out.push({ zone: z, s: s, n: -1e-9, w: lo, e: hi });
        out.push({ zone: z, s: 0, n: n, w: lo, e: hi });
      } else {
        out.push({ zone: z, s: s, n: n, w: lo, e: hi });
      }
    }
    return out;
  }

  function countLines(list, step) {
    var total = 0;
    list.forEach(function (p) {
      var r = utmRange(p.zone, p.s, p.w, p.n, p.e);
      total += (r.e1 - r.e0) / step + (r.n1 - r.n0) / step + 2;
    });
    return total;
  }

  function gzd(b, withLabels, labels) {
    var s = Math.max(-80, b.getSouth()), n = Math.min(84, b.getNorth());
    var w = Math.max(-180, b.getWest()), e = Math.min(180, b.getEast());
    for (var lon = Math.ceil((w + 180) / 6) * 6 - 180; lon <= e; lon += 6) line([[s, lon], [n, lon]], STYLE.gzd);
    for (var i = 0; i <= BANDS.length; i++) {
      var lat = i === BANDS.length ? 84 : -80 + 8 * i;
      if (lat > s && lat < n) line([[lat, w], [lat, e]], STYLE.gzd);
    }
    if (!withLabels) return;
    for (var z = Math.floor((w + 180) / 6) + 1; z <= Math.min(60, Math.floor((e + 180) / 6) + 1); z++) {
      for (i = 0; i < BANDS.length; i++) {
        var bs = -80 + 8 * i, bn = i === BANDS.length - 1 ? 84 : bs + 8;
        var cs = Math.max(s, bs), cn = Math.min(n, bn);
        var cw = Math.max(w, -180 + (z - 1) * 6), ce = Math.min(e, -180 + z * 6);
        if (cs >= cn || cw >= ce) continue;
        labels.push({ text: String(z).padStart(2, "0") + BANDS[i], at: [(cs + cn) / 2, (cw + ce) / 2],
          cls: "enl-grid-gzd", centre: true });
      }
    }
  }

  // -- labels ------------------------------------------------------------------------------

  // Where a sampled line crosses the top (eastings) or left (northings) edge, in container px.
  function edgePoint(pts, axis, inset) {
    var prev = null;
    for (var i = 0; i < pts.length; i++) {
      var p = map.latLngToContainerPoint(pts[i]);
      if (prev) {
        var a = axis === "e" ? prev.y : prev.x, c = axis === "e" ? p.y : p.x;
        if ((a - inset) * (c - inset) <= 0 && a !== c) {
          var t = (inset - a) / (c - a);
          return axis === "e" ? L.point(prev.x + (p.x - prev.x) * t, inset)
            : L.point(inset, prev.y + (p.y - prev.y) * t);
        }
      }
      prev = p;
    }
    return null;
  }

  function lineText(c) {
    var digits = DIGITS[c.step] || 2;
    var inSquare = ((c.value % 100000) + 100000) % 100000;
    return String(Math.floor(inSquare / Math.pow(10, 5 - digits))).padStart(digits, "0");
  }

  function squareLabels(list, step, coarse, out) {
    var size = map.getSize();
    list.forEach(function (part) {
      var r = part.range;
      for (var e = Math.floor(r.e0 / 1e5) * 1e5; e < r.e1; e += 1e5) {
        for (var nn = Math.floor(r.n0 / 1e5) * 1e5; nn < r.n1; nn += 1e5) {
          var ea = Math.max(e, r.e0), eb = Math.min(e + 1e5, r.e1);
          var na = Math.max(nn, r.n0), nb = Math.min(nn + 1e5, r.n1);
          var mid = geo().fromUtm(part.zone, r.hemi, (ea + eb) / 2, (na + nb) / 2);
          if (mid[1] < part.w || mid[1] > part.e || mid[0] < part.s || mid[0] > part.n) continue;
          var sq = geo().square(mid[0], mid[1]);
          if (!sq) continue;
          if (coarse) {
            // Zoomed out: in the middle of the square's visible part.
            out.push({ text: step / metresPerPixel() < 120 ? sq.square : sq.gzd + " " + sq.square,
              at: mid, cls: "enl-grid-square", centre: true });
            continue;
          }
          // Zoomed in: in a corner of its visible part, clear of the line labels and controls.
          var box = L.bounds([[ea, na], [eb, nb], [ea, nb], [eb, na]].map(function (u) {
            return map.latLngToContainerPoint(geo().fromUtm(part.zone, r.hemi, u[0], u[1]));
          }));
          var x0 = Math.max(0, box.min.x), y0 = Math.max(0, box.min.y);
          var x1 = Math.min(size.x, box.max.x), y1 = Math.min(size.y, box.max.y);
          if (x1 - x0 < 80 || y1 - y0 < 60) continue;
          out.push({ text: sq.gzd + " " + sq.square, cls: "enl-grid-square", corner: true,
            pxs: [L.point(x0 + 24, y0 + 24), L.point(x0 + 24, y1 - 44), L.point(x1 - 90, y0 + 24),
              L.point(x1 - 90, y1 - 44)] });
        }
      }
    });
  }

  function placeLabels(cands) {
    var size = map.getSize(), boxes = [];
    var root = map.getContainer().getBoundingClientRect();
    map.getContainer().querySelectorAll(".leaflet-control, .enl-notices, .enl-trails-bar")
      .forEach(function (el) {
        var r = el.getBoundingClientRect();
        if (r.width && r.height) boxes.push({ x: r.left - root.left, y: r.top - root.top, w: r.width, h: r.height });
      });
    var hit = function (b) {
      return boxes.some(function (o) { return b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h; });
    };
    var spacing = {};
    cands.forEach(function (c) {
      var w = c.text.length * 7 + 8, h = 15;
      var spots = c.pxs || [c.px || map.latLngToContainerPoint(c.at)];
      var b = null;
      for (var i = 0; i < spots.length && !b; i++) {
        var pt = spots[i];
        var x = c.centre ? pt.x - w / 2 : c.axis === "n" ? pt.x : c.axis === "e" ? pt.x + 3 : pt.x;
        var y = c.centre ? pt.y - h / 2 : c.axis === "e" ? pt.y : c.axis === "n" ? pt.y + 3 : pt.y;
        var cand = { x: x, y: y, w: w, h: h };
        if (x >= 0 && y >= 0 && x + w <= size.x && y + h <= size.y && !hit(cand)) b = cand;
      }
      if (!b) return;
      if (c.axis) {
        // Line labels at least MIN_LABEL_PX apart along their edge.
        var pos = c.axis === "e" ? b.x : b.y;
        if (spacing[c.axis] !== undefined && Math.abs(pos - spacing[c.axis]) < MIN_LABEL_PX) return;
        spacing[c.axis] = pos;
      }
      boxes.push(b);
      var el = document.createElement("div");
      el.className = "enl-grid-label " + (c.cls || "enl-grid-line");
      el.textContent = c.text;
      labelPane.appendChild(el);
      L.DomUtil.setPosition(el, map.containerPointToLayerPoint([b.x, b.y]));
      last.labels.push(c.text);
    });
  }

  function redraw() {
    frame = false;
    lineLayer.clearLayers();
    labelPane.textContent = "";
    labelPane.style.display = "";
    last = { level: null, lines: 0, labels: [] };
    if (!gridOn || !geo()) return;
    var b = map.getBounds(), mpp = metresPerPixel(), list = parts(b);
    var step = null;
    INTERVALS.forEach(function (iv) { if (iv / mpp >= MIN_LINE_PX) step = iv; });
    while (step !== null && countLines(list, step) > MAX_LINES) {
      step = step === 100000 ? null : step * 10;
    }
    var cands = [];
    gzd(b, step === null || step === 100000, cands);
    last.level = step === null ? "gzd" : step;
    if (step !== null) {
      var lineCands = step < 100000 ? [] : null;
      list.forEach(function (part) { part.range = zoneLines(part, step, lineCands); });
      squareLabels(list, 100000, step === 100000, cands);
      (lineCands || []).forEach(function (c) {
        var px = edgePoint(c.pts, c.axis, 4);
        if (px) cands.push({ text: lineText(c), px: px, axis: c.axis, cls: "enl-grid-line enl-grid-" + c.axis });
      });
    }
    placeLabels(cands);
  }

  function schedule() {
    if (frame) return;
    frame = true;
    window.requestAnimationFrame(redraw);
  }

  // -- crosshair -------------------------------------------------------------------------

  function updateCentre() {
    if (!crossOn) return;
    var c = map.getCenter().wrap();
    centreText = format(c.lat, c.lng, fmt);
    readoutText.textContent = centreText;
  }

  var centreFrame = false;
  function scheduleCentre() {
    if (centreFrame || !crossOn) return;
    centreFrame = true;
    window.requestAnimationFrame(function () { centreFrame = false; updateCentre(); });
  }

  // -- host calls ----------------------------------------------------------------------------

  G.init = function (leafletMap, geoGetter) {
    map = leafletMap;
    geo = geoGetter;
    map.createPane("enlGrid").style.zIndex = 450; // over tiles and outlines, under symbols
    map.createPane("enlGridLabels").style.zIndex = 455;
    map.getPane("enlGrid").style.pointerEvents = "none";
    map.getPane("enlGridLabels").style.pointerEvents = "none";
    renderer = L.svg({ pane: "enlGrid", padding: 0.1 });
    lineLayer = L.layerGroup().addTo(map);
    labelPane = map.getPane("enlGridLabels");
    crossEl = document.createElement("div");
    crossEl.className = "enl-crosshair";
    crossEl.style.display = "none";
    map.getContainer().appendChild(crossEl);
    var Readout = L.Control.extend({
      onAdd: function () {
        var box = L.DomUtil.create("div", "enl-centre");
        readoutText = L.DomUtil.create("span", "enl-centre-text", box);
        L.DomEvent.disableClickPropagation(box);
        return box;
      }
    });
    readout = new Readout({ position: "bottomright" });
    map.on("zoomstart", function () { labelPane.style.display = "none"; });
    map.on("moveend zoomend resize", function () { if (gridOn) schedule(); });
    map.on("move", scheduleCentre);
  };

  /** {grid, crosshair, format, west}; anything missing keeps its value. */
  G.set = function (opts) {
    if (typeof opts.format === "string") fmt = opts.format;
    if (typeof opts.west === "string") west = opts.west === "O" ? "O" : "W";
    if (typeof opts.grid === "boolean" && opts.grid !== gridOn) {
      gridOn = opts.grid;
      schedule();
    }
    if (typeof opts.crosshair === "boolean" && opts.crosshair !== crossOn) {
      crossOn = opts.crosshair;
      crossEl.style.display = crossOn ? "" : "none";
      if (crossOn) readout.addTo(map);
      else readout.remove();
    }
    updateCentre();
  };

  G.redrawNow = redraw;
  G.stats = function () {
    return { grid: gridOn, level: last.level, lines: last.lines, labels: last.labels.slice(),
      crosshair: crossOn ? centreText : null, pending: frame };
  };
})();
