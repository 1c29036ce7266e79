"""Every refusal of issue 11 point 2, through `packaging/signing.py verify`: its own exit
code and a message that says what is wrong; and a good release accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldclient.trust import release as rel
from tests.packaging.releases import CASES, KeySet, build_case, make_release, signing


def test_signed_release_is_accepted(tmp_path: Path, keys: KeySet, trust: Path) -> None:
    """Proves a release signed by 2 of the 3 root keys, unchanged, verifies with exit 0."""
    folder = make_release(tmp_path / "r", trust, keys, ["a", "c"])
    res = signing("verify", str(folder), "--root", str(trust), "--channel", "stable",
                  "--installed", "1.1.9")
    assert res.returncode == 0, res.stderr
    assert "release ok: enlace 1.2.0 (stable" in res.stdout and "2 signatures, 2 needed" in res.stdout


@pytest.mark.parametrize("case", CASES)
def test_each_refusal_has_its_own_code_and_reason(case: str, tmp_path: Path, keys: KeySet,
                                                  trust: Path) -> None:
    """Proves the verifier refuses this case with its documented exit code and reason."""
    c = build_case(case, tmp_path, keys, trust)
    res = signing("verify", str(c.folder), "--root", str(trust), *c.args)
    assert res.returncode == c.code, (res.returncode, res.stdout, res.stderr)
    assert c.says in res.stderr, res.stderr
    assert f"exit code {c.code}" in res.stderr and "RELEASE REFUSED" in res.stderr


def test_refusal_codes_are_distinct() -> None:
    """Proves no two refusals share an exit code (a script can tell them apart)."""
    assert len(set(rel.REFUSALS)) == len(rel.REFUSALS) == 14
    assert all(10 <= code < 30 for code in rel.REFUSALS)


def test_all_problems_of_the_files_are_listed(tmp_path: Path, keys: KeySet, trust: Path) -> None:
    """Proves a changed, a missing and an added file are all reported, not only the first."""
    folder = make_release(tmp_path / "r", trust, keys, ["a", "b"])
    (folder / "lib" / "libthing.so.1").write_bytes(b"other")
    (folder / "enlace").unlink()
    (folder / "new.txt").write_text("x")
    res = signing("verify", str(folder), "--root", str(trust))
    assert res.returncode == rel.CHANGED
    for text in ("lib/libthing.so.1 differs", "lib/libthing.so differs",
                 "enlace is listed but missing", "new.txt is not in the signed list"):
        assert text in res.stderr


def test_one_bad_signature_is_tolerated_when_k_others_hold(tmp_path: Path, keys: KeySet,
                                                           trust: Path) -> None:
    """Proves a damaged third signature warns but two good ones still carry the release."""
    folder = make_release(tmp_path / "r", trust, keys, ["a", "b", "c"])
    sig = next(folder.glob(f"SHA256SUMS.{keys.secret['c'].id}.minisig"))
    lines = sig.read_text().splitlines()
    lines[1] = lines[1][:40] + ("A" if lines[1][40] != "A" else "B") + lines[1][41:]
    sig.write_text("\n".join(lines) + "\n")
    res = signing("verify", str(folder), "--root", str(trust))
    assert res.returncode == 0, res.stderr
    assert f"signature of key {keys.secret['c'].id} does not match" in res.stderr


def test_installed_folder_sets_the_rollback_floor(tmp_path: Path, keys: KeySet,
                                                  trust: Path) -> None:
    """Proves --installed DIR reads the installed release's version and refuses older ones."""
    installed = make_release(tmp_path / "opt", trust, keys, ["a", "b"], version="2.0.0")
    older = make_release(tmp_path / "usb", trust, keys, ["a", "b"], version="1.9.9")
    res = signing("verify", str(older), "--root", str(trust), "--installed", str(installed))
    assert res.returncode == rel.ROLLBACK and "1.9.9" in res.stderr and "2.0.0" in res.stderr


def test_not_a_release_is_refused(tmp_path: Path, trust: Path) -> None:
    """Proves a plain folder is refused as unsigned, with exit code 10."""
    (tmp_path / "plain").mkdir()
    res = signing("verify", str(tmp_path / "plain"), "--root", str(trust))
    assert res.returncode == rel.NOT_A_RELEASE and "no SHA256SUMS" in res.stderr
