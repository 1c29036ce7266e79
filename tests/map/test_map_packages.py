"""Packages made by GDAL, rio mbtiles and mb-util, imported through the command line (issue 17).

No Qt: these drive `fieldclient maps import|list` (fieldclient.cli.main, and a real
process where a resource limit is needed) and read the installed files back.
"""

from __future__ import annotations

import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from fieldclient import cli
from fieldclient.map import cli_maps
from fieldclient.map.mbtiles import InvalidMBTiles, validate
from tests.map.packages import copy_as, rio_mbtiles

BIN = Path(sys.executable).parent


def run(data: Path, *args: str, lang: str = "en") -> int:
    return cli.main(["--data-dir", str(data), "--lang", lang, "maps", *args])


def metadata(path: Path) -> dict[str, str]:
    con = sqlite3.connect(path)
    try:
        return dict(con.execute("SELECT name, value FROM metadata"))
    finally:
        con.close()


def maps_files(data: Path) -> list[str]:
    folder = data / "maps"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_gdal_package_without_overviews_keeps_its_one_level(gis_packages, tmp_path, capsys) -> None:
    """A GDAL package with no overviews installs as zoom 14 only, with its extent stored."""
    assert run(tmp_path, "import", str(gis_packages["gdal"])) == 0
    installed = tmp_path / "maps" / "gdl-gdal.mbtiles"
    meta = metadata(installed)
    assert (meta["minzoom"], meta["maxzoom"]) == ("14", "14")
    assert list(json.loads(meta["enlace_extents"])) == ["14"]
    assert run(tmp_path, "list") == 0
    assert "gdl-gdal.mbtiles\tGDL GDAL\tpng\tz14-14" in capsys.readouterr().out


def test_rio_package_zoom_range_is_read_from_its_tiles_and_stored(
        gis_packages, tmp_path, capsys) -> None:
    """rio mbtiles writes no minzoom/maxzoom: the import reads 10-14 from the tiles table,
    says so, and writes it into the installed copy (the map no longer assumes 19)."""
    assert "minzoom" not in metadata(gis_packages["rio_jpeg"])
    assert run(tmp_path, "import", str(gis_packages["rio_jpeg"])) == 0
    out = capsys.readouterr().out
    assert "tiles cover zoom 10 to 14" in out and "(jpg, zoom 10-14)" in out
    meta = metadata(tmp_path / "maps" / "gdl-rio.mbtiles")
    assert (meta["minzoom"], meta["maxzoom"]) == ("10", "14")
    assert sorted(json.loads(meta["enlace_extents"]), key=int) == ["10", "11", "12", "13", "14"]
    run(tmp_path, "list")
    assert "\tjpg\tz10-14" in capsys.readouterr().out


def test_mbutil_package_without_metadata_is_named_after_its_file(
        gis_packages, tmp_path, capsys) -> None:
    """mb-util packs a tile folder without metadata.json into a package with no name and no
    format: it installs under its file name, with the format read from the tiles' bytes."""
    assert metadata(gis_packages["mbutil"]) == {}
    assert run(tmp_path, "import", str(gis_packages["mbutil"])) == 0
    out = capsys.readouterr().out
    assert 'listed as "guadalajara-tiles", its file name' in out
    info = validate(tmp_path / "maps" / "guadalajara-tiles.mbtiles")
    assert (info.name, info.format, info.minzoom, info.maxzoom) == (
        "guadalajara-tiles", "png", 14, 14)
    assert metadata(info.path)["format"] == "png"


def test_vector_tiles_labelled_png_are_refused(gis_packages, tmp_path, capsys) -> None:
    """A package of vector tiles whose metadata says png is refused by the tiles' bytes,
    with what to ask for instead; nothing is installed."""
    assert metadata(gis_packages["vector"])["format"] == "png"
    assert run(tmp_path, "import", str(gis_packages["vector"])) == 2
    err = capsys.readouterr().err
    assert "vector tiles" in err and "raster package (PNG, JPEG or WebP tiles)" in err
    assert maps_files(tmp_path) == []


