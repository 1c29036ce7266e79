"""The roster dock: filter bar, the unit table and details of the selected unit.

The filter's agency, status and kind also choose which units the map shows
(`filtersChanged`, wired by the main window); the text filter is the roster's own."""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldclient.core.bidi import isolate
from fieldclient.store.db import Store
from fieldclient.store.models import Unit
from fieldclient.ui import geo
from fieldclient.ui.i18n import Retranslatable
from fieldclient.ui.labels import agency_name, label, labels_of
from fieldclient.ui.roster_model import (
    COL_AGE,
    COL_AGENCY,
    COL_CALLSIGN,
    COL_ECHELON,
    COL_KIND,
    COL_OPERATION,
    COL_PARENT,
    COL_POSITION,
    COL_SOURCE,
    COL_STATUS,
    COL_STRENGTH,
    COLUMN_GROUPS,
    RosterModel,
)

FILTER_DELAY_MS = 120  # one filter per pause in typing, not one per key
MAX_COLUMN = 340  # px: wider text is elided, and shown whole in its tooltip
# What a narrow side panel shows first: who, doing what, how fresh; the rest scrolls.
VISUAL_ORDER = (COL_CALLSIGN, COL_STATUS, COL_AGE, COL_AGENCY, COL_OPERATION, COL_KIND,
                COL_POSITION, COL_PARENT, COL_ECHELON, COL_STRENGTH, COL_SOURCE)


