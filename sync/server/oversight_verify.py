"""Verify an oversight export (sync.server.oversight) with no server and no database.

    python -m sync.server.oversight_verify DIR [--public-key B64] [--checkpoint FILE ...]
    fieldsync oversight verify DIR ...            (the same; opens no database)

Checks, and says which failed:
1. signature: `manifest.json.sig` is the Ed25519 signature of `manifest.json` by the key
   the manifest names (and, with --public-key, by that key: the server's, as oversight
   was given it);
2. files: each file's SHA-256 and line count are the manifest's (one changed byte
   anywhere fails here or at 1);
3. chain: `audit.jsonl` is a contiguous stretch of the hash chain: ids consecutive,
   each row's hash recomputed from its content and the row before, starting from the
   manifest's `prev_hash` and ending at its `last_hash`; the checkpoints in
   `checkpoints.jsonl` (and in any --checkpoint file oversight kept) that fall in the
   stretch verify and match it;
4. completeness: every detention and use-of-force record of the agency that the pushes
   of the stretch accepted (each pinned by its document's digest) is in `records.jsonl`,
   unchanged, and nothing else is there except originals given as context.

Then it lists each record with its amendments and hand-over beside it (what changed,
who, when, why) and the openings of full records in the period. Exit status 0 when
everything holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from sync.server.chain import canon, checkpoint_problems, row_hash, verify_signature

_decode = msgspec.json.Decoder().decode  # 100,000 records: several times json.loads' speed

FILES = ("records.jsonl", "detentions.csv", "use_of_force.csv", "audit.jsonl",
         "checkpoints.jsonl")
# What a record is about, not the record itself (left out of "what changed")
ENVELOPE = ("kind", "amends", "amend_reason", "agency", "created_at", "author", "redacted")


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)  # documents, in log order
    openings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(folder: Path, public_key: str | None = None,
           checkpoints: Iterable[dict[str, Any]] = ()) -> Report:
    report = Report()
    try:
        body = (folder / "manifest.json").read_bytes()
        sig = (folder / "manifest.json.sig").read_text().strip()
        manifest = json.loads(body)
    except (OSError, ValueError) as exc:
        report.problems.append(f"manifest: cannot read it ({exc})")
        return report
    report.manifest = manifest
    key = str(manifest.get("public_key", ""))
    if public_key and key != public_key:
        report.problems.append("signature: made by another key than the server's given")
    if not verify_signature(key, sig, body):
        report.problems.append("signature: manifest.json does not match its signature")
    data: dict[str, bytes] = {}
    for name in FILES:
        try:
            data[name] = (folder / name).read_bytes()
        except OSError:
            report.problems.append(f"files: {name} is missing")
            continue
        want = manifest.get("files", {}).get(name, {})
        if hashlib.sha256(data[name]).hexdigest() != want.get("sha256") \
                or data[name].count(b"\n") != want.get("lines"):
            report.problems.append(f"files: {name} is not the file that was signed")
    rows = _chain(report, data.get("audit.jsonl", b""), manifest.get("segment", {}))
    hashes = {int(r["id"]): str(r["hash"]) for r in rows}
    cps = [json.loads(line) for line in data.get("checkpoints.jsonl", b"").splitlines()
           if line.strip()]
    seg = manifest.get("segment", {})
    mine = [cp for cp in [*cps, *checkpoints]
            if seg.get("first_id", 0) <= int(cp.get("audit_id", -1)) <= seg.get("last_id", -1)]
    if not any(int(cp.get("audit_id", -1)) == seg.get("last_id") for cp in cps):
        report.problems.append("chain: no signed checkpoint of the stretch's last row")
    report.problems += [f"chain: {p}" for p in checkpoint_problems(mine, hashes.get,
                                                                  public_key or key)]
    _complete(report, rows, data.get("records.jsonl", b""), manifest)
    report.openings = [r for r in rows if r.get("action") == "record.open"]
    return report


def _chain(report: Report, text: bytes, seg: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    prev = seg.get("prev_hash")
    expected = seg.get("first_id")
    for n, line in enumerate(text.splitlines(), start=1):
        try:
            r = _decode(line)
            material = {**r, "detail": canon(r["detail"])}
            good = r["prev_hash"] == prev and row_hash(prev, material) == r["hash"]
        except (ValueError, KeyError, TypeError, msgspec.DecodeError):
            report.problems.append(f"chain: line {n} of audit.jsonl is not an audit row")
            return rows
        if r["id"] != expected:
            report.problems.append(f"chain: row {r['id']} where {expected} was due (rows missing)")
        if not good:
            report.problems.append(f"chain: row {r['id']} does not follow from the row before "
                                   "(edited, inserted or removed)")
        rows.append(r)
        prev, expected = r["hash"], r["id"] + 1
    if rows and (rows[-1]["hash"] != seg.get("last_hash") or len(rows) != seg.get("rows")):
        report.problems.append("chain: the stretch does not end where the manifest says")
    if not rows:
        report.problems.append("chain: audit.jsonl holds no row")
    return rows


def _complete(report: Report, rows: list[dict[str, Any]], text: bytes,
              manifest: dict[str, Any]) -> None:
    agency = manifest.get("agency")
    pinned: dict[int, str] = {}
    for r in rows:
        if r.get("action") != "push":
            continue
        for seq, _kind, owner, digest in (r.get("detail") or {}).get("records", ()):
            if owner == agency:
                pinned[int(seq)] = str(digest)
    context = set(manifest.get("records", {}).get("context", ()))
    for n, line in enumerate(text.splitlines(), start=1):
        try:
            doc = _decode(line)
            seq = int(doc["seq"])
        except (ValueError, KeyError, TypeError, msgspec.DecodeError):
            report.problems.append(f"completeness: line {n} of records.jsonl is not a record")
            continue
        report.records.append(doc)
        digest = pinned.pop(seq, None)
        if digest is None:
            if seq not in context:
                report.problems.append(f"completeness: record {seq} is not one the period's "
                                       "pushes accepted for this agency")
        elif digest != hashlib.sha256(line).hexdigest():
            report.problems.append(f"completeness: record {seq} differs from what the server "
                                   "accepted")
    for seq in sorted(pinned):
        report.problems.append(f"completeness: record {seq}, accepted in the period, is missing")


def describe(report: Report) -> list[str]:
    """Each original with its amendments and hand-over beside it, then the openings."""
    out: list[str] = []
    docs = report.records
    later: dict[str, list[dict[str, Any]]] = {}
    for d in docs:
        if d["fields"].get("amends"):
            later.setdefault(str(d["fields"]["amends"]), []).append(d)
    for d in docs:
        f = d["fields"]
        if f.get("amends"):
            continue
        who = f.get("person_name") or f.get("person_description") or f.get("level") or ""
        when = f.get("detained_at") or f.get("occurred_at")
        out.append(f"{d['entity']} {d['entity_id']}  {who}  {when}  by {d.get('author')}")
        for a in later.get(d["entity_id"], []):
            af = a["fields"]
            changes = ", ".join(f"{k}: {_show(f.get(k))} -> {_show(v)}" for k, v in af.items()
                                if v is not None and k not in ENVELOPE)
            why = f"  reason: {af['amend_reason']}" if af.get("amend_reason") else ""
            out.append(f"    {af.get('kind')} by {a.get('author')} at {a.get('received_at')}: "
                       f"{changes}{why}")
    for o in report.openings:
        out.append(f"opened: {o.get('subject')} by {o.get('actor')} at {o.get('at')}")
    return out


def _show(value: Any) -> str:
    return "-" if value is None else str(value)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="oversight-verify", description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--public-key", help="the server's signing key (base64), as given to you")
    ap.add_argument("--checkpoint", type=Path, action="append", default=[],
                    help="signed checkpoints you kept (JSON lines; repeatable)")
    ap.add_argument("--quiet", action="store_true", help="only the verdict")
    args = ap.parse_args(argv)
    kept = [json.loads(line) for p in args.checkpoint for line in p.read_text().splitlines()
            if line.strip()]
    report = verify(args.folder, args.public_key, kept)
    for p in report.problems:
        print(f"FAIL: {p}")
    if report.ok:
        m = report.manifest
        print(f"export intact: {m.get('agency')} {m.get('from')} .. {m.get('to')}, "
              f"{len(report.records)} records, audit rows {m['segment']['first_id']}.."
              f"{m['segment']['last_id']}, signed by {m.get('public_key')}")
        if not args.quiet:
            print("\n".join(describe(report)))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
