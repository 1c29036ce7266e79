"""What encryption at rest costs (issue 14), plain and encrypted measured in the same run
on the same 100,000 units x 5 positions:

- store.plain_log_position_ms (reported) and store.encrypted_log_position_ms: medians of
  300 `LocalWriter.log_position` calls; budget 1.5 x the plain figure of this run.
- store.convert_100k_s: opening the plain folder, which encrypts it (sqlcipher_export,
  fsync, rename, overwrite of the plain file); budget 30 s.
- roster.plain_ready_100k_s (reported) and roster.encrypted_ready_100k_s: the window's
  roster ready (bench_roster's child, map excluded), median of BENCH_ATREST_RUNS (5)
  runs each, plain and encrypted in turn; budget 1.5 x plain.
The passphrase route at the tests' Argon2 floor cost unwraps the key (the keyring route
costs a D-Bus round trip instead); the cost of unwrapping is in convert, not in the rest.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import ROOT, emit, median  # noqa: E402

N_UNITS = int(os.environ.get("BENCH_ROSTER_UNITS", "100000"))
RUNS = int(os.environ.get("BENCH_ATREST_RUNS", "5"))
LOGS = 300


def _log_positions(store) -> list[float]:  # type: ignore[no-untyped-def]
    from fieldclient.store import queries
    from fieldclient.store.writer import LocalWriter

    with store.session() as s:
        ids = [r[queries.R_ID] for r in queries.roster_rows(s)]
    writer = LocalWriter(store)
    rng = random.Random(7)
    for _ in range(20):  # warm caches and the clock
        writer.log_position(rng.choice(ids), 20.0, -103.0, source="gps")
    samples = []
    for _ in range(LOGS):
        uid = rng.choice(ids)
        lat, lon = rng.uniform(15, 26), rng.uniform(-106, -98)
        t = time.perf_counter()
        writer.log_position(uid, lat, lon, source="gps", accuracy_m=8.0)
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def _ready_once(data: Path, plain: bool) -> tuple[float, float]:
    args = [sys.executable, str(HERE / "bench_roster.py"), "--child", str(data)]
    proc = subprocess.run(args + (["--plain"] if plain else []), capture_output=True,
                          text=True, cwd=ROOT, timeout=600)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return float(result["ready_s"]), float(result["ready_cpu_s"])


def _ready(plain_folder: Path, folder: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    """Medians (wall, CPU) of plain and encrypted runs taken in turn (the machine's load
    drifts)."""
    plain, enc = [], []
    for _ in range(RUNS):
        plain.append(_ready_once(plain_folder, plain=True))
        enc.append(_ready_once(folder, plain=False))
    return ((median([w for w, _ in plain]), median([c for _, c in plain])),
            (median([w for w, _ in enc]), median([c for _, c in enc])))


def main() -> int:
    os.environ.setdefault("ENLACE_STORE_PASSPHRASE", "bench-passphrase-long-enough")
    os.environ.setdefault("ENLACE_KDF_MEMORY_KIB", "19456")
    os.environ.setdefault("ENLACE_KDF_TIME_COST", "2")
    from bench_roster import precompile
    from bulk import load_bulk, plain_store

    from fieldclient.store.db import open_store

    precompile()
    with tempfile.TemporaryDirectory(prefix="enlace-bench-") as tmp:
        folder, copy = Path(tmp) / "data", Path(tmp) / "plain-copy"
        store = plain_store(folder)
        load_bulk(store, N_UNITS, 5)
        with store.engine.connect() as con:  # as compact as the encrypted copy will be
            con.exec_driver_sql("VACUUM")
        store.close()
        shutil.copytree(folder, copy)  # the plain baseline for the roster
        store = plain_store(folder)
        plain_ms = median(_log_positions(store))
        store.close()

        t = time.perf_counter()
        store = open_store(folder)  # encrypts the plain store
        convert_s = time.perf_counter() - t
        enc_ms = median(_log_positions(store))
        store.close()
        extra = {"units": N_UNITS, "runs": LOGS}
        emit("store.plain_log_position_ms", plain_ms, "ms", None, **extra)
        emit("store.encrypted_log_position_ms", enc_ms, "ms", round(1.5 * plain_ms, 4),
             plain_ms=round(plain_ms, 4), ratio=round(enc_ms / plain_ms, 3), **extra)
        emit("store.convert_100k_s", convert_s, "s", 30.0, units=N_UNITS)

        (plain_s, plain_cpu), (enc_s, enc_cpu) = _ready(copy, folder)
        extra = {"units": N_UNITS, "runs": RUNS, "map": "excluded (ENLACE_NO_MAP=1)"}
        emit("roster.plain_ready_100k_s", plain_s, "s", None, cpu_s=round(plain_cpu, 3),
             **extra)
        emit("roster.encrypted_ready_100k_s", enc_s, "s", round(1.5 * plain_s, 4),
             plain_s=round(plain_s, 4), ratio=round(enc_s / plain_s, 3),
             cpu_s=round(enc_cpu, 3), cpu_ratio=round(enc_cpu / plain_cpu, 3), **extra)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
