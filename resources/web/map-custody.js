/*
 * Enlace map page: the detention chosen in a custody list, on the map. The transfer route
 * (the detaining unit's reports from the detention to the hand-over, or to now while the
 * person is still held) and a marker where the detention happened, coloured by its
 * custody clock (fieldclient/core/custody.py: within the thresholds, past the warning,
 * past the alert) and labelled with how long custody lasted.
 *
 * Need-to-know: Python sends no personal data here, no name and no initials; only the
 * place, the route, the clock's state and its text (fieldclient/map/custody_layer.py).
 */
(function () {
  "use strict";

  var C = (window.EnlaceCustody = {});
  var COLOURS = { ok: "#2e7d32", warn: "#f9a825", alert: "#c62828" };
  var map, layer, current = null;

  function num(v) {
    return typeof v === "number" && isFinite(v) ? v : null;
  }

  function point(p) {
    return Array.isArray(p) && num(p[0]) !== null && num(p[1]) !== null ? [p[0], p[1]] : null;
  }

  C.init = function (leafletMap) {
    map = leafletMap;
    map.createPane("enlCustody").style.zIndex = 630; // over units and incidents
    layer = L.layerGroup([], { pmIgnore: true }).addTo(map);
  };

  // {type: "custody", id|null, route: [[lat, lon], ...], at: [lat, lon]|null,
  //  state: "ok"|"warn"|"alert", open: bool, text: "…", reveal: bool}
  C.show = function (msg) {
    layer.clearLayers();
    current = null;
    if (typeof msg.id !== "string") return;
    var state = COLOURS[msg.state] ? msg.state : "ok";
    var route = (Array.isArray(msg.route) ? msg.route : []).map(point).filter(Boolean);
    var at = point(msg.at) || route[0] || null;
    if (route.length > 1) {
      L.polyline(route, { pane: "enlCustody", color: COLOURS[state], weight: 4, opacity: 0.9,
        dashArray: msg.open ? "10 6" : null, interactive: false, pmIgnore: true }).addTo(layer);
    }
    var mark = null;
    if (at) {
      mark = document.createElement("div");
      mark.className = "enl-custody enl-custody-" + state + (msg.open ? " enl-custody-open" : "");
      var dot = document.createElement("div");
      dot.className = "enl-custody-dot";
      var label = document.createElement("span");
      label.className = "enl-custody-label";
      label.textContent = typeof msg.text === "string" ? msg.text.slice(0, 200) : "";
      mark.appendChild(dot);
      mark.appendChild(label);
      L.marker(at, { pane: "enlCustody", interactive: false, keyboard: false, pmIgnore: true,
        icon: L.divIcon({ html: mark, className: "enl-custody-icon", iconSize: [16, 16],
          iconAnchor: [8, 8] }) }).addTo(layer);
      if (msg.reveal) {
        var bounds = L.latLngBounds(route.length ? route : [at]).extend(at);
        map.fitBounds(bounds, { animate: false, maxZoom: 14, padding: [40, 40] });
      }
    }
    current = { id: msg.id, state: state, open: !!msg.open, route: route.length, marker: mark };
  };

  // Read-only probe for tests.
  C.state = function () {
    if (!current) return null;
    return { id: current.id, state: current.state, open: current.open, route: current.route,
      text: current.marker ? current.marker.textContent : null,
      colour: current.marker ? getComputedStyle(current.marker.querySelector(".enl-custody-dot")).backgroundColor : null,
      layerText: map.getPane("enlCustody").textContent };
  };
})();
