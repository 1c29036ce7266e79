"""Qt's ICU data cut down for the bundle (packaging/icudata.py): the filter keeps what Qt
reaches in the client's two languages, the cut library holds those items, and Qt Core running
on it collates, names time zones and changes case as it does on the original one."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest

ROOT = Path(__file__).resolve().parents[2]
ORIGINAL = Path(PySide6.__file__).parent / "Qt" / "lib" / "libicudata.so.73"
needs_icu = pytest.mark.skipif(not ORIGINAL.is_file(), reason="PySide6 without its own ICU 73")
needs_tools = pytest.mark.skipif(
    not all(shutil.which(t, path=os.environ.get("PATH", "") + ":/usr/sbin")
            for t in ("ld", "nm", "icupkg", "genccode")),
    reason="binutils (ld, nm) or icu-devtools (icupkg, genccode) not installed")


def _icudata():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("enlace_packaging_icudata",
                                                  ROOT / "packaging" / "icudata.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_filter_keeps_spanish_english_and_shared_data() -> None:
    """Proves root, every es*/en* locale and the shared items stay in every tree, and other
    languages' locales, break dictionaries, transliterations and charset tables go."""
    keep = _icudata().keep_item
    kept = ["root.res", "es.res", "es_MX.res", "es_419.res", "en_US_POSIX.res", "coll/es.res",
            "coll/root.res", "coll/ucadata.icu", "zone/es_MX.res", "zone/en_001.res",
            "zone/pool.res", "zone/res_index.res", "res_index.res", "pool.res",
            "supplementalData.res", "zoneinfo64.res", "metaZones.res", "timezoneTypes.res",
            "likelySubtags.res", "cnvalias.icu", "nfkc.nrm", "brkitr/root.res",
            "brkitr/word.brk", "curr/supplementalData.res", "unames.icu"]
    dropped = ["fr.res", "zh_Hant_TW.res", "sr_Latn_BA.res", "coll/de__PHONEBOOK.res",
               "coll/de_.res", "ja_JP_TRADITIONAL.res", "no_NO_NY.res", "zone/fil.res",
               "translit/root.res", "translit/es.res", "brkitr/cjdict.dict",
               "ibm-1252_P100-2000.cnv", "gb18030.cnv"]
    assert [n for n in kept if not keep(n)] == []
    assert [n for n in dropped if keep(n)] == []


QT_CHECK = """
from PySide6.QtCore import QCollator, QLocale, QTimeZone
words = ["zorro", "Ñandú", "nube", "árbol", "Avión", "ñu", "chile", "Éxito", "elote"]
for loc in ("es_MX", "en_US"):
    print(loc, sorted(words, key=QCollator(QLocale(loc)).sortKey))
    tz = QTimeZone(b"America/Mexico_City")
    for kind in (QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName):
        print(tz.displayName(QTimeZone.TimeType.StandardTime, kind, QLocale(loc)))
print(QLocale("es_MX").toUpper("ñandú"), QLocale("tr_TR").toUpper("istanbul"))
print("fr", QTimeZone(b"America/Mexico_City").displayName(
    QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("fr_FR")))
"""


@needs_icu
@needs_tools
def test_qt_behaves_the_same_on_the_cut_library(tmp_path: Path) -> None:
    """Proves the cut library is a smaller ICU data library with the same soname and symbol
    (and no executable stack), holding the Spanish and English locales of every tree and no French, made the same twice,
    and Qt Core loaded with it sorts Spanish words, names the Mexico City time zone in
    es-MX and en-US and upper-cases (Turkish dotted I included) exactly as with PySide6's;
    only a language the client does not run in (French) falls back to root's names."""
    icu = _icudata()
    cut, before, after = icu.build(ORIGINAL, tmp_path / "work")
    assert after < before and cut.stat().st_size < ORIGINAL.stat().st_size / 4
    assert icu.build(ORIGINAL, tmp_path / "again")[0].read_bytes() == cut.read_bytes()
    elf = subprocess.run(["readelf", "-dlW", str(cut)], capture_output=True, text=True).stdout
    assert "[libicudata.so.73]" in elf
    assert [line.split()[-2] for line in elf.splitlines() if "GNU_STACK" in line] == ["RW"]
    (tmp_path / "cut.dat").write_bytes(icu.library_data(cut))
    names = icu.items(tmp_path / "cut.dat")
    assert len(names) == after
    for name in ("es.res", "es_MX.res", "coll/es.res", "zone/es_MX.res", "curr/es_MX.res",
                 "en_US.res", "zone/en.res", "root.res", "coll/root.res", "zoneinfo64.res"):
        assert name in names
    assert not [n for n in names if n.startswith(("fr", "zone/fr", "translit/"))]

    def qt(preload: Path | None) -> str:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        if preload is not None:
            env["LD_PRELOAD"] = str(preload)
        res = subprocess.run([sys.executable, "-c", QT_CHECK], env=env, capture_output=True,
                             text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        return res.stdout

    original, on_cut = qt(None).splitlines(), qt(cut).splitlines()
    assert "hora estándar central" in original and "Central Standard Time" in original
    assert "İSTANBUL" in original[-2]
    assert on_cut[:-1] == original[:-1]
    assert "heure" in original[-1] and on_cut[-1] == "fr Central Standard Time"
