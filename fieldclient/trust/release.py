"""A signed release folder and its verifier (`enlace verify-release`, `packaging/signing.py`).

A release is a folder: what is shipped (the bundle, or the .tar.gz and .deb), plus

    release.json                  product, version, channel, build commit, created, expires
    trust/root-N.json (+ .minisig) the release keys and how many must sign (root.py)
    SHA256SUMS                    every other file (`sha256sum -c SHA256SUMS`)
    SHA256SUMS.<KEY ID>.minisig   one minisign signature per release manager

It is accepted only when k of the n keys of the trusted root signed SHA256SUMS, every
listed file is there unchanged, nothing unlisted was added, no link leaves the folder, the
metadata is for this product and channel, has not expired and is not older than what is
installed. Each refusal has its own exit code (REFUSALS) and message.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.trust import manifest
from fieldclient.trust.root import PRODUCT, TRUST_DIR, Root, RootError, advance, tally

RELEASE_FILE = "release.json"
RELEASE_TYPE = "enlace-release"
CONTEXT = "release"
FIELDS = ("product", "version", "channel", "commit", "created", "expires")

# Exit codes, in the order the checks run (the first failing check decides the code).
NOT_A_RELEASE = 10
ROOT_REFUSED = 11
WRONG_KEY = 12
BAD_SIGNATURE = 13
TOO_FEW_SIGNATURES = 14
UNSAFE_PATH = 15
WRONG_PRODUCT = 16
WRONG_CHANNEL = 17
EXPIRED = 18
ROLLBACK = 19
LINK_ESCAPES = 20
CHANGED = 21
MISSING = 22
UNLISTED = 23
DIFFERS = QT_TRANSLATE_NOOP("release", "{path} differs from the signed list.")
REFUSALS = {
    NOT_A_RELEASE: "not a signed release",
    ROOT_REFUSED: "root metadata refused",
    WRONG_KEY: "signed by untrusted keys",
    BAD_SIGNATURE: "signature does not match",
    TOO_FEW_SIGNATURES: "too few signatures",
    UNSAFE_PATH: "unsafe path listed",
    WRONG_PRODUCT: "another product",
    WRONG_CHANNEL: "another channel",
    EXPIRED: "expired",
    ROLLBACK: "older than installed",
    LINK_ESCAPES: "link leaves the folder",
    CHANGED: "file changed",
    MISSING: "file missing",
    UNLISTED: "file not listed",
}


@dataclass(frozen=True)
class Problem:
    code: int
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, translate: Callable[[str, str], str] | None = None) -> str:
        template = translate(CONTEXT, self.template) if translate else self.template
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.template.format(**self.params)


@dataclass(frozen=True)
class Metadata:
    product: str
    version: str
    channel: str
    commit: str
    created: datetime
    expires: datetime

    @classmethod
    def parse(cls, raw: bytes) -> Metadata:
        doc = json.loads(raw.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("type") != RELEASE_TYPE:
            raise ValueError("not Enlace release metadata")
        values = {k: doc.get(k) for k in FIELDS}
        if not all(isinstance(v, str) and v for v in values.values()):
            raise ValueError("release metadata lacks " + ", ".join(
                k for k, v in values.items() if not (isinstance(v, str) and v)))
        version_key(str(values["version"]))
        v: dict[str, str] = values  # type: ignore[assignment]  # all checked to be str above
        return cls(v["product"], v["version"], v["channel"], v["commit"],
                   parse_time(v["created"]), parse_time(v["expires"]))

    def summary(self) -> str:
        return (f"{self.product} {self.version} channel={self.channel} commit={self.commit[:12]} "
                f"expires={format_time(self.expires)}")


def metadata_document(product: str, version: str, channel: str, commit: str,
                      created: datetime, expires: datetime) -> bytes:
    doc = {"type": RELEASE_TYPE, "product": product, "version": version, "channel": channel,
           "commit": commit, "created": format_time(created), "expires": format_time(expires)}
    raw = (json.dumps(doc, indent=2) + "\n").encode()
    Metadata.parse(raw)
    return raw


def parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"time without a zone: {text}")
    return value.astimezone(UTC)


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def version_key(text: str) -> Any:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(text)
    except InvalidVersion:
        raise ValueError(f"{text!r} is not a version number") from None


def installed_version(where: str | Path) -> str | None:
    """The version of the release installed in folder `where`, or `where` itself when it is
    a version number; None when the folder holds no release."""
    path = Path(where)
    if path.is_dir():
        try:
            return Metadata.parse((path / RELEASE_FILE).read_bytes()).version
        except (OSError, ValueError):
            return None
    version_key(str(where))
    return str(where)


@dataclass
class Outcome:
    """What verify() found: problems (empty when the release is accepted) and facts."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    metadata: Metadata | None = None
    root: Root | None = None
    signers: list[str] = field(default_factory=list)
    files: int = 0

    @property
    def code(self) -> int:
        return min((p.code for p in self.problems), default=0)

    def refuse(self, code: int, template: str, **params: Any) -> Outcome:
        self.problems.append(Problem(code, template, params))
        return self


