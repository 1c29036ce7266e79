"""Issue 15, item 3: Spanish throughout the window, at 1366 x 768.

No English source string, wire field name or vocabulary code is visible in the Spanish
window (main panels, Sync, Conflicts; labels, buttons, tabs, headers, cells, tooltips,
menus); rejections read in Spanish from their code and parameters; agencies are shown by
name; no text is cut short; times are local with their zone, or date-time groups.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from fieldclient.store.models import Conflict, Incident, Outbox, Unit
from fieldclient.ui import labels, times
from tests.ui.screen_checks import english_leaks, screenshot, truncated, visible_texts

ENGLISH_REASON = "Your role (liaison) may not edit a Unit."


def _reject_one_change(store) -> int:  # type: ignore[no-untyped-def]
    """The newest waiting change, refused by the server as a liaison officer's edit."""
    with store.transaction() as s:
        seq = s.scalar(select(Outbox.seq).order_by(Outbox.seq.desc()).limit(1))
        s.execute(update(Outbox).where(Outbox.seq == seq).values(
            state="rejected", reason=ENGLISH_REASON, code="role_may_not_edit",
            params={"role": "liaison", "entity": "unit"}))
    return int(seq)


def _add_conflicts(store) -> None:  # type: ignore[no-untyped-def]
    with store.transaction() as s:
        unit = s.scalars(select(Unit).where(Unit.callsign == "HALCON")).first()
        incident = s.scalars(select(Incident)).first()
        assert unit is not None and incident is not None
        now = datetime.now(UTC)
        s.add(Conflict(id="c-status", entity="unit", entity_id=unit.id, field="status",
                       winner_value="returning", loser_value="engaged", winner_by="ana",
                       loser_by="beto", winner_hlc="1764400000000-0001-a",
                       loser_hlc="1764400000001-0000-b", status="open", detected_at=now,
                       field_hlcs={}))
        s.add(Conflict(id="c-agency", entity="incident", entity_id=incident.id,
                       field="agency", winner_value="pol-jal", loser_value="gn",
                       winner_by="ana", loser_by="beto", winner_hlc="1764400000000-0001-a",
                       loser_hlc="1764400000001-0000-b", status="open", detected_at=now,
                       field_hlcs={}))


def _busy_window(w) -> None:  # type: ignore[no-untyped-def]
    """A unit and an incident selected, a rejected change and two conflicts on record."""
    _reject_one_change(w.store)
    _add_conflicts(w.store)
    w.sync_panel.refresh()
    w.conflicts_panel.refresh()
    w._refresh_waiting()
    w.roster.select_unit(w.model.unit_id(3))
    w.incidents.select_incident(w.incidents._rows[0].id)


def _each_panel(w):  # type: ignore[no-untyped-def]
    """Show each panel in turn (tabs share their place), yielding its name."""
    for dock in w.docks():
        w.show_panel(dock)
        yield dock.objectName()


def test_no_english_in_the_spanish_window(es_window, qtbot):  # type: ignore[no-untyped-def]
    """Every text a Spanish user can see or hover in the main window, its menus and every
    panel (Sync and Conflicts included) is Spanish: no English source string, no raw
    field name ("status", "unit_id"), no vocabulary code ("returning"), no agency slug."""
    w = es_window
    _busy_window(w)
    slugs = frozenset(labels.agency_names())
    texts = visible_texts(w)
    for name in _each_panel(w):
        texts += visible_texts(w)
        screenshot(w, f"03-panel-{name}-es")
    assert any("Rechazado" in t or "rechazado" in t for t in texts)
    assert any(t.startswith("Unidad HALCON") for t in texts)
    leaks = english_leaks(texts, also=slugs)
    assert leaks == [], "\n".join(leaks)


def test_the_leak_check_sees_english(es_window):  # type: ignore[no-untyped-def]
    """The check above would catch the old leaks: English labels, raw field names and
    values, slugs, an English server reason."""
    slugs = frozenset(labels.agency_names())
    leaks = english_leaks(["Incidente · status", "Campo: status", "returning", "pol-jal",
                           ENGLISH_REASON, "Sync now", "Not yet confirmed: 3 · Rejected: 1"],
                          also=slugs)
    assert len(leaks) == 7, leaks
    assert english_leaks(["Incidente · Estado", "En operación", "Guardia Nacional"]) == []


def test_rejections_read_in_spanish_from_their_code(es_window):  # type: ignore[no-untyped-def]
    """The server's English words stay on the row (for logs); the panel shows the rejection
    rendered from its code and parameters, the role by its Spanish label."""
    w = es_window
    seq = _reject_one_change(w.store)
    w.sync_panel.refresh()
    row = next(i for i, r in enumerate(w.sync_panel.rows) if r["seq"] == seq)
    cells = [w.sync_panel.model.index(row, c).data() for c in range(4)]
    assert cells[2] == "rechazado"
    assert cells[3] == "Su rol (Oficial de enlace) no puede editar un registro de tipo Unidad." \
        or ("Oficial de enlace" in cells[3] and "Unidad" in cells[3]), cells[3]
    assert "liaison" not in cells[3] and cells[3] != ENGLISH_REASON
    with w.store.session() as s:
        assert s.get(Outbox, seq).reason == ENGLISH_REASON  # the English detail is kept


