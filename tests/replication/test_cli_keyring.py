"""Headless commands in real processes, with the token in a real Secret Service
(gnome-keyring in a private D-Bus session), and a client killed mid-push."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldclient.replication.credentials import (
    KeyringCredentialStore,
    is_refused_backend,
    service_name,
)
from fieldclient.replication.errors import InsecureKeyring
from fieldclient.store.db import open_store
from fieldclient.store.models import Outbox
from fieldclient.store.writer import LocalWriter
from tests.replication.faultproxy import FaultProxy
from tests.replication.support import PY, ROOT, password, wait_until

pytestmark = pytest.mark.keyring


def _secret_backend(env: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", env["DBUS_SESSION_BUS_ADDRESS"])
    from keyring.backends import SecretService

    return SecretService.Keyring()


def _cli(env: dict[str, str], data: Path, *args: str, stdin: str | None = None,
         wait: bool = True):
    cmd = [PY, "-m", "fieldclient.cli", "--data-dir", str(data), *args]
    if not wait:
        return subprocess.Popen(cmd, env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(cmd, env=env, cwd=ROOT, input=stdin, capture_output=True, text=True,
                          timeout=120)


def test_keyring_store_keeps_and_deletes_the_token_in_secret_service(secret_service, monkeypatch):
    """Proves tokens round-trip through a real Secret Service and are deleted on sign-out."""
    store = KeyringCredentialStore(_secret_backend(secret_service, monkeypatch))
    store.set_token("https://sync.example", "ana", "tok-123")
    assert store.get_token("https://sync.example", "ana") == "tok-123"
    assert store.get_token("https://other.example", "ana") is None
    store.delete_token("https://sync.example", "ana")
    assert store.get_token("https://sync.example", "ana") is None
    store.delete_token("https://sync.example", "ana")  # deleting twice is fine


def test_plaintext_null_and_fail_backends_are_refused_with_advice():
    """Proves the app refuses keyring backends that would lose or expose the token."""
    from keyring.backends import fail, null

    for backend in (null.Keyring(), fail.Keyring()):
        assert is_refused_backend(backend)
        with pytest.raises(InsecureKeyring) as err:
            KeyringCredentialStore(backend).set_token("https://s", "u", "t")
        assert "gnome-keyring" in str(err.value)

    class PlaintextKeyring:  # what keyrings.alt's clear-text file backend looks like
        priority = 0.5

    assert is_refused_backend(PlaintextKeyring())


def test_cli_login_sync_status_logout_and_token_never_on_disk(
    server, secret_service, tmp_path, monkeypatch
):
    """Proves the headless commands work end to end and the token stays only in the keyring."""
    env = {**secret_service, "ENLACE_TESTING": "1"}
    data = tmp_path / "relay"
    r = _cli(env, data, "login", "--server", server.url, "--username", "ana",
             "--device-name", "relay-1", stdin=password("ana") + "\n")
    assert r.returncode == 0, r.stderr
    assert "plain http" in r.stderr  # the loopback http warning
    backend = _secret_backend(secret_service, monkeypatch)
    token = backend.get_password(service_name(server.url), "ana")
    assert token and len(token) > 20

    store = open_store(data)
    w = LocalWriter(store)
    uid = w.create_unit({"callsign": "RELAY-1", "agency": "sedena", "kind": "signals"})
    w.log_position(uid, 20.1, -103.2)
    store.close()

    st = json.loads(_cli(env, data, "status", "--json").stdout)
    assert st["pending"] == st["waiting"] == 2
    assert st["server"] == server.url and st["username"] == "ana"
    s1 = _cli(env, data, "sync")
    assert s1.returncode == 0, s1.stderr
    st = json.loads(_cli(env, data, "status", "--json").stdout)
    assert st["pending"] == 0 and st["rejected"] == 0 and st["cursor"] > 0 and st["last_sync"]
    assert st["held"] == 0

    outputs = r.stdout + r.stderr + s1.stdout + s1.stderr
    assert token not in outputs
    for f in data.rglob("*"):
        if f.is_file():
            assert token.encode() not in f.read_bytes(), f"token found in {f}"

    out = _cli(env, data, "logout")
    assert out.returncode == 0 and "signed out" in out.stdout
    assert backend.get_password(service_name(server.url), "ana") is None
    again = _cli(env, data, "sync")
    assert again.returncode == 2 and "Not signed in" in again.stderr


def test_bad_password_and_plain_http_to_a_remote_host_are_refused(server, secret_service, tmp_path):
    """Proves a wrong password exits 4 and http:// to a non-loopback host is refused (2)."""
    env = {**secret_service, "ENLACE_TESTING": "1"}
    bad = _cli(env, tmp_path / "d1", "login", "--server", server.url, "--username", "ana",
               stdin="wrong-password\n")
    assert bad.returncode == 4, bad.stderr
    remote = _cli(env, tmp_path / "d2", "login", "--server", "http://192.0.2.10:8765",
                  "--username", "ana", stdin="x\n")
    assert remote.returncode == 2 and "loopback" in remote.stderr


