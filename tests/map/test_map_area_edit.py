"""Drawing and editing an operation's area on the real map page with leaflet-geoman (issue
12 item 7): saved through the local write path, with its rules and messages."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from fieldclient.core.errors import NotPermitted
from fieldclient.demo import load_agencies
from fieldclient.store import meta
from fieldclient.store.models import Operation, Outbox
from tests.map.test_map_areas import operation, square

DRAWN = [[20.6, -103.4], [20.6, -103.2], [20.8, -103.2], [20.8, -103.4]]  # lat, lon


def sign_in(store: Any, role: str, agency: str) -> None:
    with store.transaction() as s:
        for key, value in ((meta.SIGNED_IN_USER, f"{role}-{agency}"), (meta.SIGNED_IN_ROLE, role),
                           (meta.SIGNED_IN_AGENCY, agency), (meta.USER, f"{role}-{agency}")):
            store.set_meta(key, value, session=s)


def area_of(store: Any, op_id: str) -> Any:
    with store.session() as s:
        return s.get(Operation, op_id).area


def outbox_areas(store: Any, op_id: str) -> list[Any]:
    with store.session() as s:
        rows = s.scalars(select(Outbox).where(Outbox.entity == "operation",
                                              Outbox.entity_id == op_id)).all()
        return [r.fields["area"] for r in rows if "area" in r.fields]


def state(js: Any, view: Any) -> dict[str, Any]:
    return json.loads(js(view, "JSON.stringify(EnlaceAreaEdit.state())"))


def test_lead_commander_draws_then_edits_the_area(make_view, store, writer, js, qtbot) -> None:
    """Proves a commander of the lead agency draws an area through geoman's draw handler and
    saves it: the store holds the polygon (lon/lat, closed), the outbox carries the change,
    the editor closes; editing it again starts from the stored polygon and a moved vertex
    is saved the same way."""
    load_agencies(store)
    op = operation(writer, "OP-DRAW")
    sign_in(store, "commander", "sedena")
    view = make_view()
    assert view.overlays.edit_area(op) is None
    qtbot.waitUntil(lambda: state(js, view)["drawing"], timeout=10_000)
    assert js(view, f"EnlaceAreaEdit.drawPoints({json.dumps(DRAWN)})") is True
    with qtbot.waitSignal(view.overlays.areaSaved, timeout=10_000):
        js(view, "EnlaceAreaEdit.save()")
    ring = [[lon, lat] for lat, lon in DRAWN] + [[DRAWN[0][1], DRAWN[0][0]]]
    assert area_of(store, op) == [ring]
    assert outbox_areas(store, op) == [[ring]]
    qtbot.waitUntil(lambda: state(js, view)["bar"] is False, timeout=10_000)
    qtbot.waitUntil(lambda: json.loads(js(view, "JSON.stringify(EnlaceAreas.stats())"))["ops"]
                    == 1, timeout=10_000)

    assert view.overlays.edit_area(op) is None
    qtbot.waitUntil(lambda: state(js, view)["drawn"], timeout=10_000)
    moved = [[20.6, -103.4], [20.6, -103.1], [20.8, -103.2], [20.8, -103.4]]
    assert js(view, f"EnlaceAreaEdit.setVertices({json.dumps(moved)})") is True
    with qtbot.waitSignal(view.overlays.areaSaved, timeout=10_000):
        js(view, "EnlaceAreaEdit.save()")
    assert area_of(store, op)[0][1] == [-103.1, 20.6]
    assert len(outbox_areas(store, op)) == 2


def test_bad_polygon_is_refused_with_a_message_and_nothing_stored(make_view, store, writer,
                                                                   js, qtbot) -> None:
    """Proves a self-crossing area and one of more than 10,000 vertices are refused with the
    write path's own message, shown in the page's editor, and that neither the stored area
    nor the outbox changes."""
    load_agencies(store)
    op = operation(writer, "OP-BAD", area=[square(-103.5, 20.5, 0.5)])
    before, queued = area_of(store, op), len(outbox_areas(store, op))
    view = make_view()
    assert view.overlays.edit_area(op) is None
    qtbot.waitUntil(lambda: state(js, view)["drawn"], timeout=10_000)
    bowtie = [[20.0, -103.0], [20.5, -102.5], [20.0, -102.5], [20.5, -103.0]]
    js(view, f"EnlaceAreaEdit.setVertices({json.dumps(bowtie)})")
    with qtbot.waitSignal(view.overlays.areaRefused, timeout=10_000) as sig:
        js(view, "EnlaceAreaEdit.save()")
    assert "polygon" in sig.args[0].lower()
    qtbot.waitUntil(lambda: state(js, view)["refused"], timeout=10_000)
    assert state(js, view)["message"] == sig.args[0]
    many = [[20 + 0.4 * (k % 2) + k * 1e-5, -103 + k * 4e-5] for k in range(10_500)]
    js(view, f"EnlaceAreaEdit.setVertices({json.dumps(many)})")
    with qtbot.waitSignal(view.overlays.areaRefused, timeout=10_000) as sig:
        js(view, "EnlaceAreaEdit.save()")
    assert "10000" in sig.args[0].replace(",", "").replace(" ", "")
    assert area_of(store, op) == before
    assert len(outbox_areas(store, op)) == queued


def test_others_get_no_tools_and_a_clear_refusal(make_view, store, writer, js, qtbot) -> None:
    """Proves a commander of a participating (not lead) agency and an observer are refused
    before any tool appears, with the rules' message, and that a polygon pushed from page
    script for that operation is ignored: the stored area stays as it was."""
    load_agencies(store)
    op = operation(writer, "OP-LEAD", area=[square(-103.5, 20.5, 0.5)])
    before = area_of(store, op)
    view = make_view()
    for role, agency in (("commander", "pol-jal"), ("observer", "")):
        sign_in(store, role, agency)
        refusal = view.overlays.edit_area(op)
        assert isinstance(refusal, NotPermitted), (role, refusal)
        assert refusal.render()
        assert state(js, view)["bar"] is False and state(js, view)["editing"] is None
    with qtbot.waitSignal(view._bridge.events.hello, timeout=10_000):  # calls arrive in order
        forged = json.dumps({"id": op, "rings": [DRAWN]})
        js(view, "new QWebChannel(qt.webChannelTransport, function (c) {"
                 f" c.objects.enlace.areaDrawn({json.dumps(forged)});"
                 " c.objects.enlace.hello('{\"loads\": 1}'); }); 1")
    assert area_of(store, op) == before
