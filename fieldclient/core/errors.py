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


class StoreLocked(StoreError):
    """The store's data key could not be unwrapped (fieldclient.store.crypto): nothing
    is shown and nothing is changed. Never answered by opening the file in the clear."""

    path: str = ""


class PassphraseNeeded(StoreLocked):
    """The data key is wrapped by a passphrase and none was given (`new`: the folder has
    no key yet and a passphrase must be chosen)."""

    def __init__(self, path: str, new: bool) -> None:
        if new:
            message = QT_TRANSLATE_NOOP(
                "errors",
                "The data folder {path} needs a passphrase to encrypt its database (no secure "
                "keyring is available, or the site profile asks for one). Choose one of at "
                "least {min} characters; without it the data cannot be read again.")
        else:
            message = QT_TRANSLATE_NOOP(
                "errors", "The database in {path} is encrypted: give its passphrase to open it.")
        super().__init__(message, path=path, min=MIN_PASSPHRASE)
        self.path, self.new = path, new


class WrongPassphrase(StoreLocked):
    def __init__(self, path: str, wait_s: int = 0) -> None:
        if wait_s > 0:
            message = QT_TRANSLATE_NOOP(
                "errors", "Too many wrong attempts: try again in {seconds} seconds. "
                "Nothing is shown until then.")
        else:
            message = QT_TRANSLATE_NOOP(
                "errors", "The passphrase or password is wrong. Nothing is shown; try again.")
        super().__init__(message, seconds=wait_s)
        self.path, self.wait_s = path, wait_s


class StoreKeyMissing(StoreLocked):
    """The keyring that wraps the data key has no entry for it, or cannot be read."""

    def __init__(self, path: str, why: str, passphrase_route: bool) -> None:
        if passphrase_route:
            message = QT_TRANSLATE_NOOP(
                "errors",
                "The key of the database in {path} cannot be taken from this computer's "
                "keyring ({why}). Give the folder's recovery passphrase instead, or unlock "
                "the keyring and start again. Nothing was changed.")
        else:
            message = QT_TRANSLATE_NOOP(
                "errors",
                "The key of the database in {path} cannot be taken from this computer's "
                "keyring ({why}). Unlock the keyring (or restore it) and start again; the "
                "database stays encrypted and nothing was changed. Your IT staff can help.")
        super().__init__(message, path=path, why=why)
        self.path, self.why, self.passphrase_route = path, why, passphrase_route


class StoreWrongKey(StoreLocked):
    """The data key unwraps, but the database does not open with it: a file copied here
    from another laptop (or a damaged one). Moving it aside is never suggested."""

    def __init__(self, path: str) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP(
                "errors",
                "The database {path} cannot be read with this laptop's key: it was encrypted "
                "on another laptop (a copied file) or it is damaged. It was not changed. Open "
                "it on the laptop it comes from, or put this laptop's own database back."),
            path=path,
        )
        self.path = path


MIN_PASSPHRASE = 12
