"""Detention and use-of-force dialogs (issue 13 item 5): built from the definitions (labels
too), refusing bad input next to the field with nothing stored, amendments that keep the
original, and the custody clock turning amber and red at the deployment's thresholds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit
from sqlalchemy import func, select

from fieldclient.core import custody
from fieldclient.store import accountable
from fieldclient.store.models import Detention, UseOfForce
from fieldclient.ui.custody_list import ID_ROLE, CustodyList
from fieldclient.ui.form_dialog import set_time
from fieldclient.ui.record_dialog import AMEND, HANDOVER, RecordDialog
from sync.protocol import DETENTION
from tests.ui.conftest import make_unit


def _fill_detention(dlg: RecordDialog, **over: str) -> None:
    w = dlg.widgets
    w["person_name"].setText(over.get("person_name", "Juan Pérez García"))
    w["age"].setText(over.get("age", "34"))
    set_time(w["detained_at"], datetime.now(UTC) - timedelta(minutes=30))
    w["motive"].setPlainText("Portación de arma de fuego sin licencia")
    w["legal_ground"].setCurrentIndex(w["legal_ground"].findData("flagrancy"))


def _count(store, model) -> int:  # type: ignore[no-untyped-def]
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_the_detention_form_is_the_definition(qtbot, store, writer, translations):  # type: ignore[no-untyped-def]
    """Proves every field a person writes in a detention record has a widget of its kind
    labelled with the definition's label, in English and in Spanish, the unit prefilled."""
    uid = make_unit(writer, "HALCON-3")
    dlg = RecordDialog(store, writer, "detention", unit_id=uid)
    qtbot.addWidget(dlg)
    assert isinstance(dlg.widgets["legal_ground"], QComboBox)
    assert isinstance(dlg.widgets["force_used"], QCheckBox)
    assert isinstance(dlg.widgets["motive"], QPlainTextEdit)
    assert isinstance(dlg.widgets["age"], QLineEdit)
    assert dlg.widgets["unit_id"].currentData() == uid
    assert "handed_over_at" not in dlg.widgets  # the hand-over is its own record
    assert dlg._labels["age"].text() == DETENTION.fields["age"].label
    assert dlg._labels["legal_ground"].text() == "Legal ground *"
    translations.install("es")
    assert dlg._labels["legal_ground"].text() == "Fundamento legal *"
    assert dlg.widgets["legal_ground"].itemText(2) == "Flagrancia"  # after the blank


def test_bad_detentions_are_refused_next_to_the_field_and_nothing_is_stored(  # type: ignore[no-untyped-def]
        qtbot, store, writer, translations):
    """Proves an age of 121, a missing legal ground and a detention in the future are each
    refused with the reason under the field, and no record (nor outbox row) is written."""
    uid = make_unit(writer, "HALCON-3")
    dlg = RecordDialog(store, writer, "detention", unit_id=uid)
    qtbot.addWidget(dlg)
    _fill_detention(dlg, age="121")
    assert not dlg.submit()
    assert "between 0 and 120" in dlg.field_error("age")
    _fill_detention(dlg)
    dlg.widgets["legal_ground"].setCurrentIndex(0)  # blank
    assert not dlg.submit()
    assert "required" in dlg.field_error("legal_ground")
    _fill_detention(dlg)
    set_time(dlg.widgets["detained_at"], datetime.now(UTC) + timedelta(hours=2))
    assert not dlg.submit()
    assert "future" in dlg.field_error("detained_at")
    assert _count(store, Detention) == 0
    _fill_detention(dlg)
    assert dlg.submit()
    assert _count(store, Detention) == 1


def test_an_amendment_needs_a_reason_and_keeps_the_original(qtbot, store, writer, translations):  # type: ignore[no-untyped-def]
    """Proves the correction form refuses an amendment without a reason, and that a saved
    one carries only the corrected field while the original row is unchanged."""
    uid = make_unit(writer, "HALCON-3")
    new = RecordDialog(store, writer, "detention", unit_id=uid)
    qtbot.addWidget(new)
    _fill_detention(new)
    assert new.submit()
    rid = new.saved_id
    dlg = RecordDialog(store, writer, "detention", AMEND, original_id=rid)
    qtbot.addWidget(dlg)
    assert dlg.widgets["age"].placeholderText() == "34"  # what it corrects
    dlg.widgets["age"].setText("35")
    assert not dlg.submit()
    assert dlg.field_error("amend_reason")
    dlg.reason.setPlainText("Edad según credencial del INE")
    assert dlg.submit()
    with store.session() as s:
        history = accountable.history(s, "detention", rid)
        assert [(h["kind"], h["age"], h["person_name"]) for h in history] == [
            ("record", 34, "Juan Pérez García"), ("amendment", 35, None)]
        assert accountable.standing(s, "detention", rid)["age"] == 35


def test_the_hand_over_waits_for_the_force_report_and_the_clock_turns_red(  # type: ignore[no-untyped-def]
        qtbot, store, writer, translations):
    """Proves a detention that records force cannot be handed over before its use-of-force
    report (the reason shown in the form), and that the custody list shows a detention
    held past the warning threshold amber and one handed over past the alert red, with
    words besides the colour."""
    uid = make_unit(writer, "HALCON-3")
    now = datetime.now(UTC)
    held = writer.append_record("detention", {
        "kind": "record", "agency": "sedena", "unit_id": uid, "person_name": "Ana Ruiz",
        "detained_at": now - timedelta(minutes=90), "legal_ground": "warrant", "motive": "Orden"})
    late = writer.append_record("detention", {
        "kind": "record", "agency": "sedena", "unit_id": uid, "person_name": "Luis Ortiz Vega",
        "detained_at": now - timedelta(hours=5), "legal_ground": "flagrancy", "motive": "Robo",
        "force_used": True})
    dlg = RecordDialog(store, writer, "detention", HANDOVER, original_id=late)
    qtbot.addWidget(dlg)
    dlg.widgets["authority"].setCurrentIndex(dlg.widgets["authority"].findData("local_prosecutor"))
    set_time(dlg.widgets["handed_over_at"], now - timedelta(minutes=30))
    assert not dlg.submit()
    assert "use-of-force report" in dlg.general_error.text() + dlg.field_error("handed_over_at")
    force = RecordDialog(store, writer, "use_of_force", unit_id=uid, detention_id=late)
    qtbot.addWidget(force)
    fw = force.widgets
    set_time(fw["occurred_at"], now - timedelta(hours=5))
    fw["level"].setCurrentIndex(fw["level"].findData("reduction"))
    fw["injured"].setText("1")
    fw["people_affected"].setText("1")
    fw["medical_aid"].setChecked(True)
    fw["circumstances"].setPlainText("Opuso resistencia")
    fw["necessity"].setPlainText("Evitar la fuga")
    assert force.submit(), force.general_error.text()
    assert _count(store, UseOfForce) == 1
    assert dlg.submit()

    lst = CustodyList()
    qtbot.addWidget(lst)
    with store.session() as s:
        rows = accountable.summaries(s, "detention")
    lst.set_rows(rows, custody.Thresholds(), datetime.now(UTC))
    texts = lst.rows_text()
    assert [t[0] for t in texts] == ["A. R.", "L. O. V."]  # held first; initials only
    assert lst.clock_state(0) == custody.WARN and texts[0][2].startswith("⚠ 1 h 3")
    assert lst.clock_state(1) == custody.ALERT and texts[1][2].startswith("‼ 4 h")
    assert texts[0][3] == "In custody"
    assert texts[1][3].startswith("State public prosecutor")
    assert lst.topLevelItem(0).data(0, ID_ROLE) == held
