"""`fieldclient detention ...` and `fieldclient force ...` end to end (issue 13 item 5):
records written, corrected and handed over from the command line through the same
checks and write path as the forms, bad input refused with its reason in es-MX or
English and nothing written, lists showing initials and the custody clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.test_cli import run


def _at(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%MZ")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    r = run(tmp_path, "unit", "add", "HALCON-3", "--agency", "sedena", "--kind", "infantry")
    assert r.returncode == 0, r.stderr
    return tmp_path


def _rows(data: Path, model_name: str) -> int:
    from fieldclient.store import models
    from fieldclient.store.db import open_store

    st = open_store(data)
    try:
        with st.session() as s:
            model = getattr(models, model_name)
            return int(s.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        st.close()


def test_detention_force_handover_and_amendment(data: Path) -> None:
    """Proves a detention with force is handed over only after its report (exit 2 with the
    reason first), a correction needs a reason and keeps the original, and the list shows
    initials, the amended field and the custody clock red for a late hand-over."""
    r = run(data, "detention", "add", "HALCON-3", "--legal-ground", "flagrancy", "--motive",
            "Portación de arma", "--name", "Juan Pérez García", "--age", "34", "--sex", "male",
            "--force", "--at", _at(4), "--latlon=20.62,-103.41", "--address", "Av. Vallarta 10")
    assert r.returncode == 0, r.stderr
    did = r.stdout.strip()
    r = run(data, "detention", "handover", did[:10], "--to", "federal_prosecutor")
    assert r.returncode == 2 and "use-of-force report" in r.stderr
    r = run(data, "force", "add", "HALCON-3", "--level", "3", "--circumstances", "Resistencia",
            "--necessity", "Asegurarlo", "--affected", "1", "--injured", "1",
            "--medical-aid", "--detention", did, "--at", _at(4))
    assert r.returncode == 0, r.stderr
    assert run(data, "detention", "handover", did[:10], "--to", "federal_prosecutor").returncode == 0
    r = run(data, "detention", "amend", did[:10], "--age", "35")
    assert r.returncode == 2 and "--reason" in r.stderr  # argparse: the reason is required
    r = run(data, "detention", "amend", did[:10], "--age", "35", "--reason", "Credencial INE")
    assert r.returncode == 0, r.stderr
    (rec,) = [json.loads(x) for x in run(data, "detention", "list", "--json").stdout.splitlines()]
    assert (rec["person"], rec["amended"], rec["custody"], rec["force_reports"]) == (
        "J. P. G.", ["age"], "alert", 1)
    assert rec["authority"] == "federal_prosecutor"
    (force,) = [json.loads(x) for x in run(data, "force", "list", "--json").stdout.splitlines()]
    assert (force["level"], force["detention_id"]) == ("reduction", did)
    assert _rows(data, "Detention") == 3  # the record, its hand-over, its amendment


@pytest.mark.parametrize(("args", "english", "spanish"), [
    (("--age", "121"), "between 0 and 120", "entre 0 y 120"),
    (("--at", "2099-01-01T00:00Z"), "in the future", "en el futuro"),
    (("--legal-ground", "flagrancy", "--name", ""), "name or", "media filiación"),
])
def test_bad_detentions_exit_2_in_the_users_language(data: Path, args: tuple[str, ...],  # type: ignore[no-untyped-def]
                                                    english: str, spanish: str) -> None:
    """Proves an age of 121, a detention in the future and one with neither name nor
    description are refused (exit 2) with the reason in English and in Spanish, and
    that nothing is written."""
    base = ["detention", "add", "HALCON-3", "--legal-ground", "flagrancy", "--motive", "Robo",
            "--name", "Ana Ruiz"]
    for lang, text in (("en", english), ("es", spanish)):
        r = run(data, "--lang", lang, *base, *args)
        assert r.returncode == 2 and text in r.stderr, r.stderr
    r = run(data, "force", "add", "HALCON-3", "--level", "6", "--circumstances", "c",
            "--necessity", "n")
    assert r.returncode == 2 and "not one of the allowed values" in r.stderr
    r = run(data, "force", "add", "HALCON-3", "--level", "2", "--circumstances", "c",
            "--necessity", "n", "--injured=-1")
    assert r.returncode == 2 and "between 0 and 10000" in r.stderr
    assert _rows(data, "Detention") == 0 and _rows(data, "UseOfForce") == 0
