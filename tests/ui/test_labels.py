"""One label per value, field and kind of record, from the protocol's definitions, in every
panel: roster, incident log, dialogs, Sync and Conflicts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fieldclient.core import vocab
from fieldclient.store.models import Conflict
from fieldclient.ui.conflicts_panel import ConflictsPanel
from fieldclient.ui.events import StoreEvents
from fieldclient.ui.form_dialog import fill_codes
from fieldclient.ui.labels import field_name, label, labels_of
from fieldclient.ui.roster_model import COL_STATUS, STATUS
from fieldclient.ui.sync_panel import SyncPanel
from sync.protocol import VOCABS
from tests.ui.conftest import make_unit

# The values the roster and the map used to name differently, and the one term chosen.
DISPUTED = {
    ("unit_status", "engaged"): "En operación",
    ("unit_status", "returning"): "De regreso",
    ("incident_status", "contained"): "Controlado",
}


def test_core_vocab_is_the_protocols_vocabulary() -> None:
    """core.vocab answers from sync.protocol.vocab: same groups, values and labels."""
    assert set(vocab.GROUPS) == set(VOCABS)
    for name, v in VOCABS.items():
        assert vocab.values(name) == v.values
        assert vocab.choices(name) == list(v.labels.items())
    assert vocab.label("unit_status", "retired") == "Retired"
    assert vocab.label("incident_status", "voided") == "Voided"


def test_a_value_in_several_vocabularies_reads_the_same_in_each() -> None:
    """label(value) without its vocabulary is unambiguous (the dialogs' pickers rely on it)."""
    seen: dict[str, set[str]] = {}
    for v in VOCABS.values():
        for value, text in v.labels.items():
            seen.setdefault(value, set()).add(text)
    assert {value: texts for value, texts in seen.items() if len(texts) > 1} == {}


def test_disputed_values_have_one_spanish_term_everywhere(qtbot, window, writer, translations):  # type: ignore[no-untyped-def]
    """In Spanish, the roster cell, the roster's status filter, the incident log's filter and a
    dialog's picker all show the one chosen term for engaged, returning and contained."""
    uid = make_unit(writer, "ALFA", status="engaged")
    translations.install("es")
    for (group, value), term in DISPUTED.items():
        assert label(value, group) == term
        assert labels_of(group)[value] == term
    model = window.model
    row = model.row_of(uid)
    assert model.row_by_id(uid)[STATUS] == "engaged"
    assert model.index(row, COL_STATUS).data() == "En operación"
    combo = window.roster.status
    assert combo.itemText(combo.findData("returning")) == "De regreso"
    combo = window.incidents.f_status
    assert combo.itemText(combo.findData("contained")) == "Controlado"
    from PySide6.QtWidgets import QComboBox

    picker = QComboBox()
    fill_codes(picker, vocab.values("unit_status"))
    assert picker.itemText(picker.findData("engaged")) == "En operación"
    assert picker.itemText(picker.findData("retired")) == "Dada de baja"


def test_roster_headers_are_the_field_labels(window, translations):  # type: ignore[no-untyped-def]
    """A roster column showing a field is titled with that field's label, in each language."""
    from PySide6.QtCore import Qt

    assert window.model.headerData(COL_STATUS, Qt.Orientation.Horizontal) == field_name("unit", "status")
    translations.install("es")
    assert window.model.headerData(COL_STATUS, Qt.Orientation.Horizontal) == "Estado"


@pytest.fixture
def panel_events(store):  # type: ignore[no-untyped-def]
    events = StoreEvents(store)
    yield events
    events.close()


def test_sync_panel_names_fields_and_records_by_their_labels(qtbot, store, writer, panel_events,  # type: ignore[no-untyped-def]
                                                             translations, sync_tasks):
    """A waiting change reads "Unit · Callsign, Name, Agency, Kind, …", not wire names, and
    follows the language."""
    writer.create_unit({"callsign": "ALFA", "name": "Primera", "agency": "gn", "kind": "police"})
    panel = SyncPanel(store, panel_events)
    qtbot.addWidget(panel)
    change = panel.model.data(panel.model.index(0, 1))
    assert change.startswith("Unit · Callsign, Name, Agency, Kind")
    assert "callsign" not in change and "agency" not in change
    translations.install("es")
    change = panel.model.data(panel.model.index(0, 1))
    assert change.startswith("Unidad · Indicativo, Nombre, Dependencia, Tipo")


def test_conflicts_panel_shows_labels_of_field_record_and_values(qtbot, store, writer,  # type: ignore[no-untyped-def]
                                                                 panel_events, translations,
                                                                 sync_tasks):
    """A conflict on a unit's status shows "Status" and both values by their labels
    ("Returning", "Engaged"), in Spanish too; free text stays as written."""
    uid = make_unit(writer, "LOBO")
    with store.transaction() as s:
        s.add(Conflict(id="c-1", entity="unit", entity_id=uid, field="status",
                       winner_value="returning", loser_value="engaged", winner_by="ana",
                       loser_by="beto", winner_hlc="1764400000000-0001-a",
                       loser_hlc="1764400000001-0000-b", status="open",
                       detected_at=datetime.now(UTC), field_hlcs={}))
        s.add(Conflict(id="c-2", entity="unit", entity_id=uid, field="callsign",
                       winner_value="LOBO", loser_value="LOBO 2", winner_by="ana",
                       loser_by="beto", status="open", detected_at=datetime.now(UTC),
                       field_hlcs={}))
    panel = ConflictsPanel(store, panel_events, writer)
    qtbot.addWidget(panel)

    def cells(conflict_id: str) -> list[str]:
        row = next(i for i, r in enumerate(panel.rows) if r["id"] == conflict_id)
        return [panel.table.item(row, c).text() for c in range(panel.COLS)]

    status = cells("c-1")
    assert status[0] == "Unit LOBO" and status[1] == "Status"
    assert status[2] == "Returning" and status[5] == "Engaged"
    assert cells("c-2")[1:3] == ["Callsign", "LOBO"] and cells("c-2")[5] == "LOBO 2"
    translations.install("es")
    status = cells("c-1")
    assert status[0] == "Unidad LOBO" and status[1] == "Estado"
    assert status[2] == "De regreso" and status[5] == "En operación"
