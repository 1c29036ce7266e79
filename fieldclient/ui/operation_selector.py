"""The toolbar's operation selector: "All operations" or one joint operation, which
narrows the roster, the map and the incident log to what that operation covers
(window_operations.py). Hidden while this laptop knows no operation."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from fieldclient.core.bidi import isolate
from fieldclient.ui.i18n import Retranslatable


class OperationSelector(Retranslatable, QComboBox):
    operationChosen = Signal(str)  # an operation's id, "" for all

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("operationSelector")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._operations: list[tuple[str, str, str]] = []  # (id, code, name)
        self.addItem("", "")
        self.currentIndexChanged.connect(lambda _i: self.operationChosen.emit(self.chosen()))
        self.retranslateUi()

    def chosen(self) -> str:
        return str(self.currentData() or "")

    def set_operations(self, operations: list[tuple[str, str, str]]) -> None:
        """The operations to offer, (id, code, name) each; the choice is kept while its
        operation is still there (else: all, and `operationChosen` says so)."""
        if operations == self._operations:
            return
        was = self.chosen()
        self._operations = operations
        self.blockSignals(True)
        while self.count() > 1:
            self.removeItem(1)
        for op_id, code, name in operations:  # the code: the toolbar has little room
            self.addItem(isolate(code), op_id)
            self.setItemData(self.count() - 1, isolate(f"{code} — {name}"),
                             Qt.ItemDataRole.ToolTipRole)
        at = self.findData(was) if was else 0
        self.setCurrentIndex(max(at, 0))
        self.blockSignals(False)
        if was and at < 0:
            self.operationChosen.emit("")

    def choose(self, operation_id: str) -> None:
        at = self.findData(operation_id or "")
        if at >= 0:
            self.setCurrentIndex(at)

    def retranslateUi(self) -> None:
        self.setItemText(0, self.tr("All operations"))
        self.setToolTip(self.tr(
            "Show only the units, incidents and map of one joint operation"))
