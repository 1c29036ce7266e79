"""`make dist-diff`: build the bundle twice from this tree and say how many files differ, and why.

Both builds use the same SOURCE_DATE_EPOCH and the same build virtualenv but different
folders (so a build path that leaks into a file shows up). The .tar.gz and .deb are then
made from each bundle and compared byte for byte. The last line is machine-readable:
`{"files_differ": N, "files": M, "tar_identical": true, "deb_identical": true}`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import bundle as bundle_mod
from archive import write_tar_gz
from debian import build_deb


def _digest(path: Path) -> str:
    if path.is_symlink():
        return "link:" + os.readlink(path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): _digest(p)
            for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()}


def why(a: Path, b: Path, venv: Path) -> str:
    """A short reason two versions of one file differ."""
    if a.is_symlink() or b.is_symlink():
        return f"link target {os.readlink(a) if a.is_symlink() else 'file'} vs " \
               f"{os.readlink(b) if b.is_symlink() else 'file'}"
    da, db = a.read_bytes(), b.read_bytes()
    if len(da) != len(db):
        size = f"size {len(da)} vs {len(db)}"
    else:
        diff = [i for i in range(len(da)) if da[i] != db[i]]
        size = f"{len(diff)} bytes differ from offset {diff[0]}"
    if zipfile.is_zipfile(a):
        with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
            ia = {i.filename: (i.CRC, i.date_time) for i in za.infolist()}
            ib = {i.filename: (i.CRC, i.date_time) for i in zb.infolist()}
        content = sorted(n for n in ia.keys() & ib.keys() if ia[n][0] != ib[n][0])
        stamps = sorted(n for n in ia.keys() & ib.keys() if ia[n][1] != ib[n][1])
        return (f"zip: {len(content)} members differ in content {content[:5]}, "
                f"{len(stamps)} in time stamps, {len(ia.keys() ^ ib.keys())} only in one; {size}")
    if da[:4] == b"\x7fELF" and a.name == "enlace":
        return f"executable (PyInstaller archive): {_carchive_diff(a, b, venv)}; {size}"
    if da[:4] == b"\x7fELF":
        return f"ELF library; {size}"
    return size


def _carchive_diff(a: Path, b: Path, venv: Path) -> str:
    """Which entries of the executable's embedded archive (and its PYZ) differ."""
    script = r"""
import sys, hashlib
from PyInstaller.archive.readers import CArchiveReader, ZlibArchiveReader
def entries(path):
    out = {}
    arch = CArchiveReader(path)
    for name in arch.toc:
        data = arch.extract(name)
        out[name] = hashlib.sha256(data).hexdigest()
    return out
ea, eb = entries(sys.argv[1]), entries(sys.argv[2])
print([n for n in sorted(ea) if ea.get(n) != eb.get(n)][:8])
"""
    res = subprocess.run([str(venv / "bin" / "python"), "-c", script, str(a), str(b)],
                         capture_output=True, text=True)
    return ("entries differing: " + res.stdout.strip()) if res.returncode == 0 else \
        "archive not readable"


def main() -> int:
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or "1764400000"
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    venv = bundle_mod.build_venv(os.environ.get("ENLACE_BUILD_PYTHON") or sys.executable)
    with tempfile.TemporaryDirectory(prefix="enlace-dist-diff-") as tmp:
        base = Path(tmp)
        bundles = []
        for run in ("first", "second-build"):
            print(f"[dist-diff] build {run}", file=sys.stderr, flush=True)
            bundles.append(bundle_mod.run_pyinstaller(venv, base / run / "dist",
                                                      base / run / "work"))
        ta, tb = tree(bundles[0]), tree(bundles[1])
        names = sorted(ta.keys() | tb.keys())
        differ = [n for n in names if ta.get(n) != tb.get(n)]
        for n in differ:
            if n not in ta or n not in tb:
                print(f"{n}: only in the {'second' if n not in ta else 'first'} build")
            else:
                print(f"{n}: {why(bundles[0] / n, bundles[1] / n, venv)}")
        icon = bundle_mod.ROOT / "resources" / "icons" / "enlace.svg"
        arts = []
        for i, folder in enumerate(bundles):
            out = base / f"art{i}"
            out.mkdir()
            write_tar_gz(folder, out / "enlace.tar.gz", "enlace", int(epoch))
            arts.append((_digest(out / "enlace.tar.gz"),
                         _digest(build_deb(folder, icon, "0.0.0", out, int(epoch)))))
        shutil.rmtree(base, ignore_errors=True)
    summary = {"files_differ": len(differ), "files": len(names),
               "tar_identical": arts[0][0] == arts[1][0], "deb_identical": arts[0][1] == arts[1][1]}
    print(f"{len(differ)} of {len(names)} files differ between two builds "
          f"(SOURCE_DATE_EPOCH={epoch})")
    print(json.dumps(summary))
    return 0
