"""Jurisdiction zones (issue 12 item 6) with 2,500 municipal-size polygons.

  zones.import_2500_s     reading a 2,500-polygon GeoJSON file (300 points each, ~20 MB)
                          with every area checked by shapely, and storing the zones in
                          a fresh store with their outbox rows: what `fieldclient zone
                          import` does after Python starts (<= 10)
  zones.tag_position_ms   whose territory one point is in (the STRtree query of
                          `store.zones.ZoneIndex.at`), averaged over 20,000 random points
                          in and around the zones, with all 2,500 loaded (<= 1)

Each figure is the median of BENCH_ZONES_RUNS (default 3) runs. The polygons tile a
50 x 50 grid of 0.2-degree cells over western Mexico (about a Jalisco municipality
each), every one a wobbly ring inside its cell, so none overlaps another.
"""

from __future__ import annotations

import json
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import emit, median  # noqa: E402

RUNS = int(os.environ.get("BENCH_ZONES_RUNS", "3"))
GRID, CELL, POINTS = 50, 0.2, 300
WEST, SOUTH = -110.0, 17.0


def _ring(i: int, j: int, rng: random.Random) -> list[list[float]]:
    cx, cy = WEST + (i + 0.5) * CELL, SOUTH + (j + 0.5) * CELL
    ring = []
    for k in range(POINTS):
        a = 2 * math.pi * k / POINTS
        r = CELL * (0.35 + 0.1 * rng.random())
        ring.append([round(cx + r * math.cos(a), 6), round(cy + r * math.sin(a), 6)])
    ring.append(ring[0])
    return ring


def _geojson(path: Path) -> None:
    rng = random.Random(12)
    features = [{"type": "Feature", "properties": {"NOMGEO": f"Municipio {i}-{j}"},
                 "geometry": {"type": "Polygon", "coordinates": [_ring(i, j, rng)]}}
                for i in range(GRID) for j in range(GRID)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def main() -> None:
    from fieldclient.core.zonefiles import read_zone_file
    from fieldclient.demo import load_agencies
    from fieldclient.store import zones
    from fieldclient.store.db import open_store
    from fieldclient.store.writer import LocalWriter

    imports: list[float] = []
    tags: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "municipios.geojson"
        _geojson(source)
        for run in range(RUNS):
            store = open_store(Path(tmp) / f"data{run}")
            load_agencies(store)
            t = time.perf_counter()
            read = read_zone_file(source)
            LocalWriter(store).create_records("zone", [
                {"name": z.name, "agency": "pol-jal", "level": "municipal",
                 "geometry": z.geometry} for z in read.zones])
            imports.append(time.perf_counter() - t)
            assert len(read.zones) == GRID * GRID
            index = zones.tagger(store).index()
            assert len(index) == GRID * GRID
            rng = random.Random(run)
            points = [(WEST + rng.random() * GRID * CELL, SOUTH + rng.random() * GRID * CELL)
                      for _ in range(20_000)]
            found = 0
            t = time.perf_counter()
            for lon, lat in points:
                found += len(index.at(lon, lat))
            tags.append((time.perf_counter() - t) * 1000 / len(points))
            assert found > len(points) // 3  # most points fall in a zone
            store.close()
    emit("zones.import_2500_s", median(imports), "s", 10, runs=RUNS)
    emit("zones.tag_position_ms", median(tags), "ms", 1, runs=RUNS)


if __name__ == "__main__":
    main()
