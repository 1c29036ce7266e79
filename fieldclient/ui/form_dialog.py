"""Shared shape of the data-entry dialogs: a form whose fields each carry their own
error line, so a refused value is explained right next to where it was typed."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, Qt, QTime, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from fieldclient.core.errors import InvalidInput, UserFacingError
from fieldclient.core.timefmt import AmbiguousLocalTime, local_to_utc
from fieldclient.ui.errors import error_text, show_error
from fieldclient.ui.labels import label

log = logging.getLogger(__name__)

ERROR_STYLE = "color: #b00020;"


class FormDialog(QDialog):
    """Subclasses add fields with `add_field`, implement `save()` and `retranslateUi()`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._labels: dict[str, QLabel] = {}
        self._errors: dict[str, QLabel] = {}
        self.general_error = QLabel()
        self.general_error.setObjectName("generalError")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.saved_id: str | None = None

    def add_field(self, key: str, widget: QWidget) -> None:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(1)
        v.addWidget(widget)
        err = QLabel()
        err.setObjectName(f"error_{key}")
        err.setStyleSheet(ERROR_STYLE)
        err.setWordWrap(True)
        err.hide()
        v.addWidget(err)
        lab = QLabel()
        lab.setBuddy(widget)
        self.form.addRow(lab, box)
        self._labels[key] = lab
        self._errors[key] = err

    def set_label(self, key: str, text: str) -> None:
        self._labels[key].setText(text)

    def field_error(self, key: str) -> str:
        """The error shown next to a field ('' when none); tests and the self-test read it."""
        err = self._errors.get(key)
        return err.text() if err is not None and not err.isHidden() else ""

    def set_field_error(self, key: str, text: str) -> None:
        err = self._errors.get(key)
        if err is None:
            self.general_error.setText(text)
            self.general_error.setVisible(bool(text))
            return
        err.setText(text)
        err.setVisible(bool(text))

    def clear_errors(self) -> None:
        for err in self._errors.values():
            err.clear()
            err.hide()
        self.general_error.clear()
        self.general_error.hide()

    def has_errors(self) -> bool:
        return any(not e.isHidden() for e in self._errors.values()) or not self.general_error.isHidden()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:  # pragma: no cover - overridden
        pass

    def save(self) -> str | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def show_problems(self, problems: list[InvalidInput], skip: tuple[str, ...] = ()) -> None:
        """Show each refusal (from `core.validation.input_problems`) next to its field;
        `skip`: fields whose widget already says what is wrong."""
        for err in problems:
            if err.field not in skip:
                self.set_field_error(self._field_for(err.field), refusal_text(err))

    def submit(self) -> bool:
        """Validate and write; on a refused value keep the dialog open and say why."""
        self.clear_errors()
        try:
            self.saved_id = self.save()
        except AmbiguousLocalTime as err:
            # asked, never guessed: the person says which of the two, then save again
            fold = ask_which(self, err) if isinstance(err.source, QDateTimeEdit) else None
            if fold is None:
                self.set_field_error(self._field_for(err.field), refusal_text(err))
                return False
            assert isinstance(err.source, QDateTimeEdit)
            err.source.setProperty(_FOLD, fold)
            return self.submit()
        except InvalidInput as err:
            self.set_field_error(self._field_for(err.field), refusal_text(err))
            return False
        except UserFacingError as err:
            self.set_field_error("", error_text(err))
            return False
        except Exception as err:  # noqa: BLE001 - shown behind "something failed", logged
            show_error(self, err)
            return False
        if self.has_errors():
            return False
        self.accept()
        return True

    def _field_for(self, field: str | None) -> str:
        if field is not None and field in self._errors:
            return field
        aliases = {"lat": "coords", "lon": "coords", "coordinates": "coords", "parent_id": "parent"}
        return aliases.get(field or "", "")


def refusal_text(err: UserFacingError) -> str:
    """A refusal in the user's language: a shared rule's Problem from the "problems" and
    "fields" catalogues, the client's own messages from "errors"."""
    return error_text(err)


