"""Showing errors: domain errors as they are (translated), anything else behind a
plain "Something failed" dialog whose Details hold the traceback, which is logged."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldclient.core.errors import UserFacingError
from fieldclient.ui.labels import readable_params
from sync.protocol.problems import Problem

log = logging.getLogger(__name__)


def error_text(err: UserFacingError) -> str:
    """The user's-language message of a domain error (a protocol problem included, its
    role and agency shown by label and name)."""
    p = err.problem
    if p is not None:
        return Problem(p.code, p.field, p.entity, **readable_params(p.params)).render(
            QCoreApplication.translate)
    return err.render(QCoreApplication.translate)


def show_error(parent: QWidget | None, err: BaseException) -> None:
    title = QCoreApplication.translate("Errors", "Enlace")
    if isinstance(err, UserFacingError):
        log.info("user-facing error: %s", err)
        QMessageBox.warning(parent, title, error_text(err))
        return
    details = "".join(traceback.format_exception(type(err), err, err.__traceback__))
    log.error("unexpected error\n%s", details)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(QCoreApplication.translate("Errors", "Something failed."))
    box.setInformativeText(
        QCoreApplication.translate("Errors", "Nothing was lost. The details were written to the log.")
    )
    box.setDetailedText(details)
    box.exec()
