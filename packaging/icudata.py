"""Qt's ICU data cut down to what the client can reach (used by enlace.spec).

PySide6 ships ICU 73 for Qt Core as libicudata.so.73: one 31 MB symbol (`icudt73_dat`) holding
an ICU "common data" package of about 3,900 items. Qt Core is the only library in the bundle
that calls ICU, and it calls it for four things only (the ICU functions libQt6Core imports):
collation (QCollator: ucol_*), time-zone names (QTimeZone: ucal_*), text codecs named at run
time (QStringDecoder/QStringEncoder by name: ucnv_*) and locale-aware upper and lower case
(u_strTo*). Chromium does not use this library: QtWebEngine has its own ICU and data
(resources/icudtl.dat), which stays as it is.

What is left out, in the categories of ICU's own data filters:
- the locales of other languages: the client runs in Spanish (es-MX) or English, and
  fieldclient/ui/i18n.py makes es_MX or en_US Qt's default locale, the one QCollator and
  QTimeZone use. Every item of `root` and of every `en*`/`es*` locale stays, in every tree; a
  locale that is not there falls back to root, as ICU does for any locale it lacks;
- word-break dictionaries (`brkitr/*.dict`, Chinese, Japanese, Thai, Lao, Khmer, Burmese) and
  transliteration (`translit/`): Qt calls neither break iterators nor transliterators;
- legacy charset tables (`*.cnv`): Qt decodes UTF-8/16/32 and Latin-1 itself, and ICU has
  US-ASCII, UTF-7 and the other algorithmic converters built in; a table is opened only when
  a program asks QStringDecoder for a legacy charset by name, which the client never does
  (its files are read by Python: json, lxml, pyshp). The alias table stays, so such a name
  is still recognised and reported as unavailable rather than unknown.
Everything else (collation rules and root collation, normalisation, time-zone rules and
names, calendars, likely subtags, supplemental data) stays whole: 4 MB instead of 31.

ICU's own tools do the cut: `icupkg` lists the package's items and writes it again without
the dropped ones (checking that no kept item needs a dropped one, the dictionaries aside), and
`genccode` turns it into an object file defining the same symbol, which binutils' `ld` links
into a library with the same soname. The tools come from Debian's icu-devtools (ICU 72: the
package format is the same for 73) and binutils, both installed by scripts/setup-system.sh.
Every step is deterministic, so the bundle stays reproducible (`make dist-diff`).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

ENTRY = "icudt73"  # ICU's data entry point: the symbol is its name + "_dat"
SYMBOL = f"{ENTRY}_dat"
SONAME = "libicudata.so.73"
KEEP_LANGUAGES = ("en", "es")
# A locale ID as ICU names its items: a language, then subtags that start with a capital or a
# digit (script, region, variant: es_MX, sr_Latn_BA, en_US_POSIX) or are empty (de__PHONEBOOK).
# `res_index`, `pool`, `supplementalData` and the other shared items do not match.
_LOCALE = re.compile(r"^([a-z]{2,3})(_[A-Z0-9][A-Za-z0-9]*|_)*$")


def keep_item(name: str) -> bool:
    """Whether the client can reach this item, named as `icupkg -l` lists it (coll/es.res);
    see the module docstring."""
    tree, _, leaf = name.rpartition("/")
    if tree == "translit" or leaf.endswith((".dict", ".cnv")):
        return False
    stem, dot, ext = leaf.partition(".")
    match = _LOCALE.match(stem) if ext == "res" else None
    return match is None or match.group(1) in KEEP_LANGUAGES


def icu_tool(name: str) -> str:
    """icupkg or genccode: icu-devtools puts them in /usr/sbin, which a user's PATH may lack."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin")
    if found is None:
        raise FileNotFoundError(f"{name} not found: install icu-devtools "
                                "(scripts/setup-system.sh)")
    return found


def items(package: Path) -> list[str]:
    """The names of a package's items, as `icupkg -l` lists them (sorted)."""
    # --auto_toc_prefix: any file name will do (the items' own prefix is icudt73l/);
    # --ignore-deps: a cut package lacks the dictionaries brkitr/root.res names (see build).
    return subprocess.run([icu_tool("icupkg"), "--auto_toc_prefix", "--ignore-deps", "-l",
                           str(package)], check=True, capture_output=True, text=True).stdout.split()


def library_data(library: Path) -> bytes:
    """The bytes of SYMBOL in the library (nm finds it, its section maps it to the file)."""
    out = subprocess.run(["nm", "-D", "--defined-only", "-S", str(library)], check=True,
                         capture_output=True, text=True).stdout
    found = [(int(f[0], 16), int(f[1], 16)) for f in (line.split() for line in out.splitlines())
             if len(f) == 4 and f[3] == SYMBOL]
    if len(found) != 1:
        raise ValueError(f"{library} does not define {SYMBOL}")
    (addr, size), elf = found[0], library.read_bytes()
    if elf[:6] != b"\x7fELF\x02\x01":
        raise ValueError(f"{library} is not a little-endian 64-bit ELF file")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    for i in range(shnum):
        sh_addr, sh_offset, sh_size = struct.unpack_from("<QQQ", elf, shoff + i * shentsize + 0x10)
        if sh_addr <= addr and addr + size <= sh_addr + sh_size:
            start = sh_offset + addr - sh_addr
            return elf[start:start + size]
    raise ValueError(f"{library}: no section holds {SYMBOL}")


def build(source: Path, work: Path) -> tuple[Path, int, int]:
    """The cut-down library (made in `work`), and the item counts before and after."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "full.dat").write_bytes(library_data(source))
    every = items(work / "full.dat")
    drop = [name for name in every if not keep_item(name)]
    (work / "drop.txt").write_text("".join(f"{name}\n" for name in drop), encoding="ascii")
    # icupkg refuses to remove an item that a kept one needs, and says which. Only the break
    # dictionaries, which brkitr/root.res names, may go that way (Qt breaks no text with ICU):
    # anything else means keep_item broke a fallback chain or an alias.
    remove = [icu_tool("icupkg"), "--auto_toc_prefix", "-r", "drop.txt", "full.dat", "cut.dat"]
    check = subprocess.run(remove, cwd=work, capture_output=True, text=True)
    missing = set(re.findall(r"depends on missing item (\S+)", check.stderr))
    if broken := sorted(name for name in missing if not name.endswith(".dict")):
        raise ValueError(f"kept ICU items need dropped ones: {broken}")
    subprocess.run([*remove, "--ignore-deps"], cwd=work, check=True)
    # -m: an ELF object for the CPU of the library it replaces (by default genccode writes one
    # for 32-bit big-endian i386); it names that CPU on stdout even with -q.
    subprocess.run([icu_tool("genccode"), "-q", "-o", "-m", str(source.resolve()), "-e", ENTRY,
                    "cut.dat"], cwd=work, check=True, stdout=subprocess.DEVNULL)
    # The object has no .note.GNU-stack: without -z noexecstack the library would ask for an
    # executable stack for every process that loads it.
    subprocess.run(["ld", "-shared", "-z", "noexecstack", "-soname", SONAME, "-o", SONAME,
                    "cut_dat.o"], cwd=work, check=True)
    return work / SONAME, len(every), len(every) - len(drop)
