"""Domain errors whose message is fit to show to the user as it is.

Two kinds of message:
- the client's own: English source strings in the translation context "errors",
  literal format strings with named placeholders (list new ones in
  resources/translations);
- a refusal by the rules every side shares (an entity definition or the
  authorisation rules in `sync.protocol`): the error carries that `Problem`
  (code, field, parameters), rendered from the "problems" templates with field
  labels from "fields".

`render(translate)` gives either in the language `tr` translates to.
"""

from __future__ import annotations

from typing import Any

from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from sync.protocol.problems import Problem, Translate


class UserFacingError(Exception):
    """An error the user can understand and act on."""

    problem: Problem | None = None

    def __init__(self, message: str, **params: Any) -> None:
        self.template = message
        self.params = params
        super().__init__(message.format(**params) if params else message)

    @classmethod
    def of(cls, problem: Problem) -> Any:
        """The error for a refusal by the shared rules (its message is the Problem's)."""
        err = cls.__new__(cls)
        Exception.__init__(err, problem.render())
        # `template` holds the English message already filled in, so code that only knows
        # the "errors" catalogue still shows a complete sentence (untranslated).
        err.template, err.params, err.problem = problem.render(), {}, problem
        if isinstance(err, InvalidInput):
            err.field = problem.field
        return err

    def render(self, translate: Translate | None = None) -> str:
        """The message in the language `translate` ((context, text) -> text) gives."""
        if self.problem is not None:
            return self.problem.render(translate)
        # (not named `tr`: lupdate would take the call for a string to translate)
        text = translate("errors", self.template) if translate else self.template
        try:
            return text.format(**self.params) if self.params else text
        except (KeyError, IndexError, ValueError):
            return str(self)  # a broken translation must never hide the message


class InvalidInput(UserFacingError):
    """A value from a form or the command line that cannot be stored."""

    field: str | None = None

    def __init__(self, message: str, field: str | None = None, **params: Any) -> None:
        super().__init__(message, **params)
        self.field = field


class NotPermitted(InvalidInput):
    """The signed-in user may not make this change (the server would refuse it too)."""


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


class StoreReadOnly(StoreWriteFailed):
    """The data folder cannot be written at all (a full disk, a read-only file system or
    folder): the store opened read-only, so everything can be read and nothing saved. The
    database is healthy; moving it aside would only strand its unsent changes."""

    def __init__(self, path: str, reason: str) -> None:
        if reason == "full":
            message = QT_TRANSLATE_NOOP(
                "errors",
                "The disk that holds {path} is full. Enlace shows what it holds but cannot "
                "save or sync anything until space is freed. Nothing was lost: free some space "
                "and start Enlace again (do not move the database aside).",
            )
        else:
            message = QT_TRANSLATE_NOOP(
                "errors",
                "The data folder {path} cannot be written (read-only disk or folder). Enlace "
                "shows what it holds but cannot save or sync anything. Nothing was lost: make "
                "the folder writable and start Enlace again (do not move the database aside).",
            )
        UserFacingError.__init__(self, message, path=path)
        self.path, self.reason = path, reason


class SyncError(UserFacingError):
    pass
