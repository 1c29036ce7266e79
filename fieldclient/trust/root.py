"""Root metadata: which release keys exist and how many of them must sign (k of n).

A root is a small JSON file, `trust/root-<version>.json`, with minisign signatures beside
it (`root-<version>.json.<KEY ID>.minisig`). The first root is signed by k of its own
keys; every later one by k of the previous root's keys *and* k of its own, so a key is
retired (lost laptop, person leaving) by publishing the next root without it, and a
laptop that pinned an old root walks the chain forward and never back (TUF's rule).

    {"type": "enlace-root", "version": 2, "product": "enlace", "threshold": 2,
     "keys": [{"id": "EB7A647023AAAD1C", "name": "Ana (release manager)",
               "public_key": "RWQcraoj..."}, ...],
     "deployment_keys": [...same shape: keys trusted to sign site profiles...]}
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldclient.trust.minisign import BadSignature, MinisignError, PublicKey, Signature

ROOT_TYPE = "enlace-root"
PRODUCT = "enlace"
TRUST_DIR = "trust"
_ROOT_NAME = re.compile(r"^root-([1-9][0-9]{0,5})\.json$")


class RootError(ValueError):
    """Root metadata that cannot be trusted; the message says why."""


@dataclass(frozen=True)
class Key:
    id: str
    name: str
    public: PublicKey


@dataclass(frozen=True)
class Root:
    version: int
    product: str
    threshold: int
    keys: dict[str, Key]
    deployment_keys: dict[str, Key]
    raw: bytes

    @classmethod
    def parse(cls, raw: bytes, where: str = "root") -> Root:
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise RootError(f"{where} is not JSON") from None
        if not isinstance(doc, dict) or doc.get("type") != ROOT_TYPE:
            raise RootError(f"{where} is not Enlace root metadata")
        version, threshold = doc.get("version"), doc.get("threshold")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise RootError(f"{where}: version must be a whole number from 1")
        keys = _keys(doc.get("keys"), where, "keys")
        if not isinstance(threshold, int) or isinstance(threshold, bool) \
                or not 1 <= threshold <= len(keys):
            raise RootError(f"{where}: threshold must be between 1 and the number of keys")
        deploy = _keys(doc.get("deployment_keys", []), where, "deployment_keys")
        product = doc.get("product")
        if not isinstance(product, str) or not product:
            raise RootError(f"{where}: product missing")
        return cls(version, product, threshold, keys, deploy, raw)

    def file_name(self) -> str:
        return root_file_name(self.version)


def _keys(value: Any, where: str, field: str) -> dict[str, Key]:
    if not isinstance(value, list) or (field == "keys" and not value):
        raise RootError(f"{where}: {field} must be a list of keys")
    out: dict[str, Key] = {}
    for item in value:
        if not isinstance(item, dict):
            raise RootError(f"{where}: a key in {field} is not an object")
        try:
            public = PublicKey.parse(str(item.get("public_key", "")))
        except MinisignError as exc:
            raise RootError(f"{where}: {exc}") from None
        if item.get("id") != public.id:
            raise RootError(f"{where}: key id {item.get('id')!r} does not match its public key")
        if public.id in out:
            raise RootError(f"{where}: key {public.id} listed twice")
        out[public.id] = Key(public.id, str(item.get("name") or public.id), public)
    return out


def bundle_dir() -> Path | None:
    """The folder of a PyInstaller build (where `enlace` and its trust/ live), or None."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def root_file_name(version: int) -> str:
    return f"root-{version}.json"


def root_document(version: int, threshold: int, keys: list[tuple[str, PublicKey]],
                  deployment_keys: list[tuple[str, PublicKey]] | None = None,
                  product: str = PRODUCT) -> bytes:
    """The bytes of a new root (names and keys as given); parse() checks it."""
    def entry(name: str, key: PublicKey) -> dict[str, str]:
        return {"id": key.id, "name": name, "public_key": key.base64()}

    doc = {
        "type": ROOT_TYPE, "version": version, "product": product, "threshold": threshold,
        "keys": [entry(n, k) for n, k in keys],
        "deployment_keys": [entry(n, k) for n, k in (deployment_keys or [])],
    }
    raw = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode()
    Root.parse(raw)
    return raw


