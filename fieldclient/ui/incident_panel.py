"""The incident log dock: filtered list (newest first), detail with the entry
timeline, and a box to append notes, status changes, assignments and amendments.

Amendments are listed under the entry they correct, with their own author and
time; the original is never hidden or edited, which is the point of the log.
"""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldclient.core import vocab
from fieldclient.core.bidi import isolate
from fieldclient.core.errors import InvalidInput, UserFacingError
from fieldclient.store import queries, zones
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.store.writer import LocalWriter
from fieldclient.ui import geo, icons, theme, times
from fieldclient.ui.errors import error_text, show_error
from fieldclient.ui.form_dialog import ERROR_STYLE, fill_codes
from fieldclient.ui.i18n import Retranslatable
from fieldclient.ui.labels import agency_name, field_name, label, labels_of, severity_label
from fieldclient.ui.tasks import run_task

log = logging.getLogger(__name__)
ID_ROLE = Qt.ItemDataRole.UserRole + 1
TIME_ROLE = Qt.ItemDataRole.UserRole + 2
RANGES = (None, 1, 7, 30)  # days back; None = any time
L_TIME, L_SEVERITY, L_TITLE, L_STATUS, L_KIND = range(5)
T_TIME, T_AUTHOR, T_KIND, T_TEXT = range(4)
PAD = 24  # cell margins and the sort arrow


