"""A byte-for-byte reproducible .tar.gz of a folder: sorted entries, one fixed time
(SOURCE_DATE_EPOCH), owner root, no user names, and no name or time in the gzip header."""

from __future__ import annotations

import gzip
import os
import tarfile
from pathlib import Path


def _entries(folder: Path) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        out += [Path(dirpath) / n for n in sorted(dirnames + filenames)]
    return sorted(out, key=lambda p: p.relative_to(folder).as_posix())


def write_tar_gz(folder: Path, target: Path, top: str, mtime: int, level: int = 6) -> Path:
    """Pack `folder` as `top/...` into `target`."""
    def norm(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = mtime
        if info.isdir():
            info.mode = 0o755
        elif info.isfile():
            info.mode = 0o755 if info.mode & 0o111 else 0o644
        return info

    tmp = target.with_name(target.name + ".tmp")
    with open(tmp, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=mtime,
                          compresslevel=level) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.add(folder, arcname=top, recursive=False, filter=norm)
        for path in _entries(folder):
            tar.add(path, arcname=f"{top}/{path.relative_to(folder).as_posix()}",
                    recursive=False, filter=norm)
    tmp.replace(target)
    return target
