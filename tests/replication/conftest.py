"""Fixtures for replication tests: a real sync server process and a Secret Service."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.replication.support import Client, Server
from tests.waiting import wait_until


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
    """A private D-Bus session with an unlocked gnome-keyring; yields its environment.

    Both daemons run in the foreground as children of this process (no --fork: a forked
    daemon's pid is not ours to wait for, and such daemons outlived the run). A keyring
    daemon the bus starts by itself (D-Bus activation of org.freedesktop.secrets) is no
    child of ours either: teardown ends every daemon that carries this run's private
    XDG_RUNTIME_DIR, and waits until each has gone."""
    if not (shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")
            and shutil.which("dbus-send")):
        keyring_unavailable("dbus-daemon / gnome-keyring-daemon / dbus-send missing: run "
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
    children: list[subprocess.Popen[str]] = []
    try:
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        children.append(bus)
        assert bus.stdout is not None
        address = bus.stdout.readline().strip()  # printed once the bus listens
        if not address:
            keyring_unavailable("dbus-daemon did not start")
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        # its warnings go to a file: a pipe nobody reads fills up and stalls the daemon
        log = base / "gnome-keyring.log"
        with log.open("w") as err:
            keyring = subprocess.Popen(
                ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err, text=True,
                env=env)
        children.append(keyring)
        assert keyring.stdin is not None
        keyring.stdin.write("test-keyring-password")
        keyring.stdin.close()
        try:
            wait_until(lambda: _secrets_on_bus(env, keyring), timeout=20)
        except AssertionError:
            why = log.read_text(errors="replace")[:300] or "no org.freedesktop.secrets on the bus"
            keyring_unavailable(f"gnome-keyring-daemon did not start: {why}")
        yield env
    finally:
        _end_daemons(children, str(run))


def _secrets_on_bus(env: dict[str, str], keyring: subprocess.Popen[str]) -> bool:
    """Whether our keyring daemon owns the Secret Service name (and still runs)."""
    if keyring.poll() is not None:
        raise AssertionError("gnome-keyring-daemon exited")
    r = subprocess.run(
        ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
         "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
         "string:org.freedesktop.secrets"],
        env=env, capture_output=True, text=True, timeout=10)
    return r.returncode == 0 and "boolean true" in r.stdout


def _end_daemons(children: list[subprocess.Popen[str]], run_dir: str) -> None:
    """SIGTERM our children and any daemon of this run's private session; wait for all."""
    strays = [pid for pid in _pids_with_runtime_dir(run_dir)
              if pid not in {c.pid for c in children}]
    for child in reversed(children):  # the keyring before its bus
        if child.poll() is None:
            child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(10)
    for pid in strays:
        _kill(pid)
    wait_until(lambda: not [p for p in strays if _alive(p)], timeout=10)


def _kill(pid: int | None) -> None:
    if pid:
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            pass


def _alive(pid: int) -> bool:
    """Whether a process (not our child: no wait for it) still runs; a zombie has ended."""
    try:
        status = (Path("/proc") / str(pid) / "status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


_DAEMONS = ("dbus-daemon", "gnome-keyring-d")  # /proc comm is cut at 15 characters


def _pids_with_runtime_dir(run_dir: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() not in _DAEMONS:
                continue
            env = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"XDG_RUNTIME_DIR={run_dir}".encode() in env:
            found.append(int(entry.name))
    return found
