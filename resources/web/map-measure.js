/*
 * Enlace map page: range and bearing between two points.
 *
 * While the tool is on (toolbar, Python side), a click sets the start, the line follows
 * the mouse, and a second click fixes the end; a third click starts again, Escape
 * clears. Clicking a unit uses the unit itself: its end of the line follows the unit as
 * its reports arrive. Distance and initial bearing are computed on the WGS84 ellipsoid
 * (Vincenty, EnlaceGeo), the line is drawn along the geodesic, and the result is given
 * in metric units only, with the bearing in degrees true and NATO mils (6400).
 */
(function () {
  "use strict";

  var M = (window.EnlaceMeasure = {});
  var MILS = 6400, STEPS = 32;
  var map, geo, layer, line, halo, ends = [], labelMarker, labelEl, tipEl;
  var on = false, a = null, b = null, hover = null, frame = false;
  var texts = {};
  var result = null;

  function fmtDistance(d) {
    if (d < 1000) return Math.round(d) + " m";
    if (d < 100000) return (d / 1000).toFixed(2) + " km";
    return (d / 1000).toFixed(1) + " km";
  }

  function fmtBearing(deg) {
    var d = ((deg % 360) + 360) % 360;
    var mils = Math.round((d * MILS) / 360) % MILS;
    var text = d.toFixed(1).padStart(5, "0") + "°";
    return text + " · " + String(mils).padStart(4, "0") + " " + (texts.mils || "mils");
  }

  function fill(template, name) {
    return (typeof template === "string" && template ? template : "{name}").split("{name}").join(name);
  }

  function point(lat, lon, unit, name) {
    return { lat: lat, lon: lon, unit: unit || null, name: typeof name === "string" ? name : "" };
  }

  function draw() {
    frame = false;
    var end = b || hover;
    if (!a) {
      layer.clearLayers();
      result = null;
      return;
    }
    var pts = end ? geo().path(a.lat, a.lon, end.lat, end.lon, STEPS) : [[a.lat, a.lon]];
    halo.setLatLngs(pts);
    line.setLatLngs(pts);
    ends[0].setLatLng([a.lat, a.lon]);
    if (!layer.hasLayer(line)) {
      [halo, line, ends[0]].forEach(function (l) { layer.addLayer(l); });
    }
    if (!end) {
      if (layer.hasLayer(ends[1])) layer.removeLayer(ends[1]);
      if (layer.hasLayer(labelMarker)) layer.removeLayer(labelMarker);
      result = null;
      return;
    }
    ends[1].setLatLng([end.lat, end.lon]);
    if (!layer.hasLayer(ends[1])) layer.addLayer(ends[1]);
    var r = geo().inverse(a.lat, a.lon, end.lat, end.lon);
    result = { distance: r.distance, bearing: r.bearing, exact: r.exact };
    labelEl.textContent = "";
    var d = document.createElement("div");
    d.className = "enl-measure-distance";
    d.textContent = fmtDistance(r.distance);
    var g = document.createElement("div");
    g.textContent = fmtBearing(r.bearing);
    labelEl.appendChild(d);
    labelEl.appendChild(g);
    var names = a.name && end.name ? a.name + " → " + end.name
      : a.name ? fill(texts.measureFrom, a.name) : end.name ? fill(texts.measureTo, end.name) : "";
    if (names) {
      var n = document.createElement("div");
      n.className = "enl-measure-names";
      n.textContent = names;
      labelEl.appendChild(n);
    }
    labelMarker.setLatLng(pts[Math.floor(pts.length / 2)]);
    if (!layer.hasLayer(labelMarker)) layer.addLayer(labelMarker);
  }

  function schedule() {
    if (frame) return;
    frame = true;
    window.requestAnimationFrame(draw);
  }

  function tip() {
    if (!tipEl) return;
    tipEl.style.display = on ? "" : "none";
    tipEl.textContent = !a || b ? texts.measureStart || "" : texts.measureEnd || "";
  }

  function take(p) {
    if (!a || b) {
      a = p;
      b = null;
      hover = null;
    } else {
      b = p;
    }
    tip();
    draw();
  }

  // -- host calls ----------------------------------------------------------------------

  M.init = function (leafletMap, geoGetter) {
    map = leafletMap;
    geo = geoGetter;
    map.createPane("enlMeasure").style.zIndex = 660;
    map.getPane("enlMeasure").style.pointerEvents = "none";
    var opts = { pane: "enlMeasure", interactive: false };
    layer = L.layerGroup().addTo(map);
    halo = L.polyline([], L.extend({ color: "#fff", weight: 6, opacity: 0.85 }, opts));
    line = L.polyline([], L.extend({ color: "#c2185b", weight: 3, dashArray: "8 5" }, opts));
    ends = [0, 1].map(function () {
      return L.circleMarker([0, 0], L.extend({ radius: 5, color: "#c2185b", weight: 2,
        fillColor: "#fff", fillOpacity: 1 }, opts));
    });
    labelEl = document.createElement("div");
    labelEl.className = "enl-measure-label";
    labelMarker = L.marker([0, 0], {
      pane: "enlMeasure", interactive: false, keyboard: false,
      icon: L.divIcon({ html: labelEl, className: "enl-measure-icon", iconSize: null })
    });
    tipEl = document.createElement("div");
    tipEl.className = "enl-tool-tip";
    tipEl.style.display = "none";
    map.getContainer().appendChild(tipEl);
    map.on("mousemove", function (e) {
      if (!on || !a || b) return;
      var ll = e.latlng.wrap();
      hover = point(ll.lat, ll.lng);
      schedule();
    });
    document.addEventListener("keydown", function (e) {
      if (on && e.key === "Escape") M.clear();
    });
  };

  /** Turns the tool on or off (off clears the line); `pageTexts` are the translated words. */
  M.set = function (enabled, pageTexts) {
    texts = pageTexts || texts;
    if (enabled !== on) {
      on = enabled;
      map.getContainer().classList.toggle("enl-measuring", on);
      if (!on) M.clear();
    }
    tip();
    if (a) draw();
  };

  M.active = function () { return on; };

  /** A click on the map while measuring. */
  M.click = function (latlng) {
    var ll = latlng.wrap();
    take(point(ll.lat, ll.lng));
  };

  /** A click on a unit (or an incident) while measuring: the point is the record itself. */
  M.record = function (rec) {
    take(point(rec.lat, rec.lon, rec.kind === "unit" ? rec.id : null, rec.label));
  };

  /** A unit moved: an end of the line that is that unit moves with it. */
  M.unitMoved = function (id, lat, lon) {
    var moved = false;
    [a, b].forEach(function (p) {
      if (p && p.unit === id) {
        p.lat = lat;
        p.lon = lon;
        moved = true;
      }
    });
    if (moved) schedule();
  };

  M.clear = function () {
    a = b = hover = null;
    tip();
    draw();
  };

  /** Diagnostics for tests: the points, the distance (m) and bearing (degrees), the text. */
  M.state = function () {
    return {
      on: on, a: a, b: b, distance: result ? result.distance : null,
      bearing: result ? result.bearing : null, exact: result ? result.exact : null,
      text: layer && layer.hasLayer(labelMarker) ? labelEl.textContent : null
    };
  };
})();
