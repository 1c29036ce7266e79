#!/usr/bin/env python3
"""Extract translatable strings into the es-MX .ts files and compile them to .qm.

One .ts per area (each area has one owner, so translators never collide):
pyside6-lupdate merges new source strings into the existing file (translations
already made are kept), then pyside6-lrelease compiles every .ts next to
itself. The "protocol" area holds what `sync/protocol` declares for people to
read - vocabulary labels, entity and field labels, problem messages - read from
its registries (so a label is found however its module marks it) as well as
from its source. `--check` extracts into a temporary copy instead, leaves the tree
alone, and exits 1 listing every string without a Spanish translation or
whose placeholders ({name}, %1, %n) differ from the source.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: the protocol registries are imported
TS_DIR = ROOT / "resources" / "translations"
LANG = "es_MX"

AREAS: dict[str, list[str]] = {
    "ui": ["fieldclient/app.py", "fieldclient/ui"],
    # Domain messages (errors context) of the core, the store and the command line.
    "core": ["fieldclient/core", "fieldclient/store", "fieldclient/cli.py",
             "fieldclient/ops_cli.py", "fieldclient/cli_records.py", "fieldclient/zones_cli.py"],
    "map": ["fieldclient/map"],
    "sync": [
        "fieldclient/replication",
        "fieldclient/ui/sync_panel.py",
        "fieldclient/ui/sync_controller.py",
        "fieldclient/ui/conflicts_panel.py",
        "fieldclient/ui/signin_dialog.py",
    ],
    # Labels of vocabularies, entities and fields, and problem messages (contexts
    # "vocab", "entities", "fields", "problems"): one catalogue for every screen.
    "protocol": ["sync/protocol"],
    # The operation report (SITREP): its PDF, its files and its dialog.
    "report": ["fieldclient/report", "fieldclient/ui/report_dialog.py"],
    # Release verification and site profiles (packaging engineer).
    "trust": ["fieldclient/trust", "fieldclient/ui/site_profile.py"],
}
GENERATED_AREAS = {"protocol"}  # areas whose strings also come from registries

PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}|%L?\d+|%n")


def _tool(name: str) -> str:
    """The Qt tool from the running venv first (the PATH may hold another Qt)."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found; install PySide6 in the virtual environment")
    return found


def area_files(area: str) -> list[Path]:
    """Python sources of one area; a file claimed by another area is left to that area."""
    claimed: set[Path] = set()
    for other, paths in AREAS.items():
        if other == area:
            continue
        for p in paths:
            full = ROOT / p
            if full.is_file():
                claimed.add(full.resolve())
    files: list[Path] = []
    for p in AREAS[area]:
        full = ROOT / p
        if full.is_file():
            files.append(full)
        elif full.is_dir():
            files.extend(sorted(full.rglob("*.py")))
    return [f for f in files if f.resolve() not in claimed and "__pycache__" not in f.parts]


def ts_path(area: str, base: Path = TS_DIR) -> Path:
    return base / f"{area}_{LANG}.ts"


def protocol_strings() -> list[tuple[str, str]]:
    """(context, English text) of every label and message `sync.protocol` declares."""
    from sync.protocol import ENTITIES, VOCABS
    from sync.protocol.problems import TEMPLATES

    out: list[tuple[str, str]] = []
    for v in VOCABS.values():
        out += [("vocab", text) for text in v.labels.values()]
    for e in ENTITIES.values():
        out.append(("entities", e.label))
        out += [("fields", f.label) for f in e.fields.values()]
    out += [("problems", text) for text in TEMPLATES.values()]
    return list(dict.fromkeys(out))


def _stub(folder: Path) -> Path:
    """A Python file marking the registries' strings the way lupdate reads them."""
    stub = folder / "protocol_registries.py"
    lines = [f"QT_TRANSLATE_NOOP({json.dumps(c)}, {json.dumps(t, ensure_ascii=False)})"
             for c, t in protocol_strings()]
    stub.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return stub


def update(area: str, ts: Path) -> None:
    files = area_files(area)
    if not files:
        return
    ts.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if area in GENERATED_AREAS:
            files.append(_stub(Path(tmp)))
        cmd = [_tool("pyside6-lupdate"), "-silent", "-no-obsolete", "-locations", "none"]
        cmd += [str(f) for f in files] + ["-ts", str(ts)]
        subprocess.run(cmd, check=True, cwd=ROOT)
    _set_language(ts)


def _set_language(ts: Path) -> None:
    # lupdate leaves the language empty on a new file; lrelease then guesses plural rules.
    text = ts.read_text(encoding="utf-8")
    if 'language="' not in text:
        text = text.replace('<TS version="2.1">', f'<TS version="2.1" language="{LANG}">', 1)
        ts.write_text(text, encoding="utf-8")


def compile_ts(ts: Path) -> None:
    qm = ts.with_suffix(".qm")
    subprocess.run(
        [_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True, cwd=ROOT
    )


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text or ""))


def problems(ts: Path) -> list[str]:
    """Every message of `ts` without a finished translation or with differing placeholders."""
    out: list[str] = []
    root = ET.parse(ts).getroot()
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            source = msg.findtext("source") or ""
            tr = msg.find("translation")
            kind = tr.get("type") if tr is not None else "unfinished"
            if kind in ("obsolete", "vanished"):
                continue
            forms = [f.text or "" for f in tr.iter("numerusform")] if tr is not None else []
            texts = forms if forms else [(tr.text or "") if tr is not None else ""]
            where = f"{ts.name}: [{name}] {source!r}"
            if kind == "unfinished" or any(not t.strip() for t in texts):
                out.append(f"{where}: no Spanish translation")
                continue
            want = placeholders(source)
            for t in texts:
                # a plural form may spell the count out, but must not invent placeholders
                got = placeholders(t)
                if msg.get("numerus") == "yes":
                    if not set(got) <= set(want):
                        out.append(f"{where}: placeholders {got} not in source {want}")
                elif got != want:
                    out.append(f"{where}: placeholders {got} differ from source {want}")
    return out


def check() -> list[str]:
    """Extract into a temporary copy of the .ts files and list every problem."""
    found: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for area in AREAS:
            target = ts_path(area, Path(tmp))
            if ts_path(area).exists():
                shutil.copy(ts_path(area), target)
            update(area, target)
            if target.exists():
                found.extend(problems(target))
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="report missing translations only")
    args = ap.parse_args()
    if args.check:
        found = check()
        for line in found:
            print(line)
        return 1 if found else 0
    for area in AREAS:
        update(area, ts_path(area))
    for ts in sorted(TS_DIR.glob(f"*_{LANG}.ts")):
        compile_ts(ts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
