"""Audit trail: hash chain, tamper detection, signed export and its verifier."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sync_helpers import Api, position, unit

from sync.server import audit
from sync.server.cli import main as cli


@pytest.fixture
def filled(api: Api, app):  # noqa: ANN001, ANN201
    """A database with logins, pushes (with a rejected change) and a logout."""
    u = unit()
    api.push_ok("cmd-sedena", u, position(u["entity_id"]))
    api.push("cmd-sedena", position(u["entity_id"], lat=95))
    api.push_ok("lia-sedena", position(u["entity_id"]))
    api.http.post("/v1/auth/logout", headers=api.h("lia-sedena"))
    engine = app.state.services.engine
    assert audit.verify(engine) == []
    return engine


def _sql(engine, stmt: str) -> None:  # noqa: ANN001
    with engine.begin() as c:
        c.exec_driver_sql(stmt)


def test_every_accepted_change_and_account_event_is_audited(filled) -> None:  # noqa: ANN001
    """Proves pushes, logins, logouts and account changes are in the chain and pin every change."""
    rows = audit.read(filled, 0, 1000)
    actions = [r["action"] for r in rows]
    for a in ("agency.add", "user.add", "login", "push", "logout"):
        assert a in actions
    pushed = [cid for r in rows for cid in r["detail"].get("change_ids", [])]
    with filled.connect() as c:
        logged = c.execute(text("SELECT change_id FROM changes ORDER BY seq")).scalars().all()
    assert sorted(pushed) == sorted(logged)


@pytest.mark.parametrize("tamper,expect", [
    ("UPDATE audit SET actor = 'mallory' WHERE id = 5", "edited"),
    ("DELETE FROM audit WHERE id = 4", "deleted or inserted"),
    ("INSERT INTO audit (id, at, actor, device_id, action, subject, detail, prev_hash, hash) "
     "SELECT 1000, at, actor, device_id, action, subject, detail, prev_hash, hash FROM audit WHERE id = 3",
     "deleted or inserted"),
    ("UPDATE audit SET id = -id WHERE id IN (3, 4); UPDATE audit SET id = 4 WHERE id = -3; "
     "UPDATE audit SET id = 3 WHERE id = -4", "link"),
    ("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)", "head"),
    ("UPDATE changes SET doc = replace(doc, 'infantry', 'armor') WHERE entity = 'unit'", "altered"),
    ("UPDATE changes SET doc = replace(doc, '\"lat\":20.67', '\"lat\":21.0') WHERE entity = 'position'",
     "altered"),
    ("DELETE FROM changes WHERE seq = (SELECT max(seq) FROM changes)", "not all present"),
    ("INSERT INTO changes (seq, change_id, entity, entity_id, op, scope, doc) "
     "VALUES (99999, 'x', 'unit', 'y', 'upsert', NULL, '{}')", "accounts for"),
])
def test_verify_finds_tampering(filled, tamper: str, expect: str) -> None:  # noqa: ANN001
    """Proves audit verify finds an edited, deleted, inserted or reordered row, in the chain or the log."""
    for stmt in tamper.split("; "):
        _sql(filled, stmt)
    problems = audit.verify(filled)
    assert problems and any(expect in p for p in problems), problems


def test_cli_verify_exit_codes(filled, sqlite_url: str, capsys) -> None:  # noqa: ANN001
    """Proves `fieldsync audit verify` exits 0 when intact and 1 with the problem when not."""
    assert cli(["--database", sqlite_url, "audit", "verify"]) == 0
    _sql(filled, "UPDATE audit SET subject = 'x' WHERE id = 2")
    assert cli(["--database", sqlite_url, "audit", "verify"]) == 1
    assert "audit row 2" in capsys.readouterr().out


def test_signed_export_verifies_and_detects_edits(filled, tmp_path: Path) -> None:  # noqa: ANN001
    """Proves an export verifies with its key, and editing, dropping or re-signing is detected."""
    key = audit.load_or_create_key(tmp_path / "k.pem")
    buf = io.BytesIO()
    n = audit.export(filled, buf, key)
    data = buf.getvalue()
    pub = audit.public_key_b64(key)
    assert n > 5 and audit.verify_export(data, pub) == []
    lines = data.splitlines(keepends=True)
    row = json.loads(lines[2])
    row["actor"] = "mallory"
    edited = b"".join(lines[:2] + [json.dumps(row).encode() + b"\n"] + lines[3:])
    assert audit.verify_export(edited, pub)
    assert audit.verify_export(b"".join(lines[:1] + lines[2:]), pub)
    other = audit.load_or_create_key(tmp_path / "other.pem")
    buf2 = io.BytesIO()
    audit.export(filled, buf2, other)
    assert any("different key" in p for p in audit.verify_export(buf2.getvalue(), pub))
    assert audit.verify_export(buf2.getvalue()) == []


def test_cli_export_then_verify_export(filled, sqlite_url: str, tmp_path: Path) -> None:  # noqa: ANN001
    """Proves the CLI writes a signed export that the CLI verifier accepts, and refuses a tampered one."""
    out, key = tmp_path / "audit.jsonl", tmp_path / "signing.pem"
    assert cli(["--database", sqlite_url, "audit", "export", "--out", str(out), "--key", str(key)]) == 0
    assert (key.stat().st_mode & 0o777) == 0o600
    assert cli(["audit", "verify", "--export", str(out)]) == 0
    out.write_bytes(out.read_bytes().replace(b"cmd-sedena", b"cmd-semar!", 1))
    assert cli(["audit", "verify", "--export", str(out)]) == 1


def test_audit_feed_for_observers_only(api: Api, filled) -> None:  # noqa: ANN001
    """Proves observers read the audit trail over HTTP and operational roles may not."""
    r = api.http.get("/v1/audit", headers=api.h("observer"))
    assert r.status_code == 200 and r.json()["rows"][0]["id"] == 1
    r = api.http.get("/v1/audit", headers=api.h("cmd-sedena"))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
