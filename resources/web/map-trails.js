/*
 * Enlace map page: trails of several units at once, with a time slider to replay them.
 *
 * Python sends a one-time URL (like the full load) whose JSON holds, per unit, its
 * reports of the last hours, oldest first: {"from": ms, "to": ms, "units": [[id,
 * callsign, [lat, lon, dt, lat, lon, dt, ...]], ...]}, lat/lon in micro-degrees and dt
 * in ms after "from". Each unit gets a line in its own colour and a
 * head (a dot and its callsign) at the replay time; the slider moves that time from the
 * start of the window to now, and Play runs it through in REPLAY_MS. At the right end
 * the trails follow live reports (the position deltas the map already receives).
 * Lines are drawn on one canvas: 50 units' day of reports is about 70,000 points.
 */
(function () {
  "use strict";

  var T = (window.EnlaceTrails = {});
  var COLOURS = ["#d81b60", "#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#00897b",
    "#6d4c41", "#3949ab", "#c0ca33", "#e53935", "#00acc1", "#5e35b1"];
  var REPLAY_MS = 20000, STEP_MS = 60000;
  var ID_RE = /^[A-Za-z0-9\-]{1,64}$/;
  var map, host, renderer, layer, bar, slider, timeEl, playBtn, summaryEl, closeBtn;
  var trails = [], byId = new Map();
  var from = 0, to = 0, at = 0, live = true, playing = null, frame = false, texts = {};
  var last = { points: 0, drawMs: 0 };

  function two(n) { return String(n).padStart(2, "0"); }

  function timeText(ms) {
    var d = new Date(ms), now = new Date();
    var hm = two(d.getHours()) + ":" + two(d.getMinutes());
    return d.toDateString() === now.toDateString() ? hm : two(d.getDate()) + "/" + two(d.getMonth() + 1) + " " + hm;
  }

  function fill(template, params) {
    var out = typeof template === "string" ? template : "";
    Object.keys(params).forEach(function (k) { out = out.split("{" + k + "}").join(String(params[k])); });
    return out;
  }

  // Index of the last report at or before `t` (-1: none yet).
  function upTo(times, t) {
    var lo = 0, hi = times.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (times[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  function headAt(tr, i, t) {
    // Between two reports the head moves on the straight line between them, in time.
    var p = tr.latlngs[i];
    if (i + 1 < tr.times.length && tr.times[i + 1] > tr.times[i]) {
      var q = tr.latlngs[i + 1], f = (t - tr.times[i]) / (tr.times[i + 1] - tr.times[i]);
      if (f > 0) return L.latLng(p.lat + (q.lat - p.lat) * f, p.lng + (q.lng - p.lng) * f);
    }
    return p;
  }

  function drawAt(t) {
    at = t;
    var shown = 0;
    trails.forEach(function (tr) {
      var i = upTo(tr.times, t);
      if (i < 0) {
        if (layer.hasLayer(tr.line)) { layer.removeLayer(tr.line); layer.removeLayer(tr.head); }
        tr.shownIndex = -1;
        return;
      }
      var head = headAt(tr, i, t);
      var pts = tr.latlngs;
      if (i + 1 < pts.length || head !== pts[i]) {
        pts = pts.slice(0, i + 1);
        if (head !== tr.latlngs[i]) pts.push(head);
      }
      tr.line.setLatLngs(pts);
      tr.head.setLatLng(head);
      tr.shownIndex = i;
      tr.headLatLng = head;
      if (!layer.hasLayer(tr.line)) { layer.addLayer(tr.line); layer.addLayer(tr.head); }
      shown += pts.length;
    });
    last.points = shown;
    slider.value = String(t);
    timeEl.textContent = timeText(t);
    if (window.EnlaceLabels) window.EnlaceLabels.schedule();
  }

  function scheduleDraw(t) {
    at = t;
    if (frame) return;
    frame = true;
    window.requestAnimationFrame(function () { frame = false; drawAt(at); });
  }

  function stop() {
    if (playing) {
      window.cancelAnimationFrame(playing.raf);
      playing = null;
    }
    playBtn.textContent = "▶";
    playBtn.title = texts.play || "";
  }

  function play() {
    if (playing) return stop();
    var start = at >= to ? from : at;
    var t0 = performance.now();
    playBtn.textContent = "❚❚";
    playBtn.title = texts.pause || "";
    live = false;
    var step = function (now) {
      var t = Math.min(to, start + ((now - t0) / REPLAY_MS) * (to - from));
      drawAt(t);
      if (t >= to) {
        live = true;
        stop();
        return;
      }
      playing.raf = window.requestAnimationFrame(step);
    };
    playing = { raf: window.requestAnimationFrame(step) };
  }

  function buildBar() {
    bar = document.createElement("div");
    bar.className = "enl-trails-bar";
    bar.style.display = "none";
    playBtn = document.createElement("button");
    playBtn.className = "enl-trails-play";
    playBtn.type = "button";
    playBtn.textContent = "▶";
    slider = document.createElement("input");
    slider.type = "range";
    slider.className = "enl-trails-slider";
    timeEl = document.createElement("span");
    timeEl.className = "enl-trails-time";
    summaryEl = document.createElement("span");
    summaryEl.className = "enl-trails-summary";
    closeBtn = document.createElement("button");
    closeBtn.className = "enl-link enl-trails-close";
    closeBtn.type = "button";
    closeBtn.textContent = "×";
    [playBtn, slider, timeEl, summaryEl, closeBtn].forEach(function (el) { bar.appendChild(el); });
    L.DomEvent.disableClickPropagation(bar);
    L.DomEvent.disableScrollPropagation(bar);
    map.getContainer().appendChild(bar);
    playBtn.addEventListener("click", play);
    slider.addEventListener("input", function () {
      stop();
      var t = Number(slider.value);
      live = t >= to;
      scheduleDraw(t);
    });
    closeBtn.addEventListener("click", function () {
      T.clear();
      host.send("action", { name: "trails-closed" });
    });
  }

  function retext() {
    if (!bar) return;
    playBtn.title = playing ? texts.pause || "" : texts.play || "";
    slider.title = texts.replay || "";
    closeBtn.title = texts.closeTrails || "";
    summaryEl.textContent = trails.length ? fill(texts.trailsSummary, { count: trails.length }) : "";
  }

  // -- host calls ----------------------------------------------------------------------

  T.init = function (leafletMap, hostCalls) {
    map = leafletMap;
    host = hostCalls;
    map.createPane("enlTrails").style.zIndex = 420; // under the grid and every symbol
    map.createPane("enlTrailHeads").style.zIndex = 630;
    map.getPane("enlTrails").style.pointerEvents = "none";
    map.getPane("enlTrailHeads").style.pointerEvents = "none";
    renderer = L.canvas({ pane: "enlTrails", padding: 0.2 });
    layer = L.layerGroup().addTo(map);
    buildBar();
    if (window.EnlaceLabels) {
      window.EnlaceLabels.addSource(function (push, far) {
        // Live, each head sits on its unit, whose own label names it.
        if (far || (live && !playing)) {
          trails.forEach(function (tr) { tr.labelEl.classList.remove("enl-label-on"); });
          return;
        }
        trails.forEach(function (tr) {
          if (tr.shownIndex < 0 || !layer.hasLayer(tr.head)) return;
          var p = map.latLngToContainerPoint(tr.headLatLng).round();
          push({ el: tr.labelEl, x: p.x, y: p.y, sym: { w: 10, h: 10, ax: 5, ay: 5 }, text: tr.call,
            rank: -1 });
        });
      });
    }
  };

  T.setTexts = function (pageTexts) {
    texts = pageTexts || {};
    retext();
  };

  /** Fetches a trails document from a one-time enlace://app/data/ URL and shows it. */
  T.load = function (url) {
    if (typeof url !== "string" || url.indexOf("enlace://app/data/") !== 0) return;
    var t0 = performance.now();
    fetch(url)
      .then(function (r) { return r.json(); })
      .then(function (doc) {
        T.show(doc);
        // Reported once the frame with the trails is drawn (benchmarks and tests wait on it).
        window.requestAnimationFrame(function () {
          last.drawMs = performance.now() - t0;
          host.send("trailsDrawn", { units: trails.length, points: last.points });
        });
      })
      .catch(function () { console.error("enlace: trails could not be loaded"); });
  };

  T.show = function (doc) {
    T.clear();
    var list = doc && Array.isArray(doc.units) ? doc.units : [];
    from = typeof doc.from === "number" ? doc.from : 0;
    to = typeof doc.to === "number" ? doc.to : 0;
    var scale = doc && typeof doc.scale === "number" && doc.scale > 0 ? doc.scale : 0;
    if (!scale) list = [];  // a document that does not say its unit draws nothing
    list.forEach(function (u, n) {
      if (!Array.isArray(u) || !ID_RE.test(String(u[0])) || !Array.isArray(u[2])) return;
      // Flat [lat, lon, dt, ...]: 1/scale degrees and ms after "from" (data.trails_json).
      var flat = u[2], times = [], latlngs = [], sorted = true;
      for (var k = 0; k + 2 < flat.length; k += 3) {
        var lat = flat[k] / scale, lon = flat[k + 1] / scale, ms = from + flat[k + 2];
        if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && isFinite(ms))) continue;
        if (times.length && ms < times[times.length - 1]) sorted = false;
        times.push(ms);
        latlngs.push(L.latLng(lat, lon));
      }
      if (!times.length) return;
      if (!sorted) {
        var order = times.map(function (_, i) { return i; });
        order.sort(function (x, y) { return times[x] - times[y]; });
        latlngs = order.map(function (i) { return latlngs[i]; });
        times = order.map(function (i) { return times[i]; });
      }
      var colour = COLOURS[n % COLOURS.length];
      var call = typeof u[1] === "string" ? u[1].slice(0, 200) : "";
      var headEl = document.createElement("div");
      headEl.className = "enl-trail-head";
      var dot = document.createElement("div");
      dot.className = "enl-trail-dot";
      dot.style.background = colour;
      var labelEl = document.createElement("span");
      labelEl.className = "enl-label enl-trail-label";
      labelEl.textContent = call;
      headEl.appendChild(dot);
      headEl.appendChild(labelEl);
      var tr = {
        id: u[0], call: call, colour: colour,
        times: times,
        latlngs: latlngs,
        line: L.polyline([], { renderer: renderer, color: colour, weight: 3, opacity: 0.85,
          interactive: false, smoothFactor: 1.5 }),
        head: L.marker(latlngs[0], { pane: "enlTrailHeads", interactive: false, keyboard: false,
          icon: L.divIcon({ html: headEl, className: "enl-trail-icon", iconSize: [10, 10],
            iconAnchor: [5, 5] }) }),
        headEl: headEl, labelEl: labelEl, shownIndex: -1, headLatLng: latlngs[0]
      };
      to = Math.max(to, tr.times[tr.times.length - 1]);
      from = from || tr.times[0];
      trails.push(tr);
      byId.set(tr.id, tr);
    });
    if (!trails.length) return;
    slider.min = String(from);
    slider.max = String(to);
    slider.step = String(STEP_MS);
    live = true;
    bar.style.display = "";
    retext();
    drawAt(to);
  };

  /** A live report of a unit (from a delta): extends its trail while the replay is at its end. */
  T.append = function (id, lat, lon, ms) {
    var tr = byId.get(id);
    if (!tr || !(ms > tr.times[tr.times.length - 1])) return;
    tr.times.push(ms);
    tr.latlngs.push(L.latLng(lat, lon));
    if (ms > to) {
      to = ms;
      slider.max = String(to);
    }
    if (live && !playing) scheduleDraw(to);
  };

  T.clear = function () {
    if (playing) stop();
    layer.clearLayers();
    trails = [];
    byId = new Map();
    last.points = 0;
    if (bar) bar.style.display = "none";
  };

  /** Diagnostics for tests and benchmarks. */
  T.stats = function () {
    return {
      units: trails.length, points: last.points, from: from, to: to, at: at, live: live,
      playing: !!playing, drawMs: last.drawMs,
      shown: trails.map(function (tr) { return tr.shownIndex + 1; }),
      heads: trails.map(function (tr) {
        return tr.shownIndex < 0 ? null : [tr.headLatLng.lat, tr.headLatLng.lng];
      })
    };
  };
  T.slider = function () { return slider; };
})();
