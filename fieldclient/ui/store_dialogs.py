"""Opening the store from the window: a file the store refuses (damaged, foreign, or
written by a newer version) is explained, and only ever moved aside on request,
never overwritten."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldclient.core.errors import StoreCorrupt, StoreError, StoreTooNew
from fieldclient.store.db import Store, open_store, quarantine
from fieldclient.ui.errors import error_text, show_error

log = logging.getLogger(__name__)


def open_store_interactive(data_dir: Path, parent: QWidget | None = None) -> Store | None:
    """Open the store; for a refused file ask whether to move it aside (never overwrite
    it). Returns the Store, or None when the user chose to quit."""
    while True:
        try:
            return open_store(data_dir)
        except (StoreCorrupt, StoreTooNew) as err:
            if not _ask_move_aside(err, parent):
                return None
            target = quarantine(Path(err.path))
            log.warning("moved refused database %s to %s", err.path, target)
            QMessageBox.information(
                parent, QCoreApplication.translate("StartUp", "Moved aside"),
                QCoreApplication.translate("StartUp", "The old file was moved to {path}.")
                .format(path=str(target)),
            )
        except StoreError as err:
            show_error(parent, err)
            return None


def _ask_move_aside(err: StoreCorrupt | StoreTooNew, parent: QWidget | None) -> bool:
    box = QMessageBox(parent)
    box.setObjectName("storeRefused")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("StartUp", "The database cannot be opened"))
    box.setText(error_text(err))
    box.setInformativeText(QCoreApplication.translate(
        "StartUp",
        "Move it aside to start with an empty database? The file is renamed, "
        "not deleted, so it can still be recovered or inspected."
    ))
    move = box.addButton(QCoreApplication.translate("StartUp", "Move it aside"),
                         QMessageBox.ButtonRole.AcceptRole)
    quit_button = box.addButton(QCoreApplication.translate("StartUp", "Quit"),
                                QMessageBox.ButtonRole.RejectRole)
    move.setObjectName("moveAsideButton")
    quit_button.setObjectName("quitButton")
    box.setDefaultButton(quit_button)
    box.exec()
    return box.clickedButton() is move
