"""Which OS keyrings may hold a secret: the device token (replication.credentials) and
the key that unlocks the local store (store.crypto) follow the same rule.

Only the known secure backends are accepted, by exact class (a plain-text file backend
may carry any name: keyrings.alt's JsonKeyring did); every other one (null, fail, plain
text, ...) is refused.
"""

from __future__ import annotations

from typing import Any

# The only backends that keep a secret in an OS-protected store.
SECURE = frozenset({
    "keyring.backends.SecretService.Keyring",
    "keyring.backends.libsecret.Keyring",
    "keyring.backends.kwallet.DBusKeyring",
    "keyring.backends.kwallet.DBusKeyringKWallet4",
    "keyring.backends.macOS.Keyring",
    "keyring.backends.Windows.WinVaultKeyring",
})


def describe(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def secure_backend(backend: Any) -> Any | None:
    """The backend itself if it is one of the known secure stores and viable; for the
    chainer, its best such member (never a member outside the list); else None."""
    inner = getattr(backend, "backends", None)
    if inner is not None and describe(backend) == "keyring.backends.chainer.ChainerBackend":
        members = [b for b in inner if secure_backend(b) is not None]
        return max(members, key=_priority) if members else None
    if describe(backend) not in SECURE or _priority(backend) <= 0:
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


def default_backend() -> Any:
    """The keyring the `keyring` package picks for this session (not yet checked)."""
    import keyring

    return keyring.get_keyring()
