"""Labels on the map: shown when zoomed in or selected, never on top of each other or of
another symbol; incidents never hide a cluster's count (issue 15: 68 units at zoom 12-13
piled up unreadably, incident diamonds hid cluster counts)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest

GDL = (20.6767, -103.3475)

RECTS = """JSON.stringify((function () {
  var root = EnlaceMap.map().getContainer().getBoundingClientRect();
  var box = function (el) {
    var r = el.getBoundingClientRect();
    return [r.left - root.left, r.top - root.top, r.width, r.height];
  };
  var inView = function (b) {
    return b[0] + b[2] > 0 && b[1] + b[3] > 0 && b[0] < root.width && b[1] < root.height;
  };
  var labels = Array.from(document.querySelectorAll('.enl-label.enl-label-on'))
    .map(function (l) { return {box: box(l), owner: l.parentNode.querySelector('img') ?
      box(l.parentNode.querySelector('img')) : null, text: l.textContent}; })
    .filter(function (l) { return inView(l.box); });
  var symbols = Array.from(document.querySelectorAll('.enl-marker .enl-symbol, .marker-cluster'))
    .map(box).filter(inView);
  return {labels: labels, symbols: symbols,
          hidden: document.querySelectorAll('.enl-marker .enl-label:not(.enl-label-on)').length};
})())"""


def overlap(a: list[float], b: list[float], slack: float = 0.5) -> bool:
    return (a[0] + slack < b[0] + b[2] and b[0] + slack < a[0] + a[2]
            and a[1] + slack < b[1] + b[3] and b[1] + slack < a[1] + a[3])


@pytest.fixture
def crowd(writer):  # type: ignore[no-untyped-def]
    """68 units and 13 incidents spread over Guadalajara, Zapopan and Tlaquepaque as in the
    demo deployment, and one unit alone far from them."""
    rng = random.Random(15)
    places = [(20.6767, -103.3475, 0.08), (20.7214, -103.3918, 0.05), (20.6406, -103.2936, 0.04)]
    ids = []
    for i in range(68):
        lat, lon, spread = places[i % 3]
        uid = writer.create_unit({"callsign": f"GDL-{i:02d}", "agency": "pol-jal",
                                  "kind": ["police", "infantry", "medical"][i % 3]})
        writer.log_position(uid, lat + rng.uniform(-spread, spread), lon + rng.uniform(-spread, spread))
        ids.append(uid)
    for i in range(13):
        lat, lon, spread = places[i % 3]
        writer.create_incident({"title": f"Bloqueo {i}", "kind": "blockade", "severity": 1 + i % 5,
                                "agency": "pol-jal", "occurred_at": datetime.now(UTC),
                                "lat": lat + rng.uniform(-spread, spread),
                                "lon": lon + rng.uniform(-spread, spread)})
    alone = writer.create_unit({"callsign": "SOLO", "agency": "gn", "kind": "police"})
    writer.log_position(alone, 21.5, -104.5)
    return ids, alone


def settle(js, view, qtbot, lat: float, lon: float, zoom: int) -> dict:
    js(view, f"EnlaceMap.map().setView([{lat}, {lon}], {zoom}, {{animate: false}}); 1")
    # Settled: the zoom reached, markers landed from their clusters (CSS transitions
    # included), labels placed.
    qtbot.waitUntil(lambda: js(view, f"EnlaceMap.map().getZoom() === {zoom} && "
                                     "!EnlaceMap.stats().animating && "
                                     "document.getAnimations().length === 0 && "
                                     "!EnlaceLabels.stats().pending"), timeout=10_000)
    js(view, "EnlaceLabels.placeNow(); 1")  # what the next frame would place
    return json.loads(js(view, RECTS))


@pytest.mark.parametrize("zoom", [12, 13])
def test_labels_never_overlap_with_68_units(make_view, crowd, js, qtbot, zoom) -> None:
    """At zoom 12 and 13 over Guadalajara, the labels shown (a good share of the 68 units'
    and the incidents') overlap neither each other nor any other symbol; the rest wait for a
    closer zoom."""
    view = make_view()
    view.resize(1100, 650)
    got = settle(js, view, qtbot, *GDL, zoom)
    labels = got["labels"]
    assert len(labels) >= 15, len(labels)
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert not overlap(a["box"], b["box"]), (a["text"], b["text"])
        for s in got["symbols"]:
            if a["owner"] is not None and overlap(s, a["owner"], 0) and s == a["owner"]:
                continue  # its own symbol
            assert not overlap(a["box"], s), (a["text"], s)


def test_labels_only_when_zoomed_in_or_selected(make_view, crowd, js, qtbot) -> None:
    """At zoom 10 a unit drawn on its own shows no label until it is selected."""
    _, alone = crowd
    view = make_view()
    got = settle(js, view, qtbot, 21.5, -104.5, 10)
    assert js(view, f"EnlaceMap.unit('{alone}').shown")
    assert [la["text"] for la in got["labels"]] == []
    view.select_unit(alone)
    qtbot.waitUntil(lambda: [la["text"] for la in json.loads(js(view, RECTS))["labels"]] == ["SOLO"],
                    timeout=10_000)


CLUSTER = """JSON.stringify((function () {
  var root = EnlaceMap.map().getContainer().getBoundingClientRect();
  var c = Array.from(document.querySelectorAll('.marker-cluster'))[0];
  var r = c.getBoundingClientRect();
  var x = r.left - root.left + r.width / 2, y = r.top - root.top + r.height / 2;
  var ll = EnlaceMap.map().containerPointToLatLng([x, y + 3]);
  return {x: r.left + r.width / 2, y: r.top + r.height / 2, lat: ll.lat, lon: ll.lng,
          count: c.textContent};
})())"""

ON_TOP = """(function (x, y) {
  var el = document.elementFromPoint(x, y);
  return el && el.closest('.marker-cluster') ? 'cluster' : el && el.closest('.enl-incident') ?
    'incident' : el ? el.className : null;
})(%f, %f)"""


def test_incidents_never_cover_cluster_counts(make_view, crowd, writer, js, qtbot, applied) -> None:
    """An incident reported right under a cluster bubble (a little south of its centre, where
    Leaflet would stack it on top) leaves the bubble and its count on top."""
    view = make_view()
    settle(js, view, qtbot, *GDL, 9)
    cluster = json.loads(js(view, CLUSTER))
    assert int(cluster["count"]) > 1
    with applied(view):
        iid = writer.create_incident({"title": "Encima", "kind": "armed_attack", "severity": 5,
                                      "agency": "gn", "occurred_at": datetime.now(UTC),
                                      "lat": round(cluster["lat"], 6), "lon": round(cluster["lon"], 6)})
    qtbot.waitUntil(lambda: js(view, f"EnlaceMap.incident('{iid}') !== null"), timeout=10_000)
    assert js(view, ON_TOP % (cluster["x"], cluster["y"])) == "cluster"
