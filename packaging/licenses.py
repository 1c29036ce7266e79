"""The licences of everything a bundle ships, written into its `licenses/` folder.

Called from enlace.spec inside the build virtualenv, once PyInstaller knows what it packed:
every Python distribution whose modules or libraries are in the bundle, CPython itself,
the web assets of the map and the basemap's sources. `licenses/README.txt` indexes them.
"""

from __future__ import annotations

import importlib.metadata as md
import re
import shutil
import sys
import sysconfig
from pathlib import Path
from typing import Any

_LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)


def _bundled_tops(analysis: Any) -> set[str]:
    tops = {entry[0].split(".")[0] for entry in analysis.pure}
    for entry in list(analysis.binaries) + list(analysis.datas):
        tops.add(entry[0].replace("\\", "/").split("/")[0])
    return tops


def _licence_expression(dist: md.Distribution) -> str:
    meta = dist.metadata
    expr = meta.get("License-Expression")
    if expr:
        return str(expr)
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]
    if classifiers:
        return "; ".join(classifiers)
    text = (meta.get("License") or "").strip().splitlines()
    return text[0][:80] if text else "see files"


def write_licences(out: Path, analysis: Any, root: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    (out / "python").mkdir(parents=True)
    tops = _bundled_tops(analysis)
    owners = md.packages_distributions()
    names = sorted({d for top in tops for d in owners.get(top, [])} - {"enlace"}, key=str.lower)
    index = ["Licences of the components shipped in this Enlace bundle.", ""]
    for name in names:
        dist = md.distribution(name)
        folder = out / "python" / f"{dist.metadata['Name']}-{dist.version}"
        copied = 0
        for f in dist.files or []:
            text = str(f)
            if ".dist-info/" in text and (_LICENCE_FILE.search(f.name) or "/licenses/" in text):
                src = Path(str(dist.locate_file(f)))
                if src.is_file():
                    dest = folder / text.split(".dist-info/", 1)[1]
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, dest)
                    copied += 1
        if not copied:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "METADATA-LICENSE.txt").write_text(
                f"{dist.metadata['Name']} {dist.version}: {_licence_expression(dist)}\n",
                encoding="utf-8")
        index.append(f"python/{folder.name}: {_licence_expression(dist)}")
    py_licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    if py_licence.is_file():
        (out / "python" / f"CPython-{sys.version.split()[0]}").mkdir()
        shutil.copyfile(py_licence, out / "python" / f"CPython-{sys.version.split()[0]}" /
                        "LICENSE.txt")
        index.append(f"python/CPython-{sys.version.split()[0]}: PSF-2.0")
    vendor = root / "resources" / "web" / "vendor"
    for lic in sorted(vendor.glob("*/*")):
        if lic.is_file() and _LICENCE_FILE.search(lic.name):
            dest = out / "web" / lic.parent.name / lic.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(lic, dest)
            index.append(f"web/{lic.parent.name}: {lic.name}")
    basemap = root / "resources" / "basemap" / "README.md"
    if basemap.is_file():
        (out / "basemap").mkdir()
        shutil.copyfile(basemap, out / "basemap" / "README.md")
        index.append("basemap: Natural Earth (public domain), see basemap/README.md")
        states = basemap.parent / "mx-states.LICENSE"
        if states.is_file():  # linkware: the licence and a visible credit must ship with it
            shutil.copyfile(states, out / "basemap" / "mx-states.LICENSE")
            index.append("basemap/mx-states: amCharts geodata (linkware, credited on the "
                         "map), see basemap/mx-states.LICENSE")
    places = root / "resources" / "gazetteer" / "README.md"
    if places.is_file():  # CC BY 4.0 asks for the credit and the changes made
        (out / "gazetteer").mkdir()
        shutil.copyfile(places, out / "gazetteer" / "README.md")
        index.append("gazetteer: GeoNames (CC BY 4.0), see gazetteer/README.md")
    (out / "README.txt").write_text("\n".join(index) + "\n", encoding="utf-8")
