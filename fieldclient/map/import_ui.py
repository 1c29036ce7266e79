"""File ▸ Import map…: installing a map package from the window, and where to get one.

The steps are those of `fieldclient maps import` (fieldclient/map/importer.py),
run as `ui.tasks` tasks: the package is checked off the UI thread, a package of
the same file name is only replaced after the user says so (the question names
both maps), and the copy shows its progress and can be cancelled. Nothing is
left in `maps/` after a failure or a cancel. The map lists the new package on
its own (it watches `maps/`); this module then switches the map to it.

No QtWebEngine here: the window builds its menu before the map exists.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fieldclient.core.errors import UserFacingError
from fieldclient.map.importer import ImportCancelled, ImportPlan, plan_import, run_import
from fieldclient.map.mbtiles import InvalidMBTiles, MBTilesInfo
from fieldclient.ui.tasks import run_task, to_ui

if TYPE_CHECKING:
    from fieldclient.map.widget import MapView

log = logging.getLogger(__name__)

FILE_MENU = "fileMenu"


def docs_dir() -> Path:
    """docs/ of a source checkout, or of a frozen build."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) / "docs" if frozen else Path(__file__).resolve().parents[2] / "docs"


def file_menu(window: QMainWindow) -> QMenu:
    """The window's File menu, made here if the window has none yet."""
    bar = window.menuBar()
    menu = bar.findChild(QMenu, FILE_MENU)
    if menu is None:
        menu = QMenu(bar)
        menu.setObjectName(FILE_MENU)
        first = bar.actions()
        if first:
            bar.insertMenu(first[0], menu)
        else:
            bar.addMenu(menu)
    return menu


def _translate(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def _error_text(err: BaseException) -> str:
    if isinstance(err, InvalidMBTiles):
        return err.message(_translate)
    if isinstance(err, UserFacingError):
        try:
            return _translate("errors", err.template).format(**err.params)
        except (KeyError, IndexError, ValueError):
            return str(err)
    return str(err)


class MapImport(QObject):
    """The Import map… and Map packages help actions, and the import they start."""

    finished = Signal(bool, str)  # installed?, the package's layer key or the message shown
    progressed = Signal(int)  # per mille copied (tests; the dialog shows it)

    def __init__(
        self, window: QMainWindow, data_dir: Path, before: QAction | None = None
    ) -> None:
        super().__init__(window)
        self._window = window
        self._data_dir = Path(data_dir)
        self._view: MapView | None = None
        self._cancel: threading.Event | None = None
        self._pending_key: str | None = None
        self.busy = False
        self.dialog: QWidget | None = None  # the question, progress or message on screen
        self.menu = file_menu(window)
        self.action = QAction(self)
        self.action.setObjectName("importMapAction")
        self.action.triggered.connect(self.choose)
        self.help_action = QAction(self)
        self.help_action.setObjectName("mapHelpAction")
        self.help_action.triggered.connect(self.show_help)
        # In the File menu above `before` (the window's Quit group), else at its end.
        self.menu.insertActions(before, [self.action, self.help_action])  # type: ignore[arg-type]
        window.installEventFilter(self)  # LanguageChange reaches windows, not QObjects
        self.retranslate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def retranslate(self) -> None:
        if self.menu.objectName() == FILE_MENU and self.menu.parent() is self._window.menuBar():
            self.menu.setTitle(self.tr("&File"))
        self.action.setText(self.tr("Import map…"))
        self.action.setToolTip(self.tr("Install an offline map package (MBTiles)"))
        self.help_action.setText(self.tr("Where to get map packages"))

    def attach(self, view: MapView) -> None:
        """Let the map's notice links start an import or show the help."""
        self._view = view
        view.importRequested.connect(self.choose)
        view.helpRequested.connect(self.show_help)
        view.layersChanged.connect(self._show_imported)

    # -- the import ---------------------------------------------------------------------

    def choose(self) -> None:
        if self.busy:
            return
        path, _ = QFileDialog.getOpenFileName(
            self._window, self.tr("Import map package"), str(Path.home()),
            self.tr("Map packages (*.mbtiles *.MBTILES *.MBTiles);;All files (*)"))
        if path:
            self.start(Path(path))

    def start(self, source: Path) -> None:
        """Check `source` (off the UI thread), then ask, copy and install it."""
        if self.busy:
            return
        self.busy = True
        data_dir = self._data_dir
        run_task(lambda: plan_import(source, data_dir), self._on_plan)

    def _on_plan(self, plan: ImportPlan | None, error: BaseException | None) -> None:
        if error is not None or plan is None:
            self._fail(error or RuntimeError("no plan"))
            return
        conflict = plan.conflict()
        if conflict is None:
            self._copy(plan)
            return
        existing = plan.existing.name if plan.existing else plan.existing_path.name  # type: ignore[union-attr]
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Replace map package?"),
                          self.tr("The map package \"{existing}\" ({file}) is installed under "
                                  "the same file name. Replace it with \"{new}\"?").format(
                              existing=existing, file=plan.existing_path.name,  # type: ignore[union-attr]
                              new=plan.info.name),
                          QMessageBox.StandardButton.NoButton, self._window)
        box.setObjectName("replaceMapQuestion")
        replace = box.addButton(self.tr("Replace"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self._answered(plan, box.clickedButton() is replace))
        self.dialog = box
        box.open()

    def _answered(self, plan: ImportPlan, replace: bool) -> None:
        self.dialog = None
        if replace:
            self._copy(plan)
        else:
            self.busy = False
            self.finished.emit(False, "")

    def _copy(self, plan: ImportPlan) -> None:
        cancel = self._cancel = threading.Event()
        dlg = QProgressDialog(self.tr("Copying {file}…").format(file=plan.source.name),
                              self.tr("Cancel"), 0, 1000, self._window)
        dlg.setObjectName("importMapProgress")
        dlg.setWindowTitle(self.tr("Import map"))
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.setMinimumDuration(300)  # a small package installs without a flash of dialog
        dlg.canceled.connect(cancel.set)
        self.dialog = dlg
        report = to_ui(self._on_progress)
        shown = [-1]

        def progress(done: int, total: int) -> None:  # on the worker: one report per mille
            permille = 1000 * done // total if total else 1000
            if permille != shown[0]:
                shown[0] = permille
                report(permille)

        run_task(lambda: run_import(plan, progress=progress, cancel=cancel), self._on_done)

    def _on_progress(self, permille: int) -> None:
        dlg = self.dialog
        if isinstance(dlg, QProgressDialog):
            dlg.setValue(permille)
        self.progressed.emit(permille)

    def _on_done(self, info: MBTilesInfo | None, error: BaseException | None) -> None:
        dlg, self.dialog, self._cancel = self.dialog, None, None
        if isinstance(dlg, QProgressDialog):
            dlg.canceled.disconnect()
            dlg.close()
            dlg.deleteLater()
        if error is not None or info is None:
            self._fail(error or RuntimeError("no package"))
            return
        self.busy = False
        self._status(self.tr("Installed map package \"{name}\".").format(name=info.name))
        self._pending_key = info.key
        if self._view is not None:
            self._view.refresh_base_layers()  # sooner than the folder watch
        self.finished.emit(True, info.key)

    def _show_imported(self) -> None:
        # Once the map lists the new package, show it.
        key, view = self._pending_key, self._view
        if key and view is not None and any(la["key"] == key for la in view.base_layers()):
            self._pending_key = None
            view.show_layer(key)

    def _fail(self, error: BaseException) -> None:
        self.busy = False
        if isinstance(error, ImportCancelled):
            text = _error_text(error)
            self._status(text)
            self.finished.emit(False, text)
            return
        if not isinstance(error, UserFacingError):
            log.error("map import failed", exc_info=error)
        text = _error_text(error)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Import map"), text,
                          QMessageBox.StandardButton.Ok, self._window)
        box.setObjectName("importMapError")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = box
        box.open()
        self.finished.emit(False, text)

    def _status(self, text: str) -> None:
        self._window.statusBar().showMessage(text, 10_000)

    # -- help ---------------------------------------------------------------------------

    def show_help(self) -> None:
        dlg = MapHelpDialog(self._window)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.import_requested.connect(self.choose)
        self.dialog = dlg
        dlg.open()


