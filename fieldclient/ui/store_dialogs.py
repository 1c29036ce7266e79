"""Opening the store from the window: a file the store refuses (damaged, foreign, or
written by a newer version) is explained, and only ever moved aside on request,
never overwritten. A healthy database on a full or read-only disk is never offered
to be moved aside (that would strand its unsent changes): the window opens it
read-only and says why."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldclient.core.errors import StoreCorrupt, StoreError, StoreReadOnly, StoreTooNew
from fieldclient.store.db import Store, open_store, quarantine
from fieldclient.ui.errors import error_text, show_error

log = logging.getLogger(__name__)


def open_store_interactive(data_dir: Path, parent: QWidget | None = None) -> Store | None:
    """Open the store; for a refused file ask whether to move it aside (never overwrite
    it). Returns the Store, or None when the user chose to quit."""
    while True:
        try:
            store = open_store(data_dir)
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
        except StoreError as err:  # a disk that cannot be written, and nothing to show
            show_error(parent, err)
            return None
        else:
            if store.read_only:
                _tell_read_only(StoreReadOnly(str(data_dir), store.read_only), parent)
            return store


def _tell_read_only(err: StoreReadOnly, parent: QWidget | None) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning,
                      QCoreApplication.translate("StartUp", "Changes cannot be saved"),
                      error_text(err), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("storeReadOnly")
    box.exec()


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
