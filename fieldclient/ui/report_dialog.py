"""The window's "Operation report (SITREP)…" (File menu): choose the operation (the
toolbar's selected one by default), the time, the format and the file; the report is
assembled off the UI thread and rendered and written by the same code as
`fieldclient report sitrep` (report/tables.py `write_report`), in the window's language.
When done, a message says where the files went and that they are not encrypted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDateTime, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from fieldclient.core.bidi import isolate
from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.core.timefmt import utcnow
from fieldclient.store import operations
from fieldclient.ui.errors import show_error
from fieldclient.ui.i18n import Retranslatable
from fieldclient.ui.tasks import run_task

if TYPE_CHECKING:
    from fieldclient.store.db import Store
    from fieldclient.ui.main_window import MainWindow

SUFFIX = {"pdf": ".pdf", "csv": ".csv", "geojson": ".geojson"}


class SitrepDialog(Retranslatable, QDialog):
    """Operation, time, format and file of one SITREP."""

    def __init__(self, ops: list[tuple[str, str, str]], chosen: str, folder: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sitrepDialog")
        self.folder = folder
        self.operation = QComboBox()
        self.operation.setObjectName("sitrepOperation")
        for op_id, code, name in ops:
            self.operation.addItem(isolate(f"{code} — {name}"), op_id)
        self.operation.setCurrentIndex(max(self.operation.findData(chosen), 0))
        self.at = QDateTimeEdit(QDateTime.currentDateTime())
        self.at.setObjectName("sitrepAt")
        self.at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.at.setCalendarPopup(True)
        self.at.setMaximumDateTime(QDateTime.currentDateTime().addSecs(60))
        self.format = QComboBox()
        self.format.setObjectName("sitrepFormat")
        for fmt in SUFFIX:
            self.format.addItem(fmt.upper() if fmt != "geojson" else "GeoJSON", fmt)
        self.file = QLineEdit()
        self.file.setObjectName("sitrepFile")
        self.browse = QPushButton()
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(self.browse)
        self.form = QFormLayout(self)
        self.form.addRow("", self.operation)
        self.form.addRow("", self.at)
        self.form.addRow("", self.format)
        self.form.addRow("", row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.form.addRow(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.browse.clicked.connect(self.choose_file)
        self.operation.currentIndexChanged.connect(lambda _i: self._default_file())
        self.format.currentIndexChanged.connect(lambda _i: self._default_file())
        self._default_file()
        self.retranslateUi()

    def _default_file(self) -> None:
        code = self.operation.currentText().split(" ")[0].strip("\u2066\u2067\u2068\u2069")
        stamp = self.at.dateTime().toString("yyyyMMdd-HHmm")
        name = f"sitrep-{code or 'op'}-{stamp}{SUFFIX[self.fmt()]}"
        self.file.setText(str(self.folder / name))

    def choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the report as"),
                                              self.file.text())
        if path:
            self.file.setText(path)

    def fmt(self) -> str:
        return str(self.format.currentData())

    def chosen(self) -> tuple[str, datetime, str, str]:
        """(operation id, time (UTC), format, file)."""
        at = self.at.dateTime().toSecsSinceEpoch()
        return (str(self.operation.currentData() or ""), datetime.fromtimestamp(at, UTC),
                self.fmt(), self.file.text().strip())

    def retranslateUi(self) -> None:
        self.setWindowTitle(self.tr("Operation report (SITREP)"))
        labels = (self.tr("Operation"), self.tr("Situation at"), self.tr("Format"),
                  self.tr("File"))
        for i, text in enumerate(labels):
            item = self.form.itemAt(i, QFormLayout.ItemRole.LabelRole)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel):
                widget.setText(text)
        self.browse.setText(self.tr("Choose…"))


class WindowReport(QObject):
    """The File menu's "Operation report (SITREP)…"."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.act = QAction(window)
        self.act.setObjectName("menuSitrep")
        window.menus.file_menu.insertAction(window.menus.maps_anchor, self.act)
        self.act.triggered.connect(self.open)
        self.retranslateUi()

    def retranslateUi(self) -> None:
        self.act.setText(self.tr("Operation report (SITREP)…"))

    def operations(self) -> list[tuple[str, str, str]]:
        with self.window.store.session() as s:
            return [(o.id, o.code, o.name) for o in operations.operations(s)]

    def open(self) -> SitrepDialog | None:
        ops = self.operations()
        if not ops:
            QMessageBox.information(self.window, self.tr("Operation report (SITREP)"),
                                    self.tr("This laptop knows no joint operation yet."))
            return None
        dialog = SitrepDialog(ops, self.window._operation, Path.home(), self.window)
        dialog.accepted.connect(lambda: self.make(*dialog.chosen()))
        dialog.open()
        return dialog

    def make(self, operation_id: str, at: datetime, fmt: str, path: str) -> None:
        """Assemble in the background, then render and write here (Qt's painting and PDF
        writer belong to the UI thread)."""
        from fieldclient.report import sitrep, tables

        store: Store = self.window.store
        lang = self.window.translations.lang
        now = utcnow()
        at = min(at, now)

        def fetch() -> Any:
            if not path:
                raise InvalidInput(QT_TRANSLATE_NOOP("report", "Choose the file to write."),
                                   field="output")
            return sitrep.assemble(store, operation_id, sitrep.parse_at(at, now), now)

        def done(rep: Any, error: BaseException | None) -> None:
            self.window.unsetCursor()
            if error is None:
                try:
                    files = tables.write_report(store, operation_id, at, fmt, path, lang, now,
                                                assemble=lambda *_a: rep)
                except Exception as exc:  # noqa: BLE001 - shown to the user
                    error = exc
            if error is not None:
                show_error(self.window, error)
                return
            text = QCoreApplication.translate("errors", tables.WRITTEN).format(
                code=rep.header.code, path=", ".join(str(f) for f in files))
            QMessageBox.information(self.window, self.tr("Operation report (SITREP)"), text)
            self.window.statusBar().showMessage(str(files[0]), 10_000)

        self.window.setCursor(Qt.CursorShape.WaitCursor)
        run_task(fetch, done)
