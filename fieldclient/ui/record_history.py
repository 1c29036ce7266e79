"""One detention or use-of-force report with each amendment beside its original: a table
whose rows are the fields and whose columns are the original and every later record (an
amendment with its reason, author and time; a hand-over), corrected cells marked.

Read-only. The rows come from the local store (personal data as this laptop holds it:
initials unless this officer wrote the record) or, once the record is opened through the
server, from the full documents it sent (shown here only, never stored).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem, QWidget

from fieldclient.core.bidi import isolate
from fieldclient.core.timefmt import format_local, from_wire
from fieldclient.ui.labels import field_name, label
from sync.protocol.accountability import ENVELOPE
from sync.protocol.entity import ENTITIES
from sync.protocol.fields import Choice, Ref, Time

AMENDED = "#fff1b8"  # a corrected cell (its text is bold too: not colour alone)


def show(entity: str, name: str, value: Any, names: dict[str, str] | None = None) -> str:
    """A field's value as people read it (`names`: what a referenced record is called)."""
    if value is None:
        return ""
    f = ENTITIES[entity].fields.get(name)
    if f is not None and isinstance(f.kind, Ref) and names and str(value) in names:
        return isolate(names[str(value)])
    if f is not None and isinstance(f.kind, Time):
        when = value if isinstance(value, datetime) else from_wire(value)
        return format_local(when)
    if f is not None and isinstance(f.kind, Choice):
        return label(str(value), f.kind.vocab.name)
    if isinstance(value, bool):
        return "✔" if value else "✘"
    return isolate(str(value))


class RecordHistory(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordHistory")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.entity = "detention"
        self.records: list[dict[str, Any]] = []

    def set_records(self, entity: str, records: list[dict[str, Any]],
                    refs: dict[str, str] | None = None) -> None:
        """The original first, then the later records (dicts of field values plus `author`
        and `created_at`), as store.accountable.history returns them; `refs`: what the
        units, incidents and operations they name are called (store.accountable.ref_names),
        the id staying in the cell's tool tip."""
        self.entity, self.records = entity, records
        self.clear()
        if not records:
            self.setRowCount(0)
            self.setColumnCount(0)
            return
        names = [n for n in ENTITIES[entity].fields if n not in ENVELOPE
                 and any(r.get(n) is not None for r in records)]
        self.setColumnCount(len(records))
        self.setRowCount(len(names) + 2)
        heads = []
        for r in records:
            kind = label(r.get("kind"), ENTITIES[entity].fields["kind"].kind.vocab.name)  # type: ignore[attr-defined]
            heads.append(f"{kind}\n{show(entity, 'created_at', r.get('created_at'))}")
        self.setHorizontalHeaderLabels(heads)
        rows = [field_name(entity, "author"), field_name(entity, "amend_reason")]
        self.setVerticalHeaderLabels(rows + [field_name(entity, n) for n in names])
        bold = QFont()
        bold.setBold(True)
        for col, r in enumerate(records):
            self.setItem(0, col, QTableWidgetItem(isolate(r.get("author") or "")))
            self.setItem(1, col, QTableWidgetItem(isolate(r.get("amend_reason") or "")))
            for row, name in enumerate(names, start=2):
                item = QTableWidgetItem(show(entity, name, r.get(name), refs))
                if refs and str(r.get(name)) in refs:
                    item.setToolTip(str(r.get(name)))
                if col > 0 and r.get(name) is not None:
                    item.setBackground(QBrush(QColor(AMENDED)))
                    item.setForeground(QBrush(QColor("#222")))
                    item.setFont(bold)
                self.setItem(row, col, item)
        self.resizeColumnsToContents()
        self.resizeRowsToContents()

    def cell_text(self, field: str, column: int) -> str:
        """What the table shows for one field of one record (tests read it back)."""
        for row in range(self.rowCount()):
            head = self.verticalHeaderItem(row)
            if head is not None and head.text() == field_name(self.entity, field):
                item = self.item(row, column)
                return item.text() if item is not None else ""
        return ""