class RosterPanel(Retranslatable, QWidget):
    unitSelected = Signal(str)
    editRequested = Signal(str)
    retireRequested = Signal(str)
    logPositionRequested = Signal(str)
    trackRequested = Signal(str)
    staleMinutesChanged = Signal(int)
    filtersChanged = Signal(str, str, str)  # agency, status, kind ("" = any)

    def __init__(self, store: Store, model: RosterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.model = model
        self._coord_format = "dd"
        self._selected: str | None = None

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.agency = QComboBox()
        self.status = QComboBox()
        self.kind = QComboBox()
        for combo in (self.agency, self.status, self.kind):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.agency.setObjectName("agencyFilter")
        self.status.setObjectName("statusFilter")
        self.kind.setObjectName("kindFilter")
        self._filters: tuple[str, str, str] = ("", "", "")
        self.count = QLabel()
        self.stale_label = QLabel()
        self.stale_spin = QSpinBox()
        self.stale_spin.setObjectName("staleMinutes")
        self.stale_spin.setRange(1, 24 * 60)
        self.stale_spin.setValue(30)

        self.table = QTableView()
        self.table.setObjectName("rosterTable")
        self.table.setModel(model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_CALLSIGN, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vh = self.table.verticalHeader()
        vh.setVisible(False)
        # Fixed row heights let the view skip measuring 100k rows.
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 6)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for visual, logical in enumerate(VISUAL_ORDER):
            hh.moveSection(hh.visualIndex(logical), visual)

        self.details = QLabel()
        self.details.setObjectName("unitDetails")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = QPushButton()
        self.retire_button = QPushButton()
        self.position_button = QPushButton()
        self.track_button = QPushButton()
        for b in (self.edit_button, self.retire_button, self.position_button, self.track_button):
            b.setEnabled(False)

        bar = QVBoxLayout()
        bar.addWidget(self.search)
        bar.addWidget(self.agency)  # agency names are long: a row of their own
        combos = QHBoxLayout()
        combos.addWidget(self.status, 1)
        combos.addWidget(self.kind, 1)
        bar.addLayout(combos)
        details_box = QWidget()
        dl = QVBoxLayout(details_box)
        dl.setContentsMargins(4, 4, 4, 4)
        dl.addWidget(self.details, 1)
        self.extras = QVBoxLayout()  # what other areas show about the unit (detentions)
        dl.addLayout(self.extras)
        buttons = QHBoxLayout()
        buttons.addWidget(self.position_button)
        buttons.addWidget(self.track_button)
        buttons.addStretch(1)
        more = QHBoxLayout()
        more.addWidget(self.edit_button)
        more.addWidget(self.retire_button)
        more.addStretch(1)
        dl.addLayout(buttons)
        dl.addLayout(more)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(details_box)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.count, 1)
        footer.addWidget(self.stale_label)
        footer.addWidget(self.stale_spin)
        layout.addLayout(footer)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._filter_timer.start)
        for combo in (self.agency, self.status, self.kind):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda _i: self._emit(self.editRequested))
        self.edit_button.clicked.connect(lambda: self._emit(self.editRequested))
        self.retire_button.clicked.connect(lambda: self._emit(self.retireRequested))
        self.position_button.clicked.connect(lambda: self._emit(self.logPositionRequested))
        self.track_button.clicked.connect(lambda: self._emit(self.trackRequested))
        self.stale_spin.valueChanged.connect(self.staleMinutesChanged)
        model.loaded.connect(self._on_loaded)
        model.updated.connect(self._on_updated)
        model.agenciesChanged.connect(self._fill_agencies)
        model.modelReset.connect(self._update_count)
        self.retranslateUi()

    def retranslateUi(self) -> None:
        self.search.setPlaceholderText(self.tr("Find a unit… (Ctrl+F)"))
        self.search.setToolTip(self.tr(
            "Finds units by callsign, name, agency, kind or status. Accents and capitals do "
            "not matter: \"policia\" finds \"Policía\"."))
        self._fill_agencies()
        self._fill_combo(self.status, self.tr("Any status"), list(labels_of("unit_status").items()))
        self._fill_combo(self.kind, self.tr("Any kind"), list(labels_of("unit_kind").items()))
        self.edit_button.setText(self.tr("Edit…"))
        self.retire_button.setText(self.tr("Retire"))
        self.position_button.setText(self.tr("Log position…"))
        self.track_button.setText(self.tr("Show track"))
        self.stale_label.setText(self.tr("Stale after"))
        self.stale_spin.setSuffix(" " + self.tr("min"))
        self.stale_spin.setToolTip(
            self.tr("Positions older than this are highlighted in the roster and on the map.")
        )
        self.model.retranslate()
        self.fit_columns()
        self._update_count()
        self._show_details(self._selected)

    def fit_columns(self) -> None:
        """Vocabulary columns as wide as their longest label in this language (and never
        narrower than their title), so no status or kind is cut; measured from the labels,
        not the 100,000 rows."""
        fm = QFontMetrics(QApplication.font())  # the theme's font, even before it reaches us
        hh = self.table.horizontalHeader()
        pad = 24  # cell margins, and the sort arrow on the header
        for col, (_field, group) in COLUMN_GROUPS.items():
            texts = [*labels_of(group).values(), str(self.model.headerData(col, Qt.Orientation.Horizontal))]
            hh.resizeSection(col, max(fm.horizontalAdvance(t) for t in texts) + pad)
        longest_agency = max((agency_name(a) for a in self.model.agencies()),
                             key=fm.horizontalAdvance, default="")
        for col, sample in ((COL_CALLSIGN, "HALCON 12-4"), (COL_PARENT, "HALCON 12-4"),
                            (COL_AGE, self.tr("{h} h {m} min").format(h=24, m=59)),
                            (COL_STRENGTH, "9999"), (COL_POSITION, "14Q MG 86006 48224"),
                            (COL_AGENCY, longest_agency)):
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            width = max(fm.horizontalAdvance(sample), fm.horizontalAdvance(title)) + pad
            hh.resizeSection(col, min(width, MAX_COLUMN))  # longer names: full in the tooltip

    def _fill_combo(self, combo: QComboBox, anything: str, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(anything, None)
        for code, text in items:
            combo.addItem(text, code)
        at = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(at, 0))
        combo.blockSignals(False)

    # -- filter and selection -----------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def filters(self) -> tuple[str, str, str]:
        """The chosen agency, status and kind ("" = any): what the map shows too."""
        return (self.agency.currentData() or "", self.status.currentData() or "",
                self.kind.currentData() or "")

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        self.model.set_filter(
            self.search.text(),
            self.agency.currentData(),
            self.status.currentData(),
            self.kind.currentData(),
        )
        self._reselect()
        self._update_count()
        chosen = self.filters()
        if chosen != self._filters:
            self._filters = chosen
            self.filtersChanged.emit(*chosen)

    def _update_count(self) -> None:
        self.count.setText(
            self.tr("{shown} of {total} units").format(
                shown=len(self.model.visible), total=len(self.model.rows)
            )
        )

    def _on_loaded(self) -> None:
        self._fill_agencies()
        self._update_count()
        self._reselect()

    def _fill_agencies(self) -> None:
        self._fill_combo(
            self.agency, self.tr("All agencies"),
            [(a, agency_name(a)) for a in self.model.agencies()],
        )
        self.fit_columns()  # the agency column follows the longest name

    def _on_updated(self) -> None:
        self._update_count()
        self._show_details(self._selected)

    def _reselect(self) -> None:
        if self._selected:
            self.select_unit(self._selected, emit=False)

    def select_unit(self, unit_id: str, emit: bool = True) -> None:
        row = self.model.row_of(unit_id)
        if row is None:
            return
        index = self.model.index(row, 0)
        if not emit:
            self.table.selectionModel().blockSignals(True)
        self.table.selectRow(row)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        if not emit:
            self.table.selectionModel().blockSignals(False)
            self._selected = unit_id
            self._show_details(unit_id)

    def selected_unit(self) -> str | None:
        return self._selected

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        uid = self.model.unit_id(rows[0].row()) if rows else None
        self._selected = uid
        self._show_details(uid)
        if uid:
            self.unitSelected.emit(uid)

    def _emit(self, signal: SignalInstance) -> None:
        if self._selected:
            signal.emit(self._selected)

    # -- details ------------------------------------------------------------------

    def set_coord_format(self, fmt: str) -> None:
        self._coord_format = fmt
        self._show_details(self._selected)

    def _show_details(self, unit_id: str | None) -> None:
        has = unit_id is not None
        for b in (self.edit_button, self.retire_button, self.position_button, self.track_button):
            b.setEnabled(has)
        if not unit_id:
            self.details.setText(
                "<i>{}</i>".format(html.escape(self.tr("Select a unit to see its details.")))
            )
            return
        # One row by primary key plus a short walk up the chain: cheap enough for the UI thread.
        with self.store.session() as s:
            unit = s.get(Unit, unit_id)
            if unit is None:
                self.details.setText("")
                return
            chain: list[str] = []
            seen = {unit.id}
            cursor = unit.parent_id
            while cursor and cursor not in seen and len(chain) < 20:
                seen.add(cursor)
                parent = s.get(Unit, cursor)
                if parent is None:
                    break
                chain.append(parent.callsign)
                cursor = parent.parent_id

        def e(text: str) -> str:  # record text isolated (core.bidi), then escaped
            return html.escape(isolate(text))

        if unit.pos_lat is not None and unit.pos_lon is not None:
            where = geo.format_latlon(unit.pos_lat, unit.pos_lon, self._coord_format)
        else:
            where = self.tr("no report yet")
        # lupdate does not see tr() inside f-strings: translate first, then format.
        t_agency, t_status = self.tr("Agency:"), self.tr("Status:")
        t_strength, t_commander = self.tr("Strength:"), self.tr("Commander:")
        t_position, t_chain = self.tr("Position:"), self.tr("Chain of command:")
        chain_text = (" → ".join(e(c) for c in [unit.callsign, *chain]) if chain
                      else e(self.tr("top level")))
        strength = (f" · {e(t_strength)} {unit.strength}" if unit.strength is not None else "")
        lines = [
            f"<b style='font-size:large'>{e(unit.callsign)}</b> {e(unit.name or '')}",
            f"{e(t_agency)} {e(agency_name(unit.agency))} · {e(label(unit.kind, 'unit_kind'))}"
            f" · {e(label(unit.echelon, 'echelon'))}",
            f"{e(t_status)} {e(label(unit.status, 'unit_status'))}{strength}",
            f"{e(t_commander)} {e(unit.commander or '—')}",
            f"{e(t_position)} {e(where)}",
            f"{e(t_chain)} {chain_text}",
        ]
        command = self.model.command_of(unit.id)
        if command is not None:  # the operational chain, beside the home one
            text = self.tr("In {operation} ({role}), commanded by {agency}").format(
                operation=command.code, role=label(command.role, "assignment_role"),
                agency=agency_name(command.commanding_agency))
            lines.append(f"{e(self.tr('Operation:'))} {e(text)}")
        if self.model.is_outside(unit.id):
            lines.append("<b>{}</b>".format(e(self.tr(
                "Outside jurisdiction: outside its agency's zones and every active "
                "operation's area."))))
        if self.model.is_overdue(unit.id):
            lines.append("<b>{}</b>".format(e(self.tr(
                "Hand-over of command not acknowledged in time."))))
        if unit.notes:
            lines.append(f"<i>{e(unit.notes)}</i>")
        self.details.setText("<br>".join(lines))
