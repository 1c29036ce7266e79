"""Roster and start-up budgets at 100,000 units x 5 positions (issue 2).

The parent builds the store once with `bulk.load_bulk` (tests/benchmarks), then starts the
client several times as a fresh process (cold Python start, warm OS cache).
Each child shows the main window, waits for the roster, and measures text
filters and sorts as a user would trigger them: the model call plus the
event-loop pass that repaints the table. Medians over all runs are emitted.

The map (QtWebEngine) is left out with ENLACE_NO_MAP=1: its cost belongs to the
map benchmarks and is not part of the roster budgets ("no map" for RSS).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import ROOT, emit, median  # noqa: E402

N_UNITS = int(os.environ.get("BENCH_ROSTER_UNITS", "100000"))
RUNS = int(os.environ.get("BENCH_ROSTER_RUNS", "3"))
NEEDLES = ["bulk 0421", "sedena", "99", "zzz-none", "bulk 07"]
# How Spanish users type (issue 15): accents, agency names and kind/status labels.
NEEDLES_ES = ["policía", "halcón", "Guardia Nacional", "marina", "en operación"]


def precompile() -> None:
    """Byte-compile the app before timing its start: an installed client carries its
    bytecode (the bundle and the .deb ship it), while a checkout run with
    PYTHONDONTWRITEBYTECODE set (as CI shells often are) would compile every module
    from source in every child, a cost no user pays."""
    import compileall

    for package in ("fieldclient", "sync"):
        compileall.compile_dir(str(ROOT / package), quiet=2)


def _child(data_dir: str, with_map: bool = False, plain: bool = False) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not with_map:
        os.environ["ENLACE_NO_MAP"] = "1"
    os.environ["ENLACE_NO_SYNC"] = "1"
    from PySide6.QtCore import QEventLoop, Qt

    from fieldclient.app import open_main_window
    from fieldclient.store.db import open_store
    from fieldclient.ui.application import create_application
    from fieldclient.ui.i18n import Translations
    from fieldclient.ui.roster_model import (
        COL_AGE,
        COL_AGENCY,
        COL_CALLSIGN,
        COL_POSITION,
        COL_STATUS,
        COL_STRENGTH,
    )

    app = create_application()
    translations = Translations()
    translations.install("en")
    if plain:  # bench_atrest's baseline: the same window on a store in the clear
        from bulk import plain_store

        store = plain_store(data_dir)
    else:
        store = open_store(data_dir)
    # From before the window is built: the roster may finish loading while the window is
    # shown (its first processEvents), which a clock started after it would not see.
    shown, cpu = time.time(), time.process_time()
    window = open_main_window(store, translations)  # the same path as run_gui
    window.show()
    app.processEvents()
    # Block in an event loop as the app does; a processEvents() spin here would fight
    # the loader thread for the GIL and measure the benchmark instead of the roster.
    loop = QEventLoop()
    window.rosterReady.connect(loop.quit)
    if not window.roster_ready:
        loop.exec()
    ready_s = time.time() - shown
    # every thread's CPU over the same span: steadier than the wall clock on a busy machine
    ready_cpu_s = time.process_time() - cpu
    app.processEvents()
    model = window.model
    assert model.rowCount() == N_UNITS, model.rowCount()

    def timed(fn) -> float:  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        fn()
        app.processEvents()  # the view's relayout and repaint are part of what a user waits for
        return (time.perf_counter() - t) * 1000

    filter_ms = []
    for needle in NEEDLES:
        filter_ms.append(timed(lambda n=needle: model.set_filter(n)))
        filter_ms.append(timed(lambda: model.set_filter("")))
    translations.install("es")  # relabels the search keys' agency/kind/status part
    filter_es_ms = []
    for needle in NEEDLES_ES:
        filter_es_ms.append(timed(lambda n=needle: model.set_filter(n)))
        filter_es_ms.append(timed(lambda: model.set_filter("")))
    translations.install("en")
    sort_ms = []
    for col in (COL_CALLSIGN, COL_STATUS, COL_AGE, COL_STRENGTH, COL_AGENCY, COL_POSITION):
        for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
            sort_ms.append(timed(lambda c=col, o=order: window.roster.table.sortByColumn(c, o)))
    rss_kb = 0
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
    print(json.dumps({"shown": shown, "ready_s": ready_s, "ready_cpu_s": ready_cpu_s, "filter_ms": filter_ms,
                      "filter_es_ms": filter_es_ms, "sort_ms": sort_ms,
                      "rss_mb": rss_kb / 1024}), flush=True)
    window.close()
    store.close()


def _chromium_ok() -> bool:
    # Chromium aborts as root unless its sandbox was turned off by the caller.
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    return not (hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in flags)


def _run_with_map(data: Path) -> dict | None:
    """One informational run with the map (QtWebEngine) in the window."""
    launched = time.time()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(data), "--with-map"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    if proc.returncode != 0:
        print(f"# run with the map failed: {proc.stderr[-500:]}", file=sys.stderr)
        return None
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["start_s"] = result["shown"] - launched
    return result


def main() -> int:
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        _child(sys.argv[2], with_map="--with-map" in sys.argv[3:], plain="--plain" in sys.argv[3:])
        return 0
    from bulk import load_bulk

    from fieldclient.store.db import open_store

    precompile()
    with tempfile.TemporaryDirectory(prefix="enlace-bench-") as tmp:
        data = Path(tmp) / "data"
        store = open_store(data)
        t = time.perf_counter()
        load_bulk(store, N_UNITS, 5)
        build_s = time.perf_counter() - t
        store.close()
        runs = []
        for _ in range(RUNS):
            launched = time.time()
            proc = subprocess.run(
                [sys.executable, __file__, "--child", str(data)],
                capture_output=True, text=True, cwd=ROOT, timeout=600,
            )
            if proc.returncode != 0:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 1
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            result["start_s"] = result["shown"] - launched
            runs.append(result)
        with_map = _run_with_map(data) if _chromium_ok() else None
    extra = {"units": N_UNITS, "runs": RUNS, "map": "excluded (ENLACE_NO_MAP=1)"}
    emit("roster.ready_100k_s", median([r["ready_s"] for r in runs]), "s", 1.0,
         cpu_s=round(median([r["ready_cpu_s"] for r in runs]), 3), **extra)
    emit("roster.filter_100k_ms", median([m for r in runs for m in r["filter_ms"]]), "ms", 100,
         worst=round(max(m for r in runs for m in r["filter_ms"]), 1), **extra)
    emit("roster.filter_es_100k_ms", median([m for r in runs for m in r["filter_es_ms"]]), "ms",
         100, worst=round(max(m for r in runs for m in r["filter_es_ms"]), 1),
         needles=NEEDLES_ES, **extra)
    emit("roster.sort_100k_ms", median([m for r in runs for m in r["sort_ms"]]), "ms", 300,
         worst=round(max(m for r in runs for m in r["sort_ms"]), 1), **extra)
    map_info = ({"with_map_start_s": round(with_map["start_s"], 3),
                 "with_map_ready_s": round(with_map["ready_s"], 3)} if with_map else {})
    emit("client.start_100k_s", median([r["start_s"] for r in runs]), "s", 3.0,
         build_s=round(build_s, 1), **map_info, **extra)
    emit("roster.rss_100k_mb", median([r["rss_mb"] for r in runs]), "MB", 400, **extra)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