class IncidentPanel(Retranslatable, QWidget):
    incidentSelected = Signal(str)

    def __init__(
        self, store: Store, writer: LocalWriter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store, self.writer = store, writer
        self.incident_id: str | None = None
        self._coord_format = "dd"
        self._rows: list[queries.IncidentRow] = []
        self._entries: list[queries.EntryRow] = []
        self._record: dict[str, Any] | None = None
        self._callsigns: dict[str, str] = {}
        self._generation = 0
        self._operation: str | None = None  # the window's operation selector

        self.f_status = QComboBox()
        self.f_severity = QComboBox()
        self.f_kind = QComboBox()
        self.f_range = QComboBox()
        self.list = QTreeWidget()
        self.list.setObjectName("incidentList")
        self.list.setRootIsDecorated(False)
        self.list.setColumnCount(5)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAlternatingRowColors(True)
        lh = self.list.header()
        lh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        lh.setStretchLastSection(False)
        # the title takes what is left: the short columns are sized to their texts. In a
        # side panel there is no room for five columns: the severity is the coloured
        # diamond of the map in front of the time, the kind is in the title's tooltip.
        lh.setSectionResizeMode(L_TITLE, QHeaderView.ResizeMode.Stretch)
        lh.setMinimumSectionSize(30)
        self.list.setColumnHidden(L_SEVERITY, True)
        self.list.setColumnHidden(L_KIND, True)

        self.header = QLabel()
        self.header.setObjectName("incidentHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.timeline = QTreeWidget()
        self.timeline.setObjectName("entryTimeline")
        self.timeline.setColumnCount(4)
        self.timeline.setWordWrap(True)
        th = self.timeline.header()
        th.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        th.setStretchLastSection(True)
        self.timeline.setIndentation(12)
        # the kind is in the text ("→ Contained: …", "[HALCON 1] …", amendments indented)
        self.timeline.setColumnHidden(T_KIND, True)
        # the full text of the selected entry: rows stay one line high and easy to scan
        self.entry_view = QLabel()
        self.entry_view.setObjectName("entryView")
        self.entry_view.setWordWrap(True)
        self.entry_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.entry_kind = QComboBox()
        self.entry_status = QComboBox()
        self.entry_unit = QLineEdit()
        self.entry_body = QPlainTextEdit()
        self.entry_body.setFixedHeight(60)
        self.amends_label = QLabel()
        self.amends_label.setWordWrap(True)
        self.entry_error = QLabel()
        self.entry_error.setStyleSheet(ERROR_STYLE)
        self.entry_error.setWordWrap(True)
        self.entry_error.hide()
        self.add_button = QPushButton()

        filters = QGridLayout()
        for i, w in enumerate((self.f_status, self.f_severity, self.f_kind, self.f_range)):
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            w.setMinimumContentsLength(8)
            filters.addWidget(w, i // 2, i % 2)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(filters)
        tl.addWidget(self.list, 1)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.header)
        self.extras = QVBoxLayout()  # what other areas show about the incident (detentions)
        bl.addLayout(self.extras)
        bl.addWidget(self.timeline, 1)
        bl.addWidget(self.entry_view)
        entry_row = QHBoxLayout()
        entry_row.addWidget(self.entry_kind)
        entry_row.addWidget(self.entry_status)
        entry_row.addWidget(self.entry_unit)
        entry_row.addWidget(self.amends_label, 1)
        bl.addLayout(entry_row)
        bl.addWidget(self.entry_body)
        bl.addWidget(self.entry_error)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        bl.addLayout(add_row)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 1)  # the list gets as much room as the detail
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(split)

        for combo in (self.f_status, self.f_severity, self.f_kind, self.f_range):
            combo.currentIndexChanged.connect(self.reload)
        self.list.currentItemChanged.connect(self._on_current)
        self.entry_kind.currentIndexChanged.connect(self._update_entry_box)
        self.timeline.currentItemChanged.connect(self._update_entry_box)
        self.timeline.currentItemChanged.connect(self._show_entry)
        self.add_button.clicked.connect(self.add_entry)
        self.retranslateUi()

    def retranslateUi(self) -> None:
        fill_codes(self.f_status, vocab.values("incident_status"), blank=self.tr("Any status"))
        fill_codes(self.f_kind, vocab.values("incident_kind"), blank=self.tr("Any kind"))
        self._fill_data(self.f_severity, [(None, self.tr("Any severity"))] + [
            (n, self.tr("Severity {n} or more").format(n=n)) for n in range(2, 6)
        ])
        self._fill_data(self.f_range, [
            (None, self.tr("Any time")), (1, self.tr("Last 24 hours")),
            (7, self.tr("Last 7 days")), (30, self.tr("Last 30 days")),
        ])
        fill_codes(self.entry_kind, vocab.values("entry_kind"))
        fill_codes(self.entry_status, vocab.values("incident_status"))
        self.entry_unit.setPlaceholderText(self.tr("Callsign of the unit"))
        self.entry_body.setPlaceholderText(self.tr("Text of the entry"))
        self.add_button.setText(self.tr("Add entry"))
        self.list.setHeaderLabels([
            times.column_title(self.tr("Occurred")), self.tr("Severity"), self.tr("Title"),
            self.tr("Status"), self.tr("Kind"),
        ])
        self.timeline.setHeaderLabels([
            times.column_title(self.tr("Time")), self.tr("Author"), self.tr("Kind"),
            self.tr("Text"),
        ])
        self._fill_list()
        self._fill_detail()
        self._update_entry_box()
        self.fit_columns()

    def set_theme(self, chosen: theme.Theme) -> None:
        theme.size_rows(self.timeline, chosen)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Short columns as wide as their longest possible text in this language."""
        fm = QFontMetrics(QApplication.font())  # the theme's font, even before it reaches us
        sample = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)

        def width(*texts: str) -> int:
            return max(fm.horizontalAdvance(t) for t in texts) + PAD

        zone = times.zone_now()
        head = self.list.headerItem()
        lh = self.list.header()
        icon = self.list.iconSize().width() if self.list.iconSize().isValid() else 16
        lh.resizeSection(L_TIME, max(width(times.short(sample, zone)) + icon + 6,
                                     width(head.text(L_TIME))))
        lh.resizeSection(L_SEVERITY, width("5", head.text(L_SEVERITY)))
        lh.resizeSection(L_STATUS, width(*labels_of("incident_status").values(),
                                         head.text(L_STATUS)))
        lh.resizeSection(L_KIND, width(*labels_of("incident_kind").values(), head.text(L_KIND)))
        th = self.timeline.header()
        thead = self.timeline.headerItem()
        th.resizeSection(T_TIME, width(times.short(sample, zone), thead.text(T_TIME))
                         + self.timeline.indentation())
        th.resizeSection(T_AUTHOR, width("operador12", thead.text(T_AUTHOR)))
        th.resizeSection(T_KIND, width(*labels_of("entry_kind").values(), thead.text(T_KIND)))

    @staticmethod
    def _fill_data(combo: QComboBox, items: list[tuple[Any, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for data, text in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)

    def set_coord_format(self, fmt: str) -> None:
        self._coord_format = fmt
        self._fill_detail()

    # -- list -------------------------------------------------------------------

    def set_operation(self, operation_id: str | None) -> None:
        """Show only the incidents of one joint operation (None: all); the window's
        operation selector."""
        if operation_id != self._operation:
            self._operation = operation_id
            self.reload()

    def reload(self) -> None:
        """Reload the list in the background with the current filters."""
        status = self.f_status.currentData()
        min_sev = self.f_severity.currentData()
        kind = self.f_kind.currentData()
        days = self.f_range.currentData()
        since = datetime.now(UTC) - timedelta(days=days) if days else None
        severity = list(range(min_sev, 6)) if min_sev else None
        # Answers can arrive out of order; only the newest request may fill the list.
        self._generation += 1
        generation = self._generation

        def fetch() -> list[queries.IncidentRow]:
            with self.store.session() as s:
                return queries.incidents(s, status=status, severity=severity, kind=kind,
                                         since=since, operation=self._operation)

        def done(rows: Any, error: BaseException | None) -> None:
            if generation != self._generation:
                return
            if error is not None:
                show_error(self, error)
                return
            self._rows = rows
            self._fill_list()

        run_task(fetch, done)

    def _fill_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        current = None
        zone = times.zone_now()
        for r in self._rows:
            item = QTreeWidgetItem([
                times.short(r.occurred_at, zone), str(r.severity), isolate(r.title),
                label(r.status, "incident_status"), label(r.kind, "incident_kind"),
            ])
            item.setIcon(L_TIME, icons.severity_icon(r.severity))
            item.setToolTip(L_TITLE, f"{isolate(r.title)}\n{label(r.kind, 'incident_kind')}")
            item.setToolTip(L_TIME, "\n".join((
                f"{field_name('incident', 'severity')}: {severity_label(r.severity)}",
                times.when(r.occurred_at), times.other(r.occurred_at))))
            item.setData(0, ID_ROLE, r.id)
            item.setToolTip(L_SEVERITY, severity_label(r.severity))
            self.list.addTopLevelItem(item)
            if r.id == self.incident_id:
                current = item
        if current is not None:
            self.list.setCurrentItem(current)
        self.list.blockSignals(False)

    def _list_items(self) -> list[QTreeWidgetItem]:
        items = (self.list.topLevelItem(i) for i in range(self.list.topLevelItemCount()))
        return [item for item in items if item is not None]

    def titles(self) -> list[str]:
        return [item.text(2) for item in self._list_items()]

    def select_incident(self, incident_id: str) -> None:
        self.incident_id = incident_id
        for item in self._list_items():
            if item.data(0, ID_ROLE) == incident_id:
                self.list.setCurrentItem(item)
                return
        self.load_detail()

    def selected_location(self) -> tuple[float, float] | None:
        """Latitude and longitude of the incident shown in the detail, if it has one."""
        rec = self._record
        if rec is None or rec.get("lat") is None or rec.get("lon") is None:
            return None
        return float(rec["lat"]), float(rec["lon"])

    def _on_current(self, item: QTreeWidgetItem | None, _prev: object) -> None:
        self.incident_id = item.data(0, ID_ROLE) if item is not None else None
        self.load_detail()
        if self.incident_id:
            self.incidentSelected.emit(self.incident_id)

    def on_changes(self, changes: ChangeSet) -> None:
        if changes.get("zone") and self.incident_id:
            self._fill_detail()  # whose territory it is in may have changed
        if changes.get("incident") or changes.get("incident_entry"):
            self.reload()
            if self.incident_id and self.incident_id in changes.get("incident"):
                self.load_detail()

    # -- detail -----------------------------------------------------------------

    def load_detail(self) -> None:
        # One incident and its entries: a handful of rows, read directly.
        if self.incident_id is None:
            self._record = None
            self._entries = []
        else:
            try:
                with self.store.session() as s:
                    self._record = queries.incident_record(s, self.incident_id)
                    self._entries = queries.incident_entries(s, self.incident_id)
                    self._callsigns = queries.callsigns_by_id(
                        s, [e.unit_id for e in self._entries if e.unit_id]
                    )
            except Exception:  # a damaged record must not take the whole log down
                log.exception("could not load incident %s", self.incident_id)
                self._record, self._entries = None, []
        self._fill_detail()

    def _fill_detail(self) -> None:
        rec = self._record

        def e(text: str) -> str:  # record text isolated (core.bidi), then escaped
            return html.escape(isolate(text))

        self.add_button.setEnabled(rec is not None)
        if rec is None:
            self.header.setText("<i>{}</i>".format(e(self.tr("Select an incident."))))
            self.timeline.clear()
            self.entry_view.clear()
            return
        where = (geo.format_latlon(rec["lat"], rec["lon"], self._coord_format)
                 if rec["lat"] is not None else self.tr("no location"))
        agencies = ", ".join(agency_name(a) for a in rec.get("agencies") or []) or "—"
        t_occurred, t_by = self.tr("Occurred:"), self.tr("Reported by:")
        t_involved = self.tr("Involved:")
        self.header.setText("<br>".join([
            f"<b style='font-size:large'>{e(rec['title'])}</b>",
            f"{e(label(rec['kind'], 'incident_kind'))} · {e(severity_label(rec['severity']))}"
            f" · {e(label(rec['status'], 'incident_status'))}",
            f"{e(t_occurred)} {e(times.when(rec['occurred_at']))} · {e(where)}",
            f"{e(t_by)} {e(agency_name(rec['agency']))} · {e(t_involved)} {e(agencies)}",
            *self._territory_line(rec, e),
        ]))
        current = self.selected_entry()
        self.timeline.clear()
        self.entry_view.clear()
        zone = times.zone_now()
        items: dict[str, QTreeWidgetItem] = {}
        for entry in self._entries:
            text = entry.body
            if entry.kind == "status" and entry.status:
                text = f"→ {label(entry.status, 'incident_status')}: {text}"
            if entry.kind == "assignment" and entry.unit_id:
                cs = self._callsigns.get(entry.unit_id, "?")
                text = f"[{cs}] {text}"
            text = isolate(text)
            item = QTreeWidgetItem([
                times.short(entry.created_at, zone), isolate(entry.author or ""),
                label(entry.kind, "entry_kind"), text,
            ])
            item.setData(0, ID_ROLE, entry.id)
            item.setToolTip(T_TEXT, text)
            item.setToolTip(T_TIME, f"{times.when(entry.created_at)}\n{times.other(entry.created_at)}")
            item.setData(3, TIME_ROLE, times.when(entry.created_at, seconds=True))
            if entry.amended_by:
                item.setToolTip(0, self.tr("Amended later; the original text is kept."))
            # the correction sits under what it corrects, so both are read together
            target = items.get(entry.amends) if entry.amends else None
            if target is not None:
                target.addChild(item)
                target.setExpanded(True)
            else:
                self.timeline.addTopLevelItem(item)
            items[entry.id] = item
        if current in items:
            self.timeline.setCurrentItem(items[current])

    def _territory_line(self, rec: dict[str, Any], e: Any) -> list[str]:
        """Whose territory the incident is in: the zones its location falls in
        (store/zones.py), most local first. The zone index is built off the UI thread
        the first time; the header is filled again once it is ready."""
        if rec.get("lat") is None or rec.get("lon") is None:
            return []
        tagger = zones.tagger(self.store)
        index = tagger.built()
        if index is None:
            run_task(tagger.index, lambda _r, error: None if error else self._fill_detail())
            return []
        hits = index.at(rec["lon"], rec["lat"])
        if not index.hits:
            return []
        text = "; ".join(f"{h.name} ({label(h.level, 'zone_level')}, {agency_name(h.agency)})"
                         for h in hits) or self.tr("no known zone")
        t_territory = self.tr("Territory:")
        return [f"{e(t_territory)} {e(text)}"]

    def _show_entry(self, item: QTreeWidgetItem | None, _prev: object = None) -> None:
        if item is None:
            self.entry_view.clear()
            return
        head = f"{item.data(3, TIME_ROLE)} · {item.text(1)} · {item.text(2)}"
        self.entry_view.setText(f"<b>{html.escape(head)}</b><br>{html.escape(item.text(3))}")

    def timeline_texts(self) -> list[str]:
        """Every entry text in the timeline, originals and amendments (tests read this)."""
        out: list[str] = []

        def walk(item: QTreeWidgetItem | None) -> None:
            if item is None:
                return
            out.append(item.text(3))
            for i in range(item.childCount()):
                walk(item.child(i))

        for i in range(self.timeline.topLevelItemCount()):
            walk(self.timeline.topLevelItem(i))
        return out

    def selected_entry(self) -> str | None:
        item = self.timeline.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def select_entry(self, entry_id: str) -> None:
        it = self.timeline.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive)
        for item in it:
            if item.data(0, ID_ROLE) == entry_id:
                self.timeline.setCurrentItem(item)
                return

    # -- new entry -------------------------------------------------------------

    def _update_entry_box(self, *_args: object) -> None:
        kind = self.entry_kind.currentData()
        self.entry_status.setVisible(kind == "status")
        self.entry_unit.setVisible(kind == "assignment")
        self.amends_label.setVisible(kind == "amendment")
        if kind == "amendment":
            target = self.selected_entry()
            self.amends_label.setText(
                self.tr("Corrects the selected entry.") if target
                else self.tr("Select the entry to correct in the timeline.")
            )

    def _entry_error(self, text: str) -> None:
        self.entry_error.setText(text)
        self.entry_error.setVisible(bool(text))

    def add_entry(self) -> str | None:
        """Append the entry typed in the box; returns its id, or None with the reason shown."""
        self._entry_error("")
        if self.incident_id is None:
            return None
        kind = self.entry_kind.currentData()
        body = self.entry_body.toPlainText().strip()
        amends = unit_id = status = None
        try:
            if kind == "amendment":
                amends = self.selected_entry()
                if amends is None:
                    self._entry_error(self.tr("Select the entry to correct in the timeline."))
                    return None
            elif kind == "status":
                status = self.entry_status.currentData()
                body = body or label(status, "incident_status")
            elif kind == "assignment":
                callsign = self.entry_unit.text().strip()
                if not callsign:
                    self._entry_error(self.tr("Enter the callsign of the unit to assign."))
                    return None
                with self.store.session() as s:
                    unit_id = queries.find_unit_by_callsign(s, callsign)
                if unit_id is None:
                    self._entry_error(
                        self.tr("No unit has the callsign {callsign}.").format(callsign=callsign)
                    )
                    return None
                body = body or self.tr("{callsign} assigned").format(callsign=callsign)
            if not body:
                self._entry_error(self.tr("Write the text of the entry."))
                return None
            eid = self.writer.add_entry(
                self.incident_id, kind, body, amends=amends, unit_id=unit_id, status=status
            )
        except (InvalidInput, UserFacingError) as err:
            self._entry_error(error_text(err))
            return None
        except Exception as err:  # noqa: BLE001 - shown behind "something failed", logged
            show_error(self, err)
            return None
        self.entry_body.clear()
        self.entry_unit.clear()
        self.load_detail()
        return eid
