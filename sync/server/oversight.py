"""The signed oversight export: one agency's detentions and use-of-force reports of a
period, with the audit trail that proves them, for an oversight body.

`fieldsync oversight export --from T --to T --agency SLUG -o DIR` writes into DIR:

- `records.jsonl`: every detention and use-of-force record (originals, amendments,
  hand-overs) of the agency that the server accepted in the period, one change-log
  document per line exactly as stored (personal data included), in log order; an
  original from before the period whose amendment falls in it comes too, as context;
- `detentions.csv` and `use_of_force.csv`: the same records for spreadsheets, each
  amendment and hand-over on the line after its original, with the fields it changed;
- `audit.jsonl`: the audit trail's rows of the period, a contiguous stretch of the
  chain: the pushes that accepted those records (each pins every such record by the
  digest of its document), the openings of full records, sign-ins...;
- `checkpoints.jsonl`: a checkpoint of the stretch's last row signed now with the
  server's key (the key kept outside the database, sync.server.anchor), and the
  server's own checkpoints of rows in the stretch;
- `manifest.json`: period, agency, the stretch (first and last row, the hash it starts
  from and ends with), each file's SHA-256 and line count, the signer's public key;
  `manifest.json.sig` signs the manifest's bytes (Ed25519, base64).

`sync.server.oversight_verify` checks a folder like this with no server and no database.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, select

from sync.protocol import ENTITIES
from sync.protocol.accountability import ENVELOPE
from sync.server import anchor, audit, db
from sync.server.chain import canon

FORMAT = "enlace-oversight-export"
KINDS = tuple(n for n, e in ENTITIES.items() if e.original is not None)
CSV_NAMES = {"detention": "detentions.csv", "use_of_force": "use_of_force.csv"}
FILES = ("records.jsonl", *CSV_NAMES.values(), "audit.jsonl", "checkpoints.jsonl")
_decode = msgspec.json.Decoder(dict[str, Any]).decode


class ExportError(ValueError):
    """A period or agency that cannot be exported (said in words)."""


@dataclass
class Summary:
    records: int
    context: int
    audit_rows: int
    folder: Path


def _iso(text: str) -> str:
    """A time as the trail writes it (UTC, microseconds, Z), for comparing as text."""
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ExportError(f"{text!r} is not a date and time (ISO 8601)") from None
    if when.tzinfo is None:
        raise ExportError(f"{text!r} has no time zone; add Z for UTC")
    return when.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _segment(engine: Engine, start: str, end: str) -> list[dict[str, Any]]:
    """The audit rows written in [start, end): consecutive ids, as the chain holds them."""
    a = db.audit.c
    with engine.connect() as conn:
        first = conn.execute(select(a.id).where(a.at >= start).order_by(a.id).limit(1)).first()
        last = conn.execute(select(a.id).where(a.at < end).order_by(a.id.desc()).limit(1)).first()
        if first is None or last is None or last[0] < first[0]:
            return []
        return [dict(r._mapping) for r in conn.execute(
            select(db.audit).where(a.id.between(first[0], last[0])).order_by(a.id))]


def export(engine: Engine, key: Ed25519PrivateKey, agency: str, start: str, end: str,
           out: Path, checkpoints: Path | None = None) -> Summary:
    start, end = _iso(start), _iso(end)
    if end <= start:
        raise ExportError("--to must be after --from")
    rows = _segment(engine, start, end)
    if not rows:
        raise ExportError("the audit trail has no row in this period")
    seqs = [int(rec[0]) for r in rows if r["action"] == "push"
            for rec in json.loads(r["detail"]).get("records", ()) if rec[2] == agency]
    docs = _docs(engine, seqs)
    wanted = set(seqs)
    decoded = {s: _decode(d) for s, d in docs.items()}
    originals = {str(d["fields"]["amends"]) for d in decoded.values() if d["fields"].get("amends")}
    in_period = {d["entity_id"] for d in decoded.values()}
    context = _originals(engine, originals - in_period)
    decoded.update({s: _decode(d) for s, d in context.items()})
    everything = {**context, **docs}
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict[str, Any]] = {}
    order = sorted(everything)
    written["records.jsonl"] = _write(out / "records.jsonl",
                                      "".join(everything[s] + "\n" for s in order))
    for entity, name in CSV_NAMES.items():
        written[name] = _write(out / name, _csv(entity, [decoded[s] for s in order]))
    audit_text = "".join(canon({**r, "detail": json.loads(r["detail"]), "type": "audit"}) + "\n"
                         for r in rows)
    written["audit.jsonl"] = _write(out / "audit.jsonl", audit_text)
    last = rows[-1]
    signed = [audit.checkpoint(int(last["id"]), str(last["hash"]), key)]
    if checkpoints is not None and checkpoints.exists():
        signed += [cp for cp in anchor.read_checkpoints(checkpoints)
                   if rows[0]["id"] <= int(cp.get("audit_id", 0)) <= last["id"]]
    written["checkpoints.jsonl"] = _write(out / "checkpoints.jsonl",
                                          "".join(canon(cp) + "\n" for cp in signed))
    manifest = {
        "type": FORMAT, "format": 1, "agency": agency, "from": start, "to": end,
        "exported_at": audit.now_iso(), "public_key": audit.public_key_b64(key),
        "segment": {"first_id": rows[0]["id"], "last_id": last["id"],
                    "prev_hash": rows[0]["prev_hash"], "last_hash": last["hash"],
                    "rows": len(rows)},
        "records": {"in_period": sorted(wanted), "context": sorted(set(context))},
        "files": written,
    }
    body = canon(manifest).encode()
    (out / "manifest.json").write_bytes(body)
    (out / "manifest.json.sig").write_text(base64.b64encode(key.sign(body)).decode() + "\n")
    return Summary(len(wanted), len(context), len(rows), out)


def _docs(engine: Engine, seqs: list[int]) -> dict[int, str]:
    c = db.changes.c
    out: dict[int, str] = {}
    with engine.connect() as conn:
        for i in range(0, len(seqs), 900):
            for seq, doc in conn.execute(select(c.seq, c.doc).where(c.seq.in_(seqs[i:i + 900]))):
                out[int(seq)] = str(doc)
    return out


def _originals(engine: Engine, ids: set[str]) -> dict[int, str]:
    """Originals from before the period that a record of the period amends (context)."""
    c = db.changes.c
    out: dict[int, str] = {}
    wanted = sorted(ids)
    with engine.connect() as conn:
        for i in range(0, len(wanted), 900):
            q = select(c.seq, c.doc).where(c.entity_id.in_(wanted[i:i + 900]), c.op == "append",
                                           c.entity.in_(KINDS))
            for seq, doc in conn.execute(q):
                out[int(seq)] = str(doc)
    return out


def _write(path: Path, text: str) -> dict[str, Any]:
    data = text.encode()
    path.write_bytes(data)
    return {"sha256": hashlib.sha256(data).hexdigest(), "lines": text.count("\n")}


def _csv(entity: str, decoded: list[dict[str, Any]]) -> str:
    """One row per record, each later record right after its original."""
    names = [n for n in ENTITIES[entity].fields if n not in ("redacted",)]
    content = [n for n in names if n not in ENVELOPE]
    records = [r for r in decoded if r["entity"] == entity]
    order = {r["entity_id"]: i for i, r in enumerate(records) if not r["fields"].get("amends")}
    records.sort(key=lambda r: (order.get(r["fields"].get("amends") or r["entity_id"], -1),
                                r["fields"].get("amends") is not None, r["seq"]))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["seq", "id", "received_at", "by", *names, "changes"])
    for r in records:
        f = r["fields"]
        changed = [n for n in content if f.get(n) is not None] if f.get("amends") else []
        w.writerow([r["seq"], r["entity_id"], r.get("received_at"), r.get("author"),
                    *[_cell(f.get(n)) for n in names], " ".join(changed)])
    return buf.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)

