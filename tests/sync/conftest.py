"""Fixtures for the fieldsync tests: seeded databases, in-process apps, real
server processes and a throwaway PostgreSQL cluster."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from sync_helpers import PG_BIN, Api, PgCluster, fast_settings, seed

from sync.server.app import create_app


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'fieldsync.sqlite3'}"
    seed(url)
    return url


@pytest.fixture
def app(sqlite_url: str):  # noqa: ANN201 - FastAPI app
    return create_app(fast_settings(sqlite_url))


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app) as c:
        yield c


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)


@pytest.fixture
def sqlite_factory(tmp_path: Path):  # noqa: ANN201
    """Makes fresh seeded in-process servers: `with sqlite_factory() as client:`."""
    import contextlib
    import itertools

    counter = itertools.count()

    @contextlib.contextmanager
    def make() -> Iterator[TestClient]:
        url = f"sqlite:///{tmp_path / f'f{next(counter)}.sqlite3'}"
        seed(url)
        with TestClient(create_app(fast_settings(url))) as c:
            yield c

    return make


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    if not (PG_BIN / "initdb").exists():
        why = f"PostgreSQL 15 binaries not found in {PG_BIN} (run scripts/setup-system.sh)"
        if os.environ.get("CI"):
            pytest.fail(why + "; CI must run the PostgreSQL tests, not skip them")
        pytest.skip(why)
    cluster = PgCluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> str:
    url = pg_cluster.new_database()
    seed(url)
    return url

