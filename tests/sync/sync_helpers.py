"""Builders and small clients shared by the fieldsync tests (not a test module)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from sync.merge import HybridClock
from sync.protocol import new_id
from sync.server import accounts, db
from sync.server.auth import Passwords
from sync.server.settings import Settings
from tests.waiting import wait_until  # noqa: F401 - re-exported for this area's tests

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("FIELDSYNC_PG_BIN", "/usr/lib/postgresql/15/bin"))
PASSWORD = "correct horse battery"
# Who exists in every seeded test database: username -> (role, agency).
USERS = {
    "admin": ("admin", None),
    "cmd-sedena": ("commander", "sedena"),
    "cmd-semar": ("commander", "semar"),
    "lia-sedena": ("liaison", "sedena"),
    "lia-gn": ("liaison", "gn"),
    "observer": ("observer", None),
}
AGENCIES = [("sedena", "SEDENA", "military"), ("semar", "SEMAR", "military"), ("gn", "Guardia Nacional", "federal")]


def fast_settings(url: str, **kw: Any) -> Settings:
    """Settings with a cheap (still Argon2id) KDF so tests log in quickly."""
    return Settings(database_url=url, kdf_time_cost=1, kdf_memory_kib=8192, kdf_parallelism=1, **kw)


def seed(url: str) -> None:
    engine = db.make_engine(url)
    db.migrate(engine)
    pw = Passwords(fast_settings(url))
    for slug, name, kind in AGENCIES:
        accounts.add_agency(engine, slug, name, kind)
    for name, (role, agency) in USERS.items():
        accounts.add_user(engine, pw, name, PASSWORD, role, agency)
    engine.dispose()




_clock = HybridClock("test")


def hlc(offset_ms: int = 0, node: str = "test") -> str:
    if offset_ms == 0 and node == "test":
        return _clock.now()
    ms = int(time.time() * 1000) + offset_ms
    return f"{ms:013d}-0000-{node}"


def now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def unit(uid: str | None = None, *, agency: str = "sedena", visibility: str = "shared",
         base: dict[str, str] | None = None, at: str | None = None, f: dict[str, Any] | None = None,
         **fields: Any) -> dict[str, Any]:
    """A unit upsert of `f` or the keyword fields; with neither, a complete new unit."""
    f = f or fields or {"callsign": "Águila 1", "agency": agency, "kind": "infantry",
                   "status": "available", "visibility": visibility}
    return {"change_id": str(new_id()), "entity": "unit", "entity_id": uid or str(new_id()),
            "op": "upsert", "fields": f, "base": base or {}, "hlc": at or hlc()}


def incident(iid: str | None = None, *, agency: str = "sedena", visibility: str = "shared",
             base: dict[str, str] | None = None, at: str | None = None, f: dict[str, Any] | None = None,
             **fields: Any) -> dict[str, Any]:
    """An incident upsert of `f` or the keyword fields; with neither, a complete new incident."""
    f = f or fields or {"title": "Bloqueo carretero", "kind": "blockade", "severity": 3, "status": "open",
                   "occurred_at": now_iso(), "agency": agency, "visibility": visibility}
    return {"change_id": str(new_id()), "entity": "incident", "entity_id": iid or str(new_id()),
            "op": "upsert", "fields": f, "base": base or {}, "hlc": at or hlc()}


def position(unit_id: str, lat: float = 20.67, lon: float = -103.35, **extra: Any) -> dict[str, Any]:
    f = {"unit_id": unit_id, "lat": lat, "lon": lon, "accuracy_m": 5.0,
         "observed_at": now_iso(), "source": "gps"}
    f.update(extra)
    return {"change_id": str(new_id()), "entity": "position", "entity_id": str(new_id()),
            "op": "append", "fields": f, "hlc": hlc()}


def entry(incident_id: str, body: str = "Se despliega patrulla", **extra: Any) -> dict[str, Any]:
    f = {"incident_id": incident_id, "kind": "note", "body": body, "created_at": now_iso()}
    f.update(extra)
    return {"change_id": str(new_id()), "entity": "incident_entry", "entity_id": str(new_id()),
            "op": "append", "fields": f, "hlc": hlc()}


class Api:
    """A thin protocol client over an httpx-compatible client (TestClient or real)."""

    def __init__(self, http: Any) -> None:
        self.http = http
        self.tokens: dict[str, str] = {}

    def login(self, username: str, password: str = PASSWORD, device: str = "laptop") -> dict[str, Any]:
        r = self.http.post("/v1/auth/login", json={"username": username, "password": password,
                                                   "device_name": device})
        assert r.status_code == 200, r.text
        self.tokens[username] = r.json()["token"]
        return r.json()

    def h(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            self.login(username)
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def push(self, username: str, *changes: dict[str, Any]) -> list[dict[str, Any]]:
        r = self.http.post("/v1/changes", json={"changes": list(changes)}, headers=self.h(username))
        assert r.status_code == 200, r.text
        return r.json()["results"]

    def push_ok(self, username: str, *changes: dict[str, Any]) -> list[int]:
        res = self.push(username, *changes)
        assert all(r["status"] == "applied" for r in res), res
        return [r["seq"] for r in res]

    def pull(self, username: str, after: int = 0, limit: int = 10_000, wait: float = 0) -> dict[str, Any]:
        r = self.http.get("/v1/changes", params={"after": after, "limit": limit, "wait": wait},
                          headers=self.h(username))
        assert r.status_code == 200, r.text
        return r.json()

    def end(self, username: str) -> int:
        """The cursor at the end of the log for this user (every page read)."""
        page = self.pull(username, 0)
        while page["more"]:
            page = self.pull(username, page["next"])
        return int(page["next"])

    def pull_all(self, username: str) -> list[dict[str, Any]]:
        out, after = [], 0
        while True:
            page = self.pull(username, after)
            out.extend(page["changes"])
            after = page["next"]
            if not page["more"]:
                return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """`fieldsync serve` in a subprocess on a free loopback port."""

    def __init__(self, url: str, *, extra: list[str] | None = None, env: dict[str, str] | None = None,
                 scheme: str = "http", preexec: Any = None) -> None:
        self.port = free_port()
        self.base = f"{scheme}://127.0.0.1:{self.port}"
        e = dict(os.environ, FIELDSYNC_KDF_MEMORY_KIB="19456", FIELDSYNC_KDF_TIME_COST="2",
                 PYTHONPATH=str(ROOT))
        e.update(env or {})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sync.server.cli", "--database", url, "serve",
             "--port", str(self.port), "--log-level", "warning", *(extra or [])],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=e, cwd=str(ROOT),
            preexec_fn=preexec,
        )

    def wait_ready(self, verify: Any = True) -> ServerProcess:
        def up() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {self.proc.stdout.read().decode()}")  # type: ignore[union-attr]
            try:
                return httpx.get(self.base + "/v1/health", timeout=1, verify=verify).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(up, timeout=30, every=0.05)
        return self

    def stop(self) -> str:
        self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return out.decode(errors="replace")


def cpu_s(pid: int) -> float:
    """CPU seconds used by a process so far (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def uid() -> str:
    return str(uuid.uuid4())


def _pg_user() -> str:
    import pwd

    for name in ("postgres", "fieldsync-pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    "fieldsync-pg"], check=True, capture_output=True)
    return "fieldsync-pg"


class PgCluster:
    """A private PostgreSQL cluster in a temp dir, run as the `postgres` user."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="fieldsync-pg-"))
        self.port = free_port()
        self._n = 0
        # PostgreSQL refuses to run as root: as root, run it as `postgres`
        # (made by the postgresql package), or as a system user made here.
        user = _pg_user() if os.geteuid() == 0 else None
        as_pg = ["runuser", "-u", user, "--"] if user else []
        self.as_pg = as_pg
        if user:
            shutil.chown(self.dir, user)
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


def detention(unit_id: str, *, agency: str = "sedena", rid: str | None = None,
              **extra: Any) -> dict[str, Any]:
    """A detention record (the original); keyword fields override or add."""
    f: dict[str, Any] = {"kind": "record", "agency": agency, "unit_id": unit_id,
                         "person_name": "Juan Pérez García", "age": 34, "sex": "male",
                         "detained_at": now_iso(), "legal_ground": "flagrancy",
                         "motive": "Portación de arma de fuego sin licencia",
                         "created_at": now_iso()}
    f.update(extra)
    f = {k: v for k, v in f.items() if v is not None}
    return {"change_id": str(new_id()), "entity": "detention", "entity_id": rid or str(new_id()),
            "op": "append", "fields": f, "hlc": hlc()}


def follow_up(entity: str, original: str, kind: str = "amendment", *, agency: str = "sedena",
              **fields: Any) -> dict[str, Any]:
    """An amendment (reason and corrected fields) or hand-over of an original record."""
    f: dict[str, Any] = {"kind": kind, "amends": original, "agency": agency,
                         "created_at": now_iso(), **fields}
    return {"change_id": str(new_id()), "entity": entity, "entity_id": str(new_id()),
            "op": "append", "fields": f, "hlc": hlc()}


def force(unit_id: str, *, agency: str = "sedena", **extra: Any) -> dict[str, Any]:
    """A use-of-force report (the original)."""
    f: dict[str, Any] = {"kind": "report", "agency": agency, "unit_id": unit_id,
                         "occurred_at": now_iso(), "level": "reduction", "people_affected": 1,
                         "injured": 1, "deaths": 0, "medical_aid": True,
                         "circumstances": "El detenido opuso resistencia al ser asegurado",
                         "necessity": "Evitar que se diera a la fuga", "created_at": now_iso()}
    f.update(extra)
    f = {k: v for k, v in f.items() if v is not None}
    return {"change_id": str(new_id()), "entity": "use_of_force", "entity_id": str(new_id()),
            "op": "append", "fields": f, "hlc": hlc()}


def pull_looks_past_what_it_cannot_see(api: Api) -> None:
    """A gn liaison pulls after 61 rows of SEDENA's agency-only unit, ten rows a page."""
    cursor = api.end("lia-gn")
    hidden = unit(visibility="agency")  # SEDENA's own: a gn liaison never sees it
    api.push_ok("cmd-sedena", hidden, *[position(hidden["entity_id"]) for _ in range(60)])
    shared = unit()
    (seq,) = api.push_ok("cmd-sedena", shared)
    # A window of 10 rows holds nothing for this caller: the server looks past what the
    # caller may not see (by scope, without reading those documents) and answers the
    # next change it may see in the same request, instead of 7 empty pages.
    page = api.pull("lia-gn", cursor, limit=10)
    assert [c["seq"] for c in page["changes"]] == [seq] and page["next"] == seq
    assert page["more"] is False
    # The owner still walks every row of its own, ten at a time.
    seen, after = [], cursor
    while True:
        page = api.pull("lia-sedena", after, limit=10)
        seen += [c["entity_id"] for c in page["changes"]]
        after = page["next"]
        if not page["more"]:
            break
    assert len(seen) == 62 and seen[-1] == shared["entity_id"]

