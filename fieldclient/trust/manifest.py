"""SHA256SUMS: the list of every file of a release, in the format `sha256sum -c` reads.

One `<sha256 hex>  <relative path>` line per file, sorted by path, '/' separators. The
list itself and its signatures (`SHA256SUMS.<KEY ID>.minisig`) sit at the top of the
folder and are the only files it does not name. A symbolic link is listed like a file
(sha256sum follows it) and must stay inside the folder: PyInstaller links libraries
within `_internal/`; a link that leaves the folder would run code nobody signed.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

SUMS = "SHA256SUMS"
_SIG_NAME = re.compile(r"^SHA256SUMS\.[0-9A-F]{16}\.minisig$")
_LINE = re.compile(r"^([0-9a-f]{64})  (.+)$")
CHUNK = 1 << 20


def signature_name(key_id: str) -> str:
    return f"{SUMS}.{key_id}.minisig"


def is_signature_name(name: str) -> bool:
    return bool(_SIG_NAME.match(name))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def unsafe_reason(rel: str) -> str | None:
    """Why a listed path may not be used, or None when it names a place inside the folder."""
    if not rel or any(c in rel for c in "\x00\\\n\r"):
        return "not a plain relative path"
    if rel.startswith("/") or re.match(r"^[A-Za-z]:", rel):
        return "an absolute path"
    parts = rel.split("/")
    if ".." in parts:
        return "it climbs out with '..'"
    if any(p in ("", ".") for p in parts):
        return "not a plain relative path"
    return None


@dataclass
class Tree:
    """What is really in a folder: files (and links to files) by relative path, plus links
    that leave it and entries no SHA256SUMS line can describe (links to folders, sockets…)."""

    files: dict[str, Path] = field(default_factory=dict)
    escaping: dict[str, str] = field(default_factory=dict)
    odd: list[str] = field(default_factory=list)


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root + os.sep)


def scan(folder: Path) -> Tree:
    """Walk `folder` without following links; the top-level list and signatures are left out."""
    tree = Tree()
    root = os.path.realpath(folder)
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, folder)
        for name in sorted(dirnames + filenames):
            full = os.path.join(dirpath, name)
            rel = name if rel_dir == "." else f"{rel_dir.replace(os.sep, '/')}/{name}"
            if rel_dir == "." and (name == SUMS or is_signature_name(name)):
                continue
            if os.path.islink(full):
                target = os.path.realpath(full)
                if not _inside(target, root):
                    tree.escaping[rel] = os.readlink(full)
                elif os.path.isfile(target):
                    tree.files[rel] = Path(full)
                else:
                    tree.odd.append(rel)
            elif name in filenames:
                if os.path.isfile(full):
                    tree.files[rel] = Path(full)
                else:
                    tree.odd.append(rel)
    return tree


def render(entries: dict[str, str]) -> bytes:
    """SHA256SUMS text for {path: sha256}."""
    return "".join(f"{digest}  {rel}\n" for rel, digest in sorted(entries.items())).encode()


def build(folder: Path) -> bytes:
    """SHA256SUMS of every file in `folder`; refuses what it could not list faithfully."""
    tree = scan(folder)
    if tree.escaping:
        first = next(iter(tree.escaping))
        raise ValueError(f"{first} is a link that leaves the folder ({tree.escaping[first]})")
    if tree.odd:
        raise ValueError(f"{tree.odd[0]} is neither a file nor a link to one")
    for rel in tree.files:
        why = unsafe_reason(rel)
        if why:
            raise ValueError(f"{rel!r} cannot be listed: {why}")
    return render({rel: sha256_file(path) for rel, path in tree.files.items()})


class Malformed(ValueError):
    """A SHA256SUMS line that is not `<64 hex>  <path>`."""


def parse(data: bytes) -> dict[str, str]:
    """{path: sha256} from SHA256SUMS; paths are returned as written (checked later)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("SHA256SUMS is not UTF-8") from None
    out: dict[str, str] = {}
    for n, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        m = _LINE.match(line)
        if not m:
            raise Malformed(f"SHA256SUMS line {n} is not '<sha256>  <path>'")
        if m.group(2) in out:
            raise Malformed(f"SHA256SUMS lists {m.group(2)} twice")
        out[m.group(2)] = m.group(1)
    return out
