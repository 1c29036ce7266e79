"""The Qt binding we ship does not leak references to None (PySide6 6.12.0 on 3.11 did)."""

import sys

import pytest


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_void_qt_calls_keep_none_refcount(qapp) -> None:
    """Proves 20,000 void Qt calls leave None's reference count where it was (no none_dealloc)."""
    before = sys.getrefcount(None)
    for _ in range(20_000):
        qapp.processEvents()
    assert abs(sys.getrefcount(None) - before) < 100