def verify(folder: Path, pinned: Root, *, channel: str | None = None,
           installed: str | None = None, product: str = PRODUCT,
           now: datetime | None = None) -> Outcome:
    """Check the release in `folder` against the `pinned` root (see the module docstring)."""
    out = Outcome()
    sums_path = folder / manifest.SUMS
    if not folder.is_dir() or not sums_path.is_file():
        return out.refuse(NOT_A_RELEASE, QT_TRANSLATE_NOOP("release",
            "{folder} is not a signed release: it has no SHA256SUMS."), folder=str(folder))
    try:
        root = advance(pinned, folder / TRUST_DIR)
    except RootError as exc:
        return out.refuse(ROOT_REFUSED, QT_TRANSLATE_NOOP("release",
            "The release's key list (trust/) is refused: {why}."), why=str(exc))
    out.root = root
    sums = sums_path.read_bytes()
    if not _signatures_ok(folder, sums, root, out):
        return out
    try:
        listed = manifest.parse(sums)
    except manifest.Malformed as exc:
        return out.refuse(NOT_A_RELEASE, QT_TRANSLATE_NOOP(
            "release", "The signed file list is unreadable: {why}."),
                          why=str(exc))
    for rel in sorted(listed):
        why = manifest.unsafe_reason(rel)
        if why:
            out.refuse(UNSAFE_PATH, QT_TRANSLATE_NOOP("release",
                "SHA256SUMS lists {path!r}, which points outside the release ({why}); "
                "nothing was read."), path=rel, why=why)
    if out.problems:
        return out
    tree = manifest.scan(folder)
    if not _metadata_ok(listed, tree, out, root, channel, installed, product, now):
        return out
    for rel, target in sorted(tree.escaping.items()):
        out.refuse(LINK_ESCAPES, QT_TRANSLATE_NOOP("release",
            "{path} is a link to {target}, outside the release: refused before reading it."),
            path=rel, target=target)
    if out.problems:
        return out
    _files_ok(listed, tree, out)
    return out


def _signatures_ok(folder: Path, sums: bytes, root: Root, out: Outcome) -> bool:
    sigs = []
    for p in sorted(folder.iterdir()):
        if manifest.is_signature_name(p.name) and p.is_file() and not p.is_symlink():
            sigs.append((p.name, p.read_text(encoding="utf-8", errors="replace")))
    got = tally(sums, sigs, root.keys)
    out.signers = sorted(root.keys[k].name for k in got.valid)
    if len(got.valid) >= root.threshold:
        for name in got.unreadable:
            out.warnings.append(Problem(BAD_SIGNATURE, QT_TRANSLATE_NOOP(
                "release", "{name} is not a minisign signature; ignored."), {"name": name}))
        for key in got.invalid:
            out.warnings.append(Problem(BAD_SIGNATURE, QT_TRANSLATE_NOOP("release",
                "The signature of key {key} does not match; enough other keys signed."),
                {"key": key}))
        return True
    if got.invalid:
        out.refuse(BAD_SIGNATURE, QT_TRANSLATE_NOOP("release",
            "SHA256SUMS does not match the signature of key {keys}: the list was changed "
            "after signing, or the signature is damaged."), keys=", ".join(got.invalid))
    elif not got.valid and got.unknown:
        out.refuse(WRONG_KEY, QT_TRANSLATE_NOOP("release",
            "SHA256SUMS is signed only by keys this laptop does not trust ({keys}); the "
            "trusted release keys are {trusted}."),
            keys=", ".join(got.unknown), trusted=", ".join(root.keys))
    else:
        out.refuse(TOO_FEW_SIGNATURES, QT_TRANSLATE_NOOP("release",
            "SHA256SUMS carries {count} valid signature(s) of trusted release keys; "
            "{needed} are needed."), count=len(got.valid), needed=root.threshold)
    return False


