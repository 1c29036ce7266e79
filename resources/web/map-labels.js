/*
 * Enlace map page: label placement. Callsigns, incident titles and trail heads are shown
 * only when zoomed in (from the zoom where every unit is drawn on its own) or when
 * selected, and never on top of each other or of another symbol: after every view or
 * data change the labels on screen are placed greedily - the selected one first - on
 * the right of their symbol, else left, above or below, and a label that fits nowhere
 * is hidden. Hovering a symbol still shows its details in the info box.
 *
 * Sources (map.js, map-trails.js) hand over candidates: the label element, the
 * symbol's anchor in container pixels (rounded, as Leaflet places markers) and its box. Widths are measured once per text
 * with a canvas (no layout reads per label); cluster bubbles are obstacles too.
 */
(function () {
  "use strict";

  var X = (window.EnlaceLabels = {});
  var LABEL_H = 15, MAX_W = 180, PAD = 6, GAP = 2, AIR = 1, CELL = 64;
  var FONT = "11px 'DejaVu Sans', sans-serif", BOLD = "bold " + FONT;
  var map, minZoom = 11, sources = [], pending = false, ctx = null;
  var widths = new Map();
  var last = { shown: 0, hidden: 0, ms: 0 };

  function measure(text, bold) {
    var key = (bold ? "b|" : "n|") + text;
    var w = widths.get(key);
    if (w === undefined) {
      if (!ctx) ctx = document.createElement("canvas").getContext("2d");
      ctx.font = bold ? BOLD : FONT;
      w = Math.min(MAX_W, Math.ceil(ctx.measureText(text).width) + PAD);
      if (widths.size > 20000) widths.clear();
      widths.set(key, w);
    }
    return w;
  }

  // A uniform grid of boxes: "does this box touch any placed box?" without a scan of all.
  function Grid() { this.cells = new Map(); }
  Grid.prototype.each = function (b, fn) {
    var x0 = Math.floor((b.x - AIR) / CELL), x1 = Math.floor((b.x + b.w + AIR) / CELL);
    var y0 = Math.floor((b.y - AIR) / CELL), y1 = Math.floor((b.y + b.h + AIR) / CELL);
    for (var i = x0; i <= x1; i++) for (var j = y0; j <= y1; j++) if (fn(i + "," + j)) return true;
    return false;
  };
  Grid.prototype.add = function (b) {
    var cells = this.cells;
    this.each(b, function (k) {
      var list = cells.get(k);
      if (!list) cells.set(k, (list = []));
      list.push(b);
      return false;
    });
  };
  Grid.prototype.hits = function (b, except) {
    var cells = this.cells;
    return this.each(b, function (k) {
      var list = cells.get(k);
      if (!list) return false;
      for (var n = 0; n < list.length; n++) {
        var o = list[n];
        if (o.owner !== undefined && o.owner === except) continue;
        // One pixel of air: positions on screen are rounded, and a label touching a symbol
        // reads as part of it.
        if (b.x < o.x + o.w + AIR && o.x < b.x + b.w + AIR && b.y < o.y + o.h + AIR &&
            o.y < b.y + b.h + AIR) return true;
      }
      return false;
    });
  };

  // Where a label may go, relative to its symbol's top-left corner: right, left, above, below.
  function spots(c, w) {
    var s = c.sym, mid = Math.round(s.ay - LABEL_H / 2);
    return [
      [s.w + GAP, mid], [-w - GAP, mid],
      [Math.round((s.w - w) / 2), -LABEL_H - 1], [Math.round((s.w - w) / 2), s.h + 1]
    ];
  }

  function place() {
    pending = false;
    if (!map) return;
    var t0 = performance.now();
    var far = map.getZoom() < minZoom;
    var size = map.getSize();
    var cands = [];
    var push = function (c) { cands.push(c); };
    sources.forEach(function (src) { src(push, far); });
    var obstacles = new Grid(), placed = new Grid();
    var inView = [];
    cands.forEach(function (c) {
      c.x0 = c.x - c.sym.ax;
      c.y0 = c.y - c.sym.ay;
      if (c.x0 > size.x || c.y0 > size.y || c.x0 + c.sym.w < 0 || c.y0 + c.sym.h < 0) {
        hide(c);
        return;
      }
      obstacles.add({ x: c.x0, y: c.y0, w: c.sym.w, h: c.sym.h, owner: c });
      inView.push(c);
    });
    (map.getContainer().querySelectorAll(".marker-cluster") || []).forEach(function (el) {
      var r = el.getBoundingClientRect(), o = map.getContainer().getBoundingClientRect();
      obstacles.add({ x: r.left - o.left, y: r.top - o.top, w: r.width, h: r.height });
    });
    inView.sort(function (a, b) { return (b.force ? 1 : 0) - (a.force ? 1 : 0) || b.rank - a.rank; });
    var shown = 0, hidden = 0;
    inView.forEach(function (c) {
      if (far && !c.force) {
        hide(c);
        hidden++;
        return;
      }
      var w = measure(c.text, c.force), ok = null, list = spots(c, w);
      for (var i = 0; i < list.length && !ok; i++) {
        var b = { x: c.x0 + list[i][0], y: c.y0 + list[i][1], w: w, h: LABEL_H };
        if (!placed.hits(b) && !obstacles.hits(b, c)) ok = { b: b, at: list[i] };
      }
      if (!ok && c.force) {
        // The selected label is placed first: only another symbol can be in its way.
        ok = { b: { x: c.x0 + list[0][0], y: c.y0 + list[0][1], w: w, h: LABEL_H }, at: list[0] };
      }
      if (!ok) {
        hide(c);
        hidden++;
        return;
      }
      placed.add(ok.b);
      show(c, ok.at, w);
      shown++;
    });
    last = { shown: shown, hidden: hidden, ms: performance.now() - t0 };
  }

  function hide(c) {
    if (c.el.classList.contains("enl-label-on")) c.el.classList.remove("enl-label-on");
  }

  function show(c, at, w) {
    var st = c.el.style;
    st.left = at[0] + "px";
    st.top = at[1] + "px";
    st.width = w + "px";
    if (!c.el.classList.contains("enl-label-on")) c.el.classList.add("enl-label-on");
  }

  /** Starts placing labels on `leafletMap`; labels of unselected symbols from `zoom` on. */
  X.init = function (leafletMap, zoom) {
    map = leafletMap;
    minZoom = zoom || minZoom;
    map.on("moveend zoomend resize", X.schedule);
  };

  /** A source calls push({el, x, y, sym: {w, h, ax, ay}, text, rank, force}) per label on screen. */
  X.addSource = function (fn) {
    sources.push(fn);
  };

  /** Place again at the next frame (data, selection or view changed). */
  X.schedule = function () {
    if (pending || !map) return;
    pending = true;
    window.requestAnimationFrame(place);
  };

  X.placeNow = place;
  X.stats = function () { return { shown: last.shown, hidden: last.hidden, ms: last.ms, pending: pending }; };
})();
