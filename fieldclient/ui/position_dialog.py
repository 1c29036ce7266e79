"""Log a position report for one unit, typed as decimal degrees, DMS or MGRS.

The location starts from where the unit most likely is: the point picked on the map
(right-click "log position here"), else the unit's last fix, else the centre of the
map; a line under it says which, and the text is selected so typing replaces it."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from fieldclient.core import coords
from fieldclient.core.errors import InvalidInput
from fieldclient.core.validation import input_problems
from fieldclient.store.db import Store
from fieldclient.store.models import Unit
from fieldclient.store.writer import LocalWriter
from fieldclient.ui import geo, times
from fieldclient.ui.form_dialog import FormDialog, fill_codes, read_time, refusal_text, time_edit
from sync.protocol.vocab import POSITION_SOURCE


class CoordinateInput(QWidget):
    """A format chooser plus a text field that explains, as you type, what it reads."""

    def __init__(self, fmt: str = "dd", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.format = QComboBox()
        for code, text in (("dd", "DD"), ("dms", "DMS"), ("mgrs", "MGRS")):
            self.format.addItem(text, code)
        self.format.setCurrentIndex(max(self.format.findData(fmt), 0))
        self.text = QLineEdit()
        self.text.setObjectName("coordText")
        self.reading = QLabel()
        self.reading.setObjectName("coordReading")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.format)
        row.addWidget(self.text, 1)
        self.format.currentIndexChanged.connect(self._update_hint)
        self._update_hint()

    def fmt(self) -> str:
        return str(self.format.currentData())

    def set_format(self, fmt: str) -> None:
        self.format.setCurrentIndex(max(self.format.findData(fmt), 0))

    def set_value(self, lat: float, lon: float) -> None:
        self._start = (lat, lon)
        self.text.setText(geo.format_latlon(lat, lon, self.fmt()))
        self.text.selectAll()
        self._update_hint()

    def _update_hint(self) -> None:
        # An example in the chosen format, at the starting point when there is one.
        lat, lon = getattr(self, "_start", None) or (19.4326, -99.1332)
        self.text.setPlaceholderText(geo.format_latlon(lat, lon, self.fmt()))

    def value(self) -> tuple[float, float]:
        """Latitude, longitude; raises InvalidInput saying exactly what is wrong."""
        return geo.parse(self.text.text(), self.fmt())

    def located(self) -> tuple[float, float, float | None]:
        """Latitude, longitude and how precise the reference is (an MGRS square's size in
        metres; None for degrees): the same reading as the command line's."""
        return geo.locate(self.text.text(), self.fmt())


class PositionDialog(FormDialog):
    # where the starting location came from
    FROM_MAP_POINT, FROM_LAST_FIX, FROM_MAP_CENTRE = "map_point", "last_fix", "map_centre"

    def __init__(
        self, store: Store, writer: LocalWriter, unit_id: str, coord_format: str = "dd",
        at: tuple[float, float] | None = None, parent: QWidget | None = None,
        origin: str = FROM_MAP_POINT, fix_time: datetime | None = None,
    ) -> None:
        super().__init__(parent)
        self.origin = origin if at is not None else None
        self._fix_time = fix_time
        self.setObjectName("positionDialog")
        self.store, self.writer, self.unit_id = store, writer, unit_id
        with store.session() as s:
            unit = s.get(Unit, unit_id)
            self._callsign = unit.callsign if unit else unit_id
        self.unit_label = QLabel(f"<b>{self._escape(self._callsign)}</b>")
        self.coords = CoordinateInput(coord_format)
        self.start_note = QLabel()
        self.start_note.setObjectName("startNote")
        self.start_note.setWordWrap(True)
        self.observed = time_edit()
        self.accuracy = QLineEdit()
        self.source = QComboBox()
        self.note = QLineEdit()
        for key, w in [
            ("unit", self.unit_label), ("coords", self.coords), ("observed_at", self.observed),
            ("accuracy_m", self.accuracy), ("source", self.source), ("note", self.note),
        ]:
            self.add_field(key, w)
        box = self.coords.parentWidget()
        field = box.layout() if box is not None else None
        if isinstance(field, QVBoxLayout):
            field.insertWidget(1, self.start_note)  # right under the coordinates
        if at is not None:
            self.coords.set_value(*at)
        self.retranslateUi()
        self.coords.text.textChanged.connect(self._check_coords)
        self.coords.format.currentIndexChanged.connect(self._check_coords)
        self.resize(480, self.sizeHint().height())

    @staticmethod
    def _escape(text: str) -> str:
        import html

        return html.escape(text)

    def retranslateUi(self) -> None:
        self.setWindowTitle(self.tr("Log position"))
        for key, text in [
            ("unit", self.tr("Unit")), ("coords", self.tr("Location *")),
            ("observed_at", self.tr("Observed at")), ("accuracy_m", self.tr("Accuracy (m)")),
            ("source", self.tr("Source")), ("note", self.tr("Note")),
        ]:
            self.set_label(key, text)
        fill_codes(self.source, POSITION_SOURCE.values)
        self.accuracy.setPlaceholderText(self.tr("optional"))
        notes = {
            self.FROM_MAP_POINT: self.tr("The point picked on the map; correct it if needed."),
            self.FROM_LAST_FIX: self.tr("Starts from the unit's last position ({when}); type "
                                        "the new one over it.").format(
                                            when=times.when(self._fix_time)),
            self.FROM_MAP_CENTRE: self.tr("The unit has no position yet: starts from the centre "
                                          "of the map."),
        }
        self.start_note.setText(notes.get(self.origin or "", ""))
        self.start_note.setVisible(self.origin is not None)

    def _check_coords(self) -> None:
        """Say what is wrong while the user types, not only after OK."""
        if not self.coords.text.text().strip():
            self.set_field_error("coords", "")
            return
        try:
            self.coords.value()
        except InvalidInput as err:
            self.set_field_error("coords", refusal_text(err))
            return
        self.set_field_error("coords", "")

    def save(self) -> str | None:
        raw = {
            "unit_id": self.unit_id, "observed_at": read_time(self.observed, "observed_at"),
            "source": self.source.currentData(), "accuracy_m": self.accuracy.text(),
            "note": self.note.text(),
        }
        coords_ok = True
        square: float | None = None
        try:
            raw["lat"], raw["lon"], square = self.coords.located()
        except InvalidInput as err:
            self.set_field_error("coords", refusal_text(err))
            coords_ok = False
        # The position definition's rules (range, accuracy, time window), as the writer
        # and the server apply them.
        clean, problems = input_problems("position", raw, creating=True)
        self.show_problems(problems, skip=() if coords_ok else ("lat", "lon"))
        if self.has_errors():
            return None
        return self.writer.log_position(
            self.unit_id, clean["lat"], clean["lon"], observed_at=clean["observed_at"],
            source=clean["source"], accuracy_m=coords.accuracy_for(clean["accuracy_m"], square),
            note=clean["note"],
        )
