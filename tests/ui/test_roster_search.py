"""Issue 15, item 4: the roster's search fits how people type - accents and capitals do
not matter, and it looks at the callsign, the name, the agency's name and the labels of
kind and status in the user's language (it used to match English codes only: "police"
found 112 units and "policía" none)."""

from __future__ import annotations

from fieldclient.ui.labels import agency_name, label
from fieldclient.ui.roster_model import AGENCY, CALLSIGN, ID, KIND, NAME, STATUS
from fieldclient.ui.roster_search import fold
from tests.ui.screen_checks import screenshot


def _found(w, text: str) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
    w.roster.search.setText(text)
    w.roster.apply_filter()
    return [w.model.row_at(r) for r in range(w.model.rowCount())]


def _words(row: tuple) -> str:  # type: ignore[type-arg]
    """Everything the search may match on a row, folded."""
    return fold(" ".join([row[CALLSIGN], row[NAME] or "", agency_name(row[AGENCY]),
                          label(row[KIND], "unit_kind"), label(row[STATUS], "unit_status"),
                          row[AGENCY], row[KIND], row[STATUS]]))


def test_fold_ignores_accents_and_capitals() -> None:
    """The folding the keys and the typed text share."""
    assert fold("Policía") == fold("POLICIA") == "policia"
    assert fold("HALCÓN 1") == "halcon 1"
    assert fold("En operación") == "en operacion"
    assert fold("") == "" and fold(None) == ""


def test_spanish_words_find_what_they_say(es_window):  # type: ignore[no-untyped-def]
    """"policía", "halcón", "Guardia Nacional", "marina" and "en operación" each find the
    units they name (kind police or a police agency; HALCON callsigns; the Guardia
    Nacional; SEMAR; units engaged), and only those."""
    w = es_window
    police = _found(w, "policía")
    assert len(police) > 50
    assert all("policia" in _words(r) for r in police)
    assert {r[KIND] for r in police} >= {"police"}
    assert _found(w, "POLICIA") == police == _found(w, "Policia")
    halcon = _found(w, "halcón")
    assert halcon and all(r[CALLSIGN].startswith("HALCON") or "halcon" in _words(r)
                          for r in halcon)
    assert any(r[CALLSIGN] == "HALCON" for r in halcon)
    gn = _found(w, "Guardia Nacional")
    assert gn and {r[AGENCY] for r in gn} == {"gn"}
    marina = _found(w, "marina")
    assert marina and {r[AGENCY] for r in marina} == {"semar"}
    engaged = _found(w, "en operación")
    assert engaged and {r[STATUS] for r in engaged} == {"engaged"}
    screenshot(w, "04-search-en-operacion-es")
    assert _found(w, "zzz-nadie") == []


def test_english_codes_and_labels_still_work_in_english(es_window, translations):  # type: ignore[no-untyped-def]
    """The stored codes match in either language; in English the English labels do; the
    agency names (Spanish proper names) match whatever the language."""
    w = es_window
    assert {r[KIND] for r in _found(w, "police")} == {"police"}
    translations.install("en")
    engaged = _found(w, "Engaged")
    assert engaged and {r[STATUS] for r in engaged} == {"engaged"}
    assert {r[KIND] for r in _found(w, "Civil protection")} == {"civil_protection"}
    assert {r[AGENCY] for r in _found(w, "Guardia Nacional")} == {"gn"}


def test_search_follows_an_edit_and_an_agency_rename(es_window, qtbot):  # type: ignore[no-untyped-def]
    """A unit edited to "engaged" is found by "en operación" at once; a renamed agency is
    found by its new name."""
    w = es_window
    before = len(_found(w, "en operación"))
    available = next(r for r in _found(w, "") if r[STATUS] == "available")
    uid = available[ID]
    w.writer.update_unit(uid, {"status": "engaged"})
    qtbot.waitUntil(lambda: len(_found(w, "en operación")) == before + 1)
    from fieldclient.store.events import ChangeSet
    from fieldclient.store.models import Agency

    with w.store.transaction() as s:
        s.get(Agency, "gn").name = "Guardia Nacional de México"
    cs = ChangeSet("sync")
    cs.add("agency", "gn")
    w.store.bus.publish(cs)
    qtbot.waitUntil(lambda: bool(_found(w, "guardia nacional de mexico")))
    assert {r[AGENCY] for r in _found(w, "de méxico")} == {"gn"}
