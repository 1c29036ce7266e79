"""Sync errors fit to show to the user (templates translated in context "errors")."""

from __future__ import annotations

from fieldclient.core.errors import SyncError
from fieldclient.core.i18n import QT_TRANSLATE_NOOP


class Unreachable(SyncError):
    """The server could not be reached (no link, refused, timed out, cut)."""

    def __init__(self, why: str) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP("errors", "The sync server cannot be reached ({why})."), why=why
        )


class TlsFailure(SyncError):
    def __init__(self, why: str) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP(
                "errors",
                "The server's certificate could not be verified ({why}). Check the CA "
                "certificate given at sign-in.",
            ),
            why=why,
        )


class NotSignedIn(SyncError):
    def __init__(self) -> None:
        super().__init__(QT_TRANSLATE_NOOP("errors", "Not signed in to a sync server."))


class AuthFailed(SyncError):
    """The server refused the credentials or the device token (401)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP("errors", "The server refused the sign-in: {detail}"), detail=detail
        )


class DeviceRevoked(SyncError):
    """`wipe`: the server revoked this device with the wipe policy ("now" or
    "after_push"): its local data is to be erased (replication/wipe.py)."""

    def __init__(self, detail: str, wipe: str | None = None) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP(
                "errors", "This device was revoked by the server administrator: {detail}"
            ),
            detail=detail,
        )
        self.wipe = wipe


class ServerRefused(SyncError):
    """A 4xx/5xx answer other than authentication; `retry` says whether to back off and retry."""

    def __init__(self, status: int, code: str, detail: str, retry: bool) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP("errors", "The sync server answered {status}: {detail}"),
            status=status,
            detail=detail,
        )
        self.status = status
        self.code = code
        self.retry = retry
        self.retry_after: float | None = None


class InsecureKeyring(SyncError):
    def __init__(self, backend: str) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP(
                "errors",
                "No secure credential store is available (found {backend}). Install and "
                "unlock GNOME Keyring (package gnome-keyring) or KWallet on Linux; macOS "
                "Keychain and Windows Credential Locker work as they are.",
            ),
            backend=backend,
        )


class CredentialStoreFailed(SyncError):
    def __init__(self, why: str) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP(
                "errors", "The credential store could not be used ({why}). Unlock the keyring."
            ),
            why=why,
        )


class InsecureServerUrl(SyncError):
    def __init__(self, url: str) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP(
                "errors",
                "Plain http:// is allowed only for this computer (loopback); use https:// "
                "for {url}.",
            ),
            url=url,
        )
