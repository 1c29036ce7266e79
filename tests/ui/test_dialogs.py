"""Creating units, logging positions and reporting incidents through the real dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import func, select

from fieldclient.store.models import Outbox, Position, Unit
from fieldclient.ui import geo
from fieldclient.ui.roster_model import CALLSIGN, LAT, LON, STATUS
from tests.ui.conftest import make_unit


def _ok(qtbot, dlg) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)


def test_create_unit_through_dialog(qtbot, window, store):  # type: ignore[no-untyped-def]
    """A unit typed into the New unit dialog is stored with its outbox row and shows in the roster."""
    dlg = window.new_unit()
    qtbot.keyClicks(dlg.callsign, "LOBO 7")
    dlg.agency.setEditText("sedena")
    dlg.kind.setCurrentIndex(dlg.kind.findData("motorized"))
    dlg.strength.setText("12")
    _ok(qtbot, dlg)
    assert not dlg.isVisible()
    uid = dlg.saved_id
    assert window.model.row_of(uid) is not None
    assert window.model.row_by_id(uid)[CALLSIGN] == "LOBO 7"
    assert window.roster.selected_unit() == uid  # the new unit is selected for the next action
    with store.session() as s:
        unit = s.get(Unit, uid)
        assert (unit.agency, unit.kind, unit.strength) == ("sedena", "motorized", 12)
        assert s.execute(select(func.count()).select_from(Outbox)
                         .where(Outbox.entity_id == uid)).scalar_one() == 1


def test_unit_dialog_refuses_bad_values_next_to_the_field(qtbot, window, store):  # type: ignore[no-untyped-def]
    """Missing callsign, a bad agency code and a non-numeric strength are explained per field; nothing is written."""
    dlg = window.new_unit()
    dlg.agency.setEditText("Not A Slug!")
    dlg.strength.setText("doce")
    _ok(qtbot, dlg)
    assert dlg.isVisible()
    assert "callsign" in dlg.field_error("callsign").lower()
    assert "lower-case" in dlg.field_error("agency")
    assert "whole number" in dlg.field_error("strength")
    with store.session() as s:
        assert s.execute(select(func.count()).select_from(Unit)).scalar_one() == 0
    dlg.reject()


def test_edit_and_retire_unit(qtbot, window, writer, store):  # type: ignore[no-untyped-def]
    """Editing a unit changes only what was edited; retiring keeps it in the roster, marked retired."""
    uid = make_unit(writer, "COYOTE")
    assert window.model.row_of(uid) is not None
    dlg = window.edit_unit(uid)
    assert dlg.callsign.text() == "COYOTE"
    dlg.status.setCurrentIndex(dlg.status.findData("engaged"))
    _ok(qtbot, dlg)
    assert window.model.row_by_id(uid)[STATUS] == "engaged"
    with store.session() as s:
        last = s.execute(select(Outbox).order_by(Outbox.seq.desc())).scalars().first()
        assert last.fields == {"status": "engaged"}
    assert window.retire_unit(uid, confirm=False)
    assert window.model.row_by_id(uid)[STATUS] == "retired"


def test_log_position_in_mgrs_shows_in_roster_and_track(qtbot, window, writer):  # type: ignore[no-untyped-def]
    """A position typed in MGRS is stored, becomes the unit's current position and heads its track."""
    uid = make_unit(writer, "HALCON 3")
    assert window.model.row_of(uid) is not None
    window.roster.select_unit(uid)
    dlg = window.log_position()
    dlg.coords.set_format("mgrs")
    qtbot.keyClicks(dlg.coords.text, "14Q MG 86017 48700")
    dlg.source.setCurrentIndex(dlg.source.findData("radio"))
    dlg.accuracy.setText("10")
    _ok(qtbot, dlg)
    assert not dlg.isVisible()
    assert window.model.row_by_id(uid)[LAT] is not None
    row = window.model.row_by_id(uid)
    assert abs(row[LAT] - 19.4326) < 0.001 and abs(row[LON] + 99.1332) < 0.001
    assert window.track.table.rowCount() == 1
    window.set_coord_format("mgrs")
    track = window.track.rows_text()
    assert track[0][1] == geo.format_latlon(row[LAT], row[LON], "mgrs")
    assert track[0][1].startswith("14Q MG")
    assert track[0][3] == "Radio"