def signature_files(path: Path) -> list[Path]:
    """`<file>.<KEY ID>.minisig` beside `path`, sorted."""
    return sorted(path.parent.glob(f"{path.name}.????????????????.minisig"))


@dataclass(frozen=True)
class Tally:
    """Who signed a piece of data, as far as one root is concerned."""

    valid: list[str]  # key ids of the root whose signature verifies
    invalid: list[str]  # key ids of the root whose signature does not verify
    unknown: list[str]  # key ids the root does not hold
    unreadable: list[str]  # signature files that are not minisign signatures


def tally(data: bytes, signatures: list[tuple[str, str]], keys: dict[str, Key]) -> Tally:
    """Check each (file name, text) signature of `data` against `keys`."""
    valid: list[str] = []
    invalid: list[str] = []
    unknown: list[str] = []
    unreadable: list[str] = []
    for name, text in signatures:
        try:
            sig = Signature.parse(text)
        except MinisignError:
            unreadable.append(name)
            continue
        key = keys.get(sig.key)
        if key is None:
            unknown.append(sig.key)
            continue
        try:
            sig.verify(key.public, data)
        except BadSignature:
            invalid.append(sig.key)
            continue
        if sig.key not in valid:
            valid.append(sig.key)
    return Tally(valid, invalid, unknown, unreadable)


def _read_sigs(path: Path) -> list[tuple[str, str]]:
    out = []
    for p in signature_files(path):
        try:
            out.append((p.name, p.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            out.append((p.name, ""))
    return out


def load_chain(trust_dir: Path) -> dict[int, Path]:
    """{version: path} of every root file in a trust folder."""
    found: dict[int, Path] = {}
    if trust_dir.is_dir():
        for p in trust_dir.iterdir():
            m = _ROOT_NAME.match(p.name)
            if m and p.is_file():
                found[int(m.group(1))] = p
    return found


def pinned_root(path: Path) -> Root:
    """The root an installer trusts: a root file, or the newest root of a trust folder
    (a folder's chain is checked from its first root)."""
    if path.is_dir():
        chain = load_chain(path)
        if not chain:
            raise RootError(f"{path} holds no root-N.json")
        first_path = chain[min(chain)]
        first = Root.parse(first_path.read_bytes(), first_path.name)
        check_self_signed(first, first_path)
        return advance(first, path)
    try:
        return Root.parse(path.read_bytes(), path.name)
    except OSError as exc:
        raise RootError(f"cannot read {path}: {exc.strerror}") from None


def advance(trusted: Root, trust_dir: Path) -> Root:
    """Walk the roots in `trust_dir` newer than `trusted`, one version at a time, each
    signed by k of the previous root and k of its own keys. Returns the newest trusted."""
    chain = load_chain(trust_dir)
    current = trusted
    if current.version in chain and chain[current.version].read_bytes() != current.raw:
        raise RootError(
            f"{chain[current.version].name} differs from the trusted root of the same version"
        )
    version = current.version + 1
    while version in chain:
        path = chain[version]
        nxt = Root.parse(path.read_bytes(), path.name)
        if nxt.version != version:
            raise RootError(f"{path.name} says it is version {nxt.version}")
        if nxt.product != current.product:
            raise RootError(f"{path.name} is for {nxt.product}, not {current.product}")
        sigs = _read_sigs(path)
        by_old = tally(nxt.raw, sigs, current.keys)
        by_new = tally(nxt.raw, sigs, nxt.keys)
        if len(by_old.valid) < current.threshold:
            raise RootError(
                f"{path.name} is signed by {len(by_old.valid)} of the previous root's keys; "
                f"{current.threshold} are needed"
            )
        if len(by_new.valid) < nxt.threshold:
            raise RootError(
                f"{path.name} is signed by {len(by_new.valid)} of its own keys; "
                f"{nxt.threshold} are needed"
            )
        current = nxt
        version += 1
    return current


def check_self_signed(root: Root, path: Path) -> None:
    """A first root must carry k signatures of its own keys."""
    got = tally(root.raw, _read_sigs(path), root.keys)
    if len(got.valid) < root.threshold:
        raise RootError(
            f"{path.name} is signed by {len(got.valid)} of its keys; {root.threshold} are needed"
        )
