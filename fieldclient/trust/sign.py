"""Writing signed things: a release folder's SHA256SUMS and signatures, a file's
`<file>.<KEY ID>.minisig`. Release managers and site IT use these through
packaging/signing.py; the laptop only ever verifies."""

from __future__ import annotations

from pathlib import Path

from fieldclient.trust import manifest
from fieldclient.trust.minisign import SecretKey
from fieldclient.trust.release import RELEASE_FILE, Metadata


def write_sums(folder: Path) -> bytes:
    """(Re)write SHA256SUMS for everything in `folder`; old signatures are removed because
    they sign a list that no longer exists."""
    for old in folder.iterdir():
        if manifest.is_signature_name(old.name):
            old.unlink()
    data = manifest.build(folder)
    (folder / manifest.SUMS).write_bytes(data)
    return data


def trusted_comment(folder: Path) -> str:
    """What `minisign -V` prints after checking a release signature: the signed metadata."""
    try:
        return Metadata.parse((folder / RELEASE_FILE).read_bytes()).summary()
    except (OSError, ValueError):
        return f"{folder.name} SHA256SUMS"


def sign_release(folder: Path, key: SecretKey) -> Path:
    """Add `key`'s signature of the folder's SHA256SUMS, which must describe the folder
    exactly as it is now (a signer checks what they sign)."""
    sums = folder / manifest.SUMS
    if not sums.exists():
        write_sums(folder)
    elif manifest.build(folder) != sums.read_bytes():
        raise ValueError(
            f"{sums} does not describe {folder} as it is now; refusing to sign it "
            "(rebuild the list with `sign --rebuild` if the change is intended)"
        )
    target = folder / manifest.signature_name(key.id)
    target.write_text(key.sign(sums.read_bytes(), trusted_comment(folder),
                               f"Enlace release signature, key {key.id}"), encoding="utf-8")
    return target


def sign_file(path: Path, key: SecretKey, comment: str | None = None) -> Path:
    """`<path>.<KEY ID>.minisig` (roots); `minisign -V -x` reads it."""
    target = path.with_name(f"{path.name}.{key.id}.minisig")
    target.write_text(key.sign(path.read_bytes(), comment or path.name), encoding="utf-8")
    return target
