"""The oversight view reads the callsigns of the units its reports name, not all of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldclient.store import accountable
from fieldclient.store.db import open_store
from fieldclient.store.writer import LocalWriter


@pytest.mark.parametrize("chunk", [2, 1])  # in chunks of ids; past 20 chunks, the whole table
def test_callsigns_of_the_named_units(tmp_path: Path, monkeypatch, chunk: int) -> None:  # type: ignore[no-untyped-def]
    """Proves the lookup answers every named unit (none for a missing id or None), by
    chunks of ids and by one pass over the table alike."""
    monkeypatch.setattr(accountable, "_CHUNK", chunk)
    store = open_store(tmp_path / "data")
    try:
        w = LocalWriter(store)
        ids = [w.create_unit({"callsign": f"U-{n}", "agency": "sedena", "kind": "infantry"})
               for n in range(25)]
        with store.session() as s:
            got = accountable._callsigns(s, [*ids[:23], None, "no-such-unit"])
        # (the pass over the table answers the other units too: harmless)
        assert {u: got.get(u) for u in ids[:23]} == {u: f"U-{n}" for n, u in enumerate(ids[:23])}
        assert "no-such-unit" not in got and None not in got
    finally:
        store.close()
