"""End to end against real `fieldsync serve` processes on loopback."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import httpx
import pytest
from sync_helpers import Api, ServerProcess, position, seed, unit, wait_until

from sync.server import audit, db


@pytest.fixture
def server(tmp_path: Path):  # noqa: ANN201
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    seed(url)
    # A parked pull re-reads the log only every 60 s: within a test, only the notifier
    # (a commit waking the pulls it concerns) can end a wait early.
    srv = ServerProcess(url, env={"FIELDSYNC_SQLITE_RECHECK_S": "60"}).wait_ready()
    yield srv
    srv.stop()


def test_first_run_prints_url_and_how_to_create_an_account(tmp_path: Path) -> None:
    """Proves `fieldsync serve` on an empty default database prints its URL and the account how-to."""
    srv = ServerProcess("", env={"FIELDSYNC_DATA_DIR": str(tmp_path / "d")})
    # An empty --database falls back to the env/default chain: SQLite in the data folder.
    srv.wait_ready()
    out = srv.stop()
    assert f"http://localhost:{srv.port}/" in out
    assert "no accounts yet" in out and "fieldsync user add" in out
    assert (tmp_path / "d" / "fieldsync.sqlite3").exists()


def test_push_pull_roundtrip_over_http_with_gzip(server: ServerProcess) -> None:
    """Proves a real client can log in, push gzip bodies and pull gzip pages from a server process."""
    import gzip
    import json

    with httpx.Client(base_url=server.base, timeout=30) as http:
        api = Api(http)
        u = unit()
        body = gzip.compress(json.dumps({"changes": [u, position(u["entity_id"])]}).encode())
        r = http.post("/v1/changes", content=body, headers={**api.h("cmd-sedena"),
                      "Content-Encoding": "gzip", "Content-Type": "application/json"})
        assert [x["status"] for x in r.json()["results"]] == ["applied", "applied"]
        got = api.pull_all("lia-gn")
        assert {c["entity"] for c in got} == {"agency", "unit", "position"}
        assert http.get("/openapi.json").json()["info"]["title"] == "fieldsync"


def test_long_poll_wakes_within_a_fraction_of_a_second(server: ServerProcess) -> None:
    """Proves a waiting pull returns within a fraction of a second of another client's commit."""
    with httpx.Client(base_url=server.base, timeout=30) as http:
        api = Api(http)
        u = unit()
        api.push_ok("cmd-sedena", u)
        cursor = api.pull("lia-gn")["next"]
        api.h("cmd-sedena")
        lat: list[float] = []
        for _ in range(5):
            done: dict = {}

            def waiter(after: int = cursor, out: dict = done) -> None:
                with httpx.Client(base_url=server.base, timeout=30) as h2:
                    r = h2.get("/v1/changes", params={"after": after, "wait": 20},
                               headers={"Authorization": f"Bearer {api.tokens['lia-gn']}"})
                    out["at"], out["page"] = time.perf_counter(), r.json()

            t = threading.Thread(target=waiter)
            t.start()
            wait_until(lambda: _waiting(http) >= 1)  # the pull is parked in its wait
            assert "at" not in done
            seq = api.push_ok("cmd-sedena", position(u["entity_id"]))[0]
            committed = time.perf_counter()
            t.join(10)
            assert "page" in done, "the commit did not wake the waiting pull"
            assert [c["seq"] for c in done["page"]["changes"]] == [seq]
            lat.append(done["at"] - committed)
            cursor = seq
        lat.sort()
        # The 100 ms budget itself is measured by `make bench` (sync.wake_p95_ms);
        # here a margin keeps a loaded CI machine from failing a correct server.
        # Without a wake-up each pull would sleep its full 20 s wait (the re-read is 60 s).
        assert lat[len(lat) // 2] < 0.2, lat
        assert lat[-1] < 1.0, lat


def test_wait_returns_empty_after_timeout_and_at_once_when_data(server: ServerProcess) -> None:
    """Proves wait is bounded and is not used when there is already something to return."""
    with httpx.Client(base_url=server.base, timeout=30) as http:
        api = Api(http)
        t = time.perf_counter()
        page = api.pull("lia-gn", 0, wait=5)
        assert page["changes"] and time.perf_counter() - t < 1
        t = time.perf_counter()
        page = api.pull("lia-gn", page["next"], wait=0.5)
        assert page["changes"] == [] and 0.45 < time.perf_counter() - t < 3


def test_invisible_commit_does_not_end_a_wait_early(server: ServerProcess) -> None:
    """Proves a change the caller may not see does not return an empty page before the wait ends."""
    with httpx.Client(base_url=server.base, timeout=30) as http:
        api = Api(http)
        cursor = api.pull("lia-gn")["next"]
        done: dict = {}

        def waiter() -> None:
            done["page"] = api.pull("lia-gn", cursor, wait=1.5)
            done["at"] = time.perf_counter()

        api.h("cmd-sedena")
        t0 = time.perf_counter()
        th = threading.Thread(target=waiter)
        th.start()
        wait_until(lambda: _waiting(http) >= 1)
        api.push_ok("cmd-sedena", unit(visibility="agency"))
        th.join(10)
        assert done["page"]["changes"] == [] and done["at"] - t0 >= 1.4
        assert done["page"]["next"] > cursor  # the cursor still moves past what it may not see


def _waiting(http: httpx.Client) -> int:
    text = http.get("/v1/metrics").text
    return int(next(ln.split()[1] for ln in text.splitlines() if ln.startswith("fieldsync_waiting_pulls")))


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    import ipaddress

    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    c, k = tmp / "cert.pem", tmp / "key.pem"
    c.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    k.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return c, k


def test_tls_serving(tmp_path: Path) -> None:
    """Proves --tls-cert/--tls-key serve HTTPS that a client pinning the CA accepts."""
    import ssl

    url = f"sqlite:///{tmp_path / 'tls.sqlite3'}"
    seed(url)
    cert, key = _self_signed(tmp_path)
    srv = ServerProcess(url, extra=["--tls-cert", str(cert), "--tls-key", str(key)], scheme="https")
    try:
        ctx = ssl.create_default_context(cafile=str(cert))
        srv.wait_ready(verify=ctx)
        with httpx.Client(base_url=srv.base, verify=ctx) as http:
            assert Api(http).login("lia-gn")["user"]["agency"] == "gn"
        with pytest.raises(httpx.ConnectError):
            httpx.get(srv.base + "/v1/health")  # not trusted without the site CA
    finally:
        out = srv.stop()
    assert f"https://localhost:{srv.port}/" in out



def test_a_backlog_does_not_hold_up_other_pushes(server: ServerProcess, tmp_path: Path) -> None:
    """Proves a big push (a laptop's backlog) is applied in slices while others push: a
    small push sent meanwhile is stored between its slices, not after all of it, and the
    big push is still answered whole, every change applied, with the audit trail intact."""
    with httpx.Client(base_url=server.base, timeout=60) as http:
        api = Api(http)
        u = unit()
        api.push_ok("cmd-sedena", u)
        backlog = [position(u["entity_id"]) for _ in range(5_000)]
        headers = api.h("lia-sedena")
        box: dict = {}

        def big() -> None:
            with httpx.Client(base_url=server.base, timeout=60) as h:
                box["results"] = h.post("/v1/changes", json={"changes": backlog},
                                        headers=headers).json()["results"]

        small: list[int] = []
        th = threading.Thread(target=big)
        th.start()
        while th.is_alive():  # another laptop keeps pushing meanwhile
            small += api.push_ok("cmd-sedena", position(u["entity_id"]))
        th.join()
    results = box["results"]
    assert {r["status"] for r in results} == {"applied"} and len(results) == 5_000
    seqs = [r["seq"] for r in results]
    assert seqs == sorted(seqs)
    assert any(seqs[0] < s < seqs[-1] for s in small), (seqs[0], seqs[-1], small)
    assert audit.verify(db.make_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")) == []
