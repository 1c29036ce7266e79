"""Fixtures for the fieldsync tests: seeded databases, in-process apps, real
server processes and a throwaway PostgreSQL cluster."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sync_helpers import Api, fast_settings, free_port, seed, wait_until

from sync.server.app import create_app

PG_BIN = Path("/usr/lib/postgresql/15/bin")


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


class PgCluster:
    """A private PostgreSQL cluster in a temp dir, run as the `postgres` user."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="fieldsync-pg-"))
        self.port = free_port()
        self._n = 0
        as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.as_pg = as_pg
        if as_pg:
            shutil.chown(self.dir, "postgres")
        data = self.dir / "data"
        subprocess.run([*as_pg, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres",
                        "-A", "trust", "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
        subprocess.run([*as_pg, str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"),
                        "-w", "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                        "-c fsync=off -c max_connections=200", "start"],
                       check=True, capture_output=True)
        self.data = data

    def new_database(self) -> str:
        import psycopg

        self._n += 1
        name = f"fs{self._n}"
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name}")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run([*self.as_pg, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL 15 binaries not found in {PG_BIN} (run scripts/setup-system.sh)")
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


__all__ = ["wait_until"]
