"""Dialogs for detentions and use-of-force reports, built from their definitions.

Every field's widget comes from its kind in `sync.protocol.accountability` (text,
long text, choice, whole number, yes/no, time, a record it names) and its label from
the definition (translation context "fields"), so a field added there shows here with
no code. Three modes:

- `new`: the original record (the detention record or the report), prefilled with the
  unit, its agency and the signed-in officer;
- `amend`: a correction of an original: the reason and only the fields corrected
  (blank means unchanged; yes/no fields offer "unchanged"); the original stays;
- `handover`: a detention's hand-over (puesta a disposición): to whom and when.

Values go through the same parsing and checks as the command line
(`core.validation.input_problems`) and the same write path (`LocalWriter.append_record`,
which also applies the server's rules); each refusal is shown next to its field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from sqlalchemy import select

from fieldclient.core.errors import InvalidInput
from fieldclient.core.validation import input_problems
from fieldclient.store import accountable
from fieldclient.store.db import Store
from fieldclient.store.models import Incident, Unit
from fieldclient.store.writer import LocalWriter
from fieldclient.ui.form_dialog import FormDialog, fill_codes, read_time, refusal_text, time_edit
from fieldclient.ui.labels import entity_name, field_name, label
from fieldclient.ui.position_dialog import CoordinateInput
from sync.protocol.accountability import ENVELOPE, HANDOVER_FIELDS, ORIGINAL_KINDS, REQUIRED
from sync.protocol.entity import ENTITIES, Field
from sync.protocol.fields import Choice, Text

NEW, AMEND, HANDOVER = "new", "amend", "handover"
PLACE = "place"  # lat and lon in one coordinate input
# Fields a dialog never shows: the envelope, and what the dialog fills in itself.
_HIDDEN = set(ENVELOPE) | {"lat", "lon"}
# Fields an original does not take in the dialog: the hand-over is its own record.
_LATER = {"detention": set(HANDOVER_FIELDS), "use_of_force": set()}


class OptionalTime(QWidget):
    """A time that may be left out: a tick box turns the time on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.given = QCheckBox()
        self.edit = time_edit()
        self.edit.setEnabled(False)
        self.given.toggled.connect(self.edit.setEnabled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.given)
        row.addWidget(self.edit, 1)