@pytest.mark.parametrize(
    "make, says",
    [
        (lambda p: p.write_bytes(b"<html>not a map</html>" * 40), "export the map again as MBTiles"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE features (a)").connection.commit(),
         "gdal_translate -of MBTiles"),
    ],
)
def test_refusals_say_how_to_fix_them(tmp_path, capsys, make, says: str) -> None:
    """A file that is not a package is refused (exit 2) with what to do about it."""
    bad = tmp_path / "bad.mbtiles"
    make(bad)
    assert run(tmp_path / "data", "import", str(bad)) == 2
    assert says in capsys.readouterr().err
    assert maps_files(tmp_path / "data") == []


def test_same_file_name_is_refused_unless_replace(gis_packages, tmp_path, capsys) -> None:
    """Importing a different package under an installed file name is refused (exit 2), naming
    both maps and how to go on; --replace replaces it."""
    data = tmp_path / "data"
    first = copy_as(gis_packages["gdal"], tmp_path / "a" / "jalisco.mbtiles")
    second = copy_as(gis_packages["rio_jpeg"], tmp_path / "b" / "jalisco.mbtiles")
    assert run(data, "import", str(first)) == 0
    capsys.readouterr()
    assert run(data, "import", str(second)) == 2
    err = capsys.readouterr().err
    assert '"GDL GDAL"' in err and '"guadalajara.tif"' in err and "--replace" in err
    assert metadata(data / "maps" / "jalisco.mbtiles")["name"] == "GDL GDAL"
    assert run(data, "import", "--replace", str(second)) == 0
    assert metadata(data / "maps" / "jalisco.mbtiles")["name"] == "guadalajara.tif"
    assert maps_files(data) == ["jalisco.mbtiles"]


def test_upper_case_extension_is_a_package(gis_packages, tmp_path, capsys) -> None:
    """A hand-copied Topo.MBTiles is listed, and importing topo.mbtiles meets it as the same name."""
    data = tmp_path / "data"
    copy_as(gis_packages["gdal"], data / "maps" / "Topo.MBTiles")
    assert run(data, "list") == 0
    assert "Topo.MBTiles\tGDL GDAL\tpng\tz14-14" in capsys.readouterr().out
    other = copy_as(gis_packages["rio_jpeg"], tmp_path / "topo.mbtiles")
    assert run(data, "import", str(other)) == 2
    assert "Topo.MBTiles" in capsys.readouterr().err
    assert run(data, "import", "--replace", str(other)) == 0
    assert maps_files(data) == ["topo.mbtiles"]


def test_file_too_large_failure_leaves_no_part_file(gis_packages, tmp_path) -> None:
    """A copy that fails half way ("File too large" under a file-size limit) exits 6 with the
    reason and leaves nothing in maps/: no .part file."""
    data = tmp_path / "data"
    limit = gis_packages["rio_jpeg"].stat().st_size // 2

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    r = subprocess.run([str(BIN / "fieldclient"), "--data-dir", str(data), "--lang", "en", "maps",
                        "import", str(gis_packages["rio_jpeg"])], capture_output=True, text=True,
                       preexec_fn=small_files, timeout=120)
    assert r.returncode == 6, r.stderr
    assert "File too large" in r.stderr and "no partial copy was left" in r.stderr
    assert maps_files(data) == []


def test_free_space_is_checked_before_copying(gis_packages, tmp_path, monkeypatch) -> None:
    """With less free space than the package needs, nothing is copied and the error says how
    much is needed and free."""
    from fieldclient.map import importer
    from fieldclient.map.importer import NotEnoughSpace, human_size, install

    real = shutil.disk_usage
    monkeypatch.setattr(importer.shutil, "disk_usage",
                        lambda p: real(p)._replace(free=1_000_000))
    with pytest.raises(NotEnoughSpace) as err:
        install(gis_packages["rio_jpeg"], tmp_path)
    need = human_size(gis_packages["rio_jpeg"].stat().st_size + importer.SPARE)
    assert f"needs {need} and 976.6 KB is free" in str(err.value)
    assert maps_files(tmp_path) == []


