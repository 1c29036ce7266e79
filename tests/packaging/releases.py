"""Test helpers: release keys, roots, signed release folders and the refusal cases of issue 11
(each built small, so every case runs against the source verifier and the built bundle)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fieldclient.trust import manifest, minisign, sign
from fieldclient.trust import release as rel
from fieldclient.trust.root import root_document

PASSPHRASE = "correct horse battery staple"
ROOT = Path(__file__).resolve().parents[2]
SIGNING = ROOT / "packaging" / "signing.py"


def signing(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """packaging/signing.py in its own process, with the test passphrase."""
    env = dict(os.environ, ENLACE_SIGNING_PASSPHRASE=PASSPHRASE, LANG="C.UTF-8")
    return subprocess.run([sys.executable, str(SIGNING), *args], capture_output=True,
                          text=True, env=env, cwd=cwd or ROOT, timeout=120)


@dataclass
class KeySet:
    """Named keys: secret halves in memory, key files on disk (minisign format)."""

    folder: Path
    secret: dict[str, minisign.SecretKey] = field(default_factory=dict)

    def add(self, name: str) -> minisign.SecretKey:
        key = minisign.SecretKey.generate()
        self.secret[name] = key
        self.folder.mkdir(parents=True, exist_ok=True)
        self.key_file(name).write_text(key.text(PASSPHRASE, minisign.KDF_INTERACTIVE))
        self.pub_file(name).write_text(key.public().text())
        return key

    def key_file(self, name: str) -> Path:
        return self.folder / f"{name}.key"

    def pub_file(self, name: str) -> Path:
        return self.folder / f"{name}.pub"


def make_keys(folder: Path, *names: str) -> KeySet:
    keys = KeySet(folder)
    for n in names:
        keys.add(n)
    return keys


def make_root(trust: Path, keys: KeySet, members: list[str], threshold: int,
              signers: list[str], version: int = 1, deployment: list[str] | None = None) -> Path:
    trust.mkdir(parents=True, exist_ok=True)
    raw = root_document(version, threshold, [(n, keys.secret[n].public()) for n in members],
                        [(n, keys.secret[n].public()) for n in deployment or []])
    path = trust / f"root-{version}.json"
    path.write_bytes(raw)
    for s in signers:
        sign.sign_file(path, keys.secret[s])
    return trust


def make_release(folder: Path, trust: Path, keys: KeySet, signers: list[str], *,
                 version: str = "1.2.0", channel: str = "stable", product: str = "enlace",
                 expires_days: int = 30) -> Path:
    """A small release: an 'executable', a library and a link to it inside the folder."""
    (folder / "lib").mkdir(parents=True)
    (folder / "enlace").write_bytes(b"\x7fELF not really")
    (folder / "lib" / "libthing.so.1").write_bytes(os.urandom(256))
    (folder / "lib" / "libthing.so").symlink_to("libthing.so.1")
    shutil.copytree(trust, folder / "trust")
    now = datetime.now(UTC).replace(microsecond=0)
    (folder / rel.RELEASE_FILE).write_bytes(json.dumps({
        "type": rel.RELEASE_TYPE, "product": product, "version": version, "channel": channel,
        "commit": "0123456789abcdef", "created": rel.format_time(now - timedelta(days=1)),
        "expires": rel.format_time(now + timedelta(days=expires_days)),
    }).encode())
    sign.write_sums(folder)
    for s in signers:
        sign.sign_release(folder, keys.secret[s])
    return folder


def resign(folder: Path, keys: KeySet, signers: list[str]) -> None:
    """Sign the folder's SHA256SUMS as it is now (a signer who signed a bad list)."""
    data = (folder / manifest.SUMS).read_bytes()
    for old in folder.glob("SHA256SUMS.*.minisig"):
        old.unlink()
    for s in signers:
        key = keys.secret[s]
        (folder / manifest.signature_name(key.id)).write_text(key.sign(data, "test"))


