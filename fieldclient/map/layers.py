"""The map packages the map offers, following `<data dir>/maps/` while the app runs.

A package copied in by hand, imported from the window or the command line, or
deleted, shows up in (or leaves) the layer switcher within a second, without a
restart. The folder and each package file are watched; a burst of events (a
2 GB file being copied in) costs one rescan once it has been quiet for
RESCAN_MS. Scans read SQLite files, so they run as `ui.tasks` tasks, never on
the UI thread; an unchanged file is not read again (mbtiles.InspectCache).
"""

from __future__ import annotations

import logging
import zlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from fieldclient.map.mbtiles import (
    InspectCache,
    InvalidMBTiles,
    MBTilesInfo,
    ScanResult,
    TileSource,
    maps_dir,
    scan,
)
from fieldclient.map.scheme import TileRegistry
from fieldclient.ui.tasks import run_task

log = logging.getLogger(__name__)

RESCAN_MS = 400


def _rev(path: Path) -> str:
    """Changes whenever the file does (so the page never reuses tiles of a replaced file)."""
    try:
        st = path.stat()
    except OSError:
        return "0"
    return format(zlib.crc32(f"{st.st_size}:{st.st_mtime_ns}".encode()), "x")


class LayerCatalogue(QObject):
    """Installed packages (registered with the tile server) and the files refused."""

    changed = Signal()  # `layers` / `problems` were updated

    def __init__(self, data_dir: Path, registry: TileRegistry, parent: QObject | None = None
                 ) -> None:
        super().__init__(parent)
        self._data_dir = Path(data_dir)
        self._folder = maps_dir(self._data_dir)
        self._registry = registry
        self._cache = InspectCache()
        self.owned: dict[str, MBTilesInfo] = {}  # packages this catalogue registered, by key
        self._generation = 0
        self.layers: list[dict[str, Any]] = []
        self.problems: list[InvalidMBTiles] = []
        self.scanned = False  # the first scan has been applied
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RESCAN_MS)
        self._timer.timeout.connect(self.rescan)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._soon)
        self._watcher.fileChanged.connect(self._soon)
        try:
            self._folder.mkdir(parents=True, exist_ok=True)  # so there is a folder to watch
        except OSError as exc:
            log.warning("map packages folder %s cannot be created: %s", self._folder, exc)
        self._watch([])

    def _soon(self, *_args: object) -> None:
        self._timer.start()

    def _watch(self, files: list[Path]) -> None:
        folder = str(self._folder if self._folder.is_dir() else self._data_dir)
        if self._watcher.directories() != [folder]:
            if self._watcher.directories():
                self._watcher.removePaths(self._watcher.directories())
            self._watcher.addPath(folder)
        # Files anew each time: a package replaced by a rename is a new file to watch.
        if self._watcher.files():
            self._watcher.removePaths(self._watcher.files())
        if files:
            self._watcher.addPaths([str(p) for p in files])

    def rescan(self) -> None:
        """Read `maps/` again (off the UI thread); `changed` follows."""
        self._timer.stop()
        self._generation += 1
        gen = self._generation
        data_dir, cache = self._data_dir, self._cache

        def work() -> tuple[ScanResult, dict[str, str]]:
            found = scan(data_dir, cache)
            return found, {str(i.path): _rev(i.path) for i in found.good}

        def done(result: Any, error: BaseException | None) -> None:
            if gen != self._generation:
                return  # a newer scan is under way
            if error is not None:
                log.error("scanning map packages failed", exc_info=error)
                result = (ScanResult([], [], []), {})
            self._apply(*result)

        run_task(work, done)

    def _apply(self, found: ScanResult, revs: dict[str, str]) -> None:
        current = {info.key: info for info in found.good}
        for key, info in current.items():
            if self.owned.get(key) is not info:  # new or changed: a fresh reader
                self._registry.set(key, TileSource(info))
        self._registry.drop([k for k in self.owned if k not in current])
        self.owned.clear()
        self.owned.update(current)  # in place: the view's clean-up holds this dict
        self.layers = [{**info.layer(), "rev": revs.get(str(info.path), "0")}
                       for info in found.good]
        self.problems = list(found.bad)
        self.scanned = True
        self._watch([i.path for i in found.good] + [Path(b.path) for b in found.bad])
        self.changed.emit()