class RecordDialog(FormDialog):
    def __init__(self, store: Store, writer: LocalWriter, entity: str, mode: str = NEW, *,
                 original_id: str | None = None, unit_id: str | None = None,
                 incident_id: str | None = None, detention_id: str | None = None,
                 coord_format: str = "dd", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{entity}Dialog")
        self.store, self.writer, self.entity, self.mode = store, writer, entity, mode
        self.definition = ENTITIES[entity]
        self.original_id = original_id
        self.agency: str | None = None
        self.widgets: dict[str, Any] = {}
        with store.session() as s:
            if original_id is not None:
                standing = accountable.standing(s, entity, original_id)
                if standing is None:
                    raise InvalidInput(QCoreApplication.translate(
                        "RecordDialog", "The record to correct is not on this computer."))
                self.agency = standing["agency"]
                self._standing: dict[str, Any] = standing
            else:
                self._standing = {}
            choices = self._choices(s)
        if mode == AMEND:
            self.reason = QPlainTextEdit()
            self.reason.setObjectName("amend_reason")
            self.reason.setFixedHeight(54)
            self.add_field("amend_reason", self.reason)
        for name in self._fields():
            if name == PLACE:
                self.widgets[PLACE] = CoordinateInput(coord_format)
            else:
                self.widgets[name] = self._widget(self.definition.fields[name], choices)
            self.add_field(name, self.widgets[name])
        self._prefill(unit_id, incident_id, detention_id)
        self.retranslateUi()
        self.resize(560, min(self.sizeHint().height(), 760))

    # -- which fields, which widgets ----------------------------------------------------

    def _fields(self) -> list[str]:
        if self.mode == HANDOVER:
            return list(HANDOVER_FIELDS)
        out: list[str] = []
        for name in self.definition.fields:
            if name in _HIDDEN or (self.mode == NEW and name in _LATER[self.entity]):
                continue
            f = self.definition.fields[name]
            if f.stamped or not f.client:
                continue
            if name in ("address",) and PLACE not in out:
                out.append(PLACE)
            out.append(name)
        return out

    def _required(self, name: str) -> bool:
        if self.mode == HANDOVER:
            return True
        return self.mode == NEW and name in REQUIRED[self.entity]

    def _choices(self, s: Any) -> dict[str, list[tuple[str, str]]]:
        """Records a reference field may name: the units, incidents and detentions here."""
        units = [(u.id, u.callsign) for u in s.scalars(select(Unit).order_by(Unit.callsign))
                 if u.status != "retired"]
        incidents = [(i.id, i.title) for i in s.scalars(
            select(Incident).order_by(Incident.occurred_at.desc()).limit(500))]
        detentions = [(d.id, f"{d.initials} · {d.when:%Y-%m-%d %H:%M}" if d.when else d.initials)
                      for d in accountable.summaries(s, "detention")]
        return {"unit_id": units, "incident_id": incidents, "detention_id": detentions}

    def _widget(self, f: Field, choices: dict[str, list[tuple[str, str]]]) -> QWidget:
        form = f.kind.form
        w: QWidget
        if form == "ref" and f.name in choices:
            combo = QComboBox()
            combo.addItem("", None)
            for rid, text in choices[f.name]:
                combo.addItem(text, rid)
            w = combo
        elif form == "choice":
            w = QComboBox()
        elif form == "bool":
            w = QComboBox() if self.mode == AMEND else QCheckBox()
        elif form == "time":
            w = time_edit() if self._required(f.name) and self.mode != AMEND else OptionalTime()
        elif isinstance(f.kind, Text) and f.kind.long:
            w = QPlainTextEdit()
            w.setFixedHeight(54)
        else:
            w = QLineEdit()
        w.setObjectName(f.name)
        return w

    def _prefill(self, unit_id: str | None, incident_id: str | None,
                 detention_id: str | None) -> None:
        for name, value in (("unit_id", unit_id), ("incident_id", incident_id),
                            ("detention_id", detention_id)):
            combo = self.widgets.get(name)
            if isinstance(combo, QComboBox) and value:
                at = combo.findData(value)
                combo.setCurrentIndex(max(at, 0))
        officers = self.widgets.get("officers")
        if self.mode == NEW and isinstance(officers, QPlainTextEdit):
            officers.setPlainText(self.writer.actor)

    def retranslateUi(self) -> None:
        titles = {NEW: QCoreApplication.translate("RecordDialog", "New {entity}"),
                  AMEND: QCoreApplication.translate("RecordDialog", "Correct {entity}"),
                  HANDOVER: QCoreApplication.translate("RecordDialog", "Hand-over")}
        self.setWindowTitle(titles[self.mode].format(entity=entity_name(self.entity)))
        if self.mode == AMEND:
            self.set_label("amend_reason", field_name(self.entity, "amend_reason") + " *")
        unchanged = QCoreApplication.translate("RecordDialog", "(unchanged)")
        for name, w in self.widgets.items():
            text = (QCoreApplication.translate("RecordDialog", "Place (coordinates)")
                    if name == PLACE else field_name(self.entity, name))
            self.set_label(name, text + (" *" if self._required(name) else ""))
            f = self.definition.fields.get(name)
            if f is None:
                continue
            if isinstance(f.kind, Choice) and isinstance(w, QComboBox):
                # a required choice starts empty too: the officer picks it, nothing is assumed
                blank = unchanged if self.mode == AMEND else ""
                fill_codes(w, f.kind.vocab.values, blank=blank)
            elif f.kind.form == "bool" and isinstance(w, QComboBox):
                current = w.currentData()
                w.clear()
                for data, text in ((None, unchanged),
                                   (True, QCoreApplication.translate("RecordDialog", "Yes")),
                                   (False, QCoreApplication.translate("RecordDialog", "No"))):
                    w.addItem(text, data)
                w.setCurrentIndex(max(w.findData(current), 0))
            elif isinstance(w, QLineEdit | QPlainTextEdit) and self.mode == AMEND:
                current = self._standing.get(name)
                if current is not None and f.kind.form != "ref":
                    w.setPlaceholderText(str(label(current) if isinstance(f.kind, Choice)
                                             else current))

    # -- reading and saving ------------------------------------------------------------

    def _value(self, name: str, w: Any) -> Any:
        if isinstance(w, OptionalTime):
            return read_time(w.edit, name) if w.given.isChecked() else None
        if isinstance(w, QDateTimeEdit):
            return read_time(w, name)
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QCheckBox):
            return True if w.isChecked() else None
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QLineEdit):
            return w.text()
        return None

    def values(self) -> dict[str, Any]:
        """What the form holds, as typed (blank fields left out)."""
        out: dict[str, Any] = {}
        for name, w in self.widgets.items():
            if name == PLACE:
                continue
            value = self._value(name, w)
            if value is not None and not (isinstance(value, str) and not value.strip()):
                out[name] = value
        return out

    def save(self) -> str | None:
        raw = self.values()
        place = self.widgets.get(PLACE)
        place_ok = True
        if place is not None and place.text.text().strip():
            try:
                raw["lat"], raw["lon"], _square = place.located()
            except InvalidInput as err:
                self.set_field_error(PLACE, refusal_text(err))
                place_ok = False
        if self.mode == NEW:
            raw["kind"] = ORIGINAL_KINDS[self.entity]
            raw["agency"] = self._unit_agency(raw.get("unit_id")) or self.agency
        else:
            raw["kind"] = "amendment" if self.mode == AMEND else "handover"
            raw["amends"], raw["agency"] = self.original_id, self.agency
            if self.mode == AMEND:
                raw["amend_reason"] = self.reason.toPlainText()
        raw["created_at"] = datetime.now(UTC)
        clean, problems = input_problems(self.entity, raw, creating=True)
        self.show_problems(problems, skip=() if place_ok else ("lat", "lon"))
        if self.has_errors():
            return None
        return self.writer.append_record(self.entity, clean)

    def _unit_agency(self, unit_id: str | None) -> str | None:
        if not unit_id:
            return None
        with self.store.session() as s:
            unit = s.get(Unit, unit_id)
            return unit.agency if unit is not None else None

    def _field_for(self, field: str | None) -> str:
        if field in ("lat", "lon"):
            return PLACE
        return super()._field_for(field)