def test_agencies_are_shown_by_name(es_window):  # type: ignore[no-untyped-def]
    """Roster cells and filter, unit details, the incident log and the dialogs name the
    agency ("Guardia Nacional"), never its slug ("gn")."""
    w = es_window
    names = labels.agency_names()
    assert names["gn"] == "Guardia Nacional"
    from fieldclient.ui.roster_model import AGENCY, COL_AGENCY

    shown = {w.model.index(r, COL_AGENCY).data() for r in range(w.model.rowCount())}
    assert "Guardia Nacional" in shown and not shown & set(names)
    combo = w.roster.agency
    items = [combo.itemText(i) for i in range(combo.count())]
    assert "Guardia Nacional" in items and "gn" not in items
    assert combo.itemData(items.index("Guardia Nacional")) == "gn"
    gn_row = next(r for r in range(w.model.rowCount()) if w.model.row_at(r)[AGENCY] == "gn")
    w.roster.select_unit(w.model.unit_id(gn_row))
    assert "Guardia Nacional" in w.roster.details.text()
    w.incidents.select_incident(w.incidents._rows[0].id)
    header = w.incidents.header.text()
    rec = w.incidents._record
    assert names[rec["agency"]] in header and f" {rec['agency']} " not in header
    dlg = w.new_unit()
    agency_items = [dlg.agency.itemText(i) for i in range(dlg.agency.count())]
    assert "Guardia Nacional" in agency_items and not set(agency_items) & set(names)
    dlg.reject()
    inc = w.new_incident()
    involved = [inc.agencies.item(i).text() for i in range(inc.agencies.count())]
    assert "Guardia Nacional" in involved
    inc.reject()


def test_conflict_values_are_labels_and_names(es_window):  # type: ignore[no-untyped-def]
    """A conflict on an incident's agency shows both agencies by name; one on a unit's
    superior shows both superiors by callsign, not by record id."""
    w = es_window
    _add_conflicts(w.store)
    with w.store.transaction() as s:
        units = s.scalars(select(Unit).where(Unit.callsign.in_(["HALCON", "JAGUAR", "COYOTE"]))
                          .order_by(Unit.callsign)).all()
        coyote, halcon, jaguar = units
        s.add(Conflict(id="c-parent", entity="unit", entity_id=coyote.id, field="parent_id",
                       winner_value=halcon.id, loser_value=jaguar.id, winner_by="ana",
                       loser_by="beto", status="open", detected_at=datetime.now(UTC),
                       field_hlcs={}))
    w.conflicts_panel.refresh()
    panel = w.conflicts_panel
    row = next(i for i, r in enumerate(panel.rows) if r["id"] == "c-agency")
    cells = [panel.table.item(row, c).text() for c in range(panel.COLS)]
    assert cells[1] == "Dependencia que reporta" or cells[1].startswith("Dependencia")
    assert cells[2] == "Policía Estatal de Jalisco" and cells[5] == "Guardia Nacional"
    row = next(i for i, r in enumerate(panel.rows) if r["id"] == "c-parent")
    cells = [panel.table.item(row, c).text() for c in range(panel.COLS)]
    assert cells[1] == "Depende de" or cells[1] == labels.field_name("unit", "parent_id")
    assert (cells[2], cells[5]) == ("HALCON", "JAGUAR")


def test_no_text_is_cut_at_1366_by_768(es_window):  # type: ignore[no-untyped-def]
    """Every label, button, drop-down entry, placeholder, tab, column title and cell of
    the main window fits its place in Spanish at 1366 x 768 (cells that cannot, like long
    titles, carry the whole text in their tooltip) - each panel in turn."""
    w = es_window
    _busy_window(w)
    problems = truncated(w)
    for name in _each_panel(w):
        problems += [f"[{name}] {p}" for p in truncated(w)]
    assert problems == [], "\n".join(problems)


def test_times_are_local_with_zone_or_dtg(es_window, qtbot):  # type: ignore[no-untyped-def]
    """Lists name the zone in the column title, details write it after the time; the
    toolbar's Hora picker (and View > Horas) switches every panel to date-time groups,
    and the choice is remembered."""
    w = es_window
    zone = times.zone_now()
    assert w.incidents.list.headerItem().text(0) == f"Ocurrió ({zone})"
    w.incidents.select_incident(w.incidents._rows[0].id)
    occurred = w.incidents._record["occurred_at"]
    assert times.local_text(occurred) in w.incidents.header.text()
    assert w.incidents.list.topLevelItem(0).toolTip(0).endswith(times.dtg_text(occurred))
    w.menus.act_time_dtg.trigger()
    assert w.toolbar.time_combo.currentData() == "dtg"
    assert w.incidents.list.headerItem().text(0) == "Ocurrió"
    first = w.incidents.list.topLevelItem(0).text(0)
    assert first.endswith("Z " + first.split()[-2] + " " + first.split()[-1])
    assert times.dtg_text(occurred) in w.incidents.header.text()
    assert w.settings.value("view/timeStyle") == "dtg"
    screenshot(w, "03-times-dtg-es")
