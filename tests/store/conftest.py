"""Fixtures for store tests: a fresh data folder and store per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldclient.store.db import Store, open_store
from tests.replication.conftest import secret_service  # noqa: F401 - keyring route tests


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    st = open_store(tmp_path / "data")
    yield st
    st.close()


@pytest.fixture
def agencies(store: Store) -> Store:
    from fieldclient.demo import load_agencies

    load_agencies(store)
    return store
