"""Our minisign reader/writer against Debian's `minisign` 0.11, both ways: what we sign it
verifies, what it signs we verify, and secret key files are interchangeable."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fieldclient.trust import minisign

MINISIGN = shutil.which("minisign")
pytestmark = pytest.mark.skipif(MINISIGN is None, reason="minisign missing: make system")


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(MINISIGN), *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


def test_minisign_verifies_our_signature_and_its_trusted_comment(tmp_path: Path) -> None:
    """Proves `minisign -V` accepts our signature and prints the signed comment, and refuses
    it once the data changes."""
    key = minisign.SecretKey.generate()
    (tmp_path / "k.pub").write_text(key.public().text())
    data = tmp_path / "SHA256SUMS"
    data.write_bytes(b"abc  file\n")
    (tmp_path / "SHA256SUMS.minisig").write_text(key.sign(data.read_bytes(), "enlace 1.0 stable"))
    ok = _run("-V", "-p", str(tmp_path / "k.pub"), "-m", str(data))
    assert ok.returncode == 0, ok.stderr
    assert "Trusted comment: enlace 1.0 stable" in ok.stdout
    data.write_bytes(b"abd  file\n")
    assert _run("-V", "-p", str(tmp_path / "k.pub"), "-m", str(data)).returncode != 0


def test_we_verify_what_minisign_signs_with_a_key_we_encrypted(tmp_path: Path) -> None:
    """Proves a secret key file we write (scrypt-encrypted) works in `minisign -S`, and we
    verify its signature; another key or other data is refused."""
    key = minisign.SecretKey.generate()
    (tmp_path / "k.key").write_text(key.text("s3cret pass", minisign.KDF_INTERACTIVE))
    (tmp_path / "f").write_bytes(b"payload")
    res = _run("-S", "-s", str(tmp_path / "k.key"), "-m", str(tmp_path / "f"), "-t", "tc",
               stdin="s3cret pass\n")
    assert res.returncode == 0, res.stderr
    sig = minisign.Signature.parse((tmp_path / "f.minisig").read_text())
    assert sig.verify(key.public(), b"payload") == "tc"
    with pytest.raises(minisign.BadSignature):
        sig.verify(key.public(), b"payloaD")
    with pytest.raises(minisign.BadSignature):
        sig.verify(minisign.SecretKey.generate().public(), b"payload")


def test_we_read_a_key_made_by_minisign_G(tmp_path: Path) -> None:
    """Proves a key pair made by `minisign -G` (its default, costly key derivation) opens
    with the right passphrase, matches its public key, and refuses a wrong passphrase."""
    res = _run("-G", "-p", str(tmp_path / "m.pub"), "-s", str(tmp_path / "m.key"),
               stdin="pass-G\npass-G\n")
    assert res.returncode == 0, res.stderr
    public = minisign.PublicKey.parse((tmp_path / "m.pub").read_text())
    secret = minisign.SecretKey.parse((tmp_path / "m.key").read_text(), "pass-G")
    assert secret.public() == public
    with pytest.raises(minisign.MinisignError, match="wrong passphrase"):
        minisign.SecretKey.parse((tmp_path / "m.key").read_text(), "pass-g")


def test_secret_keys_are_never_written_in_plain_text() -> None:
    """Proves writing a secret key without a passphrase is refused."""
    with pytest.raises(minisign.MinisignError):
        minisign.SecretKey.generate().text("")