def test_position_dialog_refuses_bad_input_with_the_reason(qtbot, window, writer, store):  # type: ignore[no-untyped-def]
    """Latitude 95, a malformed MGRS and a future time are refused in the form, each saying why."""
    uid = make_unit(writer, "PUMA")
    dlg = window.log_position(uid)
    dlg.coords.set_format("dd")
    dlg.coords.text.setText("95, -99")
    assert "between -90 and 90" in dlg.field_error("coords")  # said while typing
    _ok(qtbot, dlg)
    assert dlg.isVisible() and "got 95" in dlg.field_error("coords")
    dlg.coords.set_format("mgrs")
    dlg.coords.text.setText("14Q XX 123")
    _ok(qtbot, dlg)
    assert "MGRS" in dlg.field_error("coords")
    dlg.coords.text.setText("14Q MG 86017 48700")
    from datetime import UTC, datetime, timedelta

    from fieldclient.ui.form_dialog import set_time

    set_time(dlg.observed, datetime.now(UTC) + timedelta(hours=2))
    _ok(qtbot, dlg)
    assert "future" in dlg.field_error("observed_at")
    assert dlg.field_error("coords") == ""
    with store.session() as s:
        assert s.execute(select(func.count()).select_from(Position)).scalar_one() == 0
    dlg.reject()


def test_new_incident_through_dialog(qtbot, window, writer):  # type: ignore[no-untyped-def]
    """An incident with a DMS location and involved agencies is stored and listed first."""
    make_unit(writer, "X1", agency="gn")  # makes "gn" a known agency
    dlg = window.new_incident()
    qtbot.keyClicks(dlg.title, "Bloqueo en la carretera 95")
    dlg.kind.setCurrentIndex(dlg.kind.findData("blockade"))
    dlg.severity.setValue(4)
    dlg.check_agency("gn")
    dlg.set_involved(["gn"])
    dlg.location.set_format("dms")
    dlg.location.text.setText("17°33'05\"N 99°30'02\"W")
    _ok(qtbot, dlg)
    assert not dlg.isVisible()
    assert window.incidents.titles()[:1] == ["Bloqueo en la carretera 95"]
    assert window.incidents.incident_id == dlg.saved_id
    header = window.incidents.header.text()
    assert "Blockade" in header and "gn" in header


def test_retire_from_the_edit_form(qtbot, window, writer):  # type: ignore[no-untyped-def]
    """The edit form's Retire button marks the unit retired; it stays listed."""
    uid = make_unit(writer, "OCELOTE")
    assert window.model.row_of(uid) is not None
    dlg = window.edit_unit(uid)
    qtbot.mouseClick(dlg.retire_button, Qt.MouseButton.LeftButton)
    assert window.model.row_by_id(uid)[STATUS] == "retired"
    assert window.model.row_of(uid) is not None


def test_unexpected_error_shows_something_failed_with_details(qtbot, window, monkeypatch):  # type: ignore[no-untyped-def]
    """A bug surfaces as a plain 'Something failed' box whose details hold the traceback."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def broken(*_a, **_k):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk controller on fire")

    monkeypatch.setattr(window.writer, "create_unit", broken)
    seen: list[tuple[str, str]] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append((box.text(), box.detailedText()))
            box.accept()
        else:
            QTimer.singleShot(20, close_box)

    dlg = window.new_unit()
    dlg.callsign.setText("X")
    dlg.agency.setEditText("gn")
    QTimer.singleShot(0, close_box)
    assert dlg.submit() is False
    assert seen[0][0] == "Something failed."
    assert "disk controller on fire" in seen[0][1]
    assert dlg.isVisible()  # the form and what was typed are still there
    dlg.reject()


def test_domain_error_is_shown_in_the_form_as_is(qtbot, window, writer):  # type: ignore[no-untyped-def]
    """An error from the writer (a parent that would make a loop) appears in the form, translated."""
    a = make_unit(writer, "PADRE")
    b = make_unit(writer, "HIJO", parent_id=a)
    assert window.model.row_of(b) is not None
    dlg = window.edit_unit(a)
    dlg.parent_unit.setText("HIJO")
    _ok(qtbot, dlg)
    assert "subordinate" in dlg.field_error("parent")
    dlg.reject()


def test_disk_error_keeps_the_form_open_with_the_reason(qtbot, window, writer, store, monkeypatch):  # type: ignore[no-untyped-def]
    """When the store refuses a write (full or read-only disk), the form says so and keeps what was typed."""
    from fieldclient.core.errors import StoreWriteFailed

    uid = make_unit(writer, "NUTRIA")

    def full_disk(*_a, **_k):  # type: ignore[no-untyped-def]
        raise StoreWriteFailed("database or disk is full")

    monkeypatch.setattr(window.writer, "log_position", full_disk)
    dlg = window.log_position(uid)
    dlg.coords.set_format("dd")
    dlg.coords.text.setText("19.4, -99.1")
    _ok(qtbot, dlg)
    assert dlg.isVisible() and dlg.coords.text.text() == "19.4, -99.1"
    assert "disk is full" in dlg.general_error.text()
    assert "Nothing was written" in dlg.general_error.text()
    with store.session() as s:
        assert s.execute(select(func.count()).select_from(Position)).scalar_one() == 0
    dlg.reject()
