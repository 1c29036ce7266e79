"""Fixtures for release and site-profile tests: throwaway release keys and a 2-of-3 root."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.packaging.releases import KeySet, make_keys, make_root

# A private Secret Service (the installed bundle signs in), and the window fixtures of the
# UI tests for the site-profile parts of the window.
from tests.replication.conftest import secret_service  # noqa: F401
from tests.ui.conftest import (  # noqa: F401
    compiled_translations,
    store,
    sync_tasks,
    translations,
    window,
)


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> KeySet:
    """Release keys a, b, c (the root's) and x, y (nobody trusts them)."""
    return make_keys(tmp_path_factory.mktemp("keys"), "a", "b", "c", "x", "y")


@pytest.fixture(scope="session")
def trust(tmp_path_factory: pytest.TempPathFactory, keys: KeySet) -> Path:
    """trust/ with root-1: keys a, b, c, two needed, signed by a and b."""
    return make_root(tmp_path_factory.mktemp("trust") / "trust", keys, ["a", "b", "c"], 2,
                     ["a", "b"])
