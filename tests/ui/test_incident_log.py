"""The incident log: entries, amendments next to their original, filters, newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from tests.ui.conftest import make_unit


def _incident(writer, title: str, **extra) -> str:  # type: ignore[no-untyped-def]
    fields = {"title": title, "kind": "blockade", "severity": 3, "agency": "gn",
              "occurred_at": datetime.now(UTC) - timedelta(hours=1), **extra}
    return writer.create_incident(fields)  # type: ignore[no-any-return]


def test_amend_entry_keeps_both_texts_with_author_and_time(qtbot, window, writer):  # type: ignore[no-untyped-def]
    """An amendment is listed under the entry it corrects; the original text is still there."""
    iid = _incident(writer, "Bloqueo")
    original = writer.add_entry(iid, "note", "Cinco vehículos bloquean la vía")
    assert "Bloqueo" in window.incidents.titles()
    panel = window.incidents
    panel.select_incident(iid)
    assert panel.timeline.topLevelItemCount() == 1
    panel.select_entry(original)
    panel.entry_kind.setCurrentIndex(panel.entry_kind.findData("amendment"))
    panel.entry_body.setPlainText("Son siete vehículos, no cinco")
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.timeline_texts() == ["Cinco vehículos bloquean la vía", "Son siete vehículos, no cinco"]
    top = panel.timeline.topLevelItem(0)
    assert top.childCount() == 1  # the amendment sits under the original
    amendment = top.child(0)
    assert amendment.text(1) == "local" and top.text(1) == "local"  # author of each
    assert amendment.text(0) and top.text(0)  # time of each
    assert amendment.text(2) == "Amendment"


def test_amendment_needs_a_selected_entry_and_text(qtbot, window, writer):  # type: ignore[no-untyped-def]
    """Without a target entry or text, the box says what is missing and writes nothing."""
    iid = _incident(writer, "Riña")
    panel = window.incidents
    assert "Riña" in panel.titles()
    panel.select_incident(iid)
    panel.entry_kind.setCurrentIndex(panel.entry_kind.findData("amendment"))
    panel.entry_body.setPlainText("corrección")
    assert panel.add_entry() is None
    assert "Select the entry" in panel.entry_error.text()
    panel.entry_kind.setCurrentIndex(panel.entry_kind.findData("note"))
    panel.entry_body.clear()
    assert panel.add_entry() is None
    assert "Write the text" in panel.entry_error.text()


def test_status_and_assignment_entries(qtbot, window, writer, store):  # type: ignore[no-untyped-def]
    """A status entry changes the incident's status; an assignment names the unit by callsign."""
    make_unit(writer, "LINCE 4")
    iid = _incident(writer, "Robo")
    panel = window.incidents
    assert "Robo" in panel.titles()
    panel.select_incident(iid)
    panel.entry_kind.setCurrentIndex(panel.entry_kind.findData("status"))
    panel.entry_status.setCurrentIndex(panel.entry_status.findData("responding"))
    assert panel.add_entry() is not None
    panel.entry_kind.setCurrentIndex(panel.entry_kind.findData("assignment"))
    panel.entry_unit.setText("LINCE 4")
    assert panel.add_entry() is not None
    texts = panel.timeline_texts()
    assert texts[0].startswith("→ Responding") and texts[1].startswith("[LINCE 4]")
    assert "Responding" in panel.header.text()


def test_filters_and_newest_first(qtbot, window, writer):  # type: ignore[no-untyped-def]
    """The list is newest first and narrows by status, severity, kind and time range."""
    now = datetime.now(UTC)
    _incident(writer, "Viejo", occurred_at=now - timedelta(days=10), severity=1)
    _incident(writer, "Medio", occurred_at=now - timedelta(days=2), kind="fire", severity=5)
    _incident(writer, "Nuevo", occurred_at=now - timedelta(hours=2), status="closed")
    panel = window.incidents
    assert panel.titles() == ["Nuevo", "Medio", "Viejo"]
    panel.f_range.setCurrentIndex(panel.f_range.findData(7))
    assert panel.titles() == ["Nuevo", "Medio"]
    panel.f_range.setCurrentIndex(panel.f_range.findData(None))
    panel.f_severity.setCurrentIndex(panel.f_severity.findData(4))
    assert panel.titles() == ["Medio"]
    panel.f_severity.setCurrentIndex(0)
    panel.f_kind.setCurrentIndex(panel.f_kind.findData("blockade"))
    assert panel.titles() == ["Nuevo", "Viejo"]
    panel.f_status.setCurrentIndex(panel.f_status.findData("closed"))
    assert panel.titles() == ["Nuevo"]
