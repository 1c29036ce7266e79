"""The build's inputs: a hashed lock within pyproject's ranges, a cache key made of exactly
what the bundle is built from, reproducible archives, and a Qt-free verifier."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str):  # type: ignore[no-untyped-def]
    path = ROOT / "packaging" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"enlace_packaging_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


def test_lock_pins_every_dependency_with_hashes_inside_pyproject_ranges() -> None:
    """Proves the build lock pins each runtime and build dependency of pyproject.toml, within
    its declared range, and every pin carries sha256 hashes (pip --require-hashes)."""
    text = (ROOT / "packaging" / "requirements-build.lock").read_text()
    pins = dict(re.findall(r"^([a-z0-9][a-z0-9._-]*)==(\S+)", text, re.MULTILINE))
    blocks = re.split(r"\n(?=[a-z0-9])", text)
    assert all("--hash=sha256:" in b for b in blocks if re.match(r"[a-z0-9]", b))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"] + project["optional-dependencies"]["build"]:
        req = Requirement(spec)
        if req.marker is not None and not req.marker.evaluate():
            continue
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        assert name in pins, f"{name} missing from the lock"
        assert req.specifier.contains(pins[name]), f"{name}=={pins[name]} outside {req.specifier}"


def test_cache_key_covers_the_app_and_not_the_tests() -> None:
    """Proves the bundle's cache key is made of the lock, the spec (and the scripts it runs),
    the app's sources and resources, and not of tests or docs (a docs change must not force a
    rebuild)."""
    bundle = _load("bundle")
    names = {p.relative_to(ROOT).as_posix() for p in bundle.inputs()}
    for needed in ("packaging/requirements-build.lock", "packaging/enlace.spec",
                   "packaging/icudata.py", "main.py",
                   "fieldclient/cli.py", "fieldclient/trust/release.py",
                   "sync/protocol/envelope.py", "resources/web/map.js",
                   "resources/web/map-trails.js", "resources/gazetteer/mx-places.tsv",
                   "resources/translations/ui_es_MX.ts"):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "docs/")) or n.startswith("sync/server")
                   for n in names)


def test_tar_gz_is_byte_identical_whatever_the_file_times(tmp_path: Path) -> None:
    """Proves two archives of the same content made at different times are identical."""
    archive = _load("archive")
    folder = tmp_path / "b"
    (folder / "lib").mkdir(parents=True)
    (folder / "enlace").write_text("x")
    (folder / "lib" / "a.so.1").write_text("y")
    (folder / "lib" / "a.so").symlink_to("a.so.1")
    first = archive.write_tar_gz(folder, tmp_path / "1.tar.gz", "enlace-1", 1_700_000_000)
    for p in folder.rglob("*"):
        os.utime(p, (1_800_000_000, 1_800_000_000), follow_symlinks=False)
    second = archive.write_tar_gz(folder, tmp_path / "2.tar.gz", "enlace-1", 1_700_000_000)
    assert first.read_bytes() == second.read_bytes()


def test_release_code_is_qt_free() -> None:
    """Proves fieldclient.trust imports no Qt: `enlace verify-release` and `provision` run
    headless, and packaging/ scripts import them on build machines."""
    for path in sorted((ROOT / "fieldclient" / "trust").glob("*.py")):
        tree = ast.parse(path.read_text())
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(n.split(".")[0] in ("PySide6", "shiboken6") for n in names), path
