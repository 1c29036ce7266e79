"""The `fieldsync` command line: accounts, devices, demo seed, database selection."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from sync_helpers import PASSWORD

from sync.server import db
from sync.server.cli import DEMO_AGENCIES, main


@pytest.fixture
def dbenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database chosen through $FIELDSYNC_DATABASE, with a cheap KDF."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("FIELDSYNC_DATABASE", url)
    monkeypatch.setenv("FIELDSYNC_KDF_MEMORY_KIB", "19456")
    monkeypatch.setenv("FIELDSYNC_KDF_TIME_COST", "2")
    return url


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_agency_and_user_lifecycle(dbenv: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    """Proves agency add, user add (password from stdin), list, disable, enable and passwd work."""
    assert main(["agency", "add", "gn", "--name", "Guardia Nacional", "--kind", "federal"]) == 0
    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(["user", "add", "ana", "--role", "liaison", "--agency", "gn"]) == 0
    assert main(["user", "list"]) == 0
    out = capsys.readouterr().out
    assert "ana" in out and "liaison" in out and "gn" in out
    assert main(["user", "disable", "ana"]) == 0
    main(["user", "list"])
    assert "DISABLED" in capsys.readouterr().out
    assert main(["user", "disable", "ana", "--enable"]) == 0
    old = _hash(dbenv, "ana")
    _stdin(monkeypatch, "another good password\n")
    assert main(["user", "passwd", "ana"]) == 0
    assert _hash(dbenv, "ana") != old


def _hash(url: str, username: str) -> str:
    with db.make_engine(url).connect() as c:
        return c.execute(select(db.users.c.password_hash).where(db.users.c.username == username)).scalar_one()


@pytest.mark.parametrize("args,msg", [
    (["user", "add", "bob", "--role", "commander"], "must belong to an agency"),
    (["user", "add", "bob", "--role", "liaison", "--agency", "nowhere"], "no agency"),
    (["agency", "add", "Bad Slug", "--name", "x", "--kind", "civil"], "slug"),
    (["user", "disable", "ghost"], "no user"),
    (["device", "revoke", "nope"], "no device"),
])
def test_admin_errors_exit_2_with_a_message(dbenv: str, monkeypatch: pytest.MonkeyPatch, capsys,  # noqa: ANN001
                                             args: list[str], msg: str) -> None:
    """Proves impossible admin operations exit 2 with a readable message and change nothing."""
    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(args) == 2
    assert msg in capsys.readouterr().err


def test_short_password_is_refused(dbenv: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    """Proves passwords under 8 characters are refused."""
    main(["agency", "add", "gn", "--name", "GN", "--kind", "federal"])
    _stdin(monkeypatch, "short\n")
    assert main(["user", "add", "bob", "--role", "liaison", "--agency", "gn"]) == 2


def test_demo_seed_creates_agencies_and_one_account_per_role_once(dbenv: str, capsys) -> None:  # noqa: ANN001
    """Proves demo-seed makes the demo agencies and four accounts, prints passwords once, and is re-runnable."""
    assert main(["demo-seed"]) == 0
    out = capsys.readouterr().out
    assert out.count("password:") == 4
    with db.make_engine(dbenv).connect() as c:
        slugs = set(c.execute(select(db.agencies.c.slug)).scalars())
        roles = set(c.execute(select(db.users.c.role)).scalars())
    assert slugs == {s for s, _, _ in DEMO_AGENCIES}
    assert roles == {"admin", "commander", "liaison", "observer"}
    assert main(["demo-seed"]) == 0
    assert "password:" not in capsys.readouterr().out


def test_device_list_and_revoke(dbenv: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    """Proves device list shows sign-ins and device revoke marks one revoked."""
    from starlette.testclient import TestClient
    from sync_helpers import Api, fast_settings

    from sync.server.app import create_app

    main(["agency", "add", "gn", "--name", "GN", "--kind", "federal"])
    _stdin(monkeypatch, PASSWORD + "\n")
    main(["user", "add", "ana", "--role", "liaison", "--agency", "gn"])
    with TestClient(create_app(fast_settings(dbenv))) as c:
        dev = Api(c).login("ana", device="mesa-7")["device_id"]
    capsys.readouterr()
    main(["device", "list"])
    assert dev in capsys.readouterr().out
    assert main(["device", "revoke", dev]) == 0
    main(["device", "list", "--user", "ana"])
    assert "revoked" in capsys.readouterr().out


def test_default_database_is_sqlite_in_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves that without --database or the env var, SQLite is created under $FIELDSYNC_DATA_DIR."""
    monkeypatch.delenv("FIELDSYNC_DATABASE", raising=False)
    monkeypatch.setenv("FIELDSYNC_DATA_DIR", str(tmp_path / "data"))
    assert main(["agency", "add", "gn", "--name", "GN", "--kind", "federal"]) == 0
    assert (tmp_path / "data" / "fieldsync.sqlite3").exists()


def test_database_flag_beats_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves --database overrides $FIELDSYNC_DATABASE."""
    monkeypatch.setenv("FIELDSYNC_DATABASE", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    main(["--database", f"sqlite:///{tmp_path / 'flag.sqlite3'}", "agency", "add", "gn", "--name", "GN",
          "--kind", "federal"])
    assert (tmp_path / "flag.sqlite3").exists() and not (tmp_path / "env.sqlite3").exists()
