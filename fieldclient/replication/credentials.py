"""Where the device token lives: the OS keyring, never the database or a file.

`CredentialStore` is the small interface the rest of replication uses. The
default is `KeyringCredentialStore` (Secret Service / KWallet on Linux,
Keychain on macOS, Credential Locker on Windows through `keyring`), which
accepts only those backends, by exact class, and refuses every other one (a
plain-text file backend may carry any name: keyrings.alt's JsonKeyring did).
`MemoryCredentialStore` exists for unit tests only.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from fieldclient.replication.errors import CredentialStoreFailed, InsecureKeyring

SERVICE_PREFIX = "enlace:"

# The only backends that keep a secret in an OS-protected store.
_SECURE = frozenset({
    "keyring.backends.SecretService.Keyring",
    "keyring.backends.libsecret.Keyring",
    "keyring.backends.kwallet.DBusKeyring",
    "keyring.backends.kwallet.DBusKeyringKWallet4",
    "keyring.backends.macOS.Keyring",
    "keyring.backends.Windows.WinVaultKeyring",
})


def service_name(server_url: str) -> str:
    return SERVICE_PREFIX + server_url.rstrip("/")


class CredentialStore(Protocol):
    def get_token(self, server_url: str, username: str) -> str | None: ...

    def set_token(self, server_url: str, username: str, token: str) -> None: ...

    def delete_token(self, server_url: str, username: str) -> None: ...


def _describe(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def secure_backend(backend: Any) -> Any | None:
    """The backend itself if it is one of the known secure stores and viable; for the
    chainer, its best such member (never a member outside the list); else None."""
    inner = getattr(backend, "backends", None)
    if inner is not None and _describe(backend) == "keyring.backends.chainer.ChainerBackend":
        members = [b for b in inner if secure_backend(b) is not None]
        return max(members, key=_priority) if members else None
    if _describe(backend) not in _SECURE or _priority(backend) <= 0:
        return None
    return backend


def _priority(backend: Any) -> float:
    try:
        return float(backend.priority)
    except Exception:  # noqa: BLE001 - a backend whose priority raises is not viable
        return 0.0


def is_refused_backend(backend: Any) -> bool:
    """True for every backend but the known secure stores (null, fail, plain text, ...)."""
    return secure_backend(backend) is None


class KeyringCredentialStore:
    """Tokens in the OS keyring under service `enlace:<server-url>`, user = username."""

    def __init__(self, backend: Any | None = None) -> None:
        self._backend = backend

    def backend(self) -> Any:
        if self._backend is None:
            import keyring

            self._backend = keyring.get_keyring()
        chosen = secure_backend(self._backend)
        if chosen is None:
            raise InsecureKeyring(_describe(self._backend))
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