class MapHelpDialog(QDialog):
    """Where agencies get map packages and how to make one, in the user's language."""

    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapHelpDialog")
        self.setWindowTitle(self.tr("Map packages"))
        self.resize(620, 520)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setHtml(self._html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = buttons.addButton(
            self.tr("Import map…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.guide_button = buttons.addButton(
            self.tr("Full guide (English)"), QDialogButtonBox.ButtonRole.HelpRole)
        guide = docs_dir() / "map.md"
        self.guide_button.setEnabled(guide.is_file())
        self.guide_button.clicked.connect(lambda: self._show_guide(guide))
        self.import_button.clicked.connect(self._import)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def _import(self) -> None:
        self.accept()
        self.import_requested.emit()

    def _show_guide(self, guide: Path) -> None:
        try:
            self.browser.setMarkdown(guide.read_text(encoding="utf-8"))
        except OSError as exc:
            log.warning("map guide unreadable: %s", exc)

    def _html(self) -> str:
        paras: list[Any] = [
            ("h3", self.tr("Offline maps for the field")),
            ("p", self.tr(
                "Without a map package the map shows only country outlines. A map package is "
                "an MBTiles file (.mbtiles): topographic sheets, satellite imagery or a city "
                "plan, drawn offline.")),
            ("h4", self.tr("Where to get one")),
            ("p", self.tr(
                "Ask your agency's GIS or cartography unit (state and municipal police, "
                "SEDENA and SEMAR have them) for an MBTiles package of the area of operations, "
                "with raster tiles (PNG, JPEG or WebP). INEGI publishes topographic maps and "
                "orthophotos of Mexico that a GIS unit can turn into a package.")),
            ("h4", self.tr("How to make one")),
            ("p", self.tr(
                "From a GeoTIFF (an orthophoto or a scanned sheet): gdal_translate -of MBTiles "
                "map.tif map.mbtiles, then gdaladdo -r average map.mbtiles 2 4 8 16 so it draws "
                "when zoomed out. From OpenStreetMap data: render raster tiles with a tool "
                "such as TileMill or QGIS (Generate XYZ tiles, MBTiles output). Vector tile "
                "packages cannot be drawn.")),
            ("h4", self.tr("How to install it")),
            ("p", self.tr(
                "File ▸ Import map… and choose the file, or on the command line: fieldclient "
                "maps import FILE.mbtiles. The map lists it at once; choose it in the layer "
                "switcher at the top right.")),
        ]
        out = []
        for tag, text in paras:
            safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            out.append(f"<{tag}>{safe}</{tag}>")
        return "".join(out)
