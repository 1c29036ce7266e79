"""Sign and verify Enlace release folders with Ed25519 (cryptography).

A release is a folder (a PyInstaller bundle, a wheel directory, a site
profile...). `sign` writes `SHA256SUMS` (one `<sha256>  <relative path>` line
per file, sorted) and `SHA256SUMS.sig` (a detached Ed25519 signature of that
file). `verify` checks the signature against a public key the installer got
out of band, then every listed hash, and reports files that are missing,
changed or not listed. Exit 0 only when everything matches.

    python packaging/signing.py keygen --private release.key --public release.pub
    python packaging/signing.py sign DIR --key release.key
    python packaging/signing.py verify DIR --public release.pub

The private key file is written with mode 0600 and can be encrypted with a
passphrase (ENLACE_SIGNING_PASSPHRASE); it never goes into the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SUMS = "SHA256SUMS"
SIG = "SHA256SUMS.sig"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def manifest(folder: Path) -> bytes:
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel in (SUMS, SIG):
            continue
        lines.append(f"{_sha256(path)}  {rel}\n")
    return "".join(lines).encode()


def keygen(private: Path, public: Path) -> None:
    key = Ed25519PrivateKey.generate()
    passphrase = os.environ.get("ENLACE_SIGNING_PASSPHRASE")
    enc: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def sign(folder: Path, private: Path) -> None:
    passphrase = os.environ.get("ENLACE_SIGNING_PASSPHRASE")
    key = serialization.load_pem_private_key(
        private.read_bytes(), passphrase.encode() if passphrase else None
    )
    if not isinstance(key, Ed25519PrivateKey):
        raise SystemExit("signing key is not an Ed25519 key")
    data = manifest(folder)
    (folder / SUMS).write_bytes(data)
    (folder / SIG).write_bytes(key.sign(data))


def verify(folder: Path, public: Path) -> list[str]:
    """Return a list of problems; empty means the folder is exactly what was signed."""
    key = serialization.load_pem_public_key(public.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        return ["public key is not an Ed25519 key"]
    sums, sig = folder / SUMS, folder / SIG
    if not sums.exists() or not sig.exists():
        return [f"{SUMS} or {SIG} missing: the folder is not signed"]
    data = sums.read_bytes()
    try:
        key.verify(sig.read_bytes(), data)
    except InvalidSignature:
        return [f"signature does not match {SUMS}: it was altered or signed by another key"]
    listed: dict[str, str] = {}
    for line in data.decode().splitlines():
        digest, _, rel = line.partition("  ")
        listed[rel] = digest
    problems = []
    for rel, digest in listed.items():
        path = folder / rel
        if not path.is_file():
            problems.append(f"missing: {rel}")
        elif _sha256(path) != digest:
            problems.append(f"changed: {rel}")
    actual = manifest(folder).decode().splitlines()
    for line in actual:
        rel = line.partition("  ")[2]
        if rel not in listed:
            problems.append(f"not signed: {rel}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("keygen")
    k.add_argument("--private", type=Path, required=True)
    k.add_argument("--public", type=Path, required=True)
    s = sub.add_parser("sign")
    s.add_argument("folder", type=Path)
    s.add_argument("--key", type=Path, required=True)
    v = sub.add_parser("verify")
    v.add_argument("folder", type=Path)
    v.add_argument("--public", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.cmd == "keygen":
        keygen(args.private, args.public)
        print(f"wrote {args.private} (keep secret) and {args.public} (give to installers)")
        return 0
    if args.cmd == "sign":
        sign(args.folder, args.key)
        print(f"signed {args.folder}")
        return 0
    problems = verify(args.folder, args.public)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print("verification FAILED", file=sys.stderr)
        return 1
    print("verification ok: every file matches the signed list")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
