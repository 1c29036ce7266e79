"""Every user-visible string has a Spanish translation with the same placeholders."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build-translations.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_translations", SCRIPT)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    assert spec and spec.loader
    sys.modules["build_translations"] = module
    spec.loader.exec_module(module)
    return module


def test_every_source_string_has_a_spanish_translation():
    """Extracting all areas afresh finds no string without Spanish and no placeholder mismatch."""
    problems = _script().check()
    assert problems == [], "\n".join(problems[:50])


def test_lupdate_picks_up_marked_strings_from_non_qt_code(tmp_path):
    """QT_TRANSLATE_NOOP in core modules reaches the catalogue under its own context."""
    bt = _script()
    src = tmp_path / "core_like.py"
    src.write_text(
        "from fieldclient.core.i18n import QT_TRANSLATE_NOOP\n"
        'MSG = QT_TRANSLATE_NOOP("errors", "Latitude {value} is out of range.")\n'
    )
    ts = tmp_path / "out.ts"
    import subprocess

    subprocess.run([bt._tool("pyside6-lupdate"), "-silent", str(src), "-ts", str(ts)], check=True)
    text = ts.read_text()
    assert "<name>errors</name>" in text and "Latitude {value} is out of range." in text


def test_placeholder_check_catches_a_mismatch(tmp_path):
    """A translation that drops or renames a placeholder is reported."""
    bt = _script()
    ts = tmp_path / "x_es_MX.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="es_MX">'
        "<context><name>C</name>"
        "<message><source>{shown} of {total} units</source>"
        "<translation>{shown} de {todas} unidades</translation></message>"
        "<message><source>Quit</source><translation type=\"unfinished\"></translation></message>"
        "<message><source>%1 files</source><translation>archivos</translation></message>"
        "</context></TS>"
    )
    problems = bt.problems(ts)
    assert len(problems) == 3
    assert any("no Spanish translation" in p for p in problems)
