"""Build the PyInstaller bundle, or take it from the cache when nothing it is made of changed.

The build runs in its own virtualenv installed with `pip --require-hashes` from
requirements-build.lock (never from the developer's .venv), then PyInstaller runs
enlace.spec. Both are cached under $ENLACE_DIST_CACHE (default ~/.cache/enlace-dist):
the virtualenv by the hash of the lock, the bundle by the hash of every input (the lock,
the spec, the app's sources and resources, the interpreter). A CI machine that already built
this tree reuses the folder in a second; a fresh one builds once.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "packaging"
LOCK = HERE / "requirements-build.lock"
SPEC = HERE / "enlace.spec"
# Bump when the way a bundle is made changes in a way the inputs below do not show.
RECIPE = "1"
KEEP_BUNDLES = 2


def cache_root() -> Path:
    env = os.environ.get("ENLACE_DIST_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "enlace-dist"


def inputs() -> list[Path]:
    """Every file the bundle is made of (sorted)."""
    files = [LOCK, SPEC, HERE / "licenses.py", HERE / "icudata.py", ROOT / "main.py",
             ROOT / "sync" / "__init__.py", ROOT / "sync" / "merge.py"]
    files += sorted((ROOT / "sync" / "protocol").rglob("*.py"))
    files += sorted(p for p in (ROOT / "fieldclient").rglob("*") if p.is_file()
                    and "__pycache__" not in p.parts and p.suffix in (".py", ".ini", ".mako"))
    res = ROOT / "resources"
    # Every script and stylesheet of the page, as the spec ships them.
    files += sorted(res.joinpath("web").glob("*.js")) + sorted(res.joinpath("web").glob("*.css"))
    for sub in ("web/vendor", "basemap", "icons", "translations", "gazetteer"):
        files += sorted(p for p in (res / sub).rglob("*") if p.is_file()
                        and not p.name.endswith(".tmp"))
    return [f for f in files if f.exists()]


def input_hash(python: str | None = None) -> str:
    h = hashlib.sha256(f"recipe {RECIPE}\n".encode())
    py = python or sys.executable
    probe = subprocess.run([py, "-c", "import sys, platform; print(sys.version, "
                            "platform.machine(), platform.libc_ver())"],
                           capture_output=True, text=True, check=True).stdout
    h.update(probe.encode())
    for f in inputs():
        h.update(f.relative_to(ROOT).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()[:24]


def _log(msg: str) -> None:
    print(f"[dist] {msg}", file=sys.stderr, flush=True)


def build_venv(python: str) -> Path:
    """The build virtualenv for the current lock (made once per lock)."""
    key = hashlib.sha256(LOCK.read_bytes()).hexdigest()[:16]
    venv = cache_root() / f"venv-{key}"
    stamp = venv / ".complete"
    if stamp.exists():
        return venv
    if venv.exists():
        shutil.rmtree(venv)
    _log(f"creating the build virtualenv {venv} from {LOCK.name}")
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                    "--require-hashes", "--no-deps", "--only-binary", ":all:",
                    "-r", str(LOCK)], check=True, env=env)
    stamp.write_text(LOCK.read_text(encoding="utf-8"))
    for old in cache_root().glob("venv-*"):
        if old != venv:
            shutil.rmtree(old, ignore_errors=True)
    return venv


def run_pyinstaller(venv: Path, dist: Path, work: Path) -> Path:
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    subprocess.run([str(venv / "bin" / "python"), "-m", "PyInstaller", "--noconfirm",
                    "--log-level", "ERROR", "--distpath", str(dist),
                    "--workpath", str(work), str(SPEC)], check=True, env=env, cwd=str(ROOT))
    return dist / "enlace"


def build(python: str | None = None, use_cache: bool = True) -> Path:
    """The unsigned bundle folder for the current tree (cached by input hash). One build at
    a time per cache: a second caller waits, then finds the bundle in the cache."""
    py = python or os.environ.get("ENLACE_BUILD_PYTHON") or sys.executable
    key = input_hash(py)
    target = cache_root() / f"bundle-{key}"
    cache_root().mkdir(parents=True, exist_ok=True)
    with open(cache_root() / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if use_cache and (target / ".complete").exists():
            _log(f"bundle {key} from the cache ({target})")
            return target / "enlace"
        return _build(py, key, target)


def _build(py: str, key: str, target: Path) -> Path:
    started = time.monotonic()
    venv = build_venv(py)
    tmp = cache_root() / f"tmp-{key}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        run_pyinstaller(venv, tmp / "dist", tmp / "work")
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        (tmp / "dist" / "enlace").rename(target / "enlace")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    seconds = time.monotonic() - started
    (target / ".complete").write_text(f"{seconds:.0f} s\n")
    _log(f"bundle {key} built in {seconds:.0f} s")
    _prune(target)
    return target / "enlace"


def _prune(keep: Path) -> None:
    bundles = sorted(cache_root().glob("bundle-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [b for b in bundles if b != keep][KEEP_BUNDLES - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def machine() -> str:
    return {"x86_64": "x86_64", "amd64": "x86_64"}.get(platform.machine().lower(),
                                                       platform.machine())
