"""The audit trail's arithmetic, with no database: canonical JSON, a row's hash in the
chain, the digest that pins change-log documents, and the check of signed checkpoints.

`sync.server.audit` keeps the trail in the database with these; the oversight export's
verifier (`sync.server.oversight_verify`) checks an export with them alone, so it runs
where there is neither a server nor a database (only `cryptography`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

GENESIS = "0" * 64


def canon(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """A row's hash: its content (detail as canonical text) and the hash of the row before."""
    material = [
        prev_hash, row["id"], row["at"], row["actor"], row["device_id"],
        row["action"], row["subject"], row["detail"],
    ]
    return hashlib.sha256(canon(material).encode()).hexdigest()


def docs_digest(docs: Iterable[str]) -> str:
    """SHA-256 over each document followed by a newline (hashed in one call)."""
    docs = list(docs)
    return hashlib.sha256(("\n".join(docs) + "\n").encode() if docs else b"").hexdigest()


def doc_digest(doc: str) -> str:
    """SHA-256 of one change-log document (what a push's audit row pins for each
    detention and use-of-force record it accepted)."""
    return hashlib.sha256(doc.encode()).hexdigest()


def verify_signature(public_key_b64: str, signature_b64: str, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64)).verify(
            base64.b64decode(signature_b64), data)
    except Exception:  # noqa: BLE001 - any failure means "not authentic"
        return False
    return True


def checkpoint_problems(checkpoints: Iterable[dict[str, Any]],
                        hash_of: Callable[[int], str | None],
                        public_key: str | None) -> list[str]:
    """What disagrees between signed checkpoints and a trail (`hash_of(id)`: the hash of
    that row, or None when the trail has no such row). Without `public_key` each
    checkpoint is checked against the key it carries."""
    problems: list[str] = []
    for cp in checkpoints:
        body = {k: v for k, v in cp.items() if k != "signature"}
        when = cp.get("at", "?")
        pub = public_key or str(cp.get("public_key", ""))
        if cp.get("public_key") != pub or not verify_signature(
                pub, str(cp.get("signature", "")), canon(body).encode()):
            problems.append(f"checkpoint of {when}: signature does not verify with the pinned key")
            continue
        found = hash_of(int(cp["audit_id"]))
        if found is None:
            problems.append(f"checkpoint of {when}: audit row {cp['audit_id']} is missing "
                            "(the trail was cut after it)")
        elif found != cp["audit_hash"]:
            problems.append(f"checkpoint of {when}: audit row {cp['audit_id']} is not the one "
                            "signed (the trail was rewritten)")
    return problems
