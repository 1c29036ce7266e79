"""Release bundle figures (issue 11): size of the unpacked bundle and of its .tar.gz, the
bundle's first --self-test after its files left the page cache, and `enlace verify-release`
over the whole bundle.

The bundle comes from packaging/dist.py (cached by the hash of its inputs; built if absent).
Cold start: every bundle file is dropped from the page cache with posix_fadvise(DONTNEED)
before each run (the files of this bundle only; the system's own libraries stay cached), and
each run gets a fresh HOME. Medians of 3 runs. MB = 2**20 bytes, as the other benchmarks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, emit, median

sys.path.insert(0, str(ROOT / "packaging"))
import bundle as bundle_mod  # noqa: E402
import dist as dist_mod  # noqa: E402
from archive import write_tar_gz  # noqa: E402

RUNS = 3
MB = 1 << 20


def folder_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir())


def drop_from_page_cache(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            fd = os.open(p, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def clean_env(home: Path) -> dict[str, str]:
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    # No keyring in a clean session: the store's passphrase, as run.py gives every
    # benchmark (and tests/packaging/test_bundle.py its self-test); without it the
    # self-test stops at "needs a passphrase" (issue 14).
    if os.environ.get("ENLACE_STORE_PASSPHRASE"):
        env["ENLACE_STORE_PASSPHRASE"] = os.environ["ENLACE_STORE_PASSPHRASE"]
    if os.geteuid() == 0:
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = "--no-sandbox"  # root on CI only
    return env


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    if res.returncode != 0:
        raise SystemExit(f"{cmd[1:]} failed: {res.stderr[-2000:]}")
    return elapsed


def main() -> None:
    built = bundle_mod.build()
    with tempfile.TemporaryDirectory(prefix="bench-dist-") as tmp:
        base = Path(tmp)
        staged = dist_mod.stage_bundle(built, base / "enlace")
        trust, keys = dist_mod.dev_keys(base)
        dist_mod.make_release(staged, trust, keys, "dev", dist_mod.source_date_epoch())
        emit("dist.bundle_mb", folder_bytes(staged) / MB, "MB", 450)
        tar = write_tar_gz(staged, base / "enlace.tar.gz", "enlace", dist_mod.source_date_epoch())
        emit("dist.tar_mb", tar.stat().st_size / MB, "MB", 200)
        tar.unlink()
        cold = []
        for i in range(RUNS):
            home = base / f"home-{i}"
            home.mkdir()
            drop_from_page_cache(staged)
            cold.append(timed([str(staged / "enlace"), "--self-test"], clean_env(home)))
        emit("dist.selftest_cold_s", median(cold), "s", 15,
             runs=[round(x, 2) for x in cold], cache="posix_fadvise DONTNEED on bundle files")
        verify = [timed([str(staged / "enlace"), "verify-release", str(staged)],
                        clean_env(base / "home-0")) for _ in range(RUNS)]
        emit("dist.verify_s", median(verify), "s", 3, runs=[round(x, 2) for x in verify],
             files=sum(1 for _ in staged.rglob("*") if _.is_file()))
        shutil.rmtree(staged, ignore_errors=True)


if __name__ == "__main__":
    main()
