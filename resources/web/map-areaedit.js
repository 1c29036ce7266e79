/*
 * Enlace map page: drawing and editing one operation's area with leaflet-geoman
 * (vendor/leaflet-geoman). Python decides who may (fieldclient/map/area_edit.py) and
 * only then sends {type: "editArea", id, code, rings|null, texts}; this module draws,
 * and "Save" hands the polygon back through the bridge (areaDrawn), where the same write
 * path as every other edit checks and stores it. A refusal comes back as
 * {type: "areaRefused", message} and is shown in the bar; nothing is stored then.
 *
 * geoman is opted in per layer: without this, it would attach an editor object to every
 * marker the map creates (50,000 units).
 */
(function () {
  "use strict";

  if (window.L && L.PM) L.PM.setOptIn(true);

  var E = (window.EnlaceAreaEdit = {});
  var ID_RE = /^[A-Za-z0-9\-]{1,64}$/;
  var maxPoints = 0; // bridge.py MAX_AREA_POINTS, given with each editArea message
  var STYLE = { color: "#d50000", weight: 3, fillOpacity: 0.1, pmIgnore: false };
  var map, host, bar, titleEl, msgEl, saveBtn, cancelBtn;
  var editing = null; // {id, code}
  var layer = null;
  var texts = {};

  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function t(key, fallback) {
    return typeof texts[key] === "string" ? texts[key] : fallback;
  }

  function pm() {
    if (!map.pm) map.pm = new L.PM.Map(map); // opted in: the map asks for its editor itself
    return map.pm;
  }

  function editOptions() {
    return { allowSelfIntersection: false, snappable: false, draggable: false };
  }

  function adopt(newLayer) {
    if (layer && layer !== newLayer) map.removeLayer(layer);
    layer = newLayer;
    if (!layer.pm) { // drawn by geoman, but opted out like every layer: opt this one in
      layer.options.pmIgnore = false;
      L.PM.reInitLayer(layer);
    }
    layer.setStyle(STYLE);
    layer.pm.enable(editOptions());
    layer.on("pm:edit pm:intersect", function () { say(""); });
    say(t("editHint", "Drag the vertices to change the area; then Save."));
  }

  function say(message, bad) {
    msgEl.textContent = typeof message === "string" ? message.slice(0, 2000) : "";
    msgEl.classList.toggle("enl-area-bad", !!bad);
  }

  function stop() {
    if (map.pm) map.pm.disableDraw();
    if (layer) {
      if (layer.pm) layer.pm.disable();
      map.removeLayer(layer);
    }
    layer = null;
    editing = null;
    bar.style.display = "none";
  }

  function rings() {
    var latlngs = layer.getLatLngs();
    if (latlngs.length && !Array.isArray(latlngs[0])) latlngs = [latlngs];
    return latlngs.map(function (r) {
      return r.map(function (ll) { return [ll.lat, ll.lng]; });
    });
  }

  E.save = function () {
    if (!editing) return false;
    if (!layer) {
      say(t("nothingDrawn", "Draw the area first: click its corners, then the first one again."), true);
      return false;
    }
    var drawn = rings();
    var points = drawn.reduce(function (n, r) { return n + r.length; }, 0);
    if (points > maxPoints) { // the bridge would drop it: say why here
      say(t("tooManyPoints", "The area has too many vertices."), true);
      return false;
    }
    say(t("saving", "Saving…"));
    host.send("areaDrawn", { id: editing.id, rings: drawn });
    return true;
  };

  E.cancel = function () {
    var id = editing && editing.id;
    stop();
    if (id) host.send("areaClosed", { id: id });
  };

  // From Python: start editing (rings: the stored area as [[[lat, lon], ...]], or null
  // to draw a new one), or stop (id null).
  E.start = function (msg) {
    stop();
    texts = msg.texts && typeof msg.texts === "object" ? msg.texts : {};
    maxPoints = typeof msg.maxPoints === "number" ? msg.maxPoints : 0;
    if (typeof msg.id !== "string" || !ID_RE.test(msg.id) || !window.L.PM) return;
    editing = { id: msg.id, code: typeof msg.code === "string" ? msg.code.slice(0, 40) : "" };
    titleEl.textContent = t("title", "Area of {code}").split("{code}").join(editing.code);
    saveBtn.textContent = t("save", "Save area");
    cancelBtn.textContent = t("cancel", "Cancel");
    bar.style.display = "block";
    pm().setGlobalOptions({ pmIgnore: false, allowSelfIntersection: false, snappable: false });
    if (Array.isArray(msg.rings) && msg.rings.length) {
      var poly = L.polygon(msg.rings, STYLE).addTo(map);
      adopt(poly);
      map.fitBounds(poly.getBounds(), { animate: false, maxZoom: 14 });
    } else {
      say(t("drawHint", "Click the corners of the area; click the first one again to close it."));
      pm().enableDraw("Polygon", editOptions());
    }
  };

  E.refused = function (msg) {
    say(typeof msg.message === "string" ? msg.message : "", true);
  };

  E.init = function (leafletMap, options) {
    map = leafletMap;
    host = options;
    bar = el("div", "enl-area-bar");
    bar.style.display = "none";
    titleEl = el("div", "enl-area-title");
    msgEl = el("div", "enl-area-msg");
    var buttons = el("div", "enl-area-buttons");
    saveBtn = el("button", "enl-area-save");
    cancelBtn = el("button", "enl-area-cancel");
    saveBtn.type = cancelBtn.type = "button";
    saveBtn.addEventListener("click", E.save);
    cancelBtn.addEventListener("click", E.cancel);
    buttons.appendChild(saveBtn);
    buttons.appendChild(cancelBtn);
    bar.appendChild(titleEl);
    bar.appendChild(msgEl);
    bar.appendChild(buttons);
    L.DomEvent.disableClickPropagation(bar);
    map.getContainer().appendChild(bar);
    map.on("pm:create", function (e) {
      if (!editing || e.shape !== "Polygon") {
        map.removeLayer(e.layer);
        return;
      }
      adopt(e.layer);
    });
  };

  // For tests: draw through geoman's own draw handler, a vertex at a time, as clicks do.
  E.drawPoints = function (latlngs) {
    if (!editing) return false;
    var draw = pm().Draw.Polygon;
    if (!draw.enabled()) pm().enableDraw("Polygon", editOptions());
    latlngs.forEach(function (p) { draw._createVertex({ latlng: L.latLng(p[0], p[1]) }); });
    draw._finishShape();
    return !!layer;
  };
  // For tests: move the editable polygon's vertices (as dragging them does) and say so.
  E.setVertices = function (latlngs) {
    if (!layer) return false;
    layer.pm.disable();
    layer.setLatLngs(latlngs);
    if (latlngs.length <= 2000) layer.pm.enable(editOptions()); // a handle per vertex
    layer.fire("pm:edit", { layer: layer, shape: "Polygon" });
    return true;
  };
  E.state = function () {
    return { editing: editing ? editing.id : null, drawn: !!layer,
      bar: bar.style.display !== "none", message: msgEl.textContent,
      refused: msgEl.classList.contains("enl-area-bad"), drawing: !!(map.pm && map.pm.Draw.Polygon.enabled()) };
  };
})();