def test_import_reports_progress_and_can_be_cancelled(gis_packages, tmp_path, monkeypatch,
                                                      capsys) -> None:
    """The copy reports its progress (CLI: on stderr); a cancel, or Ctrl+C in the CLI, stops it
    and leaves nothing behind (exit 130)."""
    from fieldclient.map import importer
    from fieldclient.map.importer import ImportCancelled, install

    monkeypatch.setattr(importer, "CHUNK", 32 * 1024)
    size = gis_packages["rio_jpeg"].stat().st_size
    seen: list[tuple[int, int]] = []
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done >= 64 * 1024:
            cancel.set()

    with pytest.raises(ImportCancelled):
        install(gis_packages["rio_jpeg"], tmp_path, progress=progress, cancel=cancel)
    assert seen[0] == (0, size) and seen[-1][0] < size
    assert maps_files(tmp_path) == []

    assert run(tmp_path, "import", str(gis_packages["rio_jpeg"])) == 0
    assert "Copying gdl-rio.mbtiles: 100% (328.0 KB of 328.0 KB)" in capsys.readouterr().err

    def interrupted(self, done: int, total: int) -> None:
        if done > 64 * 1024:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli_maps._Progress, "__call__", interrupted)
    again = copy_as(gis_packages["gdal"], tmp_path / "src" / "other.mbtiles")
    assert run(tmp_path, "import", str(again)) == 130
    assert "cancelled; nothing was installed" in capsys.readouterr().err
    assert maps_files(tmp_path) == ["gdl-rio.mbtiles"]


def test_list_reports_an_unfinished_import(gis_packages, tmp_path, capsys) -> None:
    """A .part file a crash left behind is named by `maps list` (exit 1), not silently kept;
    the next import of that name replaces it."""
    copy_as(gis_packages["gdal"], tmp_path / "maps" / "gdl-gdal.mbtiles.part")
    assert run(tmp_path, "list") == 1
    assert "gdl-gdal.mbtiles.part\tunfinished import" in capsys.readouterr().out
    assert run(tmp_path, "import", str(gis_packages["gdal"])) == 0
    assert maps_files(tmp_path) == ["gdl-gdal.mbtiles"]


def test_cli_speaks_spanish(gis_packages, tmp_path, capsys) -> None:
    """With --lang es the import's messages, notes and refusals are in Spanish."""
    assert run(tmp_path, "import", str(gis_packages["rio_jpeg"]), lang="es") == 0
    out = capsys.readouterr()
    assert "Paquete de mapa" in out.out and "Copiando" in out.err
    assert run(tmp_path, "import", str(gis_packages["vector"]), lang="es") == 2
    assert "teselas vectoriales" in capsys.readouterr().err


def test_packages_made_without_overviews_or_metadata_validate(gis_packages) -> None:
    """validate() reads range, extent and format from the tiles for every tool's output."""
    got = {k: validate(p) for k, p in gis_packages.items() if k != "vector"}
    assert {k: (i.format, i.minzoom, i.maxzoom) for k, i in got.items()} == {
        "gdal": ("png", 14, 14), "rio_jpeg": ("jpg", 10, 14), "rio_webp": ("webp", 12, 14),
        "mbutil": ("png", 14, 14)}
    for info in got.values():  # the tiles' area holds the GeoTIFF's area
        w, s, e, n = info.bounds
        assert w <= -103.5 and s <= 20.55 and e >= -103.2 and n >= 20.8
    with pytest.raises(InvalidMBTiles, match="vector tiles"):
        validate(gis_packages["vector"])


def test_rio_mbtiles_runs(tmp_path, gis_packages) -> None:
    """rio mbtiles 1.6 runs here on its own too (mb-util 0.3.0 runs in the session's builds)."""
    out = rio_mbtiles(gis_packages["gdal"].parent.parent / "guadalajara.tif",
                      tmp_path / "z13.mbtiles", "PNG", "13..13")
    assert validate(out).minzoom == 13
