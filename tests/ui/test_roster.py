"""The roster model and panel: filtering, sorting, stale highlighting, live updates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from fieldclient.ui.roster_model import (
    COL_AGE,
    COL_CALLSIGN,
    COL_PARENT,
    COL_POSITION,
    COL_STRENGTH,
    LAT,
    STALE_ROLE,
    RosterModel,
)
from tests.ui.conftest import make_unit


def _callsigns(model: RosterModel) -> list[str]:
    return [model.index(r, COL_CALLSIGN).data() for r in range(model.rowCount())]


def test_filter_roster_by_text_agency_status_and_kind(qtbot, window, writer):  # type: ignore[no-untyped-def]
    """Typing in the filter bar and choosing agency/status narrows the table to the matching units."""
    make_unit(writer, "AGUILA 1", agency="pol-gro")
    make_unit(writer, "AGUILA 2", agency="sedena", status="engaged")
    make_unit(writer, "HALCON", agency="sedena")
    window.model.load(window.store)  # a full load also refills the agency filter
    assert window.model.rowCount() == 3
    with qtbot.waitSignal(window.model.modelReset):  # the filter waits for a pause in typing
        qtbot.keyClicks(window.roster.search, "aguila")
    assert window.model.rowCount() == 2
    assert _callsigns(window.model) == ["AGUILA 1", "AGUILA 2"]
    assert window.roster.count.text() == "2 of 3 units"
    window.roster.agency.setCurrentIndex(window.roster.agency.findData("sedena"))
    assert _callsigns(window.model) == ["AGUILA 2"]
    window.roster.search.clear()
    window.roster.apply_filter()
    window.roster.status.setCurrentIndex(window.roster.status.findData("available"))
    assert _callsigns(window.model) == ["HALCON"]
    window.roster.kind.setCurrentIndex(window.roster.kind.findData("police"))
    assert _callsigns(window.model) == []


def test_ctrl_f_focuses_the_roster_filter(qtbot, window):  # type: ignore[no-untyped-def]
    """The find shortcut puts the cursor in the roster's filter box."""
    window.activateWindow()
    window.act_find.trigger()
    assert window.roster.search.hasFocus() or window.focusWidget() is window.roster.search


def test_sort_by_any_column_and_chain_of_command(qtbot, writer, store, sync_tasks):  # type: ignore[no-untyped-def]
    """Sorting works on text, number and age columns; the parent's callsign is shown."""
    top = make_unit(writer, "BRAVO", strength=100)
    make_unit(writer, "ALFA", strength=5, parent_id=top)
    make_unit(writer, "CHARLIE", strength=30, parent_id=top)
    model = RosterModel()
    model.load(store)
    assert model.rowCount() == 3
    model.sort(COL_CALLSIGN, Qt.SortOrder.AscendingOrder)
    assert _callsigns(model) == ["ALFA", "BRAVO", "CHARLIE"]
    model.sort(COL_STRENGTH, Qt.SortOrder.DescendingOrder)
    assert _callsigns(model) == ["BRAVO", "CHARLIE", "ALFA"]
    model.sort(COL_CALLSIGN)
    assert [model.index(r, COL_PARENT).data() for r in range(3)] == ["BRAVO", "", "BRAVO"]


def test_stale_positions_are_highlighted(qtbot, writer, store, sync_tasks):  # type: ignore[no-untyped-def]
    """A report older than the threshold is marked stale and coloured; a fresh one is not."""
    old = make_unit(writer, "VIEJO")
    new = make_unit(writer, "NUEVO")
    writer.log_position(old, 19.0, -99.0, observed_at=datetime.now(UTC) - timedelta(minutes=45))
    writer.log_position(new, 19.0, -99.0, observed_at=datetime.now(UTC) - timedelta(minutes=5))
    model = RosterModel()
    model.load(store)
    assert model.rowCount() == 2
    model.sort(COL_CALLSIGN)
    rows = {model.index(r, COL_CALLSIGN).data(): r for r in range(2)}
    assert model.index(rows["VIEJO"], COL_POSITION).data(STALE_ROLE) is True
    assert model.index(rows["VIEJO"], COL_AGE).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(rows["NUEVO"], COL_AGE).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(rows["NUEVO"], COL_AGE).data() == "5 min"
    model.sort(COL_AGE)
    assert _callsigns(model) == ["NUEVO", "VIEJO"]  # youngest report first
    model.set_stale_minutes(60)  # the threshold is a setting
    assert model.index(0, COL_POSITION).data(STALE_ROLE) is False
    assert model.index(1, COL_POSITION).data(STALE_ROLE) is False


def test_live_update_reloads_only_changed_units_and_keeps_selection(qtbot, window, writer):  # type: ignore[no-untyped-def]
    """A change published by the writer updates that row in place; the selected unit stays selected."""
    a = make_unit(writer, "A")
    b = make_unit(writer, "B")
    assert window.model.rowCount() == 2
    window.roster.select_unit(b)
    writer.update_unit(a, {"callsign": "Z"})  # moves A to the end of the sorted table
    assert _callsigns(window.model) == ["B", "Z"]
    assert window.roster.selected_unit() == b
    selected = window.roster.table.selectionModel().selectedRows()
    assert [window.model.unit_id(i.row()) for i in selected] == [b]


def test_stale_threshold_is_a_remembered_setting(qtbot, window, writer):  # type: ignore[no-untyped-def]
    """Changing 'Stale after' re-highlights the roster at once and is saved in the data folder's settings."""
    uid = make_unit(writer, "TARDE")
    writer.log_position(uid, 19.0, -99.0, observed_at=datetime.now(UTC) - timedelta(minutes=20))
    assert window.model.row_by_id(uid)[LAT] is not None
    row = window.model.row_of(uid)
    assert window.model.index(row, COL_AGE).data(STALE_ROLE) is False  # default 30 min
    window.roster.stale_spin.setValue(15)
    assert window.model.index(row, COL_AGE).data(STALE_ROLE) is True
    assert int(window.settings.value("roster/staleMinutes")) == 15


def test_agency_filter_lists_an_agency_that_arrives_live(qtbot, window, writer):  # type: ignore[no-untyped-def]
    """A unit of an agency the roster has not seen yet (a local edit or a pull) adds that
    agency to the filter without a full reload."""
    make_unit(writer, "ALFA", agency="sedena")
    assert window.roster.agency.findData("semar") < 0
    make_unit(writer, "ORCA", agency="semar")
    at = window.roster.agency.findData("semar")
    assert at >= 0
    window.roster.agency.setCurrentIndex(at)
    assert _callsigns(window.model) == ["ORCA"]
