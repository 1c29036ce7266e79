"""Joint operations in the window (issue 12, items 3, 4 and 7 in part): the roster shows
each unit's operation and commanding agency, flags a hand-over of command left without
acknowledgement past the site's threshold, and the toolbar's operation selector narrows
the roster, the map and the incident log to one operation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fieldclient.ui.roster_model import COL_CALLSIGN, COL_OPERATION
from tests.ui.conftest import make_unit
from tests.ui.test_map_wiring import _window

AREA = [[[-103.42, 20.62], [-103.28, 20.62], [-103.28, 20.74], [-103.42, 20.62]]]


def _operation(writer: Any, code: str) -> str:
    return writer.create_record("operation", {  # type: ignore[no-any-return]
        "code": code, "name": f"Operativo {code}", "lead_agency": "sedena",
        "agencies": ["pol-jal"], "authority": "military", "legal_basis": "request_for_support",
        "area": AREA, "starts_at": datetime.now(UTC) - timedelta(hours=3), "status": "active"})


def _cell(w: Any, unit_id: str, col: int, role: Any = None) -> Any:
    from PySide6.QtCore import Qt

    row = w.model.row_of(unit_id)
    assert row is not None, unit_id
    return w.model.data(w.model.index(row, col), role or Qt.ItemDataRole.DisplayRole)


def test_roster_shows_operation_and_flags_late_handovers_and_selector_narrows_views(  # type: ignore[no-untyped-def]
        qtbot, store, writer, translations, monkeypatch, sync_tasks):
    """Proves the roster's Operation column reads "CODE · commanding agency" for an assigned
    unit, a unit handed over 45 minutes ago without acknowledgement is flagged (30 by
    default) until acknowledged, and choosing an operation narrows the roster to its units,
    the incident log to its incidents and the map through its filter; "All" restores them."""
    op = _operation(writer, "OP-JAL")
    other = _operation(writer, "OP-NORTE")
    jaguar = make_unit(writer, "JAGUAR 1", agency="pol-jal")
    halcon = make_unit(writer, "HALCON 1", visibility="operation", operation_id=op)
    lobo = make_unit(writer, "LOBO 1")
    writer.create_record("assignment", {"operation_id": op, "unit_id": jaguar, "role": "cordon",
                                        "commanding_agency": "sedena"})
    writer.create_record("assignment", {"operation_id": other, "unit_id": lobo,
                                        "role": "patrol", "commanding_agency": "sedena"})
    ours = writer.create_incident({"title": "Bloqueo", "kind": "blockade", "severity": 3,
                                   "occurred_at": datetime.now(UTC), "agency": "sedena",
                                   "visibility": "operation", "operation_id": op})
    theirs = writer.create_incident({"title": "Otro", "kind": "other", "severity": 1,
                                     "occurred_at": datetime.now(UTC), "agency": "sedena"})
    handed = writer.hand_over({"operation_id": op, "subject": "unit", "unit_id": jaguar,
                               "from_agency": "pol-jal", "to_agency": "sedena",
                               "at": datetime.now(UTC) - timedelta(minutes=45)})
    w = _window(qtbot, store, translations, monkeypatch)

    assert w.operation_selector.isVisibleTo(w)
    assert _cell(w, jaguar, COL_OPERATION).strip("\u2068\u2069") == "OP-JAL · sedena"
    assert _cell(w, halcon, COL_OPERATION) == ""  # belongs to it, not assigned
    assert w.model.is_overdue(jaguar) and not w.model.is_overdue(lobo)
    from PySide6.QtCore import Qt

    assert "not acknowledged" in _cell(w, jaguar, COL_CALLSIGN, Qt.ItemDataRole.ToolTipRole)
    w.roster.select_unit(jaguar)
    assert "commanded by" in w.roster.details.text()

    w.operation_selector.choose(op)
    shown = {w.model.unit_id(i) for i in range(w.model.rowCount())}
    assert shown == {jaguar, halcon}
    assert {r.id for r in w.incidents._rows} == {ours}
    assert w.map.calls[-1] == ("set_unit_filter", ("", "", "", op))
    w.roster.agency.setCurrentIndex(w.roster.agency.findData("pol-jal"))  # both filters at once
    assert w.map.calls[-1] == ("set_unit_filter", ("pol-jal", "", "", op))

    writer.hand_over({"operation_id": op, "kind": "acknowledgement", "acknowledges": handed})
    w.refresh_operations()
    assert not w.model.is_overdue(jaguar)

    w.operation_selector.choose("")
    w.roster.agency.setCurrentIndex(0)
    assert w.model.rowCount() == 3 and {r.id for r in w.incidents._rows} == {ours, theirs}
    assert w.map.calls[-1] == ("set_unit_filter", ("", "", ""))
