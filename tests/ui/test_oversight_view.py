"""The oversight view (issue 13 item 5): read-only, overdue detentions first with their
custody clock in amber and red, reports by level, agency and operation, each amendment
beside its original, a full record only through the (audited) server, the audit trail
with filters; and the main window gives it to observers and the forms to everyone else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt

from fieldclient.store import meta
from fieldclient.ui.custody_list import COLOURS
from fieldclient.ui.oversight_view import OversightView
from sync.protocol import codec
from tests.ui.conftest import make_unit


def _detention(writer, uid: str, name: str, hours: float, **extra: Any) -> str:  # type: ignore[no-untyped-def]
    return writer.append_record("detention", {  # type: ignore[no-any-return]
        "kind": "record", "agency": extra.pop("agency", "sedena"), "unit_id": uid,
        "person_name": name, "age": 30, "legal_ground": "flagrancy", "motive": "Robo",
        "detained_at": datetime.now(UTC) - timedelta(hours=hours), **extra})


def _force(writer, uid: str, level: str, **extra: Any) -> str:  # type: ignore[no-untyped-def]
    return writer.append_record("use_of_force", {  # type: ignore[no-any-return]
        "kind": "report", "agency": extra.pop("agency", "sedena"), "unit_id": uid,
        "occurred_at": datetime.now(UTC) - timedelta(hours=1), "level": level,
        "circumstances": "c", "necessity": "n", **extra})


def _column(view: OversightView, entity: str, col: int) -> list[str]:
    m = view.models[entity]
    return [m.data(m.index(r, col)) for r in range(m.rowCount())]


def test_overdue_first_filters_and_levels(qtbot, store, writer, translations, sync_tasks):  # type: ignore[no-untyped-def]
    """Proves detentions held past the alert threshold come first, then past the warning,
    then a late hand-over, then the rest, the clock cell painted red and amber; and that
    the agency, overdue and text filters and the count by level follow the records."""
    uid = make_unit(writer, "HALCON-3")
    gn = make_unit(writer, "GN-7", agency="gn")
    ok = _detention(writer, uid, "Ana Ruiz", 0.2)
    late = _detention(writer, uid, "Luis Ortiz", 6)
    writer.append_record("detention", {"kind": "handover", "agency": "sedena", "amends": late,
                                       "authority": "civic_judge",
                                       "handed_over_at": datetime.now(UTC) - timedelta(hours=1)})
    warn = _detention(writer, gn, "Eva Mora", 1.5, agency="gn")
    alert = _detention(writer, uid, "Raúl Soto", 4)
    _force(writer, uid, "reduction")
    _force(writer, gn, "lethal", agency="gn", operation_id="0190c3c1-1111-7111-8111-111111111111")
    view = OversightView(store)
    qtbot.addWidget(view)
    m = view.models["detention"]
    assert [r.id for r in m.rows] == [alert, warn, late, ok]
    assert _column(view, "detention", 1) == ["R. S.", "E. M.", "L. O.", "A. R."]
    red, amber = COLOURS["alert"][1], COLOURS["warn"][1]
    colours = [m.data(m.index(r, 0), Qt.ItemDataRole.BackgroundRole) for r in range(4)]
    assert [c.color().name() if c else None for c in colours] == [red, amber, red, None]
    view.overdue.setChecked(True)
    assert [r.id for r in m.rows] == [alert, warn]  # held and past a threshold
    view.overdue.setChecked(False)
    view.agency.setCurrentIndex(view.agency.findData("gn"))
    assert [r.id for r in m.rows] == [warn]
    view.agency.setCurrentIndex(0)
    view.search.setText("l. o.")
    assert [r.id for r in m.rows] == [late]
    view.search.clear()
    assert "3 - Physical reduction of movement: 1" in view.by_level.text()
    view.kinds.setCurrentIndex(1)
    view.operation.setCurrentIndex(view.operation.findData("0190c3c1-1111-7111-8111-111111111111"))
    assert _column(view, "use_of_force", 0) == ["5 - Firearms or lethal force"]


def test_what_the_observer_has_not_reviewed_comes_first_until_amended_again(  # type: ignore[no-untyped-def]
        qtbot, store, writer, translations, sync_tasks):
    """Proves records not yet looked at here come first (after overdue ones) in bold, that
    selecting one marks it reviewed for good (a new view of the same store keeps it),
    and that an amendment makes it "not reviewed" again."""
    uid = make_unit(writer, "HALCON-3")
    old = _detention(writer, uid, "Ana Ruiz", 0.3)
    new = _detention(writer, uid, "Luis Ortiz", 0.1)
    overdue = _detention(writer, uid, "Raúl Soto", 4)
    view = OversightView(store)
    qtbot.addWidget(view)
    m = view.models["detention"]

    def bold() -> list[bool]:
        return [bool(m.data(m.index(r, 1), Qt.ItemDataRole.FontRole)) for r in range(3)]

    assert [r.id for r in m.rows] == [overdue, new, old]
    assert bold() == [True, True, True]
    assert view.unreviewed.text() == "Not reviewed: 3"
    view.tables["detention"].selectRow(1)  # the newest: reviewed, stays where it is
    assert bold() == [True, False, True]
    assert view.unreviewed.text() == "Not reviewed: 2"
    again = OversightView(store)  # as after a restart
    qtbot.addWidget(again)
    assert [r.id for r in again.models["detention"].rows] == [overdue, old, new]
    writer.append_record("detention", {"kind": "amendment", "agency": "sedena", "amends": new,
                                       "age": 31, "amend_reason": "Credencial del INE"})
    again.reload()
    assert [r.id for r in again.models["detention"].rows] == [overdue, new, old]
    assert again.unreviewed.text() == "Not reviewed: 3"


def test_an_amendment_shows_beside_its_original_and_a_full_record_is_never_stored(  # type: ignore[no-untyped-def]
        qtbot, store, writer, translations, sync_tasks):
    """Proves selecting a detention shows the original's age next to the amendment's with
    its reason, and that "open full record" shows what the server sends (here a page with
    the full name) without writing it to the store."""
    uid = make_unit(writer, "HALCON-3")
    rid = _detention(writer, uid, "Juan Pérez García", 2)
    writer.append_record("detention", {"kind": "amendment", "agency": "sedena", "amends": rid,
                                       "age": 31, "amend_reason": "Credencial del INE"})
    asked: list[str] = []

    def opener(record_id: str) -> codec.PulledPage:
        asked.append(record_id)
        doc = {"change_id": "0190c3c1-1111-7111-8111-000000000001", "entity": "detention",
               "entity_id": rid, "op": "append", "hlc": "1764400000000-0001-n1", "seq": 1,
               "author": "ana", "fields": {"kind": "record", "agency": "sedena", "unit_id": uid,
                                           "person_name": "Juan Pérez García (servidor)",
                                           "legal_ground": "flagrancy", "motive": "Robo",
                                           "detained_at": "2026-11-29T10:00:00Z",
                                           "created_at": "2026-11-29T10:05:00Z"}}
        return codec.decode_pull(codec.pull_body([codec.encode(doc)], 1, False))

    view = OversightView(store, opener=opener)
    qtbot.addWidget(view)
    view.show_record("detention", rid)
    h = view.history
    assert (h.cell_text("age", 0), h.cell_text("age", 1)) == ("30", "31")
    assert h.cell_text("amend_reason", 1) == "Credencial del INE"
    assert h.cell_text("person_name", 1) == ""  # the amendment did not touch it
    assert h.cell_text("unit_id", 0) == "HALCON-3"  # the unit's callsign, not its id
    assert view.open_button.isEnabled()
    view.open_full_record()
    assert asked == [rid]
    assert h.cell_text("person_name", 0) == "Juan Pérez García (servidor)"
    with store.session() as s:
        names = s.connection().exec_driver_sql("SELECT person_name FROM detention").all()
    assert ("Juan Pérez García (servidor)",) not in names


def test_the_audit_trail_is_browsable_with_filters(qtbot, store, translations, sync_tasks):  # type: ignore[no-untyped-def]
    """Proves the view reads the whole trail page by page from its source and filters it
    by who, action, device and any text, newest first."""
    rows = [{"id": i, "at": f"2026-11-30T10:{i:02d}:00Z", "actor": actor,
             "device_id": device, "action": action, "subject": subject, "detail": {}}
            for i, (actor, device, action, subject) in enumerate([
                ("ana", "d1", "push", None), ("observer", "d9", "record.open", "detention:x"),
                ("beto", "d2", "login", None), ("observer", "d9", "record.open", "detention:y"),
            ], start=1)]

    def source(after: int, limit: int) -> dict[str, Any]:
        page = [r for r in rows if r["id"] > after][:2]
        return {"rows": page, "next": page[-1]["id"] if page else after}

    view = OversightView(store, audit_source=source)
    qtbot.addWidget(view)
    view.load_audit()
    assert [r[0] for r in view.audit_texts()] == ["4", "3", "2", "1"]
    view.audit_filter["action"].setText("record.open")
    assert [(r[2], r[5]) for r in view.audit_texts()] == [
        ("observer", "detention:y {}"), ("observer", "detention:x {}")]
    view.audit_filter["text"].setText("detention:x")
    assert [r[0] for r in view.audit_texts()] == ["2"]


def _sign_in_as(store, role: str, agency: str | None) -> None:  # type: ignore[no-untyped-def]
    with store.transaction() as s:
        for key, value in ((meta.SIGNED_IN_USER, "someone"), (meta.SIGNED_IN_ROLE, role),
                           (meta.SIGNED_IN_AGENCY, agency or "")):
            store.set_meta(key, value, session=s)


def test_the_window_gives_oversight_to_observers_and_the_forms_to_others(  # type: ignore[no-untyped-def]
        qtbot, window, store, writer):
    """Proves an observer's window shows the oversight panel and no record forms, a
    commander's the forms and no oversight panel, and that selecting an incident lists
    its detentions with their custody clock."""
    records = window.records
    _sign_in_as(store, "observer", None)
    records.show_for_role()
    assert records.oversight_dock.isVisible() and not records.menu.menuAction().isVisible()
    _sign_in_as(store, "commander", "sedena")
    records.show_for_role()
    assert not records.oversight_dock.isVisible() and records.menu.menuAction().isVisible()
    uid = make_unit(writer, "HALCON-3")
    iid = writer.create_incident({"title": "Robo a transporte", "kind": "robbery", "severity": 3,
                                  "occurred_at": datetime.now(UTC) - timedelta(hours=2),
                                  "agency": "sedena"})
    _detention(writer, uid, "Juan Pérez", 2, incident_id=iid)
    window.incidents.select_incident(iid)
    qtbot.waitUntil(lambda: records.incident_custody.topLevelItemCount() == 1)
    (row,) = records.incident_custody.rows_text()
    assert row[0] == "J. P." and row[2].startswith("⚠ 2 h")
    dlg = records.new_record("detention")
    assert dlg is not None and dlg.widgets["incident_id"].currentData() == iid
    dlg.close()
