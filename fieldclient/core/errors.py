"""Domain errors whose message is fit to show to the user as it is.

Messages are English source strings; the UI passes them through Qt's
translation (context "errors") before showing them, so keep them as literal
format strings with named placeholders and list new ones in
resources/translations.
"""

from __future__ import annotations

from typing import Any

from fieldclient.core.i18n import QT_TRANSLATE_NOOP


class UserFacingError(Exception):
    """An error the user can understand and act on."""

    def __init__(self, message: str, **params: Any) -> None:
        self.template = message
        self.params = params
        super().__init__(message.format(**params) if params else message)


class InvalidInput(UserFacingError):
    """A value from a form or the command line that cannot be stored."""

    def __init__(self, message: str, field: str | None = None, **params: Any) -> None:
        super().__init__(message, **params)
        self.field = field


class NotFound(UserFacingError):
    pass


class StoreError(UserFacingError):
    """The local database cannot be used as it is."""


class StoreCorrupt(StoreError):
    def __init__(self, path: str, why: str) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP(
                "errors",
                "The file {path} is not a usable Enlace database ({why}). "
                "It was not changed; move it aside to start a new one.",
            ),
            path=path,
            why=why,
        )
        self.path = path


class StoreTooNew(StoreError):
    def __init__(self, path: str, version: str) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP(
                "errors",
                "The database {path} was written by a newer version of Enlace (schema {version}). "
                "It was not changed; install the newer version to open it.",
            ),
            path=path,
            version=version,
        )
        self.path = path


class StoreWriteFailed(StoreError):
    def __init__(self, why: str) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP(
                "errors",
                "The change could not be saved ({why}). Nothing was written; check free disk "
                "space and permissions of the data folder.",
            ),
            why=why,
        )


class SyncError(UserFacingError):
    pass
