"""Signed builds: a verified folder is exactly what was signed, nothing more or less."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "packaging" / "signing.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True)


def _signed(tmp_path: Path) -> tuple[Path, Path]:
    build = tmp_path / "build"
    (build / "lib").mkdir(parents=True)
    (build / "enlace").write_bytes(b"\x7fELF binary")
    (build / "lib" / "data.txt").write_text("hola")
    key, pub = tmp_path / "release.key", tmp_path / "release.pub"
    assert _run("keygen", "--private", str(key), "--public", str(pub)).returncode == 0
    assert (key.stat().st_mode & 0o777) == 0o600
    assert _run("sign", str(build), "--key", str(key)).returncode == 0
    return build, pub


def test_untouched_build_verifies(tmp_path: Path) -> None:
    """Proves a freshly signed folder verifies with the matching public key."""
    build, pub = _signed(tmp_path)
    res = _run("verify", str(build), "--public", str(pub))
    assert res.returncode == 0, res.stderr
    assert "verification ok" in res.stdout


def test_changed_added_and_missing_files_fail(tmp_path: Path) -> None:
    """Proves a changed, an added and a deleted file are each reported and fail verification."""
    build, pub = _signed(tmp_path)
    (build / "lib" / "data.txt").write_text("adios")
    (build / "extra.so").write_bytes(b"x")
    (build / "enlace").unlink()
    res = _run("verify", str(build), "--public", str(pub))
    assert res.returncode == 1
    assert "changed: lib/data.txt" in res.stderr
    assert "not signed: extra.so" in res.stderr
    assert "missing: enlace" in res.stderr


def test_other_key_or_edited_list_fails(tmp_path: Path) -> None:
    """Proves a signature from another key, or an edited hash list, is refused."""
    build, _ = _signed(tmp_path)
    other_key, other_pub = tmp_path / "o.key", tmp_path / "o.pub"
    _run("keygen", "--private", str(other_key), "--public", str(other_pub))
    assert _run("verify", str(build), "--public", str(other_pub)).returncode == 1
    build2, pub2 = _signed(tmp_path / "second")
    sums = build2 / "SHA256SUMS"
    sums.write_text(sums.read_text().replace("lib/data.txt", "lib/data.txt "))
    res = _run("verify", str(build2), "--public", str(pub2))
    assert res.returncode == 1 and "signature does not match" in res.stderr
