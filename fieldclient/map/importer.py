"""Installing a map package into `<data dir>/maps/` (no Qt; the CLI and the window use it).

The import is all or nothing: the file is checked first, the free space too,
then copied under a `.part` name in chunks (reporting progress, cancellable),
completed, and renamed into place. Any failure, a cancel or Ctrl+C removes the
`.part` file; a package of the same name is only replaced when asked.

Completing the copy writes into the installed copy what the map learnt from
the tiles - the real zoom range, the extent, the image format, a name from the
file name when the metadata had none - so the package describes itself truly
to every later start and to `maps list`. A tiles table without an index gets
one (every tile read would otherwise scan the whole file).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fieldclient.core.errors import UserFacingError
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.map.mbtiles import (
    EXTENSION,
    EXTENTS_KEY,
    PART_SUFFIX,
    InvalidMBTiles,
    MBTilesInfo,
    extents_json,
    is_package_file,
    layer_key,
    maps_dir,
    validate,
)

log = logging.getLogger(__name__)

CHUNK = 8 << 20  # bytes copied between two progress reports / cancel checks
SPARE = 16 << 20  # room beyond the package itself: an added index, the journal

Progress = Callable[[int, int], None]  # (bytes copied, bytes in all)


class PackageExists(UserFacingError):
    """A package with the same file name (in any case) is installed."""

    def __init__(self, existing: Path, existing_name: str, new_name: str) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP(
                "errors",
                "{file} already holds the map \"{existing}\"; importing \"{new}\" would "
                "replace it."),
            file=str(existing), existing=existing_name, new=new_name)
        self.existing = existing


class NotEnoughSpace(UserFacingError):
    def __init__(self, folder: Path, need: int, free: int) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP(
                "errors",
                "Not enough free space in {folder}: the map package needs {need} and {free} "
                "is free. Nothing was copied; free some space and import it again."),
            folder=str(folder), need=human_size(need), free=human_size(free))


class ImportFailed(UserFacingError):
    def __init__(self, source: Path, why: str) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP(
                "errors",
                "The map package {source} could not be installed ({why}). Nothing was "
                "installed and no partial copy was left."),
            source=str(source), why=why)


class ImportCancelled(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP("errors", "The import was cancelled; nothing was installed."))


def human_size(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class ImportPlan:
    source: Path
    info: MBTilesInfo  # the source package as inspected
    target: Path
    size: int
    existing: MBTilesInfo | None  # what `target` (or a name that clashes) holds now
    existing_path: Path | None

    def conflict(self) -> PackageExists | None:
        if self.existing_path is None:
            return None
        existing = self.existing.name if self.existing else self.existing_path.name
        return PackageExists(self.existing_path, existing, self.info.name)


def plan_import(source: Path | str, data_dir: Path) -> ImportPlan:
    """Check a package and say where it would go and what it would replace (writes nothing)."""
    src = Path(source)
    info = validate(src, immutable=True)  # the source may sit on read-only media
    folder = maps_dir(data_dir)
    target = folder / (src.stem + EXTENSION)
    clash: Path | None = None
    if folder.is_dir():
        for other in sorted(folder.iterdir()):
            if is_package_file(other) and layer_key(other) == layer_key(target):
                clash = other  # same name in another case, or one that normalises alike
                break
    existing = None
    if clash is not None:
        with contextlib.suppress(InvalidMBTiles):
            existing = validate(clash)
    return ImportPlan(src, info, target, src.stat().st_size, existing, clash)


def install(
    source: Path | str, data_dir: Path, *, replace: bool = False,
    progress: Progress | None = None, cancel: threading.Event | None = None,
) -> MBTilesInfo:
    """Check, copy and complete a package into `<data_dir>/maps/`; all or nothing."""
    plan = plan_import(source, data_dir)
    conflict = plan.conflict()
    if conflict is not None and not replace:
        raise conflict
    return run_import(plan, progress=progress, cancel=cancel)


def run_import(
    plan: ImportPlan, *, progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> MBTilesInfo:
    """Carry out a plan (replacing what it names, if anything)."""
    if plan.existing_path is not None and _same_file(plan.source, plan.existing_path):
        return validate(plan.existing_path)  # already installed: nothing to copy
    folder = plan.target.parent
    part = plan.target.with_name(plan.target.name + PART_SUFFIX)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        raise ImportFailed(plan.source, exc.strerror or str(exc)) from None
    need = plan.size + SPARE
    if free < need:
        raise NotEnoughSpace(folder, need, free)
    _remove(part)  # left by an import a crash interrupted
    try:
        _copy(plan.source, part, plan.size, progress, cancel)
        _complete(part, plan.info)
        validate(part)  # what is renamed into place is a package the map can use
        if cancel is not None and cancel.is_set():
            raise ImportCancelled()
        if plan.existing_path is not None and plan.existing_path != plan.target:
            plan.existing_path.unlink()  # `Topo.MBTiles` replaced by `topo.mbtiles`
        os.replace(part, plan.target)
        _fsync_dir(folder)
    except InvalidMBTiles:
        _remove(part)
        raise
    except OSError as exc:  # full disk, "File too large", a USB stick pulled out...
        _remove(part)
        raise ImportFailed(plan.source, exc.strerror or str(exc)) from None
    except sqlite3.Error as exc:
        _remove(part)
        raise ImportFailed(plan.source, str(exc)) from None
    except BaseException:  # cancelled, Ctrl+C: nothing may be left behind
        _remove(part)
        raise
    log.info("installed map package %s from %s", plan.target, plan.source)
    return validate(plan.target)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _copy(src: Path, dst: Path, size: int, progress: Progress | None,
          cancel: threading.Event | None) -> None:
    done = 0
    if progress is not None:
        progress(0, size)
    with src.open("rb") as fin, dst.open("wb") as fout:
        while True:
            if cancel is not None and cancel.is_set():
                raise ImportCancelled()
            chunk = fin.read(CHUNK)
            if not chunk:
                break
            fout.write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, max(size, done))
        fout.flush()
        os.fsync(fout.fileno())


def _complete(part: Path, info: MBTilesInfo) -> None:
    """Write what the tiles say into the copy's metadata; index an unindexed tiles table."""
    con = sqlite3.connect(str(part))
    try:
        con.execute("PRAGMA journal_mode=DELETE")  # a plain file, no -wal beside it
        kind = con.execute("SELECT type FROM sqlite_master WHERE name='tiles'").fetchone()
        if not info.indexed and kind and kind[0] == "table":
            try:
                con.execute("CREATE UNIQUE INDEX enlace_tile_index "
                            "ON tiles (zoom_level, tile_column, tile_row)")
            except sqlite3.IntegrityError:  # duplicate rows: still worth an index
                con.execute("CREATE INDEX enlace_tile_index "
                            "ON tiles (zoom_level, tile_column, tile_row)")
        con.execute("CREATE TABLE IF NOT EXISTS metadata (name TEXT, value TEXT)")
        w, s, e, n = info.coverage
        facts = {
            "name": info.name,
            "format": info.format,
            "minzoom": str(info.minzoom),
            "maxzoom": str(info.maxzoom),
            "bounds": f"{w:.6f},{s:.6f},{e:.6f},{n:.6f}",
            EXTENTS_KEY: extents_json(info.extents),
        }
        for key, value in facts.items():
            if info.metadata.get(key) != value:
                con.execute("DELETE FROM metadata WHERE name = ?", (key,))
                con.execute("INSERT INTO metadata (name, value) VALUES (?, ?)", (key, value))
        con.commit()
    finally:
        con.close()
    with part.open("rb+") as fh:
        os.fsync(fh.fileno())


def _remove(part: Path) -> None:
    for p in (part, part.with_name(part.name + "-journal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
