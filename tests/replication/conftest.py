"""Fixtures for replication tests: a real sync server process and a Secret Service."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.replication.support import Client, Server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real fieldsync process for the replication tests (ana, beto: sedena; gus: gn).

    Tests make their own records (fresh ids), so sharing it only saves start-up time."""
    srv = Server(tmp_path_factory.mktemp("server"))
    srv.add_accounts()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[Server]:
    """A server of one's own, for tests that kill it."""
    srv = Server(tmp_path / "server")
    srv.add_accounts()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator:
    made: list[Client] = []

    def make(name: str, server_url: str, user: str = "ana") -> Client:
        c = Client(tmp_path / name, server_url, user)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def keyring_unavailable(why: str) -> None:
    """Skip on a developer machine without the keyring; fail in CI (env CI set), where a
    skipped keyring test would let a broken token store pass unnoticed."""
    if os.environ.get("CI"):
        pytest.fail(f"{why} (CI is set: the keyring tests must run, not skip)", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A private D-Bus session with an unlocked gnome-keyring; yields its environment."""
    if not (shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")):
        keyring_unavailable("dbus-daemon / gnome-keyring-daemon missing: run "
                            "scripts/setup-system.sh")
    base = tmp_path_factory.mktemp("keyring")
    home, run = base / "home", base / "run"
    home.mkdir()
    run.mkdir(mode=0o700)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(run),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    out = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
        capture_output=True, text=True, env=env, check=True, timeout=20,
    ).stdout.split()
    address, dbus_pid = out[0], int(out[1])
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    gk = subprocess.run(
        ["gnome-keyring-daemon", "--unlock", "--components=secrets", "--daemonize"],
        input="test-keyring-password", capture_output=True, text=True, env=env, timeout=20,
    )
    if gk.returncode != 0:
        _kill(dbus_pid)
        keyring_unavailable(f"gnome-keyring-daemon did not start: {gk.stderr.strip()[:300]}")
    gk_pid = None
    for line in gk.stdout.splitlines():
        if line.startswith("GNOME_KEYRING_PID="):
            gk_pid = int(line.split("=", 1)[1])
    if gk_pid is None:
        gk_pid = _pid_with_runtime_dir("gnome-keyring-daemon", str(run))
    try:
        yield env
    finally:
        for pid in (gk_pid, dbus_pid):
            _kill(pid)


def _kill(pid: int | None) -> None:
    if pid:
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            pass


def _pid_with_runtime_dir(name: str, run_dir: str) -> int | None:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != name[:15]:
                continue
            env = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"XDG_RUNTIME_DIR={run_dir}".encode() in env:
            return int(entry.name)
    return None
