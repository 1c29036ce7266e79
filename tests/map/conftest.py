"""Fixtures for the map tests: a store with units, a live MapView, and page helpers."""

from __future__ import annotations

import gzip
import sqlite3
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Imported at collection time, before pytest-qt creates the QApplication: this
# declares the enlace:// scheme, which Qt only accepts before the application exists.
from fieldclient.map.widget import MapView
from fieldclient.store.db import Store, open_store
from fieldclient.store.writer import LocalWriter
from fieldclient.ui.events import StoreEvents

READY_TIMEOUT_MS = 30_000


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "data")
    yield s
    s.close()


@pytest.fixture
def writer(store: Store) -> LocalWriter:
    return LocalWriter(store, actor="tester")


@pytest.fixture
def events(store: Store) -> Iterator[StoreEvents]:
    ev = StoreEvents(store)
    yield ev
    ev.close()


def add_units(writer: LocalWriter, n: int, lat0: float = 19.0, lon0: float = -103.0) -> list[str]:
    ids = []
    kinds = ["infantry", "armor", "police", "aviation", "medical"]
    for i in range(n):
        uid = writer.create_unit(
            {"callsign": f"UNIT-{i}", "agency": "sedena", "kind": kinds[i % 5], "echelon": "platoon"}
        )
        writer.log_position(uid, lat0 + (i % 10) * 0.4, lon0 + (i // 10) * 0.4)
        ids.append(uid)
    return ids


@pytest.fixture
def units(writer: LocalWriter) -> list[str]:
    return add_units(writer, 12)


@pytest.fixture
def make_view(qtbot, store: Store, events: StoreEvents) -> Callable[..., MapView]:
    def make(**kwargs: Any) -> MapView:
        view = MapView(store, events, **kwargs)
        qtbot.addWidget(view)
        view.resize(800, 600)
        view.show()
        with qtbot.waitSignal(view.ready, timeout=READY_TIMEOUT_MS):
            pass
        return view

    return make


@pytest.fixture
def js(qtbot) -> Callable[[MapView, str], Any]:
    """Run a JS expression in the map page and return its (JSON-able) value."""

    def run(view: MapView, code: str) -> Any:
        with qtbot.waitCallback(timeout=10_000) as result:
            view.page().runJavaScript(code, 0, result)
        return result.args[0]

    return run


@pytest.fixture
def applied(qtbot) -> Callable[[MapView], Any]:
    """`with applied(view): <store writes>` returns once the page has acked the delta that
    carries those writes (the page acks a delta once it is drawn; writes made in one
    block, without the event loop running in between, travel in one delta)."""

    def wait(view: MapView) -> Any:
        return qtbot.waitSignal(view.frameApplied, timeout=10_000)

    return wait


def png_1x1(rgb: tuple[int, int, int]) -> bytes:
    """A valid 1x1 RGB PNG (standard library only)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    raw = b"\x00" + bytes(rgb)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def make_mbtiles(path: Path, name: str = "Test map", fmt: str = "png", zooms: int = 2) -> dict:
    """An MBTiles file whose tile (z, x, tms_row) is a PNG coloured (z*40, x*40, row*40);
    with fmt="pbf", gzip-compressed vector tiles instead."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    con.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
    meta = {"name": name, "format": fmt, "minzoom": "0", "maxzoom": str(zooms - 1)}
    con.executemany("INSERT INTO metadata VALUES (?, ?)", list(meta.items()))
    tiles = {}
    for z in range(zooms):
        for x in range(1 << z):
            for row in range(1 << z):
                data = png_1x1((z * 40, x * 40, row * 40))
                if fmt == "pbf":
                    data = gzip.compress(b"\x1a\x05layer" + data)
                tiles[(z, x, row)] = data
                con.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, row, data))
    con.commit()
    con.close()
    return tiles


@pytest.fixture(scope="session")
def gis_packages(tmp_path_factory) -> dict[str, Path]:
    """Packages made by GDAL, rio mbtiles and mb-util (tests/map/packages.py); read-only."""
    from tests.map.packages import build_all

    return build_all(tmp_path_factory.mktemp("gis"))


@pytest.fixture
def unit_factory(writer: LocalWriter) -> Callable[..., list[str]]:
    return lambda n, **kw: add_units(writer, n, **kw)


@pytest.fixture
def mbtiles_factory() -> Callable[..., dict]:
    return make_mbtiles
