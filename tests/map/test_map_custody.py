"""A detention on the real map page (issue 13): its transfer route and custody clock,
and no personal data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fieldclient.core.custody import META_ALERT

MARKER = "ZZQ-MARCADOR-7731"  # a string written into the detained person's name


def state(js: Any, view: Any) -> Any:
    return json.loads(js(view, "JSON.stringify(EnlaceCustody.state())"))


def detain(store: Any, writer: Any, hours_ago: float, handed_after_h: float | None,
           name: str) -> tuple[str, str]:
    uid = writer.create_unit({"callsign": "HALCON-3", "agency": "sedena", "kind": "infantry"})
    now = datetime.now(UTC)
    for k in range(12):  # a report every 30 min over the last 6 h
        when = now - timedelta(hours=6) + timedelta(minutes=30 * (k + 1))
        writer.log_position(uid, 20.6 + k * 0.01, -103.4 + k * 0.01, observed_at=when)
    detained = now - timedelta(hours=hours_ago)
    fields: dict[str, Any] = {
        "kind": "record", "agency": "sedena", "unit_id": uid, "person_name": name,
        "person_description": f"{name} con chamarra", "age": 30, "detained_at": detained,
        "legal_ground": "flagrancy", "motive": "Robo", "lat": 20.65, "lon": -103.35,
        "address": "Av. Juárez 100"}
    if handed_after_h is not None:
        fields.update(authority="local_prosecutor",
                      handed_over_at=detained + timedelta(hours=handed_after_h))
    return uid, writer.append_record("detention", fields)


def test_route_and_clock_of_an_open_detention(make_view, store, writer, js, qtbot) -> None:
    """Proves choosing a detention draws the detaining unit's reports since the detention
    (and none before) and its custody clock in the warning colour (held 2 h 15 min, thresholds
    1 h / 3 h from the site profile's defaults), labelled as still in custody; clearing it
    removes both. A report made meanwhile extends the route."""
    uid, det = detain(store, writer, 2.25, None, "Juan Pérez")
    view = make_view()
    view.overlays.show_detention(det)
    qtbot.waitUntil(lambda: state(js, view) is not None, timeout=10_000)
    shown = state(js, view)
    assert shown["state"] == "warn" and shown["open"] is True
    assert shown["route"] == 5  # the reports since (every 30 min, the last one now)
    assert shown["text"].startswith("In custody 2 h")
    assert shown["colour"] == "rgb(249, 168, 37)"  # amber
    writer.log_position(uid, 20.8, -103.2)  # the transfer goes on: the route follows
    qtbot.waitUntil(lambda: state(js, view)["route"] == 6, timeout=10_000)
    view.overlays.show_detention(None)
    qtbot.waitUntil(lambda: state(js, view) is None, timeout=10_000)


def test_late_hand_over_stays_red_and_route_ends_at_the_hand_over(make_view, store, writer,
                                                                  js, qtbot) -> None:
    """Proves a detention handed over after 4 h (past the 3 h alert) is red even though it
    is closed, that the route stops at the hand-over, and that a site profile's thresholds
    are the ones used (alert at 5 h: amber)."""
    _uid, det = detain(store, writer, 5.25, 4.0, "Ana Ruiz")
    view = make_view()
    view.overlays.show_detention(det)
    qtbot.waitUntil(lambda: state(js, view) is not None, timeout=10_000)
    shown = state(js, view)
    assert shown["state"] == "alert" and shown["open"] is False
    assert shown["route"] == 8  # from 5 h 15 min ago to the hand-over 1 h 15 min ago
    assert shown["text"].startswith("Handed over after 4 h")
    store.set_meta(META_ALERT, "300")
    view.overlays.show_detention(None)
    view.overlays.show_detention(det)
    qtbot.waitUntil(lambda: (state(js, view) or {}).get("state") == "warn", timeout=10_000)


def test_no_personal_data_reaches_the_page(make_view, store, writer, js, qtbot) -> None:
    """Proves a marker string written into the detained person's name (and description)
    never reaches the web view: not in any message the bridge pushes, not in any document
    the page fetches, not anywhere in the page's DOM; nor do the initials."""
    _uid, det = detain(store, writer, 2.0, None, f"{MARKER} Quintero")
    view = make_view()
    pushed: list[str] = []
    view._bridge.push.connect(pushed.append)
    blobs: list[bytes] = []
    handler = view._handler
    original = handler.put_blob
    handler.put_blob = lambda body: (blobs.append(bytes(body)), original(body))[1]  # type: ignore[method-assign]
    try:
        view.overlays.show_detention(det)
        qtbot.waitUntil(lambda: state(js, view) is not None, timeout=10_000)
        with qtbot.waitSignal(view.overlays.areasShown, timeout=10_000):
            view.overlays.reload_areas()
    finally:
        handler.put_blob = original  # type: ignore[method-assign]
    assert any('"custody"' in m for m in pushed)
    for text in pushed + [b.decode("utf-8", "replace") for b in blobs]:
        assert MARKER not in text and "Quintero" not in text and "ZQ" not in text
    html = js(view, "document.documentElement.outerHTML")
    assert MARKER not in html and "Quintero" not in html