def test_client_killed_mid_push_loses_and_doubles_nothing(server, secret_service, tmp_path):
    """Proves kill -9 of a client process during a push, then a restart, ends with each change once."""
    env = {**secret_service, "ENLACE_TESTING": "1"}
    proxy = FaultProxy(server.port)
    try:
        data = tmp_path / "laptop"
        r = _cli(env, data, "login", "--server", proxy.url, "--username", "beto",
                 stdin=password("beto") + "\n")
        assert r.returncode == 0, r.stderr
        store = open_store(data)
        w = LocalWriter(store)
        uid = w.create_unit({"callsign": "KILL-9", "agency": "sedena", "kind": "infantry"})
        pids = [w.log_position(uid, 21 + i / 10_000, -101) for i in range(1500)]
        # the server commits the first batch, its reply is held: the client is mid-push
        proxy.only = b"POST /v1/changes"
        proxy.set_mode("stall")
        proc = _cli(env, data, "sync", wait=False)
        with store.session() as s:
            wait_until(lambda: s.scalar(select(Outbox.seq).where(Outbox.state == "sent")
                                        .limit(1)) is not None and proxy.connections > 0,
                       timeout=60)
        wait_until(lambda: server.count_changes("position") > 0, timeout=60)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        proxy.release()
        proxy.set_mode("pass")
        proxy.only = None
        s2 = _cli(env, data, "sync")
        assert s2.returncode == 0, s2.stderr
        with store.session() as s:
            states = set(s.scalars(select(Outbox.state)))
        assert states <= {"applied", "duplicate"}
        assert server.count_changes("position") >= len(pids)
        import sqlite3

        con = sqlite3.connect(server.db.removeprefix("sqlite:///"))
        try:
            n = con.execute(
                "SELECT count(*), count(DISTINCT entity_id) FROM changes "
                "WHERE entity='position' AND scope = ?", (uid,)
            ).fetchone()
        finally:
            con.close()
        assert n == (len(pids), len(pids))
        store.close()
    finally:
        proxy.close()


def test_only_known_secure_backends_are_accepted():
    """Proves a plain-text backend under any other name (keyrings.alt's JsonKeyring, a
    look-alike subclass) is refused, and a chainer is used only through its secure member."""
    import keyring.backend
    from keyring.backends import SecretService, chainer

    class JsonKeyring(keyring.backend.KeyringBackend):  # writes the token in a JSON file
        priority = 1.0

        def get_password(self, service, username):  # noqa: ANN001, ANN201
            return None

        def set_password(self, service, username, password):  # noqa: ANN001, ANN201
            raise AssertionError("the token was written to a plain-text backend")

        def delete_password(self, service, username):  # noqa: ANN001, ANN201
            return None

    class LookAlike(SecretService.Keyring):
        pass

    for backend in (JsonKeyring(), LookAlike()):
        assert is_refused_backend(backend)
        with pytest.raises(InsecureKeyring):
            KeyringCredentialStore(backend).set_token("https://s", "u", "t")
    real = SecretService.Keyring()
    chain = chainer.ChainerBackend.__new__(chainer.ChainerBackend)
    chain.__dict__["backends"] = [JsonKeyring(), real]
    if is_refused_backend(real):  # no Secret Service on this machine's default bus
        assert is_refused_backend(chain)
    else:
        assert KeyringCredentialStore(chain).backend() is real
