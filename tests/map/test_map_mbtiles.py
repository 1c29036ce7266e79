"""MBTiles validation, discovery, TMS row flip and the `maps` command (no Qt)."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

import pytest

from fieldclient.map import cli_maps
from fieldclient.map.importer import install
from fieldclient.map.mbtiles import InvalidMBTiles, TileSource, scan, validate


def test_valid_package_is_described(tmp_path: Path, mbtiles_factory) -> None:
    """A well-formed raster package validates with its name, format and zoom range."""
    mbtiles_factory(tmp_path / "a.mbtiles", name="Sierra Madre", zooms=3)
    info = validate(tmp_path / "a.mbtiles")
    assert (info.name, info.format, info.minzoom, info.maxzoom) == ("Sierra Madre", "png", 0, 2)
    assert info.key == "mbt-a"


def test_tile_rows_are_flipped_from_xyz_to_tms(tmp_path: Path, mbtiles_factory) -> None:
    """XYZ y=0 (north) reads TMS row 2^z-1, and out-of-range tiles are None."""
    tiles = mbtiles_factory(tmp_path / "a.mbtiles", zooms=3)
    src = TileSource(validate(tmp_path / "a.mbtiles"))
    assert src.tile(2, 1, 0) == tiles[(2, 1, 3)]
    assert src.tile(2, 3, 3) == tiles[(2, 3, 0)]
    assert src.tile(2, 4, 0) is None and src.tile(9, 0, 0) is None
    src.close()


@pytest.mark.parametrize(
    "make, why",
    [
        (lambda p: p.write_bytes(b"not a database at all" * 50), "not an SQLite"),
        (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000), "damaged"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE x (a)").connection.commit(), "tiles"),
    ],
)
def test_corrupt_or_foreign_files_are_refused(tmp_path: Path, make, why: str) -> None:
    """Garbage, a damaged SQLite file and a foreign database each fail with a reason."""
    path = tmp_path / "bad.mbtiles"
    make(path)
    with pytest.raises(InvalidMBTiles) as err:
        validate(path)
    assert why in str(err.value)


def test_vector_packages_are_refused(tmp_path: Path, mbtiles_factory) -> None:
    """A vector (pbf) package is refused: only png, jpg and webp rasters are drawn."""
    mbtiles_factory(tmp_path / "v.mbtiles", fmt="pbf")
    with pytest.raises(InvalidMBTiles, match="vector tiles"):
        validate(tmp_path / "v.mbtiles")


def test_scan_keeps_good_packages_and_reports_bad_ones(tmp_path: Path, mbtiles_factory) -> None:
    """scan() returns installed packages and, separately, each refused file with its reason."""
    mbtiles_factory(tmp_path / "maps" / "good.mbtiles")
    (tmp_path / "maps" / "broken.mbtiles").write_bytes(b"\x00" * 100)
    found = scan(tmp_path)
    assert [g.path.name for g in found.good] == ["good.mbtiles"]
    assert [Path(b.path).name for b in found.bad] == ["broken.mbtiles"]


def test_install_copies_only_valid_packages(tmp_path: Path, mbtiles_factory) -> None:
    """install() copies a valid package into maps/ and leaves nothing behind for a bad one."""
    mbtiles_factory(tmp_path / "src" / "ok.mbtiles")
    info = install(tmp_path / "src" / "ok.mbtiles", tmp_path / "data")
    assert info.path == tmp_path / "data" / "maps" / "ok.mbtiles"
    (tmp_path / "src" / "no.mbtiles").write_text("hello")
    with pytest.raises(InvalidMBTiles):
        install(tmp_path / "src" / "no.mbtiles", tmp_path / "data")
    assert sorted(p.name for p in (tmp_path / "data" / "maps").iterdir()) == ["ok.mbtiles"]


def _cli(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", dest="data_dir")
    cli_maps.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(list(argv))


def test_cli_import_and_list(tmp_path: Path, mbtiles_factory, capsys) -> None:
    """`maps import` installs a package (exit 0), refuses a bad one (exit 2); `maps list` shows it."""
    mbtiles_factory(tmp_path / "sierra.mbtiles", name="Sierra")
    data = str(tmp_path / "d")
    args = _cli("--data-dir", data, "maps", "import", str(tmp_path / "sierra.mbtiles"))
    assert args.func(args) == 0
    (tmp_path / "junk.mbtiles").write_text("junk")
    args = _cli("--data-dir", data, "maps", "import", str(tmp_path / "junk.mbtiles"))
    assert args.func(args) == 2
    assert "not an SQLite database" in capsys.readouterr().err
    args = _cli("--data-dir", data, "maps", "list")
    assert args.func(args) == 0
    assert "sierra.mbtiles\tSierra\tpng" in capsys.readouterr().out


def test_cli_uses_default_data_dir(tmp_path: Path, monkeypatch, capsys) -> None:
    """With no --data-dir, `maps list` looks in the default data folder (ENLACE_DATA_DIR)."""
    monkeypatch.setenv("ENLACE_DATA_DIR", str(tmp_path / "env"))
    args = _cli("maps", "list")
    assert args.func(args) == 0
    assert str(tmp_path / "env" / "maps") in capsys.readouterr().out