def flip_byte(path: Path, offset: int = 0) -> None:
    """Replace the file by a copy with one byte changed (never writes through a hard link)."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.unlink()
    path.write_bytes(bytes(data))


# -- the refusal cases of issue 11, point 2 --------------------------------------------------

CASES = [
    "wrong key", "fewer than k signatures", "flipped byte in a file",
    "flipped byte in SHA256SUMS", "missing file", "unlisted file", "listed path with ..",
    "listed absolute path", "link leaving the release", "expired", "rollback",
    "other channel", "other product", "untrusted root rotation",
]


@dataclass
class Case:
    folder: Path
    args: list[str]
    code: int
    says: str


def build_case(name: str, base: Path, keys: KeySet, trust: Path) -> Case:
    """The release of refusal case `name` (keys a, b, c in a 2-of-3 root; x, y untrusted)."""
    folder = base / name.replace(" ", "-")
    if name == "wrong key":
        make_release(folder, trust, keys, ["x", "y"])
        return Case(folder, [], rel.WRONG_KEY, "does not trust")
    if name == "fewer than k signatures":
        make_release(folder, trust, keys, ["a"])
        return Case(folder, [], rel.TOO_FEW_SIGNATURES, "1 valid signature(s)")
    make_release(folder, trust, keys, ["a", "b"], **_release_options(name))
    if name == "flipped byte in a file":
        flip_byte(folder / "lib" / "libthing.so.1", 100)
        return Case(folder, [], rel.CHANGED, "lib/libthing.so.1 differs")
    if name == "flipped byte in SHA256SUMS":
        flip_byte(folder / manifest.SUMS, 3)
        return Case(folder, [], rel.BAD_SIGNATURE, "changed after signing")
    if name == "missing file":
        (folder / "enlace").unlink()
        return Case(folder, [], rel.MISSING, "enlace is listed but missing")
    if name == "unlisted file":
        (folder / "lib" / "extra.so").write_bytes(b"added later")
        return Case(folder, [], rel.UNLISTED, "lib/extra.so is not in the signed list")
    if name in ("listed path with ..", "listed absolute path"):
        bad = "../outside.so" if ".." in name else "/etc/passwd"
        sums = folder / manifest.SUMS
        sums.write_bytes(sums.read_bytes() + f"{'0' * 64}  {bad}\n".encode())
        resign(folder, keys, ["a", "b"])
        return Case(folder, [], rel.UNSAFE_PATH, "points outside the release")
    if name == "link leaving the release":
        outside = base / "outside-copy.so"
        shutil.copyfile(folder / "lib" / "libthing.so.1", outside)
        (folder / "lib" / "libthing.so.1").unlink()
        (folder / "lib" / "libthing.so.1").symlink_to(outside)  # same bytes, outside the folder
        return Case(folder, [], rel.LINK_ESCAPES, "outside the release")
    if name == "expired":
        return Case(folder, [], rel.EXPIRED, "expired on")
    if name == "rollback":
        return Case(folder, ["--installed", "1.10.0"], rel.ROLLBACK, "older than the installed")
    if name == "other channel":
        return Case(folder, ["--channel", "stable"], rel.WRONG_CHANNEL, "for the beta channel")
    if name == "other product":
        return Case(folder, [], rel.WRONG_PRODUCT, "is of otherapp")
    if name == "untrusted root rotation":
        # root-2 drops b and c for x and y, signed only by the new keys: a thief's rotation.
        make_root(folder / "trust", keys, ["a", "x", "y"], 2, ["x", "y"], version=2)
        sign.write_sums(folder)
        for s in ("x", "y"):
            sign.sign_release(folder, keys.secret[s])
        return Case(folder, [], rel.ROOT_REFUSED, "previous root's keys")
    raise KeyError(name)


def _release_options(name: str) -> dict[str, object]:
    return {
        "expired": {"expires_days": -1},
        "other channel": {"channel": "beta"},
        "other product": {"product": "otherapp"},
    }.get(name, {})  # type: ignore[return-value]


# -- site profiles -------------------------------------------------------------------------


def ca_pem() -> str:
    """A self-signed CA certificate (PEM), as a site's private CA would be."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Site CA")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def profile_doc(**changes: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "type": "enlace-site-profile", "format": 1, "name": "CP Guadalajara", "serial": 1,
        "server_url": "https://cp-gdl.example:8443", "ca_cert": ca_pem(),
        "default_agency": "sedena", "device_name_pattern": "GDL-{hostname}",
        "policies": {"wipe_on_revoke": True, "offline_expiry_hours": 72,
                     "idle_lock_minutes": 10},
    }
    doc.update(changes)
    return doc


def make_profile(path: Path, key: minisign.SecretKey | None, **changes: object) -> Path:
    """A site profile file, signed by `key` (PROFILE.minisig) unless key is None."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(profile_doc(**changes), indent=2))
    if key is not None:
        path.with_name(path.name + ".minisig").write_text(key.sign(path.read_bytes(), "profile"))
    return path
