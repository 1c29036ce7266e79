"""Free text with direction controls is isolated wherever the window shows it (issue 9
item 9): the roster and its details, the incident log, the Sync and Conflicts tabs and
the track; the map sets record text with textContent only, each label its own
bidirectional paragraph."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from fieldclient.store.models import Conflict, Outbox
from fieldclient.ui.conflicts_panel import ConflictsPanel
from fieldclient.ui.sync_panel import SyncPanel
from tests.ui.conftest import make_unit

RLO = "\u202e"
FSI, PDI = "\u2068", "\u2069"  # FIRST STRONG ISOLATE, POP DIRECTIONAL ISOLATE
ROOT = Path(__file__).resolve().parents[2]


def _wrapped(text: str, hostile: str) -> bool:
    """`hostile` appears only inside an isolate in `text`."""
    start = text.find(hostile)
    return start >= 0 and text.rfind(FSI, 0, start) > text.rfind(PDI, 0, start) \
        and text.find(PDI, start) >= 0


def test_record_text_with_an_override_is_isolated_on_every_screen(qtbot, window, writer, store):  # type: ignore[no-untyped-def]
    """Proves a unit name and notes, an incident title, an entry body, a track note, a
    queued change and a conflict value holding U+202E reach the widgets wrapped in
    FSI..PDI, so the override ends where the record's text ends."""
    hostile = f"Patrulla {RLO}1-OCLAH"
    uid = make_unit(writer, "HALCON 2", name=hostile, notes=hostile)
    parent_of = make_unit(writer, "HALCON 2-1", parent_id=uid)
    writer.log_position(uid, 19.4, -99.1, note=hostile)
    iid = writer.create_incident({"title": hostile, "kind": "blockade", "severity": 3,
                                  "agency": "gn",
                                  "occurred_at": datetime.now(UTC) - timedelta(hours=1)})
    writer.add_entry(iid, "note", hostile)
    with store.transaction() as s:
        s.add(Conflict(id="c-1", entity="unit", entity_id=uid, field="name",
                       winner_value=hostile, loser_value="Patrulla", winner_hlc="1",
                       loser_hlc="0", winner_by="ana", loser_by="beto", status="open",
                       field_hlcs={}))
    qtbot.waitUntil(lambda: window.model.row_of(parent_of) is not None, timeout=5000)

    window.roster.select_unit(uid)
    details = window.roster.details.text()
    assert _wrapped(details, f"{RLO}1-OCLAH") and details.count(FSI) >= 2
    window.track.show_unit(uid)
    notes = [window.track.table.item(r, 5).text() for r in range(window.track.table.rowCount())]
    assert notes and _wrapped(notes[0], RLO)

    panel = window.incidents
    panel.reload()
    panel.select_incident(iid)
    assert _wrapped(panel.header.text(), RLO)
    assert any(_wrapped(t, RLO) for t in panel.titles())
    assert all(_wrapped(t, RLO) for t in panel.timeline_texts())

    with store.transaction() as s:  # a rejection whose reason quotes the record's text
        row = s.scalars(select(Outbox).where(Outbox.entity == "incident")).first()
        row.state, row.reason = "rejected", f"Title: “{hostile}” is not allowed"
    sync = SyncPanel(store, window.events)
    qtbot.addWidget(sync)
    reasons = [sync.model.data(sync.model.index(r, 3)) for r in range(sync.model.rowCount())]
    assert any(RLO in c for c in reasons) and all(_wrapped(c, RLO) for c in reasons if RLO in c)
    conflicts = ConflictsPanel(store, window.events, writer)
    qtbot.addWidget(conflicts)
    values = [conflicts.table.item(0, c).text() for c in range(conflicts.table.columnCount())]
    assert any(RLO in v for v in values) and all(_wrapped(v, RLO) for v in values if RLO in v)


def test_map_sets_record_text_with_textcontent_in_its_own_paragraph():
    """Proves the map page never writes record text as HTML (only textContent; the one
    innerHTML read is the escaping helper's) and styles labels and the info box as
    bidirectional paragraphs of their own (the CSS form of dir="auto")."""
    js = (ROOT / "resources" / "web" / "map.js").read_text(encoding="utf-8")
    writes = [m.group(0) for m in re.finditer(r"\.innerHTML\s*=(?!=)", js)]
    assert writes == []
    assert "insertAdjacentHTML" not in js and "document.write" not in js
    css = (ROOT / "resources" / "web" / "map.css").read_text(encoding="utf-8")
    assert re.search(r"\.enl-label, \.enl-info div \{ unicode-bidi: plaintext; \}", css)
