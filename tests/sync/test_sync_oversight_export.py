"""The signed oversight export and its standalone verifier (issue 13 item 6): one agency's
detentions and use-of-force reports of a period with the audit stretch and checkpoints
that prove them; verified with no server and no database, amendments listed beside
their originals, and refused after any one byte of the export changes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sync_helpers import ROOT, detention, follow_up, force, unit

from sync.server import anchor, audit, oversight
from sync.server.oversight_verify import describe, verify


def _iso(delta: timedelta = timedelta(0)) -> str:
    return (datetime.now(UTC) + delta).isoformat().replace("+00:00", "Z")


@pytest.fixture
def records(api):  # type: ignore[no-untyped-def]
    """A SEDENA unit's detention (amended, handed over after its force report) and a SEMAR
    detention, all pushed through the app."""
    u, s = unit(), unit(agency="semar")
    api.push_ok("cmd-sedena", u)
    api.push_ok("cmd-semar", s, detention(s["entity_id"], agency="semar"))
    d = detention(u["entity_id"], force_used=True, detained_at=_iso(-timedelta(hours=4)))
    api.push_ok("lia-sedena", d)
    rid = d["entity_id"]
    api.push_ok("cmd-sedena", force(u["entity_id"], detention_id=rid),
                follow_up("detention", rid, age=35, amend_reason="Credencial del INE"),
                follow_up("detention", rid, "handover", authority="federal_prosecutor",
                          handed_over_at=_iso(-timedelta(minutes=5))))
    assert api.http.get(f"/v1/records/{rid}", headers=api.h("observer")).status_code == 200
    return rid


def _export(client, tmp_path: Path, agency: str = "sedena") -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    engine = client.app.state.services.engine
    key = audit.load_or_create_key(tmp_path / "server-key.pem")
    out = tmp_path / "export"
    oversight.export(engine, key, agency, _iso(-timedelta(hours=1)), _iso(timedelta(hours=1)),
                     out, tmp_path / "checkpoints.jsonl")
    return out, audit.public_key_b64(key)


def test_the_export_verifies_and_lists_each_amendment_beside_its_original(  # type: ignore[no-untyped-def]
        api, client, records, tmp_path):
    """Proves an export of SEDENA's period holds its four records (not another agency's),
    verifies with the server's key, and lists the age amendment beside the original with
    its reason; CSV shows the amendment on the line after its original."""
    out, key = _export(client, tmp_path)
    report = verify(out, key)
    assert report.problems == []
    kinds = [(d["entity"], d["fields"]["kind"]) for d in report.records]
    assert kinds == [("detention", "record"), ("use_of_force", "report"),
                     ("detention", "amendment"), ("detention", "handover")]
    lines = describe(report)
    at = next(i for i, t in enumerate(lines) if t.startswith(f"detention {records}"))
    assert "Juan Pérez García" in lines[at]
    assert lines[at + 1].strip().startswith("amendment by cmd-sedena")
    assert "age: 34 -> 35" in lines[at + 1] and "reason: Credencial del INE" in lines[at + 1]
    assert "handover" in lines[at + 2] and "federal_prosecutor" in lines[at + 2]
    assert lines[-1].startswith(f"opened: detention:{records} by observer")
    csv_rows = (out / "detentions.csv").read_text().splitlines()
    assert [r.split(",")[4] for r in csv_rows[1:]] == ["record", "amendment", "handover"]
    assert csv_rows[2].endswith("age")


@pytest.mark.parametrize("name", ["records.jsonl", "audit.jsonl", "detentions.csv",
                                  "checkpoints.jsonl", "manifest.json", "manifest.json.sig"])
def test_one_changed_byte_anywhere_fails(api, client, records, tmp_path, name):  # type: ignore[no-untyped-def]
    """Proves changing one byte of any file of the export makes the verifier fail."""
    out, key = _export(client, tmp_path)
    path = out / name
    data = bytearray(path.read_bytes())
    at = data.find(b"35") if name == "records.jsonl" else len(data) // 2
    data[at] = ord("4") if data[at] != ord("4") else ord("5")
    path.write_bytes(bytes(data))
    assert verify(out, key).problems != []


def test_a_record_left_out_or_added_is_found_even_when_re_signed(api, client, records,  # type: ignore[no-untyped-def]
                                                                tmp_path):
    """Proves completeness rests on the audit stretch, not the manifest: a record removed
    from records.jsonl (and the manifest re-signed with the server's own key) is named
    as missing; an edited audit row breaks the chain and the signed checkpoint."""
    import base64

    out, key = _export(client, tmp_path)
    lines = (out / "records.jsonl").read_bytes().splitlines(keepends=True)
    (out / "records.jsonl").write_bytes(b"".join(lines[:2] + lines[3:]))
    manifest = json.loads((out / "manifest.json").read_bytes())
    manifest["files"]["records.jsonl"] = oversight._write(  # the forger re-hashes ...
        out / "records.jsonl", (out / "records.jsonl").read_text())
    body = oversight.canon(manifest).encode()
    (out / "manifest.json").write_bytes(body)
    k = audit.load_or_create_key(tmp_path / "server-key.pem")  # ... and even holds the key
    (out / "manifest.json.sig").write_text(base64.b64encode(k.sign(body)).decode())
    problems = verify(out, key).problems
    assert any("is missing" in p for p in problems), problems


def test_the_verifier_needs_neither_server_nor_database(api, client, records, tmp_path):  # type: ignore[no-untyped-def]
    """Proves `python -m sync.server.oversight_verify` and `fieldsync oversight verify`
    check the folder in a process that never imports SQLAlchemy (no database code), and
    exit 1 once a byte changed; server checkpoints kept by oversight are checked too."""
    out, key = _export(client, tmp_path)
    code = ("import runpy, sys; sys.argv = ['v', sys.argv[1], '--public-key', sys.argv[2]]\n"
            "try:\n    runpy.run_module('sync.server.oversight_verify', run_name='__main__')\n"
            "except SystemExit as e:\n"
            "    assert 'sqlalchemy' not in sys.modules, 'imported SQLAlchemy'\n"
            "    raise\n")
    ok = subprocess.run([sys.executable, "-c", code, str(out), key], capture_output=True,
                        text=True, cwd=ROOT, timeout=60)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "export intact" in ok.stdout and "amendment by cmd-sedena" in ok.stdout
    engine = client.app.state.services.engine
    kept = tmp_path / "kept.jsonl"
    anchor.append(kept, anchor.make_checkpoint(engine, audit.load_or_create_key(
        tmp_path / "server-key.pem")))
    cli = subprocess.run([sys.executable, "-m", "sync.server.cli", "--database",
                          "sqlite:////nonexistent/never-opened.db", "oversight", "verify",
                          str(out), "--public-key", key, "--checkpoint", str(kept), "--quiet"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    (out / "audit.jsonl").write_bytes((out / "audit.jsonl").read_bytes().replace(
        b'"cmd-sedena"', b'"cmd-semar!"', 1))
    bad = subprocess.run([sys.executable, "-c", code, str(out), key], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert bad.returncode == 1 and "FAIL" in bad.stdout
