"""Trails of several units or a whole agency, with the replay slider, in a real offscreen map."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from fieldclient.map.trails_dialog import TrailsDialog

HOURS_AGO = [5, 4, 3, 2, 1, 0.25]  # each unit's reports, oldest first


def trails(js, view) -> dict:
    return json.loads(js(view, "JSON.stringify(EnlaceTrails.stats())"))


@pytest.fixture
def tracked(writer):  # type: ignore[no-untyped-def]
    """Three units of two agencies, each with six reports over the last five hours, going
    north 0.01 degrees per report; and the report times."""
    now = datetime.now(UTC)
    times = [now - timedelta(hours=h) for h in HOURS_AGO]
    ids = []
    for n, agency in enumerate(["gn", "gn", "semar"]):
        uid = writer.create_unit({"callsign": f"TRAIL-{n}", "agency": agency, "kind": "police"})
        for k, when in enumerate(times):
            writer.log_position(uid, 19.0 + k * 0.01, -99.0 - n * 0.05, observed_at=when)
        ids.append(uid)
    return ids, times


def slide(js, view, ms: int) -> None:
    js(view, f"(function (s) {{ s.value = '{ms}'; s.dispatchEvent(new Event('input')); }})"
             "(EnlaceTrails.slider()); 1")


def test_trails_of_several_units_and_the_slider_replays_them(make_view, tracked, js, qtbot) -> None:
    """show_trails draws one line per unit with every report of the window, heads at the
    latest report; moving the slider back to 2.5 hours ago shows only the reports up to then,
    with the heads between the 3- and 2-hour reports (interpolated in time); the slider at the
    end shows everything again."""
    ids, times = tracked
    view = make_view()
    with qtbot.waitSignal(view.trailsShown, timeout=15_000) as sig:
        view.show_trails(ids, hours=6)
    assert sig.args == [3, 18]
    s = trails(js, view)
    assert s["units"] == 3 and s["shown"] == [6, 6, 6] and s["live"]
    assert s["heads"][0] == pytest.approx([19.05, -99.0])
    assert js(view, "getComputedStyle(document.querySelector('.enl-trails-bar')).display") != "none"
    when = times[2] + (times[3] - times[2]) / 2  # halfway between the 3 h and 2 h reports
    slide(js, view, int(when.timestamp() * 1000))
    qtbot.waitUntil(lambda: trails(js, view)["shown"] == [3, 3, 3], timeout=10_000)
    s = trails(js, view)
    for n, head in enumerate(s["heads"]):
        assert head == pytest.approx([19.025, -99.0 - n * 0.05], abs=2e-4)
    assert not s["live"]
    assert "enl-trails-time" in js(view, "document.querySelector('.enl-trails-time').className")
    slide(js, view, s["to"])
    qtbot.waitUntil(lambda: trails(js, view)["shown"] == [6, 6, 6], timeout=10_000)


def test_play_runs_the_replay_to_now(make_view, tracked, js, qtbot) -> None:
    """Play starts from the beginning of the window and ends at now, following live again."""
    ids, _ = tracked
    view = make_view()
    with qtbot.waitSignal(view.trailsShown, timeout=15_000):
        view.show_trails(ids, hours=6)
    slide(js, view, trails(js, view)["to"])
    js(view, "document.querySelector('.enl-trails-play').click(); 1")
    qtbot.waitUntil(lambda: trails(js, view)["playing"], timeout=10_000)
    qtbot.waitUntil(lambda: trails(js, view)["shown"] != [6, 6, 6], timeout=10_000)  # it rewound
    qtbot.waitUntil(lambda: not trails(js, view)["playing"], timeout=60_000)
    s = trails(js, view)
    assert s["live"] and s["shown"] == [6, 6, 6] and s["at"] == s["to"]


def test_whole_agency_and_live_reports(make_view, tracked, writer, js, qtbot, applied) -> None:
    """An agency's trails are every unit of it on the map (GN: two of the three); a report
    that arrives while the replay is at its end extends the trail at once."""
    ids, _ = tracked
    view = make_view()
    with qtbot.waitSignal(view.trailsShown, timeout=15_000) as sig:
        view.show_trails(agency="gn", hours=3)
    assert sig.args[0] == 2
    assert trails(js, view)["shown"] == [3, 3]  # the 2 h, 1 h and 15 min reports
    with applied(view):
        writer.log_position(ids[0], 19.2, -99.0)
    qtbot.waitUntil(lambda: trails(js, view)["shown"] == [4, 3], timeout=10_000)
    assert trails(js, view)["heads"][0] == pytest.approx([19.2, -99.0])


def test_closing_the_time_bar_clears_the_trails(make_view, tracked, js, qtbot) -> None:
    """The × of the time bar removes the trails, and Python forgets them (a reloaded page
    would not draw them again)."""
    ids, _ = tracked
    view = make_view()
    with qtbot.waitSignal(view.trailsShown, timeout=15_000):
        view.show_trails(ids[:1])
    with qtbot.waitSignal(view.trailsClosed, timeout=10_000):
        js(view, "document.querySelector('.enl-trails-close').click(); 1")
    assert trails(js, view)["units"] == 0 and not view.tools.has_trails()


def test_trails_dialog_picks_units_and_an_agency(qtbot, store, tracked) -> None:
    """The dialog lists the units on the map (accent-blind search), keeps ticks while the
    search changes, offers the agencies, and answers units, agency and hours."""
    ids, _ = tracked
    dlg = TrailsDialog(store, selected=ids[1])
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.list.count() == 3, timeout=10_000)
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled() and dlg.chosen_units() == [ids[1]]
    dlg.search.setText("tráil-2")
    assert dlg.list.count() == 1
    dlg.list.item(0).setCheckState(dlg.list.item(0).checkState().Checked)
    dlg.search.clear()
    assert dlg.chosen_units() == [ids[1], ids[2]]
    dlg.agency.setCurrentIndex(dlg.agency.findData("semar"))
    dlg.hours.setCurrentIndex(dlg.hours.findData(24))
    assert dlg.chosen_agency() == "semar" and dlg.chosen_hours() == 24


def test_trails_document_keeps_the_latest_reports_in_order(store, writer, monkeypatch) -> None:
    """The trails document holds each unit's reports of the window, oldest first, in
    micro-degrees and ms after "from"; past TRAIL_POINTS only the latest are kept."""
    from fieldclient.map import data

    monkeypatch.setattr(data, "TRAIL_POINTS", 4)
    now = datetime.now(UTC).replace(microsecond=0)
    uid = writer.create_unit({"callsign": "DOC-1", "agency": "gn", "kind": "police"})
    for k in range(6):  # 6 h ago .. 1 h ago; the first falls outside a 5.5 h window
        writer.log_position(uid, 19.5 + k * 0.001, -99.25, observed_at=now - timedelta(hours=6 - k))
    since_ms = int((now - timedelta(hours=5.5)).timestamp() * 1000)
    now_ms = int(now.timestamp() * 1000)
    doc = json.loads(data.trails_json(store, [uid, uid], since_ms, now_ms))
    assert doc["from"] == since_ms and doc["to"] == now_ms and len(doc["units"]) == 1
    assert doc["scale"] == data.TRAIL_SCALE
    unit_id, call, flat = doc["units"][0]
    assert (unit_id, call) == (uid, "DOC-1")
    triples = [flat[i : i + 3] for i in range(0, len(flat), 3)]
    assert [t[0] for t in triples] == [19_502_000, 19_503_000, 19_504_000, 19_505_000]
    assert {t[1] for t in triples} == {-99_250_000}
    assert [since_ms + t[2] for t in triples] == [
        int((now - timedelta(hours=h)).timestamp() * 1000) for h in (4, 3, 2, 1)]
