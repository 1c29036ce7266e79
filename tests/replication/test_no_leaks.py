"""Nothing of a record leaks onto the disk in the clear (issue 14 item 6): a laptop process
writes a marker into a unit's name and notes, a position's note, an incident's log
entry, a detention record (the detained person's name, description and belongings) and a
use-of-force report's circumstances, syncs them with a real fieldsync and pulls them back
on a second laptop, both logging at DEBUG; then the
data folders (logs included), the processes' own temporary folder, their output and the
server's log are searched for the marker, the device tokens and the password. The
folders are 0700 and their files 0600."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

from tests.replication.support import PY, ROOT, password

MARKER = "ZQXJ-NOMBRE-DETENIDO-8841"

_LAPTOP = r'''
import json, logging, sys, tempfile
from pathlib import Path
from fieldclient.logfile import setup_logging
from fieldclient.replication import account
from fieldclient.replication.credentials import MemoryCredentialStore
from fieldclient.replication.engine import SyncEngine
from fieldclient.store.db import open_store
from fieldclient.store.writer import LocalWriter

server, marker, pw, folder, n = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]), int(sys.argv[5])
tokens = []
# one process per laptop, each with the app's own log set-up, in its folder's enlace.log
if True:  # (indented as the steps of one laptop)
    setup_logging(folder)
    logging.getLogger().setLevel(logging.DEBUG)  # stricter than the app: every record
    creds = MemoryCredentialStore()
    store = open_store(folder)
    account.login(store, server, "ana", pw, f"laptop-{n}", credentials=creds)
    tokens.append(creds.get_token(server.rstrip("/"), "ana"))
    if n == 0:
        w = LocalWriter(store)
        uid = w.create_unit({"callsign": "HALCON-ZQXJ", "agency": "sedena", "kind": "police",
                             "name": marker, "notes": marker})
        w.log_position(uid, 20.67, -103.35, note=marker)
        from datetime import UTC, datetime
        iid = w.create_incident({"title": "Detención " + marker, "kind": "other",
                                 "severity": 3, "agency": "sedena",
                                 "occurred_at": datetime.now(UTC)})
        w.add_entry(iid, "note", "Persona detenida: " + marker)
        did = w.append_record("detention", {
            "kind": "record", "agency": "sedena", "unit_id": uid, "incident_id": iid,
            "person_name": marker, "person_description": "Complexión media, " + marker,
            "belongings": "Cartera y teléfono de " + marker, "age": 30,
            "legal_ground": "flagrancy", "motive": "Robo", "detained_at": datetime.now(UTC)})
        w.append_record("use_of_force", {
            "kind": "report", "agency": "sedena", "unit_id": uid, "detention_id": did,
            "occurred_at": datetime.now(UTC), "level": "reduction",
            "circumstances": "Resistencia de " + marker, "necessity": "Evitar la fuga"})
        tempfile.TemporaryFile().close()  # whatever the process's temp folder is, it is used
    engine = SyncEngine(store, creds)
    res = engine.round()
    assert res.complete, res
    engine.close()
    if n == 1:  # the second laptop holds every record, the marker in them (encrypted); a
        # pull carries the detained person's initials, not the name (sync/server/pull.py)
        from fieldclient.store.models import Detention, Unit, UseOfForce
        with store.session() as s:
            assert [u.notes for u in s.query(Unit).filter(Unit.notes == marker)] == [marker]
            # (the server is shared with other tests: theirs may be here too)
            mine = s.query(Detention).filter(Detention.belongings.contains(marker)).all()
            assert [(d.redacted, d.belongings) for d in mine] == [
                (True, "Cartera y teléfono de " + marker)]
            force = s.query(UseOfForce).filter(UseOfForce.circumstances.contains(marker)).all()
            assert [f.circumstances for f in force] == ["Resistencia de " + marker]
    store.close()
print(json.dumps({"tokens": tokens}))
'''


def _files(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


def test_no_marker_token_or_password_anywhere_on_disk(server, tmp_path: Path) -> None:
    """Proves after a synced unit, position note, incident entry, detention record (name,
    description, belongings) and use-of-force circumstances holding a marker, no
    file of either data folder (database, log, key file, enlace.log), of the processes'
    temporary folder, their log output at DEBUG or the server's log holds the marker, a device token
    or the password; folders are 0700 and files 0600."""
    laptops = [tmp_path / "laptop-a", tmp_path / "laptop-b"]
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(private_tmp), "TMP": str(private_tmp),
           "TEMP": str(private_tmp)}
    tokens, stderr = [], ""
    for n, folder in enumerate(laptops):  # writes and pushes; then pulls everything back
        proc = subprocess.run([PY, "-c", _LAPTOP, server.url, MARKER, password("ana"),
                               str(folder), str(n)], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        tokens += json.loads(proc.stdout.strip().splitlines()[-1])["tokens"]
        stderr += proc.stderr
        log = (folder / "enlace.log").read_text(encoding="utf-8")
        assert "DEBUG" in log  # the operator's log was written, as verbose as it gets
    assert len(tokens) == 2 and all(tokens)
    needles = [MARKER.encode(), b"HALCON-ZQXJ", password("ana").encode(),
               *(t.encode() for t in tokens), *(t.split(".", 1)[1].encode() for t in tokens)]
    files = _files(*laptops, private_tmp) + [server.log]
    assert len(files) >= 6
    found = [(p.name, n[:12]) for p in files for n in needles if n in p.read_bytes()]
    assert found == []
    # stderr is where the app's log goes too (stdout is this test's own channel)
    assert not [n for n in needles[:3] if n.decode() in stderr]
    assert not [t for t in tokens if t.split(".", 1)[1] in stderr]
    assert "DEBUG" in stderr  # the log was as verbose as it gets
    for folder in laptops:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for p in _files(folder):
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name
