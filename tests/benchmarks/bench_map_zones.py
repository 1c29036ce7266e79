"""Jurisdiction zones on the map (issue 12 item 7), real offscreen QtWebEngine.

  map.zones_ready_s   2,500 municipal-size zones (300 vertices each, the polygons of
                      bench_zones.py) all in view at zoom 6: from the areas document being
                      pushed to the page (fieldclient/map/overlays.py) to the page reporting
                      the frame that shows them (map-areas.js, two animation frames after
                      the canvas layers changed) (<= 0.5). Also given: the whole reload
                      from the Python call (read, simplify, encode, push, fetch, draw;
                      total_s) and the document's size.

Median of BENCH_MAP_ZONES_RUNS (default 5) reloads on one page.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_map import close_view, wait_until  # noqa: E402  (sets up offscreen Qt first)
from bench_zones import CELL, GRID, SOUTH, WEST, _ring  # noqa: E402
from common import emit, median  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

RUNS = int(os.environ.get("BENCH_MAP_ZONES_RUNS", "5"))


def fill_zones(store) -> None:  # type: ignore[no-untyped-def]
    """GRID x GRID zones of pol-jal written through the local write path (as an import)."""
    import random

    from fieldclient.demo import load_agencies
    from fieldclient.store.writer import LocalWriter

    load_agencies(store)
    rng = random.Random(12)
    LocalWriter(store).create_records("zone", [
        {"name": f"Municipio {i}-{j}", "agency": ("pol-jal", "mun-gdl", "sedena")[(i + j) % 3],
         "level": "municipal", "geometry": [[_ring(i, j, rng)]]}
        for i in range(GRID) for j in range(GRID)])


def main() -> int:
    from fieldclient.map.areas import overlay_json
    from fieldclient.map.widget import MapView
    from fieldclient.store.db import open_store
    from fieldclient.ui.events import StoreEvents

    QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "data")
        fill_zones(store)
        size = len(overlay_json(store))
        events = StoreEvents(store)
        view = MapView(store, events)
        view.resize(1000, 700)
        centre = (SOUTH + GRID * CELL / 2, WEST + GRID * CELL / 2)
        view.restore_view_state({"lat": centre[0], "lon": centre[1], "zoom": 6})
        view.show()
        drawn: list[tuple[float, int]] = []
        view.overlays.areasShown.connect(
            lambda zones, _ops: drawn.append((time.perf_counter(), zones)))
        if not wait_until(lambda: bool(drawn) and drawn[-1][1] == GRID * GRID, 120):
            raise RuntimeError("the zones were never drawn")
        page, total = [], []
        for _ in range(RUNS):
            gc.collect()
            before = len(drawn)
            t0 = time.perf_counter()
            view.overlays.reload_areas()
            if not wait_until(lambda before=before: len(drawn) > before, 60):
                raise RuntimeError("a reload was never drawn")
            done_at, zones = drawn[-1]
            assert zones == GRID * GRID, zones
            page.append(done_at - view.overlays.pushed_at)
            total.append(done_at - t0)
        close_view(view)
        events.close()
        store.close()
    emit("map.zones_ready_s", median(page), "s", 0.5, total_s=round(median(total), 4),
         runs=RUNS, zones=GRID * GRID, document_bytes=size)
    return 0


if __name__ == "__main__":
    code = main()
    # As bench_map.py: the figure is out; skip interpreter teardown, where Python may
    # collect the shared off-the-record profile before Chromium has released the last
    # page (it crashed there with SIGSEGV, failing `make bench` after the figure).
    sys.stdout.flush()
    os._exit(code)
