"""Report a new incident: what, how serious, where (any coordinate format), when, who."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QListWidget, QListWidgetItem, QSpinBox, QWidget

from fieldclient.core.errors import InvalidInput
from fieldclient.core.validation import input_problems
from fieldclient.store.db import Store
from fieldclient.store.writer import LocalWriter
from fieldclient.ui.form_dialog import (
    FormDialog,
    agency_slug,
    fill_codes,
    read_time,
    refusal_text,
    select_agency,
    time_edit,
)
from fieldclient.ui.position_dialog import CoordinateInput
from fieldclient.ui.unit_dialog import agency_choices
from sync.protocol import INCIDENT
from sync.protocol.fields import Int
from sync.protocol.vocab import INCIDENT_KIND, INCIDENT_STATUS, VISIBILITY


class IncidentDialog(FormDialog):
    def __init__(
        self, store: Store, writer: LocalWriter, coord_format: str = "dd",
        at: tuple[float, float] | None = None, parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incidentDialog")
        self.store, self.writer = store, writer
        self.title = QLineEdit()
        self.kind = QComboBox()
        self.severity = QSpinBox()
        severity = INCIDENT.fields["severity"].kind  # the definition's range
        assert isinstance(severity, Int)
        self.severity.setRange(severity.lo, severity.hi)
        self.severity.setValue(3)
        self.status = QComboBox()
        self.location = CoordinateInput(coord_format)
        self.occurred = time_edit()
        self.agency = QComboBox()
        self.agencies = QListWidget()
        self.agencies.setFixedHeight(90)
        for slug, text in agency_choices(store):
            self.agency.addItem(text, slug)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, slug)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.agencies.addItem(item)
        self.agency.setEditable(True)
        self.visibility = QComboBox()
        for key, w in [
            ("title", self.title), ("kind", self.kind), ("severity", self.severity),
            ("status", self.status), ("coords", self.location), ("occurred_at", self.occurred),
            ("agency", self.agency), ("agencies", self.agencies), ("visibility", self.visibility),
        ]:
            self.add_field(key, w)
        self.retranslateUi()
        if at is not None:
            self.location.set_value(*at)
        self.resize(500, self.sizeHint().height())

    def retranslateUi(self) -> None:
        self.setWindowTitle(self.tr("New incident"))
        for key, text in [
            ("title", self.tr("Title *")), ("kind", self.tr("Kind *")),
            ("severity", self.tr("Severity (1–5)")), ("status", self.tr("Status")),
            ("coords", self.tr("Location")), ("occurred_at", self.tr("Occurred at")),
            ("agency", self.tr("Reporting agency *")),
            ("agencies", self.tr("Involved agencies")), ("visibility", self.tr("Visibility")),
        ]:
            self.set_label(key, text)
        fill_codes(self.kind, INCIDENT_KIND.values)
        fill_codes(self.status, [s for s in INCIDENT_STATUS.values if s != "voided"])
        fill_codes(self.visibility, VISIBILITY.values)
        self.location.text.setToolTip(self.tr("Optional; DD, DMS or MGRS"))

    def check_agency(self, slug: str) -> None:
        select_agency(self.agency, slug)

    def values(self) -> dict[str, Any]:
        """The form as checked incident fields (the incident definition's rules, as the
        writer and the server apply them); each refusal is shown next to its field."""
        raw: dict[str, Any] = {
            "title": self.title.text(),
            "kind": self.kind.currentData(),
            "severity": self.severity.value(),
            "status": self.status.currentData(),
            "occurred_at": read_time(self.occurred, "occurred_at"),
            "agency": agency_slug(self.agency),
            "agencies": [
                self.agencies.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.agencies.count())
                if self.agencies.item(i).checkState() == Qt.CheckState.Checked
            ],
            "visibility": self.visibility.currentData(),
        }
        coords_ok = True
        if self.location.text.text().strip():
            try:
                raw["lat"], raw["lon"] = self.location.value()
            except InvalidInput as err:
                self.set_field_error("coords", refusal_text(err))
                coords_ok = False
        clean, problems = input_problems("incident", raw, creating=True)
        self.show_problems(problems, skip=() if coords_ok else ("lat", "lon"))
        return clean

    def set_involved(self, slugs: list[str]) -> None:
        for i in range(self.agencies.count()):
            item = self.agencies.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in slugs
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def save(self) -> str | None:
        fields = self.values()
        if self.has_errors():
            return None
        return self.writer.create_incident(fields)
