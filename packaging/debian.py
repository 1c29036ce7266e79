"""The .deb of a signed bundle, built with dpkg-deb (no debhelper, no maintainer scripts).

    /opt/enlace/                                  the signed bundle as released
    /usr/bin/enlace -> /opt/enlace/enlace         on the PATH
    /usr/share/applications/enlace.desktop        the menu entry
    /usr/share/icons/hicolor/scalable/apps/enlace.svg
    /usr/share/doc/enlace/copyright               where the licences are

Depends lists the Debian packages that hold the libraries the bundle loads from the system
(found with ldd and dpkg-query), so `apt install ./enlace_*.deb` pulls what is missing.
Nothing is written outside these paths at install time, so removal leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

DESKTOP = """[Desktop Entry]
Type=Application
Version=1.4
Name=Enlace
GenericName=Field operations
GenericName[es]=Operaciones de campo
Comment=Shared map, unit roster and incident log for joint field operations
Comment[es]=Mapa compartido, lista de unidades y bitácora de incidentes para operaciones conjuntas
Exec=/usr/bin/enlace
Icon=enlace
Terminal=false
Categories=Office;
Keywords=map;roster;incident;mapa;incidente;
StartupWMClass=Enlace
"""

COPYRIGHT = """Enlace field client
The licences of every component shipped in /opt/enlace are in /opt/enlace/licenses
(index: /opt/enlace/licenses/README.txt). Verify the installed files with
  enlace verify-release /opt/enlace
"""


def _system_libraries(bundle: Path) -> set[str]:
    """Paths of the system libraries the bundle's binaries load."""
    inside = {p.name for p in bundle.rglob("*.so*")}
    found: set[str] = set()
    elves = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()
             and (".so" in p.name or p.name == "enlace" or p.name == "QtWebEngineProcess")]
    for elf in elves:
        out = subprocess.run(["ldd", str(elf)], capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if "=>" in parts and len(parts) >= 3 and parts[2].startswith("/"):
                if parts[0] not in inside:
                    found.add(os.path.realpath(parts[2]))
            elif parts and parts[0].startswith("/") and "ld-linux" in parts[0]:
                found.add(os.path.realpath(parts[0]))
    return found


def depends(bundle: Path) -> list[str]:
    libs = sorted(_system_libraries(bundle))
    packages: set[str] = set()
    for lib in libs:
        # dpkg knows /lib/... or /usr/lib/... depending on the merged-/usr layout.
        for candidate in (lib, lib.replace("/usr/lib/", "/lib/", 1)):
            res = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True)
            if res.returncode == 0:
                packages.add(res.stdout.split(":")[0].strip())
                break
    return sorted(packages)


def _installed_kib(root: Path) -> int:
    total = sum(p.lstat().st_size for p in root.rglob("*") if not p.is_dir())
    return (total + 1023) // 1024


def build_deb(bundle: Path, icon: Path, version: str, out_dir: Path, mtime: int) -> Path:
    """Build `enlace_<version>_amd64.deb` in `out_dir` from the signed bundle folder."""
    stage = out_dir / f".deb-{version}"
    shutil.rmtree(stage, ignore_errors=True)
    opt = stage / "opt" / "enlace"
    opt.parent.mkdir(parents=True)
    _link_copy(bundle, opt)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / "enlace").symlink_to("/opt/enlace/enlace")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / "enlace.desktop").write_text(DESKTOP, encoding="utf-8")
    icons = stage / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    icons.mkdir(parents=True)
    shutil.copyfile(icon, icons / "enlace.svg")
    doc = stage / "usr" / "share" / "doc" / "enlace"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(COPYRIGHT, encoding="utf-8")
    control = stage / "DEBIAN"
    control.mkdir()
    (control / "control").write_text(
        "Package: enlace\n"
        f"Version: {version}\n"
        "Architecture: amd64\n"
        "Maintainer: Enlace release managers <releases@enlace.invalid>\n"
        f"Installed-Size: {_installed_kib(stage)}\n"
        f"Depends: {', '.join(depends(bundle))}\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Description: Enlace field client for joint police-military operations\n"
        " Shared map, unit roster and incident log that keeps working offline.\n"
        " The signed bundle is installed in /opt/enlace; check it at any time with\n"
        " `enlace verify-release /opt/enlace`.\n",
        encoding="utf-8",
    )
    for path in [stage, *stage.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or path.stat().st_mode & 0o111 else 0o644)
        os.utime(path, (mtime, mtime), follow_symlinks=False)
    target = out_dir / f"enlace_{version}_amd64.deb"
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(mtime))
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zzstd", "--build", str(stage),
                    str(target)], check=True, env=env, stdout=subprocess.DEVNULL)
    shutil.rmtree(stage, ignore_errors=True)
    return target


def _link_copy(src: Path, dest: Path) -> None:
    """Copy a tree, hard-linking files when the file system allows (the bundle is large)."""
    def copy(s: str, d: str) -> None:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    shutil.copytree(src, dest, symlinks=True, copy_function=copy)
