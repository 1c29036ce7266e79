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

The result is the same package format ICU reads (header, table of contents sorted by name,
items at 16-byte boundaries padded as ICU's tools pad them: rewriting every item gives back
the original bytes), assembled into a library with the same soname and symbol by binutils'
`as` and `ld` (binutils is already a build requirement: the spec runs `strip`). Both steps
are deterministic, so the bundle stays reproducible (`make dist-diff`).
"""

from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

SYMBOL = "icudt73_dat"
SONAME = "libicudata.so.73"
KEEP_LANGUAGES = ("en", "es")
_MAGIC = (0xDA, 0x27)
_PAD = b"\xaa"  # what ICU's own tools pad with
# A locale ID as ICU names its items: a language, then subtags that start with a capital or a
# digit (script, region, variant: es_MX, sr_Latn_BA, en_US_POSIX) or are empty (de__PHONEBOOK).
# `res_index`, `pool`, `supplementalData` and the other shared items do not match.
_LOCALE = re.compile(r"^([a-z]{2,3})(_[A-Z0-9][A-Za-z0-9]*|_)*$")


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The header and the (name, bytes) items of an ICU common data package."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != _MAGIC or blob[12:16] != b"CmnD" or blob[8] != 0:
        raise ValueError("not a little-endian ICU common data package")
    count = struct.unpack_from("<I", blob, header_size)[0]
    toc = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    base = header_size
    items = []
    for i, (name_at, data_at) in enumerate(toc):
        name = blob[base + name_at:blob.index(b"\0", base + name_at)].decode("ascii")
        end = toc[i + 1][1] if i + 1 < count else len(blob) - base
        items.append((name, blob[base + data_at:base + end]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """An ICU common data package of these items (in the order given: sorted by name)."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    toc_size = 4 + 8 * len(items)
    data_start = _pad16(toc_size + len(names))
    toc = [struct.pack("<I", len(items))]
    name_at, data_at, body = toc_size, data_start, []
    for name, data in items:
        toc.append(struct.pack("<II", name_at, data_at))
        name_at += len(name) + 1
        padded = data + _PAD * (_pad16(len(data)) - len(data))
        body.append(padded)
        data_at += len(padded)
    head = b"".join(toc) + names
    return header + head + _PAD * (data_start - len(head)) + b"".join(body)


def keep_item(name: str) -> bool:
    """Whether the client can reach this item (see the module docstring)."""
    path = name.split("/", 1)[1]  # without the package name (icudt73l/)
    tree, _, leaf = path.rpartition("/")
    if tree == "translit" or leaf.endswith((".dict", ".cnv")):
        return False
    stem, dot, ext = leaf.partition(".")
    match = _LOCALE.match(stem) if ext == "res" else None
    return match is None or match.group(1) in KEEP_LANGUAGES


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
    header, items = read_package(library_data(source))
    kept = [(name, data) for name, data in items if keep_item(name)]
    work.mkdir(parents=True, exist_ok=True)
    dat = work / "icudt73l.dat"
    dat.write_bytes(write_package(header, kept))
    asm = work / "icudata.s"
    asm.write_text(
        "\t.section .rodata\n\t.balign 16\n"
        f"\t.globl {SYMBOL}\n\t.type {SYMBOL}, @object\n"
        f"\t.size {SYMBOL}, {dat.stat().st_size}\n"
        f'{SYMBOL}:\n\t.incbin "{dat.name}"\n'
        '\t.section .note.GNU-stack,"",@progbits\n', encoding="ascii")
    subprocess.run(["as", "-o", "icudata.o", "icudata.s"], cwd=work, check=True)
    out = work / SONAME
    subprocess.run(["ld", "-shared", "-soname", SONAME, "-o", SONAME, "icudata.o"],
                   cwd=work, check=True)
    return out, len(items), len(kept)


def _pad16(n: int) -> int:
    return (n + 15) // 16 * 16
