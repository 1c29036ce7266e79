"""Map ▸ Trails…: which units' trails to draw (several, or a whole agency) and over how long.

The units are read off the UI thread; the list shows at most SHOWN units at a
time, narrowed by a search that ignores case and accents, and remembers what
was ticked while the search changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldclient.map import data
from fieldclient.map.gazetteer import fold
from fieldclient.map.tools import TRAIL_HOURS
from fieldclient.store.db import Store
from fieldclient.ui.tasks import run_task

SHOWN = 300
DEFAULT_HOURS = 6


class TrailsDialog(QDialog):
    def __init__(self, store: Store, selected: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trailsDialog")
        self.setWindowTitle(self.tr("Trails"))
        self.resize(460, 520)
        self._units: list[tuple[str, str, str, str]] = []  # id, callsign, agency, folded text
        self._checked: set[str] = {selected} if selected else set()
        self.agency = QComboBox()
        self.agency.setObjectName("trailsAgency")
        self.agency.addItem(self.tr("None: only the units ticked below"), None)
        self.hours = QComboBox()
        self.hours.setObjectName("trailsHours")
        for h in TRAIL_HOURS:
            self.hours.addItem(self.tr("Last %n hour(s)", "", h), h)
        self.hours.setCurrentIndex(TRAIL_HOURS.index(DEFAULT_HOURS))
        self.search = QLineEdit()
        self.search.setObjectName("trailsSearch")
        self.search.setPlaceholderText(self.tr("Search units"))
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName("trailsUnits")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Show trails"))
        form = QFormLayout()
        form.addRow(self.tr("Whole agency:"), self.agency)
        form.addRow(self.tr("Replay:"), self.hours)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Units:")))
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.search.textChanged.connect(self._fill)
        self.list.itemChanged.connect(self._ticked)
        self.agency.currentIndexChanged.connect(self._update_ok)
        self._update_ok()
        run_task(lambda: (data.units_on_map(store), data.agencies_on_map(store)), self._loaded)

    def _loaded(self, result: object, error: BaseException | None) -> None:
        if error is not None or not isinstance(result, tuple):
            self.note.setText(self.tr("The units could not be read."))
            return
        units, agencies = result
        self._units = [(uid, call, agency, fold(f"{call} {agency}")) for uid, call, agency in units]
        for slug, name in agencies:
            self.agency.addItem(name, slug)
        self._fill()

    def _fill(self) -> None:
        key = fold(self.search.text())
        matches = [u for u in self._units if key in u[3]] if key else self._units
        self.list.blockSignals(True)
        self.list.clear()
        for uid, call, agency, _ in matches[:SHOWN]:
            item = QListWidgetItem(f"{call} — {agency}" if agency else call)
            item.setData(Qt.ItemDataRole.UserRole, uid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if uid in self._checked
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if len(matches) > SHOWN:
            self.note.setText(self.tr("Showing {shown} of {count} units: type to narrow the list.")
                              .format(shown=SHOWN, count=len(matches)))
        else:
            self.note.setText("")
        self._update_ok()

    def _ticked(self, item: QListWidgetItem) -> None:
        uid = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self._checked.add(uid)
        else:
            self._checked.discard(uid)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self._checked) or self.chosen_agency() is not None)

    # -- the answer ----------------------------------------------------------------------

    def chosen_units(self) -> list[str]:
        order = {u[0]: i for i, u in enumerate(self._units)}
        return sorted(self._checked, key=lambda uid: order.get(uid, len(order)))

    def chosen_agency(self) -> str | None:
        value = self.agency.currentData()
        return value if isinstance(value, str) else None

    def chosen_hours(self) -> int:
        return int(self.hours.currentData())
