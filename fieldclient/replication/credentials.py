"""Where the device token lives: the OS keyring, never the database or a file.

`CredentialStore` is the small interface the rest of replication uses. The
default is `KeyringCredentialStore` (Secret Service / KWallet on Linux,
Keychain on macOS, Credential Locker on Windows through `keyring`), which
accepts only the backends fieldclient.core.keyrings names as secure.
`MemoryCredentialStore` exists for unit tests only.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from fieldclient.core.keyrings import describe, is_refused_backend, secure_backend
from fieldclient.replication.errors import CredentialStoreFailed, InsecureKeyring

__all__ = ["CredentialStore", "KeyringCredentialStore", "MemoryCredentialStore",
           "default_credentials", "is_refused_backend", "secure_backend", "service_name"]

SERVICE_PREFIX = "enlace:"


def service_name(server_url: str) -> str:
    return SERVICE_PREFIX + server_url.rstrip("/")


class CredentialStore(Protocol):
    def get_token(self, server_url: str, username: str) -> str | None: ...

    def set_token(self, server_url: str, username: str, token: str) -> None: ...

    def delete_token(self, server_url: str, username: str) -> None: ...


class KeyringCredentialStore:
    """Tokens in the OS keyring under service `enlace:<server-url>`, user = username."""

    def __init__(self, backend: Any | None = None) -> None:
        self._backend = backend

    def backend(self) -> Any:
        if self._backend is None:
            from fieldclient.core.keyrings import default_backend

            self._backend = default_backend()
        chosen = secure_backend(self._backend)
        if chosen is None:
            raise InsecureKeyring(describe(self._backend))
        return chosen

    def get_token(self, server_url: str, username: str) -> str | None:
        backend = self.backend()
        try:
            return backend.get_password(service_name(server_url), username)
        except Exception as exc:  # noqa: BLE001 - keyring raises many types
            raise CredentialStoreFailed(type(exc).__name__) from None

    def set_token(self, server_url: str, username: str, token: str) -> None:
        backend = self.backend()
        try:
            backend.set_password(service_name(server_url), username, token)
        except Exception as exc:  # noqa: BLE001
            raise CredentialStoreFailed(type(exc).__name__) from None

    def delete_token(self, server_url: str, username: str) -> None:
        backend = self.backend()
        try:
            backend.delete_password(service_name(server_url), username)
        except Exception as exc:  # noqa: BLE001 - absent entry is fine on sign-out
            if type(exc).__name__ != "PasswordDeleteError":
                raise CredentialStoreFailed(type(exc).__name__) from None


class MemoryCredentialStore:
    """In-process store for unit tests only: forgets everything at exit."""

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get_token(self, server_url: str, username: str) -> str | None:
        with self._lock:
            return self._data.get((service_name(server_url), username))

    def set_token(self, server_url: str, username: str, token: str) -> None:
        with self._lock:
            self._data[(service_name(server_url), username)] = token

    def delete_token(self, server_url: str, username: str) -> None:
        with self._lock:
            self._data.pop((service_name(server_url), username), None)


_default: CredentialStore | None = None


def default_credentials() -> CredentialStore:
    """The process-wide store: the OS keyring (callers that need another pass it in)."""
    global _default
    if _default is None:
        _default = KeyringCredentialStore()
    return _default