def fill_codes(combo: QComboBox, codes: tuple[str, ...] | list[str], blank: str | None = None) -> None:
    """(Re)fill a combo with translated labels of codes, keeping the chosen code."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    if blank is not None:
        combo.addItem(blank, None)
    for code in codes:
        combo.addItem(label(code), code)
    at = combo.findData(current)
    combo.setCurrentIndex(at if at >= 0 else 0)
    combo.blockSignals(False)


def select_agency(combo: QComboBox, slug: str) -> None:
    """Choose `slug`, adding it when the local agency list does not have it (yet)."""
    at = combo.findData(slug)
    if at < 0:
        combo.addItem(slug, slug)
        at = combo.count() - 1
    combo.setCurrentIndex(at)


def agency_slug(combo: QComboBox) -> str:
    """The chosen agency's slug; a typed entry (an agency's name, or a bare slug for an
    agency the laptop does not know yet) also works."""
    text = combo.currentText().strip()
    data = combo.currentData()
    if data is not None and combo.itemText(combo.currentIndex()) == text:
        return str(data)
    at = combo.findText(text, Qt.MatchFlag.MatchFixedString)  # a name typed out in full
    if at >= 0 and combo.itemData(at) is not None:
        return str(combo.itemData(at))
    return text.split(" — ", 1)[0].strip()


def select_code(combo: QComboBox, code: str | None) -> None:
    at = combo.findData(code)
    if at >= 0:
        combo.setCurrentIndex(at)


# A time edit holds the local wall-clock time as typed, in a zone without daylight saving
# time (UTC), so Qt never moves a time the clocks skip or repeat; `read_time` reads it as
# local time with the same function the command line uses (core.timefmt.local_to_utc).
_FOLD = "enlaceFold"  # which of a repeated hour the person chose (0, 1), or None


def time_edit(now: datetime | None = None) -> QDateTimeEdit:
    edit = QDateTimeEdit()
    edit.setTimeZone(QTimeZone.utc())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    set_time(edit, now or datetime.now(UTC))
    edit.dateTimeChanged.connect(lambda _when: edit.setProperty(_FOLD, None))
    return edit


def set_time(edit: QDateTimeEdit, when: datetime) -> None:
    """Show an instant as this computer's wall-clock time."""
    local = when.astimezone()
    edit.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                               QTime(local.hour, local.minute), QTimeZone.utc()))
    edit.setProperty(_FOLD, local.fold)


def read_time(edit: QDateTimeEdit, field: str = "time") -> datetime:
    """The UTC instant of the wall-clock time shown. A time the clocks skipped is refused;
    one they repeated raises AmbiguousLocalTime (the form asks which) unless the person
    already chose."""
    d, t = edit.date(), edit.time()
    wall = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
    fold = edit.property(_FOLD)
    try:
        return local_to_utc(wall, fold=fold if fold in (0, 1) else None, field=field)
    except AmbiguousLocalTime as err:
        err.source = edit
        raise


def ask_which(parent: QWidget, err: AmbiguousLocalTime) -> int | None:
    """For a wall-clock time that happened twice, ask which one was meant: 0 (the first),
    1 (the second) or None (the person cancelled)."""
    box = QMessageBox(parent)
    box.setObjectName("ambiguousTime")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("FormDialog", "Which time?"))
    box.setText(QCoreApplication.translate(
        "FormDialog", "{time} happened twice: the clocks went back at that hour. Which one "
                      "do you mean?").format(time=err.params["time"]))
    buttons: list[Any] = []
    for when, text in zip(err.choices, (
            QCoreApplication.translate("FormDialog", "The first (UTC{offset})"),
            QCoreApplication.translate("FormDialog", "The second (UTC{offset})")), strict=True):
        offset = err.params["first" if not buttons else "second"]
        b = box.addButton(text.format(offset=offset), QMessageBox.ButtonRole.AcceptRole)
        b.setObjectName(f"fold{len(buttons)}")
        b.setToolTip(when.strftime("%Y-%m-%d %H:%M UTC"))
        buttons.append(b)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return buttons.index(clicked) if clicked in buttons else None
