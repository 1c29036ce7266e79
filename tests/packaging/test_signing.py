"""Release key handling with packaging/signing.py: keys made encrypted and outside the
repository, a root signed k of n, a release signed by its managers, and key rotation."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from fieldclient.trust import release as rel
from tests.packaging.releases import PASSPHRASE, ROOT, KeySet, make_release, signing


def _keygen(folder: Path, name: str) -> Path:
    res = signing("keygen", "--out", str(folder), "--name", name, "--kdf", "interactive")
    assert res.returncode == 0, res.stderr
    return next(folder.glob("*.pub"))


def test_keygen_writes_an_encrypted_private_key_outside_the_repository(tmp_path: Path) -> None:
    """Proves keygen makes a 0600 minisign key that needs the passphrase, and refuses a
    folder inside the git work tree."""
    pub = _keygen(tmp_path / "ana", "Ana")
    key = pub.with_suffix(".key")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    from fieldclient.trust import minisign

    text = key.read_text()
    assert "encrypted" in text.splitlines()[0]
    assert minisign.SecretKey.parse(text, PASSPHRASE).public() == minisign.PublicKey.parse(
        pub.read_text())
    res = signing("keygen", "--out", str(ROOT / "packaging" / "keys-test"), "--name", "X",
                  "--kdf", "interactive")
    assert res.returncode == 2 and "git work tree" in res.stderr
    assert not (ROOT / "packaging" / "keys-test").exists()


def test_release_manager_flow_and_rotation(tmp_path: Path) -> None:
    """Proves the documented flow: root-init + root-sign (2 of 3), prepare + sign, verify;
    then rotating out a lost key: root-2 signed by the old and new keys is followed by a
    laptop pinned to root-1, and the lost key alone can no longer help sign a release."""
    pubs = {n: _keygen(tmp_path / "keys" / n, n) for n in ("ana", "luis", "eva", "nora")}
    secret = {n: p.with_suffix(".key") for n, p in pubs.items()}
    trust = tmp_path / "trust"
    assert signing("root-init", "--out", str(trust), "--threshold", "2",
                   *[f"--key={n}={pubs[n]}" for n in ("ana", "luis", "eva")]).returncode == 0
    unsigned = tmp_path / "r0"
    unsigned.mkdir()
    (unsigned / "enlace").write_text("x")
    res = signing("prepare", str(unsigned), "--trust", str(trust), "--version", "1.0.0",
                  "--channel", "stable", "--commit", "abc")
    assert res.returncode == 2 and "signed by 0 of its keys" in res.stderr
    res = signing("root-sign", str(trust / "root-1.json"), "--key", str(secret["ana"]),
                  "--key", str(secret["luis"]))
    assert res.returncode == 0, res.stderr
    pinned = tmp_path / "pinned-root-1.json"
    pinned.write_bytes((trust / "root-1.json").read_bytes())

    def release(name: str, version: str, signers: list[str]) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "enlace").write_text(name)
        r = signing("prepare", str(folder), "--trust", str(trust), "--version", version,
                    "--channel", "stable", "--commit", "abc")
        assert r.returncode == 0, r.stderr
        r = signing("sign", str(folder), *sum((["--key", str(secret[s])] for s in signers), []))
        assert r.returncode == 0, r.stderr
        return folder

    first = release("r1", "1.0.0", ["ana", "eva"])
    assert signing("verify", str(first), "--root", str(pinned)).returncode == 0
    meta = json.loads((first / "release.json").read_text())
    assert meta["version"] == "1.0.0" and meta["channel"] == "stable"

    # eva's laptop is stolen: root-2 replaces her key with nora's
    eva_id = pubs["eva"].stem
    res = signing("root-rotate", str(trust), "--remove", eva_id, "--add", f"nora={pubs['nora']}")
    assert res.returncode == 0, res.stderr
    root2 = trust / "root-2.json"
    assert {k["name"] for k in json.loads(root2.read_text())["keys"]} == {"ana", "luis", "nora"}
    # signed only by the new key, the rotation cannot ship (a laptop would refuse it too:
    # see the "untrusted root rotation" case of test_release_verify)
    assert signing("root-sign", str(root2), "--key", str(secret["nora"])).returncode == 0
    (tmp_path / "r2").mkdir()
    res = signing("prepare", str(tmp_path / "r2"), "--trust", str(trust), "--version", "1.1.0",
                  "--channel", "stable", "--commit", "abc")
    assert res.returncode == 2 and "previous root's keys" in res.stderr
    # with k of the old keys (ana, luis) too, the laptop follows the rotation
    assert signing("root-sign", str(root2), "--key", str(secret["ana"]), "--key",
                   str(secret["luis"])).returncode == 0
    second = release("r3", "1.1.0", ["luis", "nora"])
    res = signing("verify", str(second), "--root", str(pinned))
    assert res.returncode == 0, res.stderr
    # the thief's key plus one real key no longer make a release
    res = signing("verify", str(release("r4", "1.2.0", ["eva", "ana"])), "--root", str(pinned))
    assert res.returncode == rel.TOO_FEW_SIGNATURES


def test_sign_refuses_a_list_that_no_longer_matches_the_folder(tmp_path: Path, keys: KeySet,
                                                               trust: Path) -> None:
    """Proves a release manager cannot sign a SHA256SUMS that does not describe the folder."""
    folder = make_release(tmp_path / "r", trust, keys, ["a"])
    (folder / "added").write_text("late")
    res = signing("sign", str(folder), "--key", str(keys.key_file("b")))
    assert res.returncode == 2 and "does not describe" in res.stderr
