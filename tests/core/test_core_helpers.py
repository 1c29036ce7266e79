"""Time formats, default SIDCs, vocabulary labels, Qt-free translation and no Qt in core."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from fieldclient.core import i18n, sidc, timefmt, vocab
from fieldclient.core.errors import InvalidInput
from sync.protocol import SIDC_RE
from sync.protocol.vocab import AGENCY_KIND, ECHELON, UNIT_KIND

ROOT = Path(__file__).resolve().parents[2]


def test_dtg_english_spanish_and_zone_letters() -> None:
    """DTG shows day-hour-minute, zone letter and language-specific month."""
    t = datetime(2026, 11, 29, 17, 30, tzinfo=UTC)
    assert timefmt.format_dtg(t) == "291730Z NOV 26"
    assert timefmt.format_dtg(datetime(2027, 1, 5, 12, 0, tzinfo=UTC), "es") == "051200Z ENE 27"
    assert timefmt.format_dtg(datetime(2026, 8, 1, 0, 5, tzinfo=UTC), "es") == "010005Z AGO 26"
    cdmx = timezone(timedelta(hours=-6))
    assert timefmt.format_dtg(t, tz=cdmx) == "291130S NOV 26"
    india = timezone(timedelta(hours=5, minutes=30))
    assert timefmt.format_dtg(t, tz=india) == "291730Z NOV 26"  # no letter: falls back to Z


def test_dtg_parse_round_trip_and_errors() -> None:
    """A DTG written in either language reads back as the same UTC time."""
    t = datetime(2026, 12, 24, 23, 45, tzinfo=UTC)
    for lang in ("en", "es"):
        assert timefmt.parse_dtg(timefmt.format_dtg(t, lang)) == t
    assert timefmt.parse_dtg("291130S NOV 26") == datetime(2026, 11, 29, 17, 30, tzinfo=UTC)
    with pytest.raises(InvalidInput):
        timefmt.parse_dtg("311200Z NOV 26")  # 31 November
    with pytest.raises(InvalidInput):
        timefmt.parse_dtg("291730Z XYZ 26")


def test_iso_parsing_offsets_and_local() -> None:
    """ISO times with Z or an offset become UTC; naive times are read in the given zone."""
    assert timefmt.parse_iso("2026-11-29T17:30Z") == datetime(2026, 11, 29, 17, 30, tzinfo=UTC)
    cdmx = timezone(timedelta(hours=-6))
    assert timefmt.parse_iso("2026-11-29T11:30", assume=cdmx) == datetime(
        2026, 11, 29, 17, 30, tzinfo=UTC)
    with pytest.raises(InvalidInput) as err:
        timefmt.parse_iso("yesterday", field="observed_at")
    assert err.value.field == "observed_at"


def test_default_sidc_shapes() -> None:
    """Default SIDCs are valid 15-character codes that tell soldiers from police."""
    assert sidc.default_sidc("military", "infantry", "battalion") == "SFGPUCI----FMX-"
    assert sidc.default_sidc("state", "police", "company") == "SFGPUULC---EMX-"
    assert sidc.default_sidc("military", "command", "brigade") == "SFGPU-----AHMX-"
    assert sidc.default_sidc("municipal", "other", None) == "SFGPUULC----MX-"
    assert sidc.default_sidc("military", "naval", "section")[2] == "S"
    for a in AGENCY_KIND.values:
        for k in UNIT_KIND.values:
            for e in ECHELON.values:
                code = sidc.default_sidc(a, k, e)
                assert len(code) == 15 and SIDC_RE.match(code)


def test_vocab_covers_every_stored_value() -> None:
    """Every value the protocol allows has a display label (and nothing extra)."""
    for group, (values, labels) in vocab.GROUPS.items():
        assert set(values) == set(labels), group
    assert vocab.label("unit_status", "out_of_service") == "Out of service"
    assert vocab.label("unit_status", "from_the_future") == "from_the_future"
    assert vocab.choices("visibility")[0] == ("shared", "Shared with all agencies")


def test_translate_error_reads_ts_without_qt(tmp_path: Path) -> None:
    """The CLI translates error templates from a .ts file and formats the params."""
    (tmp_path / "x_es_MX.ts").write_text(
        '<?xml version="1.0" encoding="utf-8"?><TS version="2.1" language="es_MX">'
        "<context><name>errors</name><message><source>Latitude must be between -90 and 90 "
        "(got {got}).</source><translation>La latitud debe estar entre -90 y 90 (se recibió "
        "{got}).</translation></message></context></TS>",
        encoding="utf-8",
    )
    catalog = i18n.load_catalog("es", tmp_path)
    assert catalog[("errors", "Latitude must be between -90 and 90 (got {got}).")].startswith("La")
    i18n._catalogs[f"es:{None}"] = catalog
    try:
        err = InvalidInput("Latitude must be between -90 and 90 (got {got}).", got="95")
        assert i18n.translate_error(err, "es") == "La latitud debe estar entre -90 y 90 (se recibió 95)."
        assert i18n.translate_error(err, "en") == "Latitude must be between -90 and 90 (got 95)."
    finally:
        i18n._catalogs.pop(f"es:{None}", None)


def test_core_and_headless_cli_never_load_qt() -> None:
    """Importing every core module and running a headless command loads no PySide6."""
    code = (
        "import sys, pkgutil, importlib, fieldclient.core as c\n"
        "for m in pkgutil.iter_modules(c.__path__): importlib.import_module('fieldclient.core.' + m.name)\n"
        "import fieldclient.store.queries, fieldclient.demo, fieldclient.store.export\n"
        "from fieldclient.cli import main\n"
        "rc = main(['--data-dir', sys.argv[1], 'unit', 'list'])\n"
        "assert rc == 0, rc\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
    )
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        proc = subprocess.run([sys.executable, "-c", code, d], cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
