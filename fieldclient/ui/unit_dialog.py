"""Create, edit or retire a unit through a validated form."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit, QPlainTextEdit, QWidget
from sqlalchemy import select

from fieldclient.core.errors import InvalidInput, UserFacingError
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.core.validation import input_problems
from fieldclient.store.db import Store
from fieldclient.store.models import Agency, Unit
from fieldclient.store.writer import LocalWriter
from fieldclient.ui.errors import error_text, show_error
from fieldclient.ui.form_dialog import (
    FormDialog,
    agency_slug,
    fill_codes,
    select_agency,
    select_code,
)
from sync.protocol.vocab import ECHELON, UNIT_KIND, UNIT_STATUS, VISIBILITY


def agency_choices(store: Store) -> list[tuple[str, str]]:
    """(slug, name) of every known agency (the reference table plus any seen on units),
    in the order of their names."""
    with store.session() as s:
        named = {a.id: a.name for a in s.execute(select(Agency)).scalars()}
        used = set(s.execute(select(Unit.agency).distinct()).scalars())
    # by name, as people know them (the slug stays the item's data)
    return sorted(((slug, named.get(slug) or slug) for slug in set(named) | used),
                  key=lambda item: item[1].casefold())


def find_unit_by_callsign(store: Store, callsign: str) -> str | None:
    with store.session() as s:
        rows = s.execute(
            select(Unit.id, Unit.status).where(Unit.callsign == callsign.strip())
        ).all()
    active = [r.id for r in rows if r.status != "retired"]
    return (active or [r.id for r in rows] or [None])[0]


class UnitDialog(FormDialog):
    """Edits one unit (or a new one when `unit_id` is None)."""

    def __init__(
        self, store: Store, writer: LocalWriter, unit_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unitDialog")
        self.store, self.writer, self.unit_id = store, writer, unit_id
        self._seen: dict[str, str] = {}
        self.callsign = QLineEdit()
        self.name = QLineEdit()
        self.agency = QComboBox()
        self.agency.setEditable(True)  # a new deployment may not have the agency list yet
        for slug, text in agency_choices(store):
            self.agency.addItem(text, slug)
        self.kind = QComboBox()
        self.echelon = QComboBox()
        self.status = QComboBox()
        self.visibility = QComboBox()
        self.parent_unit = QLineEdit()
        self.commander = QLineEdit()
        self.strength = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)
        for key, w in [
            ("callsign", self.callsign), ("name", self.name), ("agency", self.agency),
            ("kind", self.kind), ("echelon", self.echelon), ("status", self.status),
            ("parent", self.parent_unit), ("commander", self.commander),
            ("strength", self.strength), ("visibility", self.visibility), ("notes", self.notes),
        ]:
            self.add_field(key, w)
        self.retire_button = None
        if unit_id:
            # Retiring is an edit like any other (status "retired"); nothing is deleted.
            self.retire_button = self.buttons.addButton(
                "", QDialogButtonBox.ButtonRole.DestructiveRole
            )
            self.retire_button.setObjectName("retireButton")
            self.retire_button.clicked.connect(self._retire_clicked)
        self.retranslateUi()
        if unit_id:
            self._load(unit_id)
        self.resize(460, self.sizeHint().height())

    def retranslateUi(self) -> None:
        self.setWindowTitle(self.tr("Edit unit") if self.unit_id else self.tr("New unit"))
        if self.retire_button is not None:
            self.retire_button.setText(self.tr("Retire unit"))
        for key, text in [
            ("callsign", self.tr("Callsign *")), ("name", self.tr("Name")),
            ("agency", self.tr("Agency *")), ("kind", self.tr("Kind *")),
            ("echelon", self.tr("Echelon")), ("status", self.tr("Status")),
            ("parent", self.tr("Reports to (callsign)")), ("commander", self.tr("Commander")),
            ("strength", self.tr("Strength")), ("visibility", self.tr("Visibility")),
            ("notes", self.tr("Notes")),
        ]:
            self.set_label(key, text)
        fill_codes(self.kind, UNIT_KIND.values)
        fill_codes(self.echelon, ECHELON.values, blank="—")
        fill_codes(self.status, UNIT_STATUS.values)
        fill_codes(self.visibility, VISIBILITY.values)
        self.strength.setPlaceholderText(self.tr("people, optional"))
        self.parent_unit.setPlaceholderText(self.tr("empty for a top-level unit"))

    def _load(self, unit_id: str) -> None:
        with self.store.session() as s:
            unit = s.get(Unit, unit_id)
            if unit is None:
                raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Unit not found."))
            parent = s.get(Unit, unit.parent_id) if unit.parent_id else None
            self._seen = dict(unit.field_hlcs or {})
        self.callsign.setText(unit.callsign)
        self.name.setText(unit.name or "")
        select_agency(self.agency, unit.agency)
        select_code(self.kind, unit.kind)
        select_code(self.echelon, unit.echelon)
        select_code(self.status, unit.status)
        select_code(self.visibility, unit.visibility)
        self.parent_unit.setText(parent.callsign if parent else "")
        self.commander.setText(unit.commander or "")
        self.strength.setText("" if unit.strength is None else str(unit.strength))
        self.notes.setPlainText(unit.notes or "")

    def values(self) -> dict[str, Any]:
        """The form as checked unit fields (the unit definition's rules, as the writer and
        the server apply them); each refusal is shown next to its field."""
        raw: dict[str, Any] = {
            "callsign": self.callsign.text(),
            "name": self.name.text(),
            "agency": agency_slug(self.agency),
            "kind": self.kind.currentData(),
            "echelon": self.echelon.currentData(),
            "status": self.status.currentData(),
            "visibility": self.visibility.currentData(),
            "commander": self.commander.text(),
            "strength": self.strength.text(),
            "notes": self.notes.toPlainText(),
            "parent_id": None,
        }
        parent_cs = self.parent_unit.text().strip()
        if parent_cs:
            pid = find_unit_by_callsign(self.store, parent_cs)
            if pid is None:
                self.set_field_error(
                    "parent", self.tr("No unit has the callsign {callsign}.").format(
                        callsign=parent_cs)
                )
            elif pid == self.unit_id:
                self.set_field_error("parent", self.tr("A unit cannot report to itself."))
            raw["parent_id"] = pid
        clean, problems = input_problems("unit", raw, creating=self.unit_id is None)
        self.show_problems(problems)
        return clean

    def save(self) -> str | None:
        fields = self.values()
        if self.has_errors():
            return None
        if self.unit_id is None:
            return self.writer.create_unit(fields)
        # the writer keeps only what differs from the stored unit
        self.writer.update_unit(self.unit_id, fields, self._seen)
        return self.unit_id

    def retire(self) -> None:
        """Retire the unit being edited (it stays in the record, marked retired)."""
        if self.unit_id:
            self.writer.retire_unit(self.unit_id, self._seen)

    def _retire_clicked(self) -> None:
        self.clear_errors()
        try:
            self.retire()
        except UserFacingError as err:
            self.set_field_error("", error_text(err))
            return
        except Exception as err:  # noqa: BLE001 - shown behind "something failed", logged
            show_error(self, err)
            return
        self.saved_id = self.unit_id
        self.accept()
