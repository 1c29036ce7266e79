"""The audit trail anchored outside the database (issue 10, hole 5): signed checkpoints of
its head find a cut tail or a recomputed chain, and the authorisation state (users, roles,
devices, agencies, record visibility) is checked against the trail."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sync_helpers import Api, fast_settings, position, unit, wait_until

from sync.server import audit
from sync.server.app import create_app
from sync.server.cli import main as cli


@pytest.fixture
def filled(api: Api, app) -> Engine:  # noqa: ANN001
    u = unit(visibility="agency")
    api.push_ok("cmd-sedena", u, position(u["entity_id"]))
    api.push_ok("lia-sedena", *[position(u["entity_id"]) for _ in range(5)])
    engine = app.state.services.engine
    assert audit.verify(engine) == []
    return engine


def _anchor():  # noqa: ANN202 - imported late: the module is new with the fix
    from sync.server import anchor

    return anchor


def _sql(engine: Engine, *stmts: str) -> None:
    with engine.begin() as c:
        for s in stmts:
            c.exec_driver_sql(s)


def _cut_tail(engine: Engine) -> None:
    """What an attacker with the database does: drop the last push, its changes and its
    audit row, and point audit_head at the row before."""
    with engine.begin() as c:
        last = c.execute(text("SELECT id, detail FROM audit WHERE action = 'push' "
                              "ORDER BY id DESC LIMIT 1")).one()
        lo = json.loads(last.detail)["seq_from"]
        c.execute(text("DELETE FROM changes WHERE seq >= :lo"), {"lo": lo})
        c.execute(text("DELETE FROM audit WHERE id >= :i"), {"i": last.id})
        prev = c.execute(text("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")).one()
        c.execute(text("UPDATE audit_head SET last_id = :i, last_hash = :h"),
                  {"i": prev.id, "h": prev.hash})


def _rewrite_and_rechain(engine: Engine, seq: int) -> None:
    """Edit one change and recompute every digest and hash after it (and the head)."""
    with engine.begin() as c:
        c.execute(text("UPDATE changes SET doc = replace(doc, :a, :b) WHERE seq = :s"),
                  {"a": '"lat":20.67', "b": '"lat":21.5', "s": seq})
        prev = audit.GENESIS
        for r in c.execute(text("SELECT * FROM audit ORDER BY id")).mappings().all():
            row = dict(r)
            detail = json.loads(row["detail"])
            if "seq_from" in detail:
                docs = c.execute(text("SELECT doc FROM changes WHERE seq BETWEEN :a AND :b "
                                      "ORDER BY seq"), {"a": detail["seq_from"],
                                                        "b": detail["seq_to"]}).scalars().all()
                detail["digest"] = audit.docs_digest(docs)
                row["detail"] = audit._canon(detail)
            row["prev_hash"] = prev
            row["hash"] = audit.row_hash(prev, row)
            c.execute(text("UPDATE audit SET detail = :detail, prev_hash = :prev_hash, hash = :hash "
                           "WHERE id = :id"), row)
            prev = row["hash"]
        c.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": prev})


def _position_seq(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.execute(text("SELECT min(seq) FROM changes WHERE entity = 'position'")).scalar_one())


@pytest.mark.parametrize("attack", ["cut", "rechain"])
def test_a_checkpoint_finds_what_the_chain_alone_cannot(filled: Engine, sqlite_url: str,
                                                        tmp_path: Path, attack: str, capsys) -> None:  # noqa: ANN001
    """Proves `audit verify --checkpoint` fails on a cut tail or a recomputed chain made
    after the checkpoint, although the chain alone then verifies as intact."""
    cps, key = tmp_path / "checkpoints.jsonl", tmp_path / "audit.pem"
    assert cli(["--database", sqlite_url, "audit", "checkpoint", "--out", str(cps),
                "--key", str(key)]) == 0
    assert cli(["--database", sqlite_url, "audit", "verify", "--checkpoint", str(cps)]) == 0
    if attack == "cut":
        _cut_tail(filled)
    else:
        _rewrite_and_rechain(filled, _position_seq(filled))
    assert audit.verify(filled) == []  # the chain alone is fooled
    capsys.readouterr()
    assert cli(["--database", sqlite_url, "audit", "verify", "--checkpoint", str(cps)]) == 1
    assert "checkpoint" in capsys.readouterr().out


def test_a_forged_checkpoint_is_refused(filled: Engine, tmp_path: Path) -> None:
    """Proves a checkpoint not signed by the pinned key (or edited) does not verify."""
    key = audit.load_or_create_key(tmp_path / "k.pem")
    cp = _anchor().make_checkpoint(filled, key)
    assert _anchor().check(filled, [cp], audit.public_key_b64(key)) == []
    forged = dict(cp, audit_id=cp["audit_id"] - 1)
    assert _anchor().check(filled, [forged], audit.public_key_b64(key))
    other = audit.load_or_create_key(tmp_path / "other.pem")
    assert _anchor().check(filled, [_anchor().make_checkpoint(filled, other)], audit.public_key_b64(key))


@pytest.mark.parametrize("attack", ["cut", "rechain"])
def test_the_export_verifier_checks_checkpoints(filled: Engine, tmp_path: Path, attack: str) -> None:
    """Proves an export made after a cut or a recomputed chain, though freshly signed,
    fails the standalone verifier given an earlier checkpoint."""
    key = audit.load_or_create_key(tmp_path / "k.pem")
    cp = _anchor().make_checkpoint(filled, key)
    if attack == "cut":
        _cut_tail(filled)
    else:
        _rewrite_and_rechain(filled, _position_seq(filled))
    buf = io.BytesIO()
    audit.export(filled, buf, key)
    pub = audit.public_key_b64(key)
    assert audit.verify_export(buf.getvalue(), pub) == []
    problems = audit.verify_export(buf.getvalue(), pub, checkpoints=[cp])
    assert problems and "checkpoint" in problems[0]


def test_export_carries_a_checkpoint_of_its_head(filled: Engine, sqlite_url: str, tmp_path: Path) -> None:
    """Proves `audit export` also writes a signed checkpoint of the head it exported."""
    out, key, cps = tmp_path / "a.jsonl", tmp_path / "k.pem", tmp_path / "cps.jsonl"
    assert cli(["--database", sqlite_url, "audit", "export", "--out", str(out), "--key", str(key),
                "--checkpoints", str(cps)]) == 0
    (cp,) = _anchor().read_checkpoints(cps)
    rows = [json.loads(x) for x in out.read_bytes().splitlines()[:-1]]
    assert (cp["audit_id"], cp["audit_hash"]) == (rows[-1]["id"], rows[-1]["hash"])
    assert (cps.stat().st_mode & 0o777) == 0o600


def test_the_server_writes_checkpoints_on_its_own(sqlite_url: str, tmp_path: Path) -> None:
    """Proves a running server signs a checkpoint of the head every few minutes (here every
    0.2 s) into a file outside the database, with a key kept in a 0600 file."""
    from starlette.testclient import TestClient

    cps, key = tmp_path / "cps.jsonl", tmp_path / "k.pem"
    settings = fast_settings(sqlite_url, audit_key=key, checkpoint_file=cps, checkpoint_every_s=0.2)
    with TestClient(create_app(settings)) as c:
        Api(c).push_ok("cmd-sedena", unit())
        wait_until(lambda: cps.exists() and len(_anchor().read_checkpoints(cps)) >= 2)
        engine = c.app.state.services.engine
        pub = audit.public_key_b64(audit.load_or_create_key(key))
        assert _anchor().check(engine, _anchor().read_checkpoints(cps), pub) == []
    assert (key.stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize("tamper,expect", [
    ("UPDATE records SET visibility = 'shared' WHERE entity = 'unit'", "records"),
    ("UPDATE users SET role = 'observer' WHERE username = 'lia-gn'", "users"),
    ("UPDATE users SET agency = 'semar' WHERE username = 'cmd-sedena'", "users"),
    ("UPDATE users SET disabled = 1 WHERE username = 'lia-gn'", "users"),
    ("UPDATE users SET password_hash = 'x' WHERE username = 'admin'", "users"),
    ("UPDATE devices SET revoked_at = NULL", "devices"),
    ("UPDATE devices SET user_id = (SELECT id FROM users WHERE username = 'observer')", "devices"),
    ("INSERT INTO users (username, password_hash, agency, role, disabled, created_at) "
     "VALUES ('mallory', 'x', NULL, 'observer', 0, '2026-01-01')", "users"),
    ("UPDATE agencies SET kind = 'civil' WHERE slug = 'sedena'", "agencies"),
])
def test_authorisation_state_is_checked_against_the_trail(filled: Engine, api: Api, tamper: str,
                                                          expect: str) -> None:
    """Proves verify finds users, roles, devices, agencies and record visibility edited
    behind the server's back."""
    api.login("lia-gn")
    api.http.post("/v1/auth/logout", headers=api.h("lia-gn"))
    assert audit.verify(filled) == []
    _sql(filled, tamper)
    problems = audit.verify(filled)
    assert any(expect in p for p in problems), problems