def _metadata_ok(listed: dict[str, str], tree: manifest.Tree, out: Outcome,
                 root: Root, channel: str | None, installed: str | None, product: str,
                 now: datetime | None) -> bool:
    path = tree.files.get(RELEASE_FILE)
    if RELEASE_FILE not in listed or path is None:
        out.refuse(NOT_A_RELEASE, QT_TRANSLATE_NOOP(
            "release", "The release has no signed release.json."))
        return False
    if manifest.sha256_file(path) != listed[RELEASE_FILE]:
        out.refuse(CHANGED, DIFFERS, path=RELEASE_FILE)
        return False
    try:
        meta = Metadata.parse(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        out.refuse(NOT_A_RELEASE, QT_TRANSLATE_NOOP(
            "release", "release.json is unreadable: {why}."), why=str(exc))
        return False
    out.metadata = meta
    if meta.product != product or root.product != product:
        out.refuse(WRONG_PRODUCT, QT_TRANSLATE_NOOP("release",
            "This release is of {got}, not of {want}."), got=meta.product, want=product)
    if channel and meta.channel != channel:
        out.refuse(WRONG_CHANNEL, QT_TRANSLATE_NOOP("release",
            "This release is for the {got} channel; this laptop follows {want}."),
            got=meta.channel, want=channel)
    moment = now or datetime.now(UTC)
    if meta.expires <= moment:
        out.refuse(EXPIRED, QT_TRANSLATE_NOOP("release",
            "This release expired on {when}; ask for a current one."),
            when=format_time(meta.expires))
    if installed and version_key(meta.version) < version_key(installed):
        out.refuse(ROLLBACK, QT_TRANSLATE_NOOP("release",
            "This release ({got}) is older than the installed version {have}; going back "
            "is refused."), got=meta.version, have=installed)
    return not out.problems


def _files_ok(listed: dict[str, str], tree: manifest.Tree, out: Outcome) -> None:
    bad = list(_changed_in_parallel(listed, tree))
    for kind, rel in bad:
        if kind == "missing":
            out.refuse(MISSING, QT_TRANSLATE_NOOP("release", "{path} is listed but missing."),
                       path=rel)
        else:
            out.refuse(CHANGED, DIFFERS, path=rel)
    for rel in sorted(set(tree.files) - set(listed)) + sorted(tree.odd):
        out.refuse(UNLISTED, QT_TRANSLATE_NOOP("release", "{path} is not in the signed list."),
                   path=rel)
    out.files = len(listed)


def _changed_in_parallel(listed: dict[str, str], tree: manifest.Tree) -> list[tuple[str, str]]:
    """(kind, path) of missing or changed files; hashing releases the GIL, so a few threads
    keep every core busy on a large bundle."""
    def check(item: tuple[str, str]) -> tuple[str, str] | None:
        rel, digest = item
        path = tree.files.get(rel)
        if path is None:
            return ("missing", rel)
        return None if manifest.sha256_file(path) == digest else ("changed", rel)

    workers = min(8, (os.cpu_count() or 1) + 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(check, sorted(listed.items()))
        return [r for r in results if r is not None]
